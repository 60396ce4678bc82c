import { parseArgs } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { campaignIdFor } from '../domain/plan';
import { generateNationalTree } from '../domain/samples/national';
import { UnitIndex } from '../domain/units';
import { dataConverter } from '../infra/codec';
import { loadConfig } from '../infra/config';
import { ensureTemporalCli } from '../stack/temporal-cli';
import { WORKFLOWS_PATH } from '../worker/worker';
import { DEFAULT_RUN_LIMITS, snapshotQuery, unitWorkflowId, type UnitInput } from '../workflows/messages';
import { benchPlan, todayInVietnam } from './plan';

/**
 * `npm run bench:memory`: the live heap one cached workflow holds, after a full garbage collection, for a workflow
 * of the SDK alone and for danvan's commune workflow with its chi bộ. The workers run their workflows on this
 * process's own thread (`debugMode`), so `process.memoryUsage()` sees them; a worker in production runs them on a
 * thread of its own, with the same cost per workflow. A national campaign keeps 3,355 of these workflows running.
 */

const gc = (globalThis as { gc?: () => void }).gc;

function liveHeapMiB(): number {
  if (!gc) throw new Error('run with node --expose-gc (npm run bench:memory does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { workflows: { type: 'string', default: '300' } } });
  const count = Number(values.workflows);
  if (!Number.isInteger(count) || count < 10 || count > 3_000)
    throw new Error(`--workflows expects a whole number from 10 to 3000, got ${JSON.stringify(values.workflows)}`);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const log = (line: string) => console.log(`[memory] ${line}`);

  const cli = await ensureTemporalCli(loadConfig().DANVAN_CACHE_DIR, log);
  const env = await TestWorkflowEnvironment.createLocal({ client: { dataConverter }, server: { executable: { type: 'existing-path', path: cli } } });
  const common = { connection: env.nativeConnection, dataConverter, debugMode: true, maxCachedWorkflows: count + 10 } as const;
  const bare = await Worker.create({ ...common, taskQueue: 'memory-bare', workflowsPath: require.resolve('./memory-workflows') });
  const danvan = await Worker.create({
    ...common,
    taskQueue: 'memory-danvan',
    workflowsPath: WORKFLOWS_PATH,
    activities: { publishEvents: async () => undefined },
  });
  const running = [bare.run(), danvan.run()];
  try {
    const sinkId = 'memory-sink';
    await env.client.workflow.start('sinkWorkflow', { taskQueue: 'memory-bare', workflowId: sinkId });
    await settle(2_000);

    const measure = async (what: string, start: (i: number) => Promise<void>) => {
      const before = liveHeapMiB();
      const rssBefore = process.memoryUsage().rss / 2 ** 20;
      const t0 = Date.now();
      for (let i = 0; i < count; i++) await start(i);
      const seconds = (Date.now() - t0) / 1000;
      await settle(5_000);
      const perWorkflowKiB = ((liveHeapMiB() - before) * 1024) / count;
      // RSS also counts what the SDK's Rust core keeps per cached run, outside the V8 heap, and heap not yet returned.
      const rssPerWorkflowKiB = ((process.memoryUsage().rss / 2 ** 20 - rssBefore) * 1024) / count;
      log(
        `${what}: ${count} workflows cached, ${perWorkflowKiB.toFixed(0)} KiB of live heap each (RSS grew ${rssPerWorkflowKiB.toFixed(0)} KiB each); started and through their first tasks in ${seconds.toFixed(1)} s`,
      );
      return { perWorkflowKiB, rssPerWorkflowKiB, seconds };
    };

    const sdk = await measure('SDK alone (an idle workflow, nothing of danvan in its bundle)', async (i) => {
      await env.client.workflow.start('idleWorkflow', { taskQueue: 'memory-bare', workflowId: `memory-idle-${i}` });
    });

    const tree = generateNationalTree();
    const index = new UnitIndex(tree);
    const plan = benchPlan(todayInVietnam());
    const campaignId = campaignIdFor(plan);
    const communes = tree.filter((u) => u.kind === 'commune');
    const since = Object.fromEntries(Object.keys(plan.deadlines).map((d) => [d, new Date(0).toISOString()])) as UnitInput['deadlinesSince'];
    const commune = await measure('danvan commune workflow (its chi bộ in the ledger, deployed, reporting to its parent)', async (i) => {
      const unit = communes[i]!;
      const input: UnitInput = {
        campaignId,
        plan,
        unitCode: unit.code,
        units: index.subtree(unit.code),
        parentWorkflowId: sinkId,
        phase: 'in-progress',
        deadlines: plan.deadlines,
        deadlinesSince: since,
        limits: DEFAULT_RUN_LIMITS,
      };
      const handle = await env.client.workflow.start('unitWorkflow', {
        taskQueue: 'memory-danvan',
        workflowId: unitWorkflowId(campaignId, unit.code),
        args: [input],
      });
      await handle.query(snapshotQuery);
    });
    const national = 3_355;
    const mib = (kib: number) => ((kib * national) / 1024).toFixed(0);
    log(
      `a national campaign's ${national} unit workflows, all cached: ≈ ${mib(commune.perWorkflowKiB)} MiB of live heap, RSS ≈ ${mib(commune.rssPerWorkflowKiB)} MiB (SDK alone: ≈ ${mib(sdk.perWorkflowKiB)} / ${mib(sdk.rssPerWorkflowKiB)} MiB)`,
    );
  } finally {
    bare.shutdown();
    danvan.shutdown();
    await Promise.all(running);
    await env.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
