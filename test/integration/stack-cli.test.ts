import { loadConfig } from '../../infra/config';
import { stackLayout } from '../../stack/stack';
import { TEST_ENV } from '../helpers/env';
import { spawnTs } from '../helpers/processes';

/** The stack scripts as an operator uses them, against the test profile that global setup manages. */
describe('npm run stack:status / stack:up on a running stack', () => {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('DANVAN_') && e[1] !== undefined));
  const { ports } = stackLayout(loadConfig(), 'test');
  // Pointed at servers of your own, global setup starts no local stack, and status must say so.
  const local = process.env[TEST_ENV.stackMode] === 'local';

  it('reports the servers of the test profile and whether they are ready', async () => {
    const run = spawnTs('stack/cli.ts', ['status', '--profile', 'test'], env);
    expect(await run.exited).toBe(local ? 0 : 3);
    const state = local ? 'pid \\d+\\s+ready' : 'not running\\s+not ready';
    expect(run.output()).toMatch(new RegExp(`temporal\\s+${state}\\s+127\\.0\\.0\\.1:${ports.temporal}`));
    expect(run.output()).toMatch(new RegExp(`kafka\\s+${state}\\s+127\\.0\\.0\\.1:${ports.kafka}`));
  });

  if (local) {
    it('reuses running servers instead of starting them twice', async () => {
      const run = spawnTs('stack/cli.ts', ['up', '--profile', 'test'], env);
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain('[stack] already running');
    });
  }

  it('refuses an unknown command with the list of known ones', async () => {
    const run = spawnTs('stack/cli.ts', ['restart'], env);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('unknown command "restart": use up, down or status');
  });
});
