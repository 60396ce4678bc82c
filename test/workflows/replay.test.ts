import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { eventName, type DanvanEvent } from '../../domain/events';
import { gzipCodec } from '../../infra/codec';
import { bundleDanvanWorkflows } from '../helpers/temporal';

const { EventType } = temporal.api.enums.v1;

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

  const historyOf = (file: string) => temporal.api.history.v1.History.decode(fs.readFileSync(path.join(dir, file)));

  /** The events the workflows handed to `publishEvents`, by name: what happened in the story, as history recorded it. */
  const publishedIn = async (history: temporal.api.history.v1.IHistory) => {
    const names: string[] = [];
    for (const event of history.events ?? []) {
      const input = event.activityTaskScheduledEventAttributes?.input?.payloads;
      if (!input) continue;
      const [batch] = (await gzipCodec.decode(input)).map((p) => defaultPayloadConverter.fromPayload<DanvanEvent[]>(p));
      for (const e of batch ?? []) {
        const name = eventName(e.type)?.name;
        names.push(name === 'campaign.phase-changed' ? `${name}:${(e.data as { trigger: string }).trigger}` : String(name));
      }
    }
    return names;
  };

  it('cover what a change to the clock or the run could break: timers, reminders, escalation, automatic moves, extension, continue-as-new', async () => {
    const types = new Set<number>();
    const published = new Set<string>();
    for (const file of files) {
      const history = historyOf(file);
      for (const event of history.events ?? []) types.add(event.eventType ?? 0);
      for (const name of await publishedIn(history)) published.add(name);
    }
    for (const type of [
      EventType.EVENT_TYPE_TIMER_FIRED,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
      EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
      EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
      EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
      EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    ])
      expect({ type: EventType[type], recorded: types.has(type) }).toEqual({ type: EventType[type], recorded: true });
    for (const name of [
      'reminder.sent',
      'deadline.escalated',
      'deadline.extended',
      'campaign.phase-changed:admin',
      'campaign.phase-changed:deadline',
      'campaign.closed',
    ])
      expect({ name, recorded: published.has(name) }).toEqual({ name, recorded: true });
  });

  let workflowBundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    workflowBundle = await bundleDanvanWorkflows();
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    await expect(Worker.runReplayHistory({ workflowBundle }, historyOf(file), file)).resolves.toBeUndefined();
  });
});
