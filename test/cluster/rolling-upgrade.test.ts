import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { vietnamDateOf } from '../../domain/schedule';
import { readPid, stopService } from '../../stack/process';
import { campaignWorkflowId, unitWorkflowId } from '../../workflows/messages';
import { WORKFLOWS_PATH } from '../../worker/worker';
import { eventually } from '../helpers/campaign';
import { openCampaign, type OpenCampaign } from '../faults/campaign';
import { recordFault } from '../faults/table';
import {
  EventType,
  adminCall,
  awaitDelivery,
  count,
  deliveryOf,
  historyOf,
  millis,
  reportSteadily,
  useCluster,
  type HistoryEvent,
  type Published,
} from './cluster';

/**
 * A rolling upgrade while campaigns run: the workers, one at a time, stopped (SIGTERM, drained) and started on the
 * next version of the workflow code, while chi bộ report over the API. The next version is built honestly, as a
 * bundle of its own (upgrade-loader.js adds a patched() branch to it; workflows/ is not touched).
 *
 * Workflows stay on the worker that caches them, so an orderly rollout moves them from old code to new only. The other
 * way round happens too (a cache eviction, an upgraded worker restarted before the rollout ends), and then old code
 * replays a history the new code wrote: a patch marker it has no patched() call for, a nondeterminism error (tried:
 * three failed workflow tasks in one run). So the rollout goes in two passes: the new code with its patch held
 * (DANVAN_WORKFLOW_PATCHES_HELD: it runs the code but records no marker), then the hold lifted once no worker runs the
 * old code. Each pass stops its first upgraded worker once, under reports, while the other still runs the code before, which moves
 * workflows the "wrong" way on purpose: a campaign deployed in each pass spreads its workflows over both workers.
 */
const cluster = useCluster('rolling-upgrade');
const MARKER = 'cluster-rolling-upgrade-v2';
const PER_SECOND = 1;

async function bundleNextVersion(file: string): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: new DefaultLogger('WARN'),
    webpackConfigHook: (config) => {
      config.module?.rules?.push({
        test: /workflows[\\/]node\.ts$/,
        enforce: 'pre',
        use: [{ loader: path.join(__dirname, 'upgrade-loader.js'), options: { marker: MARKER } }],
      });
      return config;
    },
  });
  fs.writeFileSync(file, code);
}

const workflowsOf = (campaign: OpenCampaign) => [
  campaignWorkflowId(campaign.campaignId),
  ...campaign.communes.map((code) => unitWorkflowId(campaign.campaignId, code)),
];

const hasMarker = (events: HistoryEvent[]) =>
  events.some(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED &&
      Object.values(e.markerRecordedEventAttributes?.details ?? {}).some((p) =>
        (p.payloads ?? []).some((d) =>
          Buffer.from(d.data ?? [])
            .toString()
            .includes(MARKER),
        ),
      ),
  );

it('upgrades both workers to new workflow code under reports, with no failed task and no nondeterminism', async () => {
  const c = cluster();
  const nextVersion = path.join(c.layout.dataDir, 'workflow-bundle-v2.js');
  await bundleNextVersion(nextVersion);
  expect(fs.readFileSync(nextVersion, 'utf8')).toContain(MARKER);
  const today = vietnamDateOf(new Date());
  // Which code each worker process ran, by its identity (pid@host), as the histories name it.
  const codeOf = new Map<string, 'old' | 'held' | 'patched'>();
  const identity = (pid: number | undefined) => `${pid}@${os.hostname()}`;
  for (const worker of ['worker-1', 'worker-2']) codeOf.set(identity(readPid(c.layout.runDir, worker)), 'old');
  const steps: string[] = [];
  // A worker stopped, whatever runs while it is down, then started on the code: `meanwhile` is how the "wrong way" move
  // is made certain rather than left to which poller the server hands a task.
  const replace = async (worker: string, code: 'held' | 'patched', meanwhile?: () => Promise<void>) => {
    const stoppedAt = Date.now();
    const was = codeOf.get(identity(readPid(c.layout.runDir, worker)));
    await stopService(c.layout.runDir, worker);
    await meanwhile?.();
    const env = { DANVAN_WORKFLOW_BUNDLE: nextVersion, ...(code === 'held' ? { DANVAN_WORKFLOW_PATCHES_HELD: MARKER } : {}) };
    codeOf.set(identity(await c.restart(worker, env)), code);
    steps.push(`${worker} ${was}→${code} ${((Date.now() - stoppedAt) / 1000).toFixed(0)} s`);
  };

  const first = await openCampaign(c);
  const reporting = reportSteadily(first, first.cells, { perSecond: PER_SECOND });
  await eventually(
    async () => reporting.accepted(),
    (n) => n >= 5,
    60_000,
  );
  const acceptedBefore = reporting.accepted();
  const campaigns = [first];
  const taken: string[][] = [[]];
  const historiesNow = () => Promise.all(campaigns.flatMap(workflowsOf).map((id) => historyOf(c, id)));
  // One pass: worker-1 onto the code, a campaign deployed over both workers and reported into, worker-1 stopped while
  // more reports are taken (the workflows it ran, touched by them, move to worker-2, still on the code before) and
  // started again, then worker-2 onto the code. With worker-1 up during those reports the server could hand every moved
  // workflow back to it, and the move this pass is for would not happen.
  const pass = async (code: 'held' | 'patched') => {
    await replace('worker-1', code);
    const campaign = await openCampaign(c);
    const accepted: string[] = [];
    campaigns.push(campaign);
    taken.push(accepted);
    accepted.push(...(await reportSteadily(campaign, campaign.cells.slice(0, 20), { perSecond: 10 }).done).accepted);
    await replace('worker-1', code, async () => {
      accepted.push(...(await reportSteadily(campaign, campaign.cells.slice(20, 40), { perSecond: 10 }).done).accepted);
    });
    await replace('worker-2', code);
  };
  await pass('held');
  const markedWhileHeld = (await historiesNow()).filter(hasMarker).length;
  await pass('patched');
  const upgradedAt = Date.now();
  const acceptedDuring = reporting.accepted() - acceptedBefore;
  c.progress(`${steps.join('; ')}; ${acceptedDuring} reports of the first campaign taken meanwhile`);
  taken[0] = (await reporting.done).accepted;

  // Every commune's own report, after the upgrade: each commune's workflow, and each campaign's by the roll-ups, change under the new code.
  const dialogues = await Promise.all(
    campaigns.flatMap((campaign) =>
      campaign.communes.map(
        async (commune) =>
          (
            await adminCall(c, 'POST', `/v1/campaigns/${campaign.campaignId}/units/${commune}/dialogues`, {
              heldOn: today,
              topic: 'Lắng nghe ý kiến Nhân dân về đất đai, môi trường',
              attendance: 120,
            })
          ).status,
      ),
    ),
  );
  const deliveries = await Promise.all(
    campaigns.map(async (campaign, i) => {
      // The dialogues were taken after the study sessions, so their events may come after every study session's.
      const dialoguesOut = (published: Published[]) =>
        campaign.communes.filter((commune) => published.some((p) => p.name === 'dialogue.reported' && p.event.subject === commune)).length;
      const published = await awaitDelivery(c, campaign.campaignId, taken[i]!, 180_000, (p) => dialoguesOut(p) === campaign.communes.length);
      const delivery = deliveryOf(taken[i]!, published);
      return { lost: delivery.lost + campaign.communes.length - dialoguesOut(published), twice: delivery.twice };
    }),
  );
  // Each campaign hears of the dialogues by its communes' roll-ups: once it has them all, every workflow has changed since.
  for (const campaign of campaigns)
    await eventually(
      () => adminCall(c, 'GET', `/v1/campaigns/${campaign.campaignId}`),
      (s) => s.body?.progress?.dialogues?.done === campaign.communes.length,
      60_000,
    );
  const workflowIds = campaigns.flatMap(workflowsOf);
  const histories = await historiesNow();
  const changedSince = (h: HistoryEvent[]) =>
    h.some(
      (e) =>
        millis(e) > upgradedAt &&
        (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED || e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
    );
  const touched = histories.filter(changedSince);
  const codes = (h: HistoryEvent[]) => h.flatMap((e) => codeOf.get(e.workflowTaskStartedEventAttributes?.identity ?? '') ?? []).join(' ');
  const moved = (from: string, to: string) => histories.filter((h) => codes(h).includes(`${from} ${to}`)).length;
  const logs = ['worker-1', 'worker-2'].map((worker) => c.logOf(worker)).join('\n');
  const nondeterminism = logs.split('\n').filter((line) => /nondetermin/i.test(line));
  for (const line of nondeterminism.slice(0, 3)) c.progress(line.slice(0, 2000));
  const reports = first.cells.length + 2 * 40 + dialogues.length;

  const actual = {
    reportsTaken: taken.flat().length + dialogues.filter((s) => s === 201).length,
    tasksFailed: histories.reduce((sum, h) => sum + count(h, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED), 0),
    nondeterminism: nondeterminism.length,
    lost: deliveries.reduce((sum, d) => sum + d.lost, 0),
    twice: deliveries.reduce((sum, d) => sum + d.twice, 0),
    markedWhileHeld,
    heldThenOld: moved('held', 'old') > 0,
    patchedThenHeld: moved('patched', 'held') > 0,
    touched: touched.length,
    withMarker: touched.filter(hasMarker).length,
  };
  const wanted = {
    reportsTaken: reports,
    tasksFailed: 0,
    nondeterminism: 0,
    lost: 0,
    twice: 0,
    markedWhileHeld: 0,
    heldThenOld: true,
    patchedThenHeld: true,
    touched: workflowIds.length,
    withMarker: workflowIds.length,
  };
  recordFault({
    fault: 'cluster: rolling upgrade of the workers to new workflow code',
    how: `cluster profile: a campaign's study sessions over the API at ${PER_SECOND}/s throughout; the workers stopped (SIGTERM) and started one at a time on a bundle with a patched('${MARKER}') branch, in two passes (the patch held by DANVAN_WORKFLOW_PATCHES_HELD, then lifted), each: worker-1 upgraded, a new campaign deployed and 20 reports, worker-1 stopped while 20 more are taken (its workflows move to worker-2, on the code before) and started again, worker-2 upgraded (${steps.join(', ')}); then a dialogue from each of the ${dialogues.length} communes`,
    mustHold:
      "0 failed workflow tasks in every history; 0 nondeterminism errors in the workers' logs; every report's event on Kafka once; no marker while held; workflows moved from new code to old and from patch on to held; the marker in every history that changed after the upgrade",
    counts: {
      'reports taken': `${actual.reportsTaken}/${reports}`,
      'first campaign reports taken during the rollout': acceptedDuring,
      'workflows run by old then new code': moved('old', 'held'),
      'new (held) then old': moved('held', 'old'),
      'patch on then held': moved('patched', 'held'),
      'histories with the marker while held': markedWhileHeld,
      'workflow tasks failed': actual.tasksFailed,
      'nondeterminism errors logged': actual.nondeterminism,
      lost: actual.lost,
      'taken twice': actual.twice,
      'histories with the marker after': `${actual.withMarker}/${actual.touched}`,
    },
    held: JSON.stringify(actual) === JSON.stringify(wanted),
  });
  expect(actual).toEqual(wanted);
}, 900_000);
