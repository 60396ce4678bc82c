import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Runtime } from '@temporalio/worker';
import { generateNationalTree } from '../domain/samples/national';
import type { Unit } from '../domain/units';
import { loadConfig } from '../infra/config';
import { createLogger, temporalLogger } from '../infra/logger';
import { runMain } from '../infra/main';
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
import { printTable, tableRows } from './table';
import { unmeasured } from './validity';
import { WorkerDiedError } from './worker-process';

/** Cells in an order that visits every commune in turn, as reports from a whole country would arrive. */
function interleaveByCommune(tree: Unit[]): Unit[] {
  const byCommune = new Map<string, Unit[]>();
  for (const u of tree) if (u.kind === 'party-cell') byCommune.set(u.parent!, [...(byCommune.get(u.parent!) ?? []), u]);
  const lists = [...byCommune.values()];
  const out: Unit[] = [];
  for (let i = 0; out.length < lists.reduce((n, l) => n + l.length, 0); i++) for (const l of lists) if (l[i]) out.push(l[i]!);
  return out;
}

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

  const layout = stackLayout(config, 'bench');
  const external = config.TEMPORAL_ADDRESS !== undefined && config.KAFKA_BROKERS !== undefined;
  let stackStarted: Awaited<ReturnType<typeof stackUp>>['started'] = [];
  let temporalAddress = config.TEMPORAL_ADDRESS;
  let kafkaBrokers = config.KAFKA_BROKERS;
  if (!external) {
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
      workerCache: opts.workerCache,
      workerHeapMb: opts.workerHeapMb,
      workerLog: path.join(layout.dataDir, 'worker.log'),
      log: say,
    });
    const w = b.worker;
    say(
      `servers, API and worker process (pid ${w.pid}, log ${path.relative(process.cwd(), w.logFile)}, ${w.maxCachedWorkflows} cached workflows${opts.workerCache === undefined ? ": the SDK's default" : ''}) ready after ${((Date.now() - started) / 1000).toFixed(1)} s; worker RSS ${w.readyRssMiB} MiB`,
    );
    const pids = {
      bench: process.pid,
      worker: w.pid,
      temporal: external ? undefined : runningPid(layout.runDir, 'temporal'),
      kafka: external ? undefined : runningPid(layout.runDir, 'kafka'),
    };
    const scenario = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      say(`▶ ${name}`);
      const meter = cpuMeter(pids);
      let result: T;
      try {
        result = await Promise.race([run(), w.died]);
      } catch (error) {
        if (error instanceof WorkerDiedError) error.message = `${name}: ${error.message}`;
        throw error;
      }
      const memory = w.rss.mark();
      cpu[name] = { ...meter(), workerRssMiB: memory.rssMiB, workerScenarioPeakRssMiB: memory.windowPeakMiB, workerHwmMiB: memory.hwmMiB };
      results[name] = result;
      say(
        `  worker RSS ${memory.rssMiB} MiB (highest sampled in this scenario ${memory.windowPeakMiB}, peak so far ${memory.hwmMiB}); ${JSON.stringify(cpu[name])}`,
      );
      return result;
    };
    const tree = generateNationalTree({ provinces: opts.provinces, communes: opts.communes });
    const cells = interleaveByCommune(tree).slice(0, opts.reports);
    const accepted = new Set<string>();

    const bench = b;
    await scenario('national-issue', () => nationalIssue(bench, benchPlan(todayInVietnam())));
    const deployed = await scenario('deploy', () => deploy(bench, benchPlan(todayInVietnam()), tree));
    const { campaignId } = deployed;
    let used = 0;
    const take = (n: number) => cells.slice(used, (used += Math.min(n, cells.length - used)));
    // Latency and bulk keep chi bộ of their own: throughput is bound by time, and on a quick run's small tree it
    // would otherwise report for every chi bộ and leave the scenarios after it nothing to measure.
    const kept = Math.round(opts.rate * opts.latencySeconds) + 4 * opts.concurrency;
    if (cells.length - kept < 4 * opts.concurrency)
      throw new Error(
        `${cells.length} chi bộ to report for: too few to keep ${kept} for the latency and bulk scenarios and still measure throughput; raise --communes or --reports, or lower --rate or --latency-seconds`,
      );
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
    }
  }

  const wallSeconds = Math.round((Date.now() - started) / 1000);
  const rssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const { logFile, ...workerFigures } = worker!;
  const report = {
    date: new Date().toISOString(),
    mode: opts.quick ? 'quick' : 'full',
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
      servers: external ? 'external (TEMPORAL_ADDRESS, KAFKA_BROKERS)' : 'embedded, bench profile',
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
  const file = opts.out ?? path.join(__dirname, 'results', `${report.date.slice(0, 16).replace(':', '')}${opts.quick ? '-quick' : ''}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ ...report, table: rows, ...(problems.length > 0 ? { unmeasured: problems } : {}) }, null, 2)}\n`);
  say(`wrote ${path.relative(process.cwd(), file)}; whole run ${wallSeconds} s; peak RSS: worker ${workerFigures.peakRssMiB} MiB, bench process ${rssMiB} MiB`);
  if (problems.length > 0) {
    for (const problem of problems) say(`measured nothing: ${problem}`);
    say('FAILED: a figure above stands for no measurement; the run exits 1');
  }
  process.exit(problems.length > 0 ? 1 : 0);
});
