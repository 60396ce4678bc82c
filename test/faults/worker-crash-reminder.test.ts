import { planSchema } from '../../domain/schemas';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal as proto } from '@temporalio/proto';
import { parseEvent, type DanvanEvent } from '../../domain/events';
import { campaignIdFor } from '../../domain/plan';
import { bacNinh2025Tree } from '../../domain/samples/bac-ninh-2025';
import { TOPICS } from '../../domain/topics';
import { dataConverter } from '../../infra/codec';
import { campaignSnapshotQuery, campaignWorkflowId, deployUpdate, snapshotQuery, unitWorkflowId, type CampaignSnapshot } from '../../workflows/messages';
import { plan202 } from '../fixtures/plans';
import { at, eventually, nextCampaignYear, Reporter } from '../helpers/campaign';
import { testKafkaBrokers, timeSkippingServerPath } from '../helpers/env';
import { nameOf, readTopicToEnd } from '../helpers/kafka';
import { killGroup, spawnTs, type Spawned } from '../helpers/processes';
import { writeWorkflowBundle } from '../../worker/bundle';
import { registerSearchAttributes } from '../../stack/time-skipping-server';
import { recordFault } from './table';

/**
 * The second half of the issue's "worker killed" row: reminders fall due while the worker process is dead (SIGKILL),
 * and once a worker runs again each must go out exactly once, to every unit still owing its report and to no one
 * else. (The first half, a kill in the middle of a burst of reports, is `worker-crash.test.ts`, on the dev server in
 * real time.) Reaching a reminder takes the Java time-skipping server (1.38), and three of its traits shape the test:
 *
 * - It never moves a task off a dead worker's sticky queue (no sticky schedule-to-start timeout; ShutdownWorker is a
 *   no-op), so every workflow a killed caching worker had run would wait forever; this is also why Updates in flight
 *   at the kill never completed when this was first tried. The killed worker is `test/helpers/uncached-worker.ts`
 *   (worker/main.ts with the workflow cache off, so no sticky queue); the restarted one is `worker/main.ts` itself.
 *   Everything is deployed and reported with the worker up, and the test waits until no workflow task or activity is
 *   outstanding before the kill.
 * - It stops skipping time while a workflow task is outstanding. With no worker, the clock skips to the first
 *   reminder timer that fires and then runs at wall-clock pace, so the reminders that fall due while the worker is
 *   dead are that first one (plus any within the seconds the restart takes); the rest fall due after the restart.
 *   The row counts both; all must be sent exactly once.
 * - A timer firing while its workflow is busy with another task can leave the workflow stuck ("invalid history
 *   builder state for action"), so the campaign starts after its window opened rather than crossing the opening.
 */
const EventType = proto.api.enums.v1.EventType;
let env: TestWorkflowEnvironment;
let worker: Spawned | undefined;
const taskQueue = `worker-crash-reminder-${randomUUID()}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-worker-crash-reminder-'));
const started = Date.now();
const progress = (line: string) => process.stderr.write(`[worker-crash-reminder +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

/** The restarted worker runs the workflow code bundled ahead, as the image's workers do (DANVAN_WORKFLOW_BUNDLE). */
const bundleFile = path.join(dataDir, 'workflow-bundle.js');

function startWorker(entry: 'worker/main.ts' | 'test/helpers/uncached-worker.ts'): Spawned {
  const prebuilt: Record<string, string> = entry === 'worker/main.ts' ? { DANVAN_WORKFLOW_BUNDLE: bundleFile } : {};
  return spawnTs(
    entry,
    [],
    {
      TEMPORAL_ADDRESS: env.address,
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      TEMPORAL_TASK_QUEUE: taskQueue,
      DANVAN_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...prebuilt,
    },
    { detached: true },
  );
}

/** Settles within `ms` of wall-clock time or fails with `what`. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)))]).finally(
    () => clearTimeout(timer),
  );
}

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
    client: { dataConverter },
  });
  await registerSearchAttributes(env.connection);
  await writeWorkflowBundle(bundleFile);
}, 120_000);

afterAll(async () => {
  if (worker && worker.child.exitCode === null) {
    killGroup(worker);
    await worker.exited;
  }
  await env?.teardown();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type HistoryEvent = proto.api.history.v1.IHistoryEvent;
const millis = (e: HistoryEvent) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
const ACTIVITY_ENDS = new Set([
  EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
  EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
]);

/** Nothing outstanding in a workflow's history: its last workflow task completed and every activity it scheduled ended. */
function idle(events: HistoryEvent[]): boolean {
  const tasks = events.filter((e) =>
    [EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED].includes(
      e.eventType!,
    ),
  );
  const activities = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length;
  return (
    tasks.at(-1)?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && events.filter((e) => ACTIVITY_ENDS.has(e.eventType!)).length === activities
  );
}

it('sends a reminder that fell due while the worker was dead exactly once after the restart, to exactly the units that owe', async () => {
  worker = startWorker('test/helpers/uncached-worker.ts');
  await worker.waitFor(/worker running/, 180_000);

  const tree = bacNinh2025Tree();
  const communes = tree.filter((u) => u.kind === 'commune');
  const cells = tree.filter((u) => u.kind === 'party-cell');
  // The first chi bộ of each commune reports its study session and every commune its dialogue; the other chi bộ owe
  // theirs. Whichever commune's reminder comes first falls due with no worker, for all its chi bộ but one.
  const reportingCells = communes.map((c) => cells.find((cell) => cell.parent === c.code)!);
  const owingCodes = cells.filter((c) => !reportingCells.includes(c)).map((c) => c.code);
  const compliantCodes = tree.map((u) => u.code).filter((code) => !owingCodes.includes(code));

  const year = nextCampaignYear(new Date(await env.currentTimeMs()));
  const day = (mmdd: string) => `${year}-${mmdd}`;
  const advanceTo = async (instant: Date) => {
    const now = await env.currentTimeMs();
    if (instant.getTime() > now) await env.sleep(instant.getTime() - now);
  };
  const plan = planSchema.parse(
    plan202({
      number: `${200 + (Date.now() % 90_000)}-KH/BDVTU`,
      issuer: { unitCode: 'BN', name: 'Ban Dân vận Tỉnh ủy Bắc Ninh' },
      year,
      issuedOn: day('09-06'),
      window: { opensOn: day('10-01'), closesOn: day('10-31') },
    }),
  );
  const campaignId = campaignIdFor(plan);
  const rootId = campaignWorkflowId(campaignId);
  const communeIds = communes.map((c) => unitWorkflowId(campaignId, c.code));
  const nodeIds = [rootId, ...communeIds];
  const history = async (id: string) => (await env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  // A query the worker drops (the uncached worker discards a task that arrives while it evicts the same workflow)
  // would otherwise wait forever on this server: each one gets 10 s and is asked again.
  const snapshotOf = (id: string) =>
    env.connection
      .withDeadline(Date.now() + 10_000, () =>
        id === rootId ? env.client.workflow.getHandle(id).query(campaignSnapshotQuery) : env.client.workflow.getHandle(id).query(snapshotQuery),
      )
      .catch(() => undefined);
  const settled = async () => {
    for (const id of nodeIds) await eventually(() => history(id), idle, 60_000);
  };

  // Started and deployed on 05/10, after the window opened on 01/10, so every workflow moves to in-progress at once
  // rather than on a timer: on this server, a timer firing while its workflow is busy with another task (as at the
  // opening instant, when every commune reports to the root) can leave the workflow stuck ("invalid history builder
  // state for action").
  await advanceTo(at(day('10-05'), 9));
  const campaign = await env.client.workflow.start('campaignWorkflow', { workflowId: rootId, taskQueue, args: [{ campaignId, plan, tree }] });
  await campaign.executeUpdate(deployUpdate, { args: [{ requestedBy: 'admin-bn', reason: 'triển khai' }] });
  await advanceTo(at(day('10-05'), 12));
  await eventually(
    () => snapshotOf(rootId),
    (s) => s?.phase === 'in-progress' && s.children.length === communes.length && s.children.every((c) => c.progress.studySessions.required > 0),
    120_000,
  );

  // 10/10: the reports, one at a time and each to a different workflow than the one before, sent straight to the
  // workflow that owns the unit (no locate query).
  await advanceTo(at(day('10-10')));
  const reporter = new Reporter(env.client, campaignId);
  for (const [i, cell] of reportingCells.entries()) {
    await reporter.submit(
      { kind: 'study-session', unitCode: cell.code, report: { heldOn: day('10-09'), membersPresent: 11, membersTotal: 12 } },
      randomUUID(),
      communeIds[i],
    );
  }
  for (const [i, commune] of communes.entries()) {
    await reporter.submit(
      { kind: 'dialogue', unitCode: commune.code, report: { heldOn: day('10-09'), topic: 'Lắng nghe ý kiến Nhân dân', attendance: 90 } },
      randomUUID(),
      communeIds[i],
    );
  }
  const reports = reportingCells.length + communes.length;
  progress(`${reportingCells.length} study sessions and ${communes.length} dialogues reported; ${owingCodes.length} chi bộ owe theirs`);

  // Settled before the kill: every Update answered, the figures rolled up to the root, every outbox empty, and no
  // workflow task or activity outstanding anywhere.
  await eventually(
    () => snapshotOf(rootId),
    (s) => s?.progress.studySessions.done === reportingCells.length && s.progress.dialogues.done === communes.length,
    120_000,
  );
  for (const id of communeIds)
    await eventually(
      () => snapshotOf(id),
      (s) => s?.eventsPending === 0,
      60_000,
    );
  await settled();

  killGroup(worker);
  await worker.exited;
  const killedAt = await env.currentTimeMs();
  progress(`worker killed (SIGKILL) at server time ${new Date(killedAt).toISOString()}`);

  // Past every 7-days-before reminder of 24/10 (08:00 plus a spread under 20 minutes). The server skips to the first
  // reminder timer and no further: that workflow's task waits for a worker, so this resolves only after the restart.
  const skipped = advanceTo(at(day('10-24'), 9));
  const firedUnhandled = (events: HistoryEvent[]) => {
    const fired = events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED && millis(e) > killedAt).at(-1);
    const handled = fired && events.some((e) => Number(e.eventId) > Number(fired.eventId) && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
    return fired && !handled ? millis(fired) : undefined;
  };
  await eventually(
    async () => Promise.all(communeIds.map(history)),
    (all) => all.some((events) => firedUnhandled(events) !== undefined),
    60_000,
  );
  // Give the server's clock, now at wall-clock pace, no more time: restart at once and note what fell due meanwhile.
  const histories = await Promise.all(nodeIds.map(history));
  const dueWhileDown = nodeIds.flatMap((id, i) => {
    const firedAt = firedUnhandled(histories[i]!);
    return firedAt === undefined ? [] : [{ id, firedAt }];
  });
  const remindersBeforeRestart = (await readTopicToEnd(TOPICS.reminders, (m) => m.key === campaignId)).length;
  progress(
    `with no worker: ${dueWhileDown.map((d) => `${d.id.split(':').at(-1)} fired ${new Date(d.firedAt).toISOString()}`).join(', ')}; ${remindersBeforeRestart} reminders on Kafka`,
  );

  const restartedAt = Date.now();
  worker = startWorker('worker/main.ts');
  await worker.waitFor(/"workflowBundle":"[^"]*workflow-bundle\.js".*"msg":"worker running"/, 180_000);
  await within(120_000, 'the clock reaching 24/10 09:00 after the restart', skipped);
  progress(`restarted; the clock reached 24/10 09:00 ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart began`);

  // The rest of the morning (the next reminders are 3 days before the deadline), then settled again: a second firing
  // or a republication would be on Kafka by now.
  await advanceTo(at(day('10-24'), 12));
  await settled();
  const emitted = new Map<string, number>();
  for (const id of nodeIds)
    emitted.set(
      `urn:danvan:${id}`,
      (await eventually(
        () => snapshotOf(id),
        (s) => s?.eventsPending === 0,
      ))!.eventsEmitted,
    );
  const final = (await eventually(
    () => snapshotOf(rootId),
    (s) => s !== undefined,
  )) as CampaignSnapshot;

  const parse = (value: string | null): DanvanEvent[] => {
    const parsed = parseEvent(JSON.parse(value!));
    return parsed.ok ? [parsed.event] : [];
  };
  const records = (await readTopicToEnd(TOPICS.campaignEvents, (m) => m.key === campaignId)).flatMap((m) => parse(m.value));
  const reminders = records.filter((e) => nameOf(e) === 'reminder.sent');
  const notifications = (await readTopicToEnd(TOPICS.reminders, (m) => m.key === campaignId)).flatMap((m) => parse(m.value));
  const unitsOf = (e: DanvanEvent) => (e.data as { units: string[] }).units;
  // Per unit, counted two ways: reminder records on the topic naming it (raw, no dedupe), and distinct event ids naming it.
  const raw = (unit: string) => reminders.filter((e) => unitsOf(e).includes(unit)).length;
  const distinct = (unit: string) => new Set(reminders.filter((e) => unitsOf(e).includes(unit)).map((e) => e.id)).size;
  const remindedWhileDown = reminders.filter((e) => dueWhileDown.some((d) => e.source === `urn:danvan:${d.id}`)).flatMap(unitsOf);

  // 0 lost: each workflow's events are all on the topic, sequences 1…what it emitted; 0 duplicated: one record per id.
  const sequences = new Map<string, Set<number>>();
  for (const e of records) sequences.set(e.source, (sequences.get(e.source) ?? new Set()).add(e.sequence));
  const lost = [...emitted].reduce(
    (sum, [source, n]) => sum + Array.from({ length: n }, (_, i) => i + 1).filter((seq) => !sequences.get(source)?.has(seq)).length,
    0,
  );
  const duplicated = records.length - new Set(records.map((e) => e.id)).size;

  const expected = {
    dueWhileDown: true,
    remindersBeforeRestart: 0,
    raw: owingCodes.map(() => 1),
    distinct: owingCodes.map(() => 1),
    compliantReminded: 0,
    reminders: reminders.map(() => ({ deadlineDate: day('10-31'), kind: 'before', days: 7 })),
    notifications: reminders.map((e) => e.id).sort(),
    snapshot: { reminders: { sent: owingCodes.length, escalations: 0 }, studySessions: reportingCells.length, dialogues: communes.length },
    lost: 0,
    duplicated: 0,
  };
  const actual = {
    dueWhileDown:
      dueWhileDown.length > 0 && dueWhileDown.every((d) => d.firedAt >= at(day('10-24'), 8).getTime() && d.firedAt < at(day('10-24'), 8, 20).getTime()),
    remindersBeforeRestart,
    raw: owingCodes.map(raw),
    distinct: owingCodes.map(distinct),
    compliantReminded: compliantCodes.filter((u) => raw(u) > 0).length,
    reminders: reminders.map((e) => {
      const { deadlineDate, kind, days } = e.data as { deadlineDate: string; kind: string; days: number };
      return { deadlineDate, kind, days };
    }),
    notifications: notifications.map((e) => e.id).sort(),
    snapshot: { reminders: final.progress.reminders, studySessions: final.progress.studySessions.done, dialogues: final.progress.dialogues.done },
    lost,
    duplicated,
  };
  const counts = {
    'workflows whose reminder fell due while down': dueWhileDown.length,
    'units reminded by them': remindedWhileDown.length,
    'owing units reminded once (raw records)': `${owingCodes.filter((u) => raw(u) === 1).length}/${owingCodes.length}`,
    'owing units reminded once (distinct ids)': `${owingCodes.filter((u) => distinct(u) === 1).length}/${owingCodes.length}`,
    'compliant units reminded': actual.compliantReminded,
    'reminder records (events topic/reminders topic)': `${reminders.length}/${notifications.length}`,
    'snapshot reminders sent': final.progress.reminders.sent,
    'events lost': lost,
    'events duplicated (raw)': duplicated,
  };
  progress(JSON.stringify(counts));
  recordFault({
    fault: 'worker killed (SIGKILL) while reminders fall due',
    how: `time-skipping server: after ${reports} reports settled, the worker process (workflow cache off: this server never times out a dead worker's sticky queue) SIGKILLed; the clock moved to 24/10 09:00, past the 7-days-before reminders, with no worker; worker/main.ts restarted from a workflow bundle written ahead (DANVAN_WORKFLOW_BUNDLE, as the image's workers)`,
    mustHold:
      'each owing unit reminded exactly once (raw Kafka records and distinct ids), compliant units never; snapshot figures match; 0 events lost or duplicated',
    counts,
    held: isDeepStrictEqual(actual, expected),
  });
  expect(actual).toEqual(expected);
}, 600_000);
