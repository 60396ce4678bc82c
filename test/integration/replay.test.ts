import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { bundleDanvanWorkflows } from '../helpers/temporal';

/**
 * Determinism across releases: every history recorded from an earlier version of the workflow code (see
 * test/fixtures/histories/record.ts) must replay against the current code. A change that would break a
 * running campaign (a new command, a reordered one) fails here until it is guarded with `patched()`.
 */
describe('replay of recorded campaign histories with the current workflow code', () => {
  const dir = path.resolve(__dirname, '..', 'fixtures', 'histories');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.binpb'))
    .sort();

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(dir, file)));
    const workflowBundle = await bundleDanvanWorkflows();
    await expect(Worker.runReplayHistory({ workflowBundle }, history, file)).resolves.toBeUndefined();
  });
});
