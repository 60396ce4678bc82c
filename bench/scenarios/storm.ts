import { setTimeout as delay } from 'node:timers/promises';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Connection } from '@temporalio/client';
import { InternalConnectionOptionsSymbol, type InternalConnectionOptions } from '@temporalio/client/lib/connection';
import { msToTs } from '@temporalio/common/lib/time';
import type { Kafka } from 'kafkajs';
import { parseEvent } from '../../domain/events';
import { campaignIdFor } from '../../domain/plan';
import { addDays, deadlineEnd, vietnamDateOf } from '../../domain/schedule';
import { TOPICS } from '../../domain/topics';
import { UnitIndex, type Unit } from '../../domain/units';
import { dataConverter } from '../../infra/codec';
import { registerSearchAttributes } from '../../stack/time-skipping-server';
import { campaignWorkflowId, deployUpdate, unitWorkflowId } from '../../workflows/messages';
import { cpuSeconds } from '../cpu';
import { follow } from '../kafka-read';
import { benchPlan } from '../plan';
import { mapLimit } from '../pool';
import { round } from '../stats';
import { startWorkerProcess } from '../worker-process';

const QUEUE = 'danvan-bench-storm';
/** Every node spreads a deadline's actions over 20 minutes (workflows/reminders.ts); skipping past that fires them all. */
const SPREAD_MS = 20 * 60_000;
/** Wall-clock bound on the skip past the deadline: the national storm took ≈ 11 minutes on this 2-core machine. */
const SKIP_LIMIT_MS = 30 * 60_000;
/** No escalation for this long while the skip has not returned: the server's clock has stopped. */
const STALL_MS = 120_000;

/**
 * The reminder storm: one deadline passes with every chi bộ of the tree still owing its study session. Waiting for
 * a real deadline takes hours, so this runs on Temporal's time-skipping server (same worker code, same Kafka): the
 * tree is deployed, then the clock jumps past the deadline and its 20-minute spread, and every unit workflow's
 * escalation falls due at once — harsher than the real spread. Measured: wall seconds until every escalation is on
 * the reminders topic, workflow-task timeouts in every history, and that each chi bộ is escalated exactly once.
 * The tree's workflows run on a danvan worker process of their own, on that server, so its memory is measured too.
 */
export async function storm(opts: {
  serverPath: string;
  kafka: Kafka;
  kafkaBrokers: string[];
  tree: Unit[];
  workerLog: string;
  workerCache: number | undefined;
  workerHeapMb: number | undefined;
  log: (line: string) => void;
}) {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: opts.serverPath } },
    client: { dataConverter },
  });
  // The skip is one call that lasts as long as the storm, and a skip sent twice unbalances the server's clock lock
  // ("Unbalanced lock and unlock calls"): its clock never moves again. The SDK's connection retries calls that
  // fail in transit, so the skip goes over a connection of its own with no retry (the internal option is how
  // @temporalio/testing itself asks for the test service).
  const skipperOptions: InternalConnectionOptions = {
    address: env.address,
    interceptors: [],
    [InternalConnectionOptionsSymbol]: { supportsTestService: true },
  };
  const skipper = await Connection.connect(skipperOptions);
  const skip = async (ms: number) => {
    if (!skipper.testService) throw new Error(`the server at ${env.address} offers no test service: not a time-skipping server`);
    await skipper.testService.unlockTimeSkippingWithSleep({ duration: msToTs(ms) });
  };
  try {
    await registerSearchAttributes(env.connection);
    const worker = await startWorkerProcess({
      name: 'storm worker',
      temporalAddress: env.address,
      kafkaBrokers: opts.kafkaBrokers,
      taskQueue: QUEUE,
      logFile: opts.workerLog,
      maxCachedWorkflows: opts.workerCache,
      heapMb: opts.workerHeapMb,
    });
    const cpuAtReady = cpuSeconds(worker.pid);
    const readyAt = Date.now();
    const run = async () => {
      const today = vietnamDateOf(new Date(await env.currentTimeMs()));
      const deadline = addDays(today, 1);
      // No reminders before the deadline: the storm is the escalation alone.
      const plan = benchPlan(today, { deadlines: { 'study-sessions': deadline }, reminders: { daysBefore: [] } });
      const campaignId = campaignIdFor(plan);
      const index = new UnitIndex(opts.tree);
      const communes = opts.tree.filter((u) => u.kind === 'commune');
      const cells = opts.tree.filter((u) => u.kind === 'party-cell');

      const escalated = new Map<string, string[]>();
      let records = 0;
      let lastAt = 0;
      const stop = await follow(opts.kafka, TOPICS.reminders, campaignId, (r) => {
        const parsed = parseEvent(JSON.parse(r.value));
        if (!parsed.ok || parsed.name !== 'deadline.escalated') return;
        records++;
        lastAt = r.receivedAt;
        escalated.set(
          parsed.event.id,
          (parsed.event.data as { units: Array<{ code: string }> }).units.map((u) => u.code),
        );
      });

      const t0 = Date.now();
      const campaign = await env.client.workflow.start('campaignWorkflow', {
        workflowId: campaignWorkflowId(campaignId),
        taskQueue: QUEUE,
        args: [{ campaignId, plan, tree: opts.tree }],
      });
      await campaign.executeUpdate(deployUpdate, { args: [{ requestedBy: 'bench', reason: 'benchmark' }] });
      const deploySeconds = (Date.now() - t0) / 1000;
      opts.log(`  deployed ${communes.length} communes on the time-skipping server in ${deploySeconds.toFixed(1)} s; skipping past the deadline`);

      const skipTo = deadlineEnd(deadline).getTime() + SPREAD_MS + 60_000;
      const t1 = Date.now();
      let reached = false;
      let failure: unknown;
      void skip(skipTo - (await env.currentTimeMs())).then(
        () => (reached = true),
        (error: unknown) => (failure = error),
      );
      let stalled = false;
      let reportedAt = t1;
      while (!reached && !stalled && failure === undefined && escalated.size < communes.length) {
        await delay(1_000);
        if (Date.now() - reportedAt >= 60_000) {
          reportedAt = Date.now();
          opts.log(`  ${escalated.size}/${communes.length} escalations on Kafka after ${((reportedAt - t1) / 1000).toFixed(0)} s`);
        }
        stalled = Date.now() - (lastAt || t1) >= STALL_MS || Date.now() - t1 >= SKIP_LIMIT_MS;
      }
      if (failure !== undefined) throw failure;
      if (stalled)
        opts.log(
          `  no escalation for ${STALL_MS / 1000} s (or ${SKIP_LIMIT_MS / 60_000} minutes in all) with the skip unfinished: the server's clock stopped; counting what arrived`,
        );
      // A stopped clock fires nothing more: count what arrived without waiting for the rest.
      const waitUntil = Date.now() + (stalled ? 2_000 : 600_000);
      while (escalated.size < communes.length && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 200));
      const seconds = ((lastAt || Date.now()) - t1) / 1000;
      await new Promise((r) => setTimeout(r, 2000));
      await stop();

      const times = new Map<string, number>();
      for (const units of escalated.values()) for (const code of units) times.set(code, (times.get(code) ?? 0) + 1);
      const missing = cells.filter((c) => !times.has(c.code)).length;
      const twice = [...times.values()].filter((n) => n > 1).length;

      const ids = [
        campaignWorkflowId(campaignId),
        ...opts.tree.filter((u) => u.parent !== undefined && !index.isLeaf(u.code)).map((u) => unitWorkflowId(campaignId, u.code)),
      ];
      const histories = await mapLimit(ids, 16, async (id) => {
        const history = await env.client.workflow.getHandle(id).fetchHistory();
        const events = history.events ?? [];
        return { length: events.length, timeouts: events.filter((e) => e.workflowTaskTimedOutEventAttributes).length };
      });
      const timeouts = histories.reduce((sum, h) => sum + h.timeouts, 0);
      opts.log(
        `  ${escalated.size}/${communes.length} escalations (${cells.length - missing}/${cells.length} chi bộ) on Kafka ${seconds.toFixed(1)} s after the skip; ${timeouts} workflow-task timeouts`,
      );
      return {
        clockStalled: stalled,
        communes: communes.length,
        chiBo: cells.length,
        deploySeconds: round(deploySeconds),
        seconds: round(seconds),
        escalationEvents: escalated.size,
        escalationRecords: records,
        chiBoEscalated: times.size,
        chiBoMissing: missing,
        chiBoEscalatedTwice: twice,
        workflowTaskTimeouts: timeouts,
        largestHistory: Math.max(...histories.map((h) => h.length)),
      };
    };
    let figures: Awaited<ReturnType<typeof run>>;
    try {
      figures = await Promise.race([run(), worker.died]);
    } catch (error) {
      await worker.stop(5_000);
      throw error;
    }
    const cpuAtEnd = cpuSeconds(worker.pid);
    const busySeconds = (Date.now() - readyAt) / 1000;
    const stopped = await worker.stop();
    const { logFile: _log, ...memory } = stopped;
    const stormWorker = {
      ...memory,
      cpuPercentOfOneCore: cpuAtReady === undefined || cpuAtEnd === undefined ? undefined : Math.round(((cpuAtEnd - cpuAtReady) / busySeconds) * 100),
    };
    opts.log(
      `  storm worker: peak RSS ${stormWorker.peakRssMiB} MiB (VmHWM; ${stormWorker.readyRssMiB} MiB when it started polling), ${stormWorker.cpuPercentOfOneCore} % of a core`,
    );
    return { ...figures, worker: stormWorker };
  } finally {
    await skipper.close();
    await env.teardown();
  }
}
