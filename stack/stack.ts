import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../infra/config';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics } from '../infra/kafka';
import { ensureKafkaBroker, kafkaIsReady, startKafkaBroker, waitForKafka } from './kafka-broker';
import { StackError, assertPortsFree, runningPid, stopService } from './process';
import { ensureTemporalCli } from './temporal-cli';
import { startTemporalDevServer, temporalIsReady, waitForTemporal } from './temporal-dev-server';
import { ensureTimeSkippingServer } from './time-skipping-server';
import { requireTool } from './tools';

/**
 * The embedded local stack: a Temporal dev server and a single-node Kafka broker, run from binaries the
 * project fetches itself. `dev` is what `npm start` and `stack:up` run; `test` is what `npm test` runs,
 * on its own ports (dev ports + 10000) and in its own data folder, so tests never touch a developer's data;
 * `bench` is what `npm run bench` runs, apart from both (dev ports + 20000).
 */
export type Profile = 'dev' | 'test' | 'bench';

const PORT_OFFSET: Record<Profile, number> = { dev: 0, test: 10_000, bench: 20_000 };

export interface StackLayout {
  profile: Profile;
  cacheDir: string;
  dataDir: string;
  runDir: string;
  namespace: string;
  ports: { temporal: number; temporalUi: number; kafka: number; kafkaController: number };
}

export interface StackEndpoints {
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  kafkaBrokers: string[];
}

const SERVICES = ['temporal', 'kafka'] as const;
export type Service = (typeof SERVICES)[number];

export function stackLayout(config: Config, profile: Profile): StackLayout {
  const offset = PORT_OFFSET[profile];
  const dataDir = path.join(config.DANVAN_DATA_DIR, profile);
  return {
    profile,
    cacheDir: config.DANVAN_CACHE_DIR,
    dataDir,
    runDir: path.join(dataDir, 'run'),
    namespace: config.TEMPORAL_NAMESPACE,
    ports: {
      temporal: config.DANVAN_TEMPORAL_PORT + offset,
      temporalUi: config.DANVAN_TEMPORAL_UI_PORT + offset,
      kafka: config.DANVAN_KAFKA_PORT + offset,
      kafkaController: config.DANVAN_KAFKA_CONTROLLER_PORT + offset,
    },
  };
}

export function endpoints(layout: StackLayout): StackEndpoints {
  return {
    temporalAddress: `127.0.0.1:${layout.ports.temporal}`,
    temporalUiUrl: layout.profile === 'dev' ? `http://127.0.0.1:${layout.ports.temporalUi}` : undefined,
    kafkaBrokers: [`127.0.0.1:${layout.ports.kafka}`],
  };
}

/** Fetches (first use only) everything the stack and the test suites run: Temporal CLI, Kafka jars, the time-skipping server. */
export async function provision(layout: StackLayout, log: (line: string) => void, wants: { temporal: boolean; kafka: boolean; timeSkipping: boolean }) {
  const [temporalCli, kafkaLib, timeSkippingServer] = await Promise.all([
    wants.temporal ? ensureTemporalCli(layout.cacheDir, log) : undefined,
    wants.kafka ? ensureKafkaBroker(layout.cacheDir, log) : undefined,
    wants.timeSkipping ? ensureTimeSkippingServer(layout.cacheDir, log) : undefined,
  ]);
  return { temporalCli, kafkaLib, timeSkippingServer };
}

export interface UpOptions {
  temporal: boolean;
  kafka: boolean;
  /** Start from empty data (the test profile does, so every run is reproducible). */
  fresh?: boolean;
  /** Partitions of danvan's topics, created on the broker once it is ready. */
  topicPartitions: number;
  log: (line: string) => void;
  /** Leave the servers running when this process exits (`stack:up`); by default they stop with it, even on SIGKILL. */
  outliveCaller?: boolean;
  /** Aborting it stops the start-up: the servers this call started are stopped and it rejects. */
  signal?: AbortSignal;
}

/**
 * Brings the requested servers up and waits until each really answers. A server of this profile that is
 * already running is reused, not started twice. Returns the services this call started, for a clean stop.
 */
export async function stackUp(layout: StackLayout, opts: UpOptions): Promise<{ endpoints: StackEndpoints; started: Service[] }> {
  const ep = endpoints(layout);
  const wanted = SERVICES.filter((s) => opts[s]);
  if (opts.fresh) {
    for (const service of wanted) await stopService(layout.runDir, service);
    for (const service of wanted) fs.rmSync(path.join(layout.dataDir, service === 'temporal' ? 'temporal.sqlite' : 'kafka'), { recursive: true, force: true });
  }
  const toStart = wanted.filter((s) => runningPid(layout.runDir, s) === undefined);
  const busy: Record<string, number> = {};
  if (toStart.includes('temporal')) {
    busy['Temporal frontend'] = layout.ports.temporal;
    if (layout.profile === 'dev') busy['Temporal UI'] = layout.ports.temporalUi;
  }
  if (toStart.includes('kafka')) {
    busy['Kafka broker'] = layout.ports.kafka;
    busy['Kafka controller'] = layout.ports.kafkaController;
  }
  await assertPortsFree(
    busy,
    `move danvan to other ports with DANVAN_TEMPORAL_PORT / DANVAN_TEMPORAL_UI_PORT / DANVAN_KAFKA_PORT / DANVAN_KAFKA_CONTROLLER_PORT (the ${layout.profile} stack adds ${PORT_OFFSET[layout.profile]})`,
  );

  // Every missing prerequisite is reported before anything starts, so a failed start leaves nothing running.
  if (toStart.includes('kafka')) requireTool('java', 'to run the local Apache Kafka broker');

  const tools = await provision(layout, opts.log, { temporal: toStart.includes('temporal'), kafka: toStart.includes('kafka'), timeSkipping: false });
  fs.mkdirSync(layout.runDir, { recursive: true });
  if (opts.signal?.aborted) throw new StackError('start-up interrupted before the servers were started');

  const waits: Promise<void>[] = [];
  if (opts.temporal) {
    const pid = tools.temporalCli
      ? startTemporalDevServer({
          binary: tools.temporalCli,
          dataDir: layout.dataDir,
          runDir: layout.runDir,
          port: layout.ports.temporal,
          uiPort: layout.ports.temporalUi,
          namespace: layout.namespace,
          headless: layout.profile !== 'dev',
          outliveCaller: opts.outliveCaller ?? false,
        })
      : runningPid(layout.runDir, 'temporal');
    waits.push(waitForTemporal(ep.temporalAddress, layout.namespace, { runDir: layout.runDir, pid, signal: opts.signal }));
  }
  if (opts.kafka) {
    const pid = tools.kafkaLib
      ? startKafkaBroker({
          lib: tools.kafkaLib,
          dataDir: layout.dataDir,
          runDir: layout.runDir,
          port: layout.ports.kafka,
          controllerPort: layout.ports.kafkaController,
          outliveCaller: opts.outliveCaller ?? false,
        })
      : runningPid(layout.runDir, 'kafka');
    waits.push(waitForKafka(ep.kafkaBrokers, { runDir: layout.runDir, pid, signal: opts.signal }));
  }
  const results = await Promise.allSettled(waits);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    for (const service of toStart) await stopService(layout.runDir, service);
    throw failure.reason;
  }
  if (opts.kafka) {
    const admin = new Kafka({ brokers: ep.kafkaBrokers, clientId: 'danvan-stack', logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    try {
      await ensureTopics(admin, opts.topicPartitions, 1);
    } finally {
      await admin.disconnect();
    }
  }
  return { endpoints: ep, started: toStart };
}

export async function stackDown(layout: StackLayout, services: readonly Service[] = SERVICES): Promise<Service[]> {
  const stopped: Service[] = [];
  // Kafka first: it has the longer orderly shutdown, and nothing in the stack depends on it.
  for (const service of [...services].reverse()) {
    if (await stopService(layout.runDir, service)) stopped.push(service);
  }
  return stopped;
}

export interface ServiceStatus {
  service: Service;
  pid: number | undefined;
  ready: boolean;
  address: string;
}

export async function stackStatus(layout: StackLayout): Promise<ServiceStatus[]> {
  const ep = endpoints(layout);
  return Promise.all(
    SERVICES.map(async (service) => {
      const pid = runningPid(layout.runDir, service);
      const ready =
        service === 'temporal'
          ? await temporalIsReady(ep.temporalAddress, layout.namespace).catch(() => false)
          : await kafkaIsReady(ep.kafkaBrokers).catch(() => false);
      return { service, pid, ready, address: service === 'temporal' ? ep.temporalAddress : ep.kafkaBrokers.join(',') };
    }),
  );
}
