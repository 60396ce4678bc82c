import { randomUUID } from 'node:crypto';
import { campaignIdFor } from '../../domain/plan';
import { bacNinh2025Tree } from '../../domain/samples/bac-ninh-2025';
import { planSchema } from '../../domain/schemas';
import { vietnamDateOf } from '../../domain/schedule';
import { campaignSnapshotQuery, campaignWorkflowId, snapshotQuery, unitWorkflowId } from '../../workflows/messages';
import { bacNinhPlanOpenToday } from '../fixtures/plans';
import { eventually } from '../helpers/campaign';
import { recordFault } from '../faults/table';
import { adminCall, awaitDelivery, deliveryOf, historyOf, millis, useCluster, type ClusterUnderTest, type HistoryEvent } from './cluster';

/**
 * The Temporal server is SIGKILLed mid-campaign and started again on its PostgreSQL data. The campaign must go on:
 * the same state, reports taken after the restart and their events on Kafka, and its timers kept. Two kinds of
 * timer: the reminders days ahead (each pending timer's fire instant unchanged), and one due within the test, armed
 * before the kill and firing after the restart: a commune's roll-up to the campaign, which a campaign started with
 * a roll-up interval of ROLLUP_MS (CampaignInput.limits) holds back on a timer after a report.
 */
const cluster = useCluster('temporal-crash');
const ROLLUP_MS = 60_000;

interface PendingTimer {
  timerId: string;
  fireAt: number;
}

/** Timers the workflow started and that neither fired nor were cancelled, with the instant each is due. */
function pendingTimers(events: HistoryEvent[]): PendingTimer[] {
  const pending = new Map<string, number>();
  for (const e of events) {
    const started = e.timerStartedEventAttributes;
    if (started?.timerId) {
      const timeout = started.startToFireTimeout!;
      pending.set(started.timerId, millis(e) + Number(timeout.seconds ?? 0) * 1000 + Math.floor((timeout.nanos ?? 0) / 1e6));
    }
    const done = e.timerFiredEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId;
    if (done) pending.delete(done);
  }
  return [...pending].map(([timerId, fireAt]) => ({ timerId, fireAt })).sort((a, b) => a.fireAt - b.fireAt);
}

async function reportUntilTaken(c: ClusterUnderTest, campaignId: string, cell: string, heldOn: string): Promise<number> {
  const key = randomUUID();
  const answer = await eventually(
    () =>
      adminCall(c, 'POST', `/v1/campaigns/${campaignId}/units/${cell}/study-sessions`, { heldOn, membersPresent: 11, membersTotal: 12 }, key).catch(() => ({
        status: 0,
      })),
    (a) => a.status === 201 || (a.status >= 400 && a.status < 500),
    120_000,
  );
  return answer.status;
}

it('goes on with the same state and timers after the Temporal server is SIGKILLed and restarted on PostgreSQL', async () => {
  const c = cluster();
  const today = vietnamDateOf(new Date());
  const plan = planSchema.parse(bacNinhPlanOpenToday(today));
  const tree = bacNinh2025Tree();
  const campaignId = campaignIdFor(plan);
  const [commune, cellBefore, cellAfter] = [tree.find((u) => u.kind === 'commune')!, ...tree.filter((u) => u.kind === 'party-cell').slice(0, 2)];
  const root = c.client.workflow.getHandle(campaignWorkflowId(campaignId));
  const unitId = unitWorkflowId(campaignId, commune.code);
  const unit = c.client.workflow.getHandle(unitId);

  await c.client.workflow.start('campaignWorkflow', {
    workflowId: campaignWorkflowId(campaignId),
    taskQueue: c.taskQueue,
    args: [{ campaignId, plan, tree, limits: { reportIntervalMs: ROLLUP_MS } }],
  });
  // Accepted (202); every commune reporting its figures in below is the deploy done.
  expect((await adminCall(c, 'POST', `/v1/campaigns/${campaignId}/deploy`, { reason: 'triển khai' })).status).toBe(202);
  const communes = tree.filter((u) => u.kind === 'commune').length;
  await eventually(
    () => root.query(campaignSnapshotQuery),
    (s) => s.phase === 'in-progress' && s.children.length === communes && s.children.every((child) => child.progress.studySessions.required > 0),
    120_000,
  );

  // A report right after the commune's last roll-up: the next one waits on a timer of up to ROLLUP_MS.
  expect(await reportUntilTaken(c, campaignId, cellBefore!.code, today)).toBe(201);
  const armed = await eventually(
    async () => pendingTimers(await historyOf(c, unitId)).filter((t) => t.fireAt - Date.now() < ROLLUP_MS),
    (timers) => timers.length === 1,
    30_000,
  );
  const rollupTimer = armed[0]!;
  const unitBefore = await eventually(
    () => unit.query(snapshotQuery),
    (s) => s.eventsPending === 0,
    30_000,
  );
  const rootBefore = await root.query(campaignSnapshotQuery);
  const remindersBefore = { root: pendingTimers(await historyOf(c, root.workflowId)), unit: pendingTimers(await historyOf(c, unitId)) };

  c.kill('temporal');
  const killedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await c.restart('temporal');
  const restartedAt = Date.now();
  c.progress(
    `Temporal down ${((restartedAt - killedAt) / 1000).toFixed(1)} s; the roll-up timer is due ${((rollupTimer.fireAt - restartedAt) / 1000).toFixed(1)} s after`,
  );

  const rootAfter = await eventually(
    () => root.query(campaignSnapshotQuery).catch(() => undefined),
    (s) => s !== undefined,
    120_000,
  );
  const unitAfter = await unit.query(snapshotQuery);
  const sameState = (['phase', 'deadlines', 'eventsEmitted', 'progress'] as const).every(
    (k) => JSON.stringify(rootAfter![k]) === JSON.stringify(rootBefore[k]) && JSON.stringify(unitAfter[k]) === JSON.stringify(unitBefore[k]),
  );
  const remindersAfter = { root: pendingTimers(await historyOf(c, root.workflowId)), unit: pendingTimers(await historyOf(c, unitId)) };
  const later = (timers: PendingTimer[]) => timers.filter((t) => t.timerId !== rollupTimer.timerId);
  const remindersKept =
    JSON.stringify({ root: later(remindersAfter.root), unit: later(remindersAfter.unit) }) ===
    JSON.stringify({ root: later(remindersBefore.root), unit: later(remindersBefore.unit) });

  // The roll-up timer fires: the campaign learns of the report taken before the kill.
  const rolledUp = await eventually(
    () => root.query(campaignSnapshotQuery),
    (s) => s.progress.studySessions.done === 1,
    ROLLUP_MS + 60_000,
  );
  const fired = (await historyOf(c, unitId)).find((e) => e.timerFiredEventAttributes?.timerId === rollupTimer.timerId);
  const firedAt = fired ? millis(fired) : undefined;

  const afterStatus = await reportUntilTaken(c, campaignId, cellAfter!.code, today);
  const accepted = [cellBefore!.code, ...(afterStatus === 201 ? [cellAfter!.code] : [])];
  const delivery = deliveryOf(accepted, await awaitDelivery(c, campaignId, accepted, 120_000));

  const actual = {
    sameState,
    remindersPending: later(remindersBefore.unit).length > 0 && later(remindersBefore.root).length > 0,
    remindersKept,
    rolledUpOnlyByTimer: rootBefore.progress.studySessions.done === 0 && rolledUp.progress.studySessions.done === 1,
    timerFiredAfterRestart: firedAt !== undefined && firedAt >= restartedAt && firedAt >= rollupTimer.fireAt,
    reportAfterRestart: afterStatus,
    lost: delivery.lost,
    twice: delivery.twice,
  };
  const wanted = {
    sameState: true,
    remindersPending: true,
    remindersKept: true,
    rolledUpOnlyByTimer: true,
    timerFiredAfterRestart: true,
    reportAfterRestart: 201,
    lost: 0,
    twice: 0,
  };
  recordFault({
    fault: 'cluster: Temporal server killed (SIGKILL)',
    how: `cluster profile: SIGKILL mid-campaign, down ${Math.round((restartedAt - killedAt) / 1000)} s, started again on its PostgreSQL data; a commune's roll-up held on a ${ROLLUP_MS / 1000} s timer armed before the kill`,
    mustHold:
      'state unchanged; pending reminder timers kept with their fire instants; a timer armed before the kill fires after; reports taken after, their events on Kafka once',
    counts: {
      'state unchanged': sameState ? 'yes' : 'no',
      'reminder timers kept': `${later(remindersAfter.root).length + later(remindersAfter.unit).length}/${later(remindersBefore.root).length + later(remindersBefore.unit).length}`,
      'roll-up timer fired s after restart': firedAt === undefined ? 'never' : Math.round((firedAt - restartedAt) / 1000),
      'report after restart': afterStatus,
      lost: delivery.lost,
      'taken twice': delivery.twice,
    },
    held: JSON.stringify(actual) === JSON.stringify(wanted),
  });
  expect(actual).toEqual(wanted);
}, 600_000);
