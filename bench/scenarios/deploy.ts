import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { decodeOperationId } from '../../api/operations';
import type { Plan } from '../../domain/plan';
import { generateNationalTree } from '../../domain/samples/national';
import { UnitIndex, type Unit } from '../../domain/units';
import { campaignSnapshotQuery, campaignWorkflowId, unitWorkflowId } from '../../workflows/messages';
import { BASELINE_QUEUE, type Bench } from '../harness';
import { round } from '../stats';

/**
 * Counts, every few seconds while `until` is pending, the campaign's unit workflows that are running (Temporal's
 * visibility store), printing progress every 30 s. Returns when the count first reached `expected`, in seconds
 * after `t0`, or undefined if it never did.
 */
async function watchRunning(b: Bench, campaignId: string, expected: number, t0: number, until: Promise<unknown>): Promise<number | undefined> {
  const query = `WorkflowId STARTS_WITH "${unitWorkflowId(campaignId, '')}" AND ExecutionStatus = "Running"`;
  let settled = false;
  void until.finally(() => (settled = true)).catch(() => undefined);
  let printedAt = t0;
  for (;;) {
    // A count the busy server does not answer in time is a missed sample, not a failed deploy.
    const running = await b.client.workflow.count(query).then(
      (r) => r.count,
      () => undefined,
    );
    const now = Date.now();
    if (running !== undefined && running >= expected) return (now - t0) / 1000;
    if (settled) return undefined;
    if (now - printedAt >= 30_000) {
      b.log(`    ${running ?? '?'}/${expected} unit workflows running after ${((now - t0) / 1000).toFixed(0)} s`);
      printedAt = now;
    }
    await Promise.race([until.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  }
}

/**
 * Deploys one plan to the tree until every unit workflow runs and has reported its figures in (the deploy
 * operation succeeds only then), against the bare start rate of the same tree of child workflows. The moment the last
 * unit workflow was seen running is measured too (what the target asks).
 */
export async function deploy(b: Bench, plan: Plan, tree: Unit[]) {
  const index = new UnitIndex(tree);
  const provinces = tree.filter((u) => u.kind === 'province');
  const communes = tree.filter((u) => u.kind === 'commune').length;
  const cells = tree.filter((u) => u.kind === 'party-cell').length;
  const json = Buffer.from(JSON.stringify(tree));

  const t0 = Date.now();
  const campaignId = await b.issue(plan, tree);
  const issued = (Date.now() - t0) / 1000;
  const workflows = 1 + provinces.length + communes;
  const t1 = Date.now();
  // The API answers 202 once the campaign accepted the deploy; the operation it names is the deploy Update, waited on here.
  const accepted = (await b.post(`/v1/campaigns/${campaignId}/deploy`, { reason: 'benchmark' }, randomUUID())).body as { operationId: string };
  const deployed = b.client.workflow.getHandle(campaignWorkflowId(campaignId)).getUpdateHandle(decodeOperationId(accepted.operationId)!.updateId).result();
  const running = await watchRunning(b, campaignId, workflows - 1, t1, deployed);
  await deployed;
  const seconds = (Date.now() - t1) / 1000;
  const allRunningSeconds = Math.min(running ?? seconds, seconds);
  b.log(
    `  danvan: ${workflows} workflows (${communes} communes, ${cells} chi bộ) all running after ${allRunningSeconds.toFixed(1)} s, reported in and deployed in ${seconds.toFixed(1)} s`,
  );

  const t2 = Date.now();
  await b.client.workflow.execute('bareRootWorkflow', {
    workflowId: `bare-root-${randomUUID()}`,
    taskQueue: BASELINE_QUEUE,
    args: [provinces.map((p) => index.children(p.code).length)],
  });
  const baselineSeconds = (Date.now() - t2) / 1000;
  b.log(`  baseline: the same ${workflows} bare child workflows started and ended in ${baselineSeconds.toFixed(1)} s`);
  return {
    campaignId,
    units: tree.length,
    workflows,
    communes,
    chiBo: cells,
    treeJsonBytes: json.length,
    treeGzipBytes: gzipSync(json).length,
    issueSeconds: round(issued, 2),
    allRunningSeconds: round(allRunningSeconds),
    deploySeconds: round(seconds),
    workflowsPerSecond: round(workflows / seconds),
    baselineSeconds: round(baselineSeconds),
    baselineWorkflowsPerSecond: round(workflows / baselineSeconds),
  };
}

/**
 * Issues a plan to the whole national tree (62,362 units) whatever the run's size: its input is above Temporal's
 * 2 MB payload limit unless the codec compresses it. Answers once the campaign workflow has run on that input.
 */
export async function nationalIssue(b: Bench, plan: Plan) {
  const tree = generateNationalTree();
  const json = Buffer.from(JSON.stringify(tree));
  const t0 = Date.now();
  const campaignId = await b.issue(plan, tree);
  const snapshot = await b.client.workflow.getHandle(campaignWorkflowId(campaignId)).query(campaignSnapshotQuery);
  const seconds = (Date.now() - t0) / 1000;
  b.log(
    `  ${tree.length} units: ${(json.length / 1e6).toFixed(1)} MB of JSON, ${(gzipSync(json).length / 1e3).toFixed(0)} KB on the wire; issued and answering in ${seconds.toFixed(1)} s (phase ${snapshot.phase})`,
  );
  return { units: tree.length, treeJsonBytes: json.length, treeGzipBytes: gzipSync(json).length, seconds: round(seconds, 1), phase: snapshot.phase };
}
