import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { campaignIdFor } from '../../domain/plan';
import { planSchema, unitTreeSchema } from '../../domain/schemas';
import { addDays, startOfDayVietnam, vietnamDateOf } from '../../domain/schedule';
import { TOPICS } from '../../domain/topics';
import type { Unit } from '../../domain/units';
import { firstCarry } from '../../workflows/carry';
import { campaignSnapshotQuery, campaignWorkflowId, type CampaignInput } from '../../workflows/messages';
import { plan202 } from '../fixtures/plans';
import { eventually } from '../helpers/campaign';
import { recordFault } from '../faults/table';
import { EventType, activityRetries, campaignEvents, count, historyOf, millis, useCluster, type HistoryEvent, type Published } from './cluster';

/**
 * One of the two workers is SIGKILLed while a storm of deadline actions falls due; the other must take over, and each
 * reminder and escalation must go out exactly once.
 *
 * The real server cannot skip time, and danvan's deadline actions fall due at whole local hours (plus a spread under
 * 20 minutes), never at an instant a test picks. A campaign's clock, though, sends every action that fell due since
 * it was deployed the moment its workflow next runs: what it does after an outage, or at 08:00 of a national
 * deadline. So each campaign here is started as the next run of one deployed four days ago (CampaignInput.carry, the
 * state continue-as-new hands over), its reporting deadlines two days past with no report in, and every run's first
 * workflow task held back to one instant (startDelay): all their actions then fall due on the server together. The
 * killed worker is the cluster's own `worker/main.ts` with its workflow cache, so the real server has to move its
 * sticky tasks, its started tasks and its activities to the worker left.
 */
const cluster = useCluster('worker-crash-storm');
const CAMPAIGNS = 150;
const CELLS = 5;
/** Enough for every start to reach the server before the storm begins. */
const STARTS_WITHIN_MS = 30_000;
/** Each campaign: a reminder one day before and the escalation, for the chi bộ's study sessions and the commune's dialogue. */
const ACTIONS = [
  { name: 'reminder.sent', deadline: 'study-sessions' },
  { name: 'reminder.sent', deadline: 'dialogues' },
  { name: 'deadline.escalated', deadline: 'study-sessions' },
  { name: 'deadline.escalated', deadline: 'dialogues' },
] as const;

function stormCampaign(i: number, today: string): CampaignInput {
  const commune = `XA${i}`;
  const tree: Unit[] = unitTreeSchema.parse([
    { code: commune, name: `Xã Thử Nghiệm ${i}`, kind: 'commune' },
    ...Array.from({ length: CELLS }, (_, j) => ({ code: `${commune}-CB${j + 1}`, name: `Chi bộ thôn ${j + 1}`, kind: 'party-cell', parent: commune })),
  ]);
  const deadline = addDays(today, -2);
  const plan = planSchema.parse(
    plan202({
      number: `${100 + i}-KH/DUXA`,
      issuer: { unitCode: commune, name: `Đảng ủy xã Thử Nghiệm ${i}` },
      year: Number(addDays(today, -10).slice(0, 4)),
      issuedOn: addDays(today, -20),
      window: { opensOn: addDays(today, -10), closesOn: addDays(today, 20) },
      deadlines: { 'study-sessions': deadline, dialogues: deadline },
      reminders: { daysBefore: [1], overdueEveryDays: 30, hourLocal: 8 },
    }),
  );
  const unset = Object.fromEntries(Object.keys(plan.deadlines).map((d) => [d, new Date(0).toISOString()]));
  const carry = {
    ...firstCarry({ phase: 'in-progress', deadlines: plan.deadlines, deadlinesSince: unset }, tree),
    childrenStarted: true,
    deployedAt: startOfDayVietnam(addDays(today, -4)).toISOString(),
  };
  return { campaignId: campaignIdFor(plan), plan, tree, carry };
}

/** Counts the notification records as they arrive on the reminders topic, from the beginning. */
async function watchReminders(brokers: string[]): Promise<{ seen: () => number; stop: () => Promise<void> }> {
  let seen = 0;
  const consumer = new Kafka({ brokers, clientId: 'worker-crash-storm-watch', logLevel: logLevel.NOTHING }).consumer({
    groupId: `worker-crash-storm-${Date.now()}`,
    maxWaitTimeInMs: 50,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPICS.reminders, fromBeginning: true });
  await consumer.run({ eachMessage: async () => void (seen += 1) });
  return { seen: () => seen, stop: () => consumer.disconnect() };
}

it('moves a storm of reminders and escalations to the other worker when one is SIGKILLed, each sent exactly once', async () => {
  const c = cluster();
  const today = vietnamDateOf(new Date());
  const inputs = Array.from({ length: CAMPAIGNS }, (_, i) => stormCampaign(i + 1, today));
  const expected = inputs.length * ACTIONS.length;
  const watch = await watchReminders(c.endpoints.kafkaBrokers);

  const dueAt = Date.now() + STARTS_WITHIN_MS;
  for (let i = 0; i < inputs.length; i += 15)
    await Promise.all(
      inputs.slice(i, i + 15).map((input) =>
        c.client.workflow.start('campaignWorkflow', {
          workflowId: campaignWorkflowId(input.campaignId),
          taskQueue: c.taskQueue,
          args: [input],
          startDelay: Math.max(1, dueAt - Date.now()),
        }),
      ),
    );
  const startsDone = Date.now();
  c.progress(`${inputs.length} campaigns started, ${expected} deadline actions fall due in ${((dueAt - startsDone) / 1000).toFixed(1)} s`);
  expect(startsDone).toBeLessThan(dueAt);

  // Killed once the storm is under way: a few of its notifications are on Kafka, most are not.
  await eventually(
    async () => watch.seen(),
    (n) => n >= expected / 20,
    STARTS_WITHIN_MS + 120_000,
  );
  const victimIdentity = `${c.kill('worker-1')}@${os.hostname()}`;
  const killedAt = Date.now();
  const seenAtKill = watch.seen();
  c.progress(`worker-1 killed ${((killedAt - dueAt) / 1000).toFixed(1)} s into the storm, ${seenAtKill}/${expected} notifications on Kafka`);

  // Every action out (as changes, whatever the redeliveries), every outbox empty: then nothing more will come.
  const ids = inputs.map((input) => input.campaignId);
  const eventsOf = () => campaignEvents(c, ids);
  const actionsOf = (events: Published[]) => events.filter((p) => p.name === 'reminder.sent' || p.name === 'deadline.escalated');
  const changes = (events: Published[]) => new Set(actionsOf(events).map((p) => `${p.event.source}#${p.event.sequence}`)).size;
  await eventually(eventsOf, (events) => changes(events) >= expected, 240_000).catch(() => undefined);
  const snapshots = await eventually(
    () =>
      Promise.all(
        ids.map((id) =>
          c.client.workflow
            .getHandle(campaignWorkflowId(id))
            .query(campaignSnapshotQuery)
            .catch(() => undefined),
        ),
      ),
    (all) => all.every((s) => s?.eventsPending === 0),
    120_000,
  );
  const stormDone = Date.now();
  const events = await eventsOf();
  await watch.stop();

  // Per campaign and action: the changes (source#sequence) that carried it and the units each named.
  const perAction = inputs.flatMap((input) =>
    ACTIONS.map((action) => {
      const carried = actionsOf(events).filter(
        (p) => p.event.campaignid === input.campaignId && p.name === action.name && (p.event.data as { deadline: string }).deadline === action.deadline,
      );
      const units = new Set(
        carried.flatMap((p) => (p.event.data as { units: (string | { code: string })[] }).units.map((u) => (typeof u === 'string' ? u : u.code))),
      );
      const owing = action.deadline === 'dialogues' ? [input.tree[0]!.code] : input.tree.slice(1).map((u) => u.code);
      return {
        changes: new Set(carried.map((p) => `${p.event.source}#${p.event.sequence}`)).size,
        rightUnits: isDeepStrictEqual([...units].sort(), owing.sort()),
      };
    }),
  );
  const histories: HistoryEvent[][] = await Promise.all(ids.map((id) => historyOf(c, campaignWorkflowId(id))));
  const startedBy = (e: HistoryEvent) => e.workflowTaskStartedEventAttributes?.identity;
  const takenOver = histories.filter(
    (h) =>
      h.some((e) => startedBy(e) === victimIdentity) &&
      h.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED && startedBy(e) !== victimIdentity && millis(e) > killedAt),
  ).length;
  const taskTimeouts = histories.reduce((sum, h) => sum + count(h, EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT), 0);
  const tasksFailed = histories.reduce((sum, h) => sum + count(h, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED), 0);
  const retries = histories.reduce((sum, h) => sum + activityRetries(h), 0);
  const snapshotsRight = snapshots.filter((s) => isDeepStrictEqual(s?.progress.reminders, { sent: CELLS + 1, escalations: CELLS + 1 })).length;

  const actual = {
    stormUnderWayAtKill: seenAtKill < expected,
    takenOver: takenOver > 0,
    sentOnce: perAction.filter((a) => a.changes === 1).length,
    sentTwice: perAction.filter((a) => a.changes > 1).length,
    missing: perAction.filter((a) => a.changes === 0).length,
    wrongUnits: perAction.filter((a) => a.changes > 0 && !a.rightUnits).length,
    snapshotsRight,
    tasksFailed,
  };
  const wanted = {
    stormUnderWayAtKill: true,
    takenOver: true,
    sentOnce: expected,
    sentTwice: 0,
    missing: 0,
    wrongUnits: 0,
    snapshotsRight: CAMPAIGNS,
    tasksFailed: 0,
  };
  recordFault({
    fault: 'cluster: one worker of two killed (SIGKILL) in a storm of deadline actions',
    how: `cluster profile (Temporal 1.29.1 on PostgreSQL, no time skipping): ${CAMPAIGNS} campaigns started as the next run of one deployed 4 days earlier (CampaignInput.carry), deadlines 2 days past, first tasks held to one instant (startDelay), so ${expected} reminders and escalations fall due together; worker-1 (workflow cache on) SIGKILLed once ${seenAtKill} notifications were on Kafka, not restarted`,
    mustHold:
      'worker-2 takes over (sticky and started tasks, activities); every reminder and escalation exactly once, to exactly the units that owe; snapshots agree',
    counts: {
      'actions due at once': expected,
      'on Kafka at the kill': seenAtKill,
      'workflows taken over from worker-1': takenOver,
      'workflow tasks timed out on worker-1': taskTimeouts,
      'activity retries': retries,
      'sent exactly once': `${actual.sentOnce}/${expected}`,
      'sent twice': actual.sentTwice,
      missing: actual.missing,
      'wrong units': actual.wrongUnits,
      'redelivered (dropped by id)': actionsOf(events).length - new Set(actionsOf(events).map((p) => p.event.id)).size,
      'snapshots agreeing': `${snapshotsRight}/${CAMPAIGNS}`,
      'workflow tasks failed': tasksFailed,
      'storm over in s': Math.round((stormDone - dueAt) / 1000),
    },
    held: isDeepStrictEqual(actual, wanted),
  });
  expect(actual).toEqual(wanted);
}, 900_000);
