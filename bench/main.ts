import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Runtime } from '@temporalio/worker';
import { generateNationalTree } from '../domain/samples/national';
import { unitWorkflowId } from '../workflows/messages';
import type { Unit } from '../domain/units';
import { loadConfig, type Config } from '../infra/config';
import { createLogger, temporalLogger } from '../infra/logger';
import { runMain } from '../infra/main';
import { CLUSTER_SERVERS, clusterDown, clusterLayout, clusterUp } from '../stack/cluster';
import { SHAPE } from '../stack/shape';
import { stackDown, stackLayout, stackUp } from '../stack/stack';
import { runningPid } from '../stack/process';
import { ensureTimeSkippingServer } from '../stack/time-skipping-server';
import { KAFKA, TEMPORAL_CLI, TIME_SKIPPING_SERVER } from '../stack/versions';
import { cpuMeter } from './cpu';
import { startBench, type Bench } from './harness';
import { parseOptions } from './options';
import { benchPlan, todayInVietnam } from './plan';
import { deploy, nationalIssue } from './scenarios/deploy';
import { outbox } from './scenarios/outbox';
import { bulk, latency, throughput } from './scenarios/reports';
import { storm } from './scenarios/storm';
import { exactlyOnce, largestHistory } from './scenarios/verify';
import { roundTripsPerReport } from './round-trips';
import { printTable, tableRows } from './table';
import { unmeasured } from './validity';
import { WorkerDiedError } from './worker-process';

/**
 * The cluster profile's servers for a bench run: a data folder of their own under the data dir, wiped at each run,
 * and ports of their own (Temporal 24233–24240, Kafka 24092/24102/24112, PostgreSQL 24432), clear of the cluster
 * profile's (+23000 over the dev ports) so a running `npm start -- --cluster` and the bench never meet.
 */
function benchClusterConfig(config: Config): Config {
  return {
    ...config,
    DANVAN_DATA_DIR: path.join(config.DANVAN_DATA_DIR, 'bench-cluster'),
    DANVAN_TEMPORAL_PORT: 1233,
    DANVAN_KAFKA_PORT: 1092,
    DANVAN_POSTGRES_PORT: 1432,
    API_PORT: 1000,
  };
}

/** Communes whose histories the round-trip count reads: enough to average over, few enough to fetch quickly. */
const ROUND_TRIP_WORKFLOWS = 40;

/** Cells in an order that visits every commune in turn, as reports from a whole country would arrive. */
function interleaveByCommune(tree: Unit[]): Unit[] {
  const byCommune = new Map<string, Unit[]>();
  for (const u of tree) if (u.kind === 'party-cell') byCommune.set(u.parent!, [...(byCommune.get(u.parent!) ?? []), u]);
  const lists = [...byCommune.values()];
  const out: Unit[] = [];
  for (let i = 0; out.length < lists.reduce((n, l) => n + l.length, 0); i++) for (const l of lists) if (l[i]) out.push(l[i]!);
  return out;
}

// Without a handler a signal ends the process without 'exit', where each worker process the bench started is killed.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)
  process.once(signal, () => process.exit(code));

/**
 * `npm run bench [-- --quick]`: every scenario of the benchmark, each beside a baseline measured in the same run
 * on the same servers, printed as a table and written to bench/results/<date>[-quick].json.
 */
runMain('bench', async () => {
  const started = Date.now();
  const opts = parseOptions(process.argv.slice(2));
  const config = loadConfig();
  const say = (line: string) => console.log(`[bench] ${line}`);
  Runtime.install({ logger: temporalLogger(createLogger('warn')) });

  const tree = generateNationalTree({ provinces: opts.provinces, communes: opts.communes });
  const cells = interleaveByCommune(tree).slice(0, opts.reports);
  // Latency and bulk keep chi bộ of their own: throughput is bound by time, and on a quick run's small tree it
  // would otherwise report for every chi bộ and leave the scenarios after it nothing to measure.
  const kept = Math.round(opts.rate * opts.latencySeconds) + 4 * opts.concurrency;
  if (cells.length - kept < 4 * opts.concurrency)
    throw new Error(
      `${cells.length} chi bộ to report for: too few to keep ${kept} for the latency and bulk scenarios and still measure throughput; raise --communes or --reports, or lower --rate or --latency-seconds`,
    );
  const layout = stackLayout(config, 'bench');
  const cluster = opts.profile === 'cluster' ? benchClusterConfig(config) : undefined;
  const external = config.TEMPORAL_ADDRESS !== undefined && config.KAFKA_BROKERS !== undefined;
  let stackStarted: Awaited<ReturnType<typeof stackUp>>['started'] = [];
  let temporalAddress = config.TEMPORAL_ADDRESS;
  let kafkaBrokers = config.KAFKA_BROKERS;
  if (cluster) {
    const where = clusterLayout(cluster);
    say(
      `starting the cluster profile's servers (PostgreSQL, Temporal ${SHAPE.temporal.serverVersion}, ${SHAPE.kafka.brokers} Kafka brokers; fresh data in ${where.dataDir}, logs in ${where.runDir})`,
    );
    fs.rmSync(where.dataDir, { recursive: true, force: true });
    fs.mkdirSync(where.dataDir, { recursive: true });
    // The postgres user runs PostgreSQL when the bench runs as root; it must be able to enter the folder.
    fs.chmodSync(cluster.DANVAN_DATA_DIR, 0o755);
    const up = await clusterUp(cluster, { log: say, apps: false });
    temporalAddress = up.temporalAddress;
    kafkaBrokers = up.kafkaBrokers;
  } else if (!external) {
    say(`starting the embedded stack, bench profile (ports +20000, fresh data in ${layout.dataDir})`);
    const up = await stackUp(layout, { temporal: true, kafka: true, fresh: true, topicPartitions: config.KAFKA_TOPIC_PARTITIONS, log: say });
    stackStarted = up.started;
    temporalAddress = up.endpoints.temporalAddress;
    kafkaBrokers = up.endpoints.kafkaBrokers;
  }
  const loadAt = { start: os.loadavg() };
  const results: Record<string, unknown> = {};
  const cpu: Record<string, unknown> = {};
  let b: Bench | undefined;
  let worker: Awaited<ReturnType<Bench['stop']>> | undefined;

  try {
    const timeSkipping = await ensureTimeSkippingServer(layout.cacheDir, say);
    b = await startBench({
      temporalAddress: temporalAddress!,
      kafkaBrokers: kafkaBrokers!,
      concurrency: opts.concurrency,
      workers: opts.workers,
      workerCache: opts.workerCache,
      workerHeapMb: opts.workerHeapMb,
      workerLog: path.join(layout.dataDir, 'worker.log'),
      log: say,
    });
    const w = b.workers;
    const first = w.processes[0]!;
    say(
      `servers, API and ${w.processes.length} worker process${w.processes.length > 1 ? 'es' : ''} (pid ${w.processes.map((p) => p.pid).join(', ')}, log ${path.relative(process.cwd(), first.logFile)}, ${first.maxCachedWorkflows} cached workflows${opts.workerCache === undefined ? ": the SDK's default" : ''}) ready after ${((Date.now() - started) / 1000).toFixed(1)} s; worker RSS ${w.processes.map((p) => p.readyRssMiB).join(', ')} MiB`,
    );
    const serverPids = cluster
      ? Object.fromEntries(CLUSTER_SERVERS.map((name) => [name, runningPid(clusterLayout(cluster).runDir, name)]))
      : { temporal: external ? undefined : runningPid(layout.runDir, 'temporal'), kafka: external ? undefined : runningPid(layout.runDir, 'kafka') };
    const pids = {
      bench: process.pid,
      ...Object.fromEntries(w.processes.map((p, i) => [w.processes.length > 1 ? `worker-${i + 1}` : 'worker', p.pid])),
      ...serverPids,
    };
    const scenario = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      say(`▶ ${name}`);
      const meter = cpuMeter(pids, new Set(['postgres']));
      let result: T;
      try {
        result = await Promise.race([run(), w.died]);
      } catch (error) {
        if (error instanceof WorkerDiedError) error.message = `${name}: ${error.message}`;
        throw error;
      }
      const memory = w.mark();
      cpu[name] = { ...meter(), workerRssMiB: memory.rssMiB, workerScenarioPeakRssMiB: memory.windowPeakMiB, workerHwmMiB: memory.hwmMiB };
      results[name] = result;
      say(
        `  worker RSS ${memory.rssMiB} MiB (highest sampled in this scenario ${memory.windowPeakMiB}, peak so far ${memory.hwmMiB}); ${JSON.stringify(cpu[name])}`,
      );
      return result;
    };
    const accepted = new Set<string>();

    const bench = b;
    await scenario('national-issue', () => nationalIssue(bench, benchPlan(todayInVietnam())));
    const deployed = await scenario('deploy', () => deploy(bench, benchPlan(todayInVietnam()), tree));
    const { campaignId } = deployed;
    let used = 0;
    const take = (n: number) => cells.slice(used, (used += Math.min(n, cells.length - used)));
    const tp = await scenario('throughput', () =>
      throughput(bench, campaignId, cells.slice(0, cells.length - kept), { seconds: opts.throughputSeconds, concurrency: opts.concurrency, accepted }),
    );
    used += tp.consumed;
    const rate = Math.max(1, Math.min(opts.rate, Math.floor(0.7 * tp.danvan.perSecond)));
    if (rate < opts.rate) say(`latency: offered load capped at ${rate}/s, 70% of the throughput measured above (asked ${opts.rate}/s)`);
    await scenario('latency', () => latency(bench, campaignId, take(Math.round(rate * opts.latencySeconds)), { rate, seconds: opts.latencySeconds, accepted }));
    await scenario('bulk-reports', () =>
      bulk(bench, campaignId, cells.slice(used), { maxSeconds: opts.reportsSeconds, concurrency: opts.concurrency, accepted }),
    );
    await scenario('exactly-once', () => exactlyOnce(bench, campaignId, accepted, { settleSeconds: opts.quick ? 60 : 600 }));
    const reported = [...new Set(cells.map((c) => c.parent!))].slice(0, ROUND_TRIP_WORKFLOWS);
    await scenario('round-trips', () =>
      roundTripsPerReport(
        bench.client,
        reported.map((code) => unitWorkflowId(campaignId, code)),
      ),
    );
    await scenario('outbox', () => outbox(bench, { workflows: opts.outboxWorkflows, batches: opts.outboxBatches, batchSize: opts.outboxBatchSize }));
    await scenario('histories', () => largestHistory(bench, campaignId, tree));

    const stormTree = generateNationalTree({ provinces: Math.min(opts.provinces, opts.stormCommunes), communes: opts.stormCommunes, seed: 2026 });
    await scenario('storm', () =>
      storm({
        serverPath: timeSkipping,
        kafka: bench.kafka,
        kafkaBrokers: kafkaBrokers!,
        tree: stormTree,
        workerLog: path.join(layout.dataDir, 'storm-worker.log'),
        workerCache: opts.workerCache,
        workerHeapMb: opts.workerHeapMb,
        log: say,
      }),
    );
  } finally {
    loadAt['end' as 'start'] = os.loadavg();
    try {
      if (b) worker = await b.stop();
    } finally {
      if (stackStarted.length > 0) await stackDown(layout, stackStarted);
      if (cluster) await clusterDown(cluster);
    }
  }

  const wallSeconds = Math.round((Date.now() - started) / 1000);
  const rssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const { logFile, ...workerFigures } = worker!;
  const report = {
    date: new Date().toISOString(),
    mode: opts.quick ? 'quick' : 'full',
    profile: opts.profile,
    options: opts,
    wallSeconds,
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memoryMiB: Math.round(os.totalmem() / 1024 / 1024),
      loadavg: loadAt,
      note: 'shared machine: other people ran test suites during the run; loadavg records how busy it was',
      node: process.version,
      temporalCli: TEMPORAL_CLI.version,
      timeSkippingServer: TIME_SKIPPING_SERVER.version,
      kafka: KAFKA.version,
      servers: cluster
        ? `cluster profile: PostgreSQL, Temporal server ${SHAPE.temporal.serverVersion} (${SHAPE.temporal.historyShards.cluster} history shards), ${SHAPE.kafka.brokers} KRaft brokers (replication ${SHAPE.kafka.replicationFactor}, min ISR ${SHAPE.kafka.minInsyncReplicas}); ${opts.workers} danvan workers`
        : external
          ? 'external (TEMPORAL_ADDRESS, KAFKA_BROKERS)'
          : 'embedded, bench profile',
    },
    worker: {
      entry: 'worker/main.ts',
      log: path.relative(process.cwd(), logFile),
      workerCacheFlag: opts.workerCache ?? null,
      workerHeapMbFlag: opts.workerHeapMb ?? null,
      ...workerFigures,
    },
    /** The bench process alone: the API, the baselines' worker, the load driver. */
    benchPeakRssMiB: rssMiB,
    results,
    cpu,
  };
  const rows = tableRows(report as Parameters<typeof tableRows>[0]);
  printTable(rows);
  const problems = unmeasured(results, rows);
  const file =
    opts.out ?? path.join(__dirname, 'results', `${report.date.slice(0, 16).replace(':', '')}${cluster ? '-cluster' : ''}${opts.quick ? '-quick' : ''}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ ...report, table: rows, ...(problems.length > 0 ? { unmeasured: problems } : {}) }, null, 2)}\n`);
  say(`wrote ${path.relative(process.cwd(), file)}; whole run ${wallSeconds} s; peak RSS: worker ${workerFigures.peakRssMiB} MiB, bench process ${rssMiB} MiB`);
  if (problems.length > 0) {
    for (const problem of problems) say(`measured nothing: ${problem}`);
    say('FAILED: a figure above stands for no measurement; the run exits 1');
  }
  process.exit(problems.length > 0 ? 1 : 0);
});
