import { stopPostgres } from '../../stack/postgres';
import { readPid, runningPid } from '../../stack/process';
import { campaignSnapshotQuery, campaignWorkflowId, unitWorkflowId } from '../../workflows/messages';
import { eventually } from '../helpers/campaign';
import { openCampaign } from '../faults/campaign';
import { recordFault } from '../faults/table';
import { EventType, awaitDelivery, count, deliveryOf, historyOf, reportSteadily, useCluster } from './cluster';

/**
 * PostgreSQL, which holds all of Temporal's state, is restarted (fast shutdown: its sessions cut, then started again
 * on its data) while chi bộ report over the API at a steady pace. Temporal must recover by itself; a report the API
 * could not take during the outage is sent again by the client with the same Idempotency-Key, and every report taken
 * must reach Kafka exactly once.
 */
const cluster = useCluster('postgres-restart');
const PER_SECOND = 3;
const OUTAGE_MS = 10_000;

it('recovers from a PostgreSQL restart under reports, losing none and taking none twice', async () => {
  const c = cluster();
  const campaign = await openCampaign(c);
  const temporalPid = readPid(c.layout.runDir, 'temporal');

  const reporting = reportSteadily(campaign, campaign.cells, { perSecond: PER_SECOND, giveUpAfterMs: 240_000 });
  await eventually(
    async () => reporting.accepted(),
    (n) => n >= campaign.cells.length / 3,
    120_000,
  );
  const acceptedAtStop = reporting.accepted();
  await stopPostgres(c.layout.runDir);
  const stoppedAt = Date.now();
  c.progress(`PostgreSQL stopped after ${acceptedAtStop} reports`);
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  await c.restart('postgres');
  const down = Date.now() - stoppedAt;
  const root = c.client.workflow.getHandle(campaignWorkflowId(campaign.campaignId));
  await eventually(
    () =>
      root.describe().then(
        () => true,
        () => false,
      ),
    (ok) => ok,
    120_000,
  );
  const recoveredIn = Date.now() - stoppedAt - down;
  const result = await reporting.done;
  c.progress(`${result.accepted.length} reports taken, ${result.notTaken.length} not; answers other than 201 ${JSON.stringify(result.refusals)}`);

  const published = await awaitDelivery(c, campaign.campaignId, result.accepted, 180_000);
  const delivery = deliveryOf(result.accepted, published);
  const workflowIds = [root.workflowId, ...campaign.communes.map((code) => unitWorkflowId(campaign.campaignId, code))];
  const histories = await Promise.all(workflowIds.map((id) => historyOf(c, id)));
  const tasksFailed = histories.reduce((sum, h) => sum + count(h, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED), 0);
  const snapshot = await eventually(
    () => root.query(campaignSnapshotQuery),
    (s) => s.progress.studySessions.done === result.accepted.length,
    120_000,
  ).catch(() => undefined);

  const actual = {
    temporalSurvived: temporalPid !== undefined && runningPid(c.layout.runDir, 'temporal') === temporalPid,
    notTaken: result.notTaken.length,
    lost: delivery.lost,
    twice: delivery.twice,
    figures: snapshot?.progress.studySessions.done,
    tasksFailed,
  };
  const wanted = { temporalSurvived: true, notTaken: 0, lost: 0, twice: 0, figures: campaign.cells.length, tasksFailed: 0 };
  recordFault({
    fault: 'cluster: PostgreSQL restarted under reports',
    how: `cluster profile: ${campaign.cells.length} study sessions over the API at ${PER_SECOND}/s; after ${acceptedAtStop} taken, PostgreSQL stopped (fast shutdown) and started again on its data ${Math.round(down / 1000)} s later; refused reports re-sent with the same Idempotency-Key`,
    mustHold:
      'Temporal recovers by itself (same process); every report taken in the end, its event on Kafka exactly once; figures match; 0 failed workflow tasks',
    counts: {
      'reports taken': `${result.accepted.length}/${campaign.cells.length}`,
      'answers other than 201':
        Object.entries(result.refusals)
          .map(([status, n]) => `${n}× ${status === '0' ? 'no answer' : status}`)
          .join(' ') || 0,
      're-sent until taken': result.resent,
      'slowest report taken in s': Math.round(result.slowestMs / 1000),
      'Temporal answering s after PostgreSQL was back': Math.round(recoveredIn / 1000),
      lost: delivery.lost,
      'taken twice': delivery.twice,
      'redelivered (dropped by id)': delivery.redelivered,
      'workflow tasks failed': tasksFailed,
      'Temporal process survived': actual.temporalSurvived ? 'yes' : 'no',
    },
    held: JSON.stringify(actual) === JSON.stringify(wanted),
  });
  expect(actual).toEqual(wanted);
}, 600_000);
