import { randomUUID } from 'node:crypto';
import { temporal as proto } from '@temporalio/proto';
import { campaignIdFor, type Plan } from '../../domain/plan';
import { generateNationalTree } from '../../domain/samples/national';
import { planSchema } from '../../domain/schemas';
import { vietnamDateOf } from '../../domain/schedule';
import { TOPICS } from '../../domain/topics';
import { UnitIndex, type Unit } from '../../domain/units';
import {
  advancePhaseUpdate,
  campaignSnapshotQuery,
  campaignWorkflowId,
  deployUpdate,
  snapshotQuery,
  unitWorkflowId,
  type RunLimits,
} from '../../workflows/messages';
import { eventually, Reporter } from '../helpers/campaign';
import { nameOf, readCampaignEvents } from '../helpers/kafka';
import { useDanvanWorker } from '../helpers/temporal';
import { nationalPlanOpenToday } from '../fixtures/plans';

/**
 * Histories stay bounded however many units report: on the real dev server, with run limits lowered so that
 * continue-as-new really happens in test time, every report is kept exactly once across runs, and no
 * workflow's history passes its bound.
 */
describe('history bounds: continue-as-new by Update count and history length, losing nothing', () => {
  const worker = useDanvanWorker('history');
  const { taskQueue } = worker;
  let temporal: ReturnType<typeof worker.temporal>;
  beforeAll(() => {
    temporal = worker.temporal();
  });

  /** A plan whose window is open today, so reports are accepted in real time. */
  const openPlan = (): Plan => planSchema.parse(nationalPlanOpenToday(vietnamDateOf(new Date())));

  const start = async (tree: Unit[], limits: Partial<RunLimits>) => {
    const plan = openPlan();
    const campaignId = campaignIdFor(plan);
    const handle = await temporal.client.workflow.start('campaignWorkflow', {
      workflowId: campaignWorkflowId(campaignId),
      taskQueue,
      args: [{ campaignId, plan, tree, limits }],
    });
    await handle.executeUpdate(deployUpdate, { args: [{ requestedBy: 'admin-tw', reason: 'triển khai' }] });
    await eventually(
      () => handle.query(campaignSnapshotQuery),
      (s) => s.phase === 'in-progress',
    );
    return { plan, campaignId, handle, reporter: new Reporter(temporal.client, campaignId) };
  };

  /** Sends every report with `concurrency` in flight, as a burst of reporters would. */
  const burst = async <T>(items: readonly T[], concurrency: number, send: (item: T) => Promise<unknown>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < items.length) await send(items[next++] as T);
      }),
    );
  };

  /** Updates accepted by each run of a workflow, oldest run first, counted in the runs' own histories. */
  const acceptedUpdatesPerRun = async (workflowId: string): Promise<number[]> => {
    const runs: Array<{ runId: string; startTime: Date }> = [];
    for await (const run of temporal.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: run.runId, startTime: run.startTime });
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    const accepted = proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED;
    return Promise.all(
      runs.map(async ({ runId }) => {
        const history = await temporal.client.workflow.getHandle(workflowId, runId).fetchHistory();
        return (history.events ?? []).filter((e) => e.eventType === accepted).length;
      }),
    );
  };

  const studySessionFor = (cell: Unit) => ({
    kind: 'study-session' as const,
    unitCode: cell.code,
    report: { heldOn: vietnamDateOf(new Date()), membersPresent: 11, membersTotal: 12 },
  });

  it('a commune receiving 300 reports with a limit of 40 Updates per run hands over between runs and keeps every report once', async () => {
    const cells: Unit[] = Array.from({ length: 300 }, (_, i) => ({
      code: `VN-X1-CB${String(i + 1).padStart(3, '0')}`,
      name: `Chi bộ thôn ${i + 1}`,
      kind: 'party-cell',
      parent: 'VN-X1',
    }));
    const tree: Unit[] = [{ code: 'VN', name: 'Toàn quốc', kind: 'national' }, { code: 'VN-X1', name: 'Xã Bắc Lý', kind: 'commune', parent: 'VN' }, ...cells];
    const { campaignId, reporter, handle } = await start(tree, { maxUpdatesPerRun: 40 });

    const keys = cells.map(() => randomUUID());
    await burst(
      cells.map((cell, i) => ({ cell, key: keys[i]! })),
      25,
      ({ cell, key }) => reporter.submit(studySessionFor(cell), key),
    );
    // Retries of a tenth of them, as clients that lost the answer would send: no second effect.
    await burst(
      cells.slice(0, 30).map((cell, i) => ({ cell, key: keys[i]! })),
      10,
      ({ cell, key }) => reporter.submit(studySessionFor(cell), key),
    );

    const commune = temporal.client.workflow.getHandle(unitWorkflowId(campaignId, 'VN-X1'));
    const figures = async () => {
      const s = await commune.query(snapshotQuery);
      return { ...s.progress.studySessions, pending: s.eventsPending, run: s.run.number };
    };
    const settled = await eventually(figures, (f) => f.done === 300 && f.pending === 0);
    expect(settled).toMatchObject({ required: 300, done: 300, late: 0 });
    // Every run takes at most its limit of Updates, exactly (workflows/run.ts): 330 accepted Updates (a retry that
    // meets a later run is accepted there and answered from the ledger) need at least 9 runs.
    const perRun = await eventually(
      () => acceptedUpdatesPerRun(unitWorkflowId(campaignId, 'VN-X1')),
      (counts) => counts.length === settled.run && counts.reduce((a, b) => a + b, 0) >= 300,
    );
    process.stderr.write(`history bound: Updates accepted per run of the commune: ${perRun.join(', ')}\n`);
    expect(Math.max(...perRun)).toBeLessThanOrEqual(40);
    expect(perRun.length).toBeGreaterThanOrEqual(Math.ceil(300 / 40));
    await eventually(
      () => handle.query(campaignSnapshotQuery),
      (s) => s.progress.studySessions.done === 300,
    );

    const reported = (await readCampaignEvents(TOPICS.campaignEvents, campaignId)).filter((e) => nameOf(e) === 'study-session.reported');
    expect(new Set(reported.map((e) => e.subject)).size).toBe(300);
    expect(new Set(reported.map((e) => e.id)).size).toBe(reported.length);
    expect(new Set(reported.map((e) => e.id)).size).toBe(300);
  });

  it('a generated tree of 2 provinces, 60 communes and their chi bộ: every report counted once, every history under its bound', async () => {
    const started = Date.now();
    const tree = generateNationalTree({ provinces: 2, communes: 60, partyCellsPerCommune: { min: 15, max: 25 }, seed: 7 });
    const index = new UnitIndex(tree);
    const cells = tree.filter((u) => u.kind === 'party-cell');
    const maxHistoryEvents = 400;
    const { campaignId, reporter, handle } = await start(tree, { maxHistoryEvents });

    await burst(cells, 25, (cell) => reporter.submit(studySessionFor(cell)));
    process.stderr.write(`history bound: ${cells.length} reports accepted in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    const final = await eventually(
      () => handle.query(campaignSnapshotQuery),
      (s) => s.progress.studySessions.done === cells.length,
      120_000,
    );
    expect(final.progress.studySessions).toMatchObject({ required: cells.length, done: cells.length });

    for (const to of ['assessment', 'commendation', 'closed'] as const)
      await handle.executeUpdate(advancePhaseUpdate, { args: [{ to, reason: 'kết thúc sớm để kiểm tra', requestedBy: 'admin-tw' }] });
    const closed = await handle.result();
    expect(closed.progress.studySessions).toMatchObject({ required: cells.length, done: cells.length });

    const workflowIds = [
      campaignWorkflowId(campaignId),
      ...tree.filter((u) => u.code !== 'VN' && !index.isLeaf(u.code)).map((u) => unitWorkflowId(campaignId, u.code)),
    ];
    // A child finishes right after its last report to its parent, so the parent may complete a moment before it.
    for (const id of workflowIds)
      await eventually(
        async () => (await temporal.client.workflow.getHandle(id).describe()).status.name,
        (status) => status === 'COMPLETED',
      );
    // Every run of every workflow of this campaign, from visibility (eventually consistent, hence the wait).
    const runs = await eventually(
      async () => {
        const all: Array<{ workflowId: string; historyLength: number }> = [];
        for await (const run of temporal.client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus != 'Running'` }))
          all.push({ workflowId: run.workflowId, historyLength: run.historyLength });
        return all.filter((r) => r.workflowId.includes(campaignId));
      },
      (all) => new Set(all.map((r) => r.workflowId)).size === workflowIds.length,
    );
    const largest = Math.max(...runs.map((r) => r.historyLength));
    process.stderr.write(
      `history bound: ${workflowIds.length} workflows in ${runs.length} runs, largest run ${largest} events (continue-as-new from ${maxHistoryEvents})\n`,
    );
    // The bound was met by handing over, not by staying small: some workflows took more than one run.
    expect(runs.length).toBeGreaterThan(workflowIds.length);
    // A run hands over at the limit once nothing is in flight; what arrives meanwhile must stay far below the
    // 2,000-event headroom between the default limit (8,000) and the 10,000 every workflow must stay under.
    expect(largest).toBeLessThan(maxHistoryEvents + 1_000);
  }, 600_000);
});
