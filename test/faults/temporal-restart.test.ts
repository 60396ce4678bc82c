import { parseEvent } from '../../domain/events';
import { TOPICS } from '../../domain/topics';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { readTopicToEnd } from '../helpers/kafka';
import { startPrivateStack, type PrivateStack } from '../helpers/private-stack';
import { openCampaign } from './campaign';
import { recordFault } from './table';

/**
 * The Temporal server (dev server on SQLite) stops mid-campaign and starts again on its file. The campaign must go
 * on from where it was: same phase, figures and event count, reports taken again, their events published, and the
 * workflows' pending timers (the reminder clock) still there.
 */
let stack: PrivateStack;
let danvan: DanvanUnderTest;

beforeAll(async () => {
  stack = await startPrivateStack('temporal-restart', { temporal: true });
  danvan = await startDanvan('temporal-restart', { temporalAddress: stack.endpoints.temporalAddress });
}, 180_000);

afterAll(async () => {
  await danvan?.stop();
  await stack?.down();
});

/** Timers a workflow has started and neither fired nor cancelled yet, from its history. */
async function pendingTimers(workflowId: string): Promise<number> {
  const history = await danvan.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  const started = new Set<string>();
  for (const event of history.events ?? []) {
    if (event.timerStartedEventAttributes?.timerId) started.add(event.timerStartedEventAttributes.timerId);
    const done = event.timerFiredEventAttributes?.timerId ?? event.timerCanceledEventAttributes?.timerId;
    if (done) started.delete(done);
  }
  return started.size;
}

it('goes on from where it was after the Temporal server restarts on its data', async () => {
  const campaign = await openCampaign(danvan);
  const [before, after] = [campaign.cells.slice(0, 30), campaign.cells.slice(30)];
  for (const cell of before) expect(await campaign.report(cell)).toBe(201);
  const root = `campaign:${campaign.campaignId}`;
  const commune = `unit:${campaign.campaignId}:${campaign.communes[0]}`;
  const settled = (s: any) => s.eventsPending === 0 && s.progress.studySessions.done === before.length;
  const snapshotBefore = await eventually(() => campaign.get(`/v1/campaigns/${campaign.campaignId}`), settled, 60_000);
  const timersBefore = { root: await pendingTimers(root), commune: await pendingTimers(commune) };

  await stack.stop('temporal');
  const stoppedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  await stack.start('temporal');
  const down = Date.now() - stoppedAt;

  const snapshotAfter = await eventually(
    () => campaign.get(`/v1/campaigns/${campaign.campaignId}`).catch(() => undefined),
    (s) => s !== undefined && s.phase !== undefined,
    60_000,
  );
  const timersAfter = { root: await pendingTimers(root), commune: await pendingTimers(commune) };
  const same = ['phase', 'deadlines', 'eventsEmitted', 'progress'].every((k) => JSON.stringify(snapshotAfter[k]) === JSON.stringify(snapshotBefore[k]));

  let acceptedAfter = 0;
  for (const cell of after)
    if (
      (await eventually(
        () => campaign.report(cell).catch(() => 0),
        (status) => status !== 0,
        60_000,
      )) === 201
    )
      acceptedAfter += 1;
  const delivered = await eventually(
    async () =>
      new Set(
        (await readTopicToEnd(TOPICS.campaignEvents, (m) => m.key === campaign.campaignId)).flatMap((m) => {
          const parsed = parseEvent(JSON.parse(m.value!));
          return parsed.ok && parsed.name === 'study-session.reported' ? [parsed.event.subject] : [];
        }),
      ),
    (subjects) => campaign.cells.every((cell) => subjects.has(cell)),
    90_000,
  );
  const final = await eventually(
    () => campaign.get(`/v1/campaigns/${campaign.campaignId}`),
    (s) => s.progress.studySessions.done === campaign.cells.length,
    60_000,
  );

  recordFault({
    fault: 'Temporal dev server restarted',
    how: `SIGTERM mid-campaign, down ${Math.round(down / 1000)} s, restarted on its SQLite file`,
    mustHold: 'campaign continues from where it was; timers still pending',
    counts: {
      'snapshot unchanged': same ? 'yes' : 'no',
      'reports after restart': `${acceptedAfter}/${after.length}`,
      'events delivered': delivered.size,
      'timers pending before/after': `${timersBefore.root + timersBefore.commune}/${timersAfter.root + timersAfter.commune}`,
    },
    held:
      same &&
      acceptedAfter === after.length &&
      final.phase === snapshotBefore.phase &&
      timersAfter.root === timersBefore.root &&
      timersAfter.commune === timersBefore.commune &&
      timersBefore.commune > 0,
  });
  expect(same).toBe(true);
  expect(acceptedAfter).toBe(after.length);
  expect(timersAfter).toEqual(timersBefore);
  expect(timersBefore.commune).toBeGreaterThan(0);
}, 600_000);
