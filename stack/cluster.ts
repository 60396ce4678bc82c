import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Config } from '../infra/config';
import { ensureTopics } from '../infra/kafka';
import { resolveJwtSecret } from '../infra/secrets';
import { writeWorkflowBundle } from '../worker/bundle';
import { ensureKafkaBroker } from './kafka-broker';
import {
  KAFKA_CLUSTER_REPLICATION_FACTOR,
  KAFKA_CLUSTER_SIZE,
  kafkaClusterBrokers,
  kafkaNodeName,
  startKafkaCluster,
  stopKafkaCluster,
  waitForKafkaCluster,
} from './kafka-cluster';
import { ensurePostgresData, findPostgres, postgresRunAs, startPostgres, stopPostgres, waitForPostgres } from './postgres';
import { StackError, assertPortsFree, logFile, runningPid, spawnService, stopService, waitUntilReady } from './process';
import { SHAPE } from './shape';
import { ensureTemporalServer, startTemporalServer, temporalServerPorts, waitForTemporalServer } from './temporal-server';

/**
 * The `cluster` profile: docker-compose.yml's shape on one machine, from real parts and without Docker. PostgreSQL,
 * the Temporal server on it (SQL visibility included), three KRaft brokers, then danvan's own processes as compose
 * runs them (two workers on a workflow bundle written once, the API, the analytics consumer), each a process of its
 * own with its own log in `.data/cluster/run/`. Its ports are the dev ports + 23000, below 32768 where Temporal's
 * membership ports must stay (a SMALLINT in PostgreSQL).
 */

export const CLUSTER_PORT_OFFSET = 23_000;
export const CLUSTER_WORKERS = SHAPE.worker.replicas.cluster;
/** The server processes by their service names (pid and log files in the run folder). */
export const CLUSTER_SERVERS = ['postgres', 'temporal', ...Array.from({ length: KAFKA_CLUSTER_SIZE }, (_, i) => kafkaNodeName(i + 1))];
/** The app processes, started after the servers and stopped before them. */
const APPS = [...Array.from({ length: CLUSTER_WORKERS }, (_, i) => `worker-${i + 1}`), 'api', 'analytics'] as const;
const ENTRY: Record<string, string> = { api: 'api/server.ts', analytics: 'analytics/main.ts' };
const ROOT = path.resolve(__dirname, '..');

export interface ClusterLayout {
  cacheDir: string;
  dataDir: string;
  runDir: string;
  namespace: string;
  ports: { postgres: number; temporal: number; kafka: number[]; kafkaControllers: number[]; api: number };
}

export function clusterLayout(config: Config): ClusterLayout {
  const dataDir = path.join(config.DANVAN_DATA_DIR, 'cluster');
  const kafka = Array.from({ length: KAFKA_CLUSTER_SIZE }, (_, i) => config.DANVAN_KAFKA_PORT + CLUSTER_PORT_OFFSET + 10 * i);
  return {
    cacheDir: config.DANVAN_CACHE_DIR,
    dataDir,
    runDir: path.join(dataDir, 'run'),
    namespace: config.TEMPORAL_NAMESPACE,
    ports: {
      postgres: config.DANVAN_POSTGRES_PORT + CLUSTER_PORT_OFFSET,
      temporal: config.DANVAN_TEMPORAL_PORT + CLUSTER_PORT_OFFSET,
      kafka,
      kafkaControllers: kafka.map((port) => port + 1),
      api: config.API_PORT + CLUSTER_PORT_OFFSET,
    },
  };
}

export interface ClusterEndpoints {
  temporalAddress: string;
  kafkaBrokers: string[];
  apiUrl: string;
  analyticsDb: string;
  logs: string;
}

export function clusterEndpoints(layout: ClusterLayout): ClusterEndpoints {
  return {
    temporalAddress: `127.0.0.1:${layout.ports.temporal}`,
    kafkaBrokers: kafkaClusterBrokers(layout.ports.kafka),
    apiUrl: `http://127.0.0.1:${layout.ports.api}`,
    analyticsDb: path.join(layout.dataDir, 'analytics.sqlite'),
    logs: layout.runDir,
  };
}

/** What every danvan process of the cluster reads, as compose's x-danvan-env gives it to its services. */
function appEnvironment(config: Config, layout: ClusterLayout, bundle: string): Record<string, string> {
  const ep = clusterEndpoints(layout);
  return {
    TEMPORAL_ADDRESS: ep.temporalAddress,
    TEMPORAL_NAMESPACE: layout.namespace,
    TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
    KAFKA_BROKERS: ep.kafkaBrokers.join(','),
    KAFKA_TOPIC_PARTITIONS: String(config.KAFKA_TOPIC_PARTITIONS),
    KAFKA_REPLICATION_FACTOR: String(KAFKA_CLUSTER_REPLICATION_FACTOR),
    API_HOST: '127.0.0.1',
    API_PORT: String(layout.ports.api),
    DANVAN_JWT_SECRET: resolveJwtSecret(config.DANVAN_JWT_SECRET, layout.dataDir),
    DANVAN_DATA_DIR: layout.dataDir,
    DANVAN_ANALYTICS_DB: ep.analyticsDb,
    DANVAN_WORKFLOW_BUNDLE: bundle,
    LOG_LEVEL: config.LOG_LEVEL,
  };
}

/** The workflow code both workers run, bundled by clusterUp. */
export function clusterWorkflowBundle(layout: ClusterLayout): string {
  return path.join(layout.dataDir, 'workflow-bundle.js');
}

/** What only the workers get beside it, as compose's worker service: the cache and the heap of the production shape. */
export function workerEnvironment(): Record<string, string> {
  return {
    DANVAN_WORKER_MAX_CACHED_WORKFLOWS: String(SHAPE.worker.maxCachedWorkflows),
    NODE_OPTIONS: `--max-old-space-size=${SHAPE.worker.heapMb}`,
  };
}

/**
 * The workers share this machine: with DANVAN_WORKER_METRICS_ADDRESS set (host:port, inherited from this process's
 * environment like every app's), worker-n serves its Temporal SDK metrics on that port + n - 1, so they never clash.
 */
function workerMetricsEnvironment(name: string): Record<string, string> {
  const address = process.env.DANVAN_WORKER_METRICS_ADDRESS;
  if (!address) return {};
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1)) + Number(name.slice('worker-'.length)) - 1;
  return { DANVAN_WORKER_METRICS_ADDRESS: `${address.slice(0, colon)}:${port}` };
}

function startApp(name: string, env: Record<string, string>, layout: ClusterLayout, outliveCaller: boolean): number {
  const entry = path.join(ROOT, ENTRY[name] ?? 'worker/main.ts');
  const own = ENTRY[name] ? {} : { ...workerEnvironment(), ...workerMetricsEnvironment(name) };
  return spawnService({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', entry],
    env: { ...env, ...own },
    cwd: ROOT,
    runDir: layout.runDir,
    outliveCaller,
  });
}

/** Until the app runs: the API answers /readyz (Temporal and Kafka answer it); the others say so in their logs. */
async function waitForApp(name: string, layout: ClusterLayout, pid: number, signal: AbortSignal | undefined, logFrom = 0): Promise<void> {
  // From `logFrom` on: a restarted app appends to the log where its earlier run already said it was running.
  const logged = (pattern: RegExp) => async () => pattern.test(fs.readFileSync(logFile(layout.runDir, name)).subarray(logFrom).toString('utf8'));
  const probe =
    name === 'api'
      ? async () => (await fetch(`${clusterEndpoints(layout).apiUrl}/readyz`)).ok
      : logged(name === 'analytics' ? /projection open/ : /worker running/);
  await waitUntilReady(`${name} of the cluster`, probe, { timeoutMs: 180_000, runDir: layout.runDir, name, pid, ...(signal ? { signal } : {}) });
}

export interface ClusterUpOptions {
  log: (line: string) => void;
  outliveCaller?: boolean;
  signal?: AbortSignal;
  /** false: the servers only (PostgreSQL, Temporal, Kafka), for a caller that runs danvan's processes itself (the benchmark). */
  apps?: boolean;
}

/** Brings the whole cluster up, reusing its data; whatever this call started is stopped again if any part fails. */
export async function clusterUp(config: Config, opts: ClusterUpOptions): Promise<ClusterEndpoints> {
  const layout = clusterLayout(config);
  const outliveCaller = opts.outliveCaller ?? false;
  const ep = clusterEndpoints(layout);
  if ([...APPS, 'postgres', 'temporal'].some((name) => runningPid(layout.runDir, name) !== undefined))
    throw new StackError(`the cluster profile already runs (pids in ${layout.runDir}): stop it with \`npm run stack:down -- --profile cluster\``);
  await assertPortsFree(
    {
      PostgreSQL: layout.ports.postgres,
      ...Object.fromEntries(Object.entries(temporalServerPorts(layout.ports.temporal)).map(([name, port]) => [`Temporal ${name}`, port])),
      ...Object.fromEntries(layout.ports.kafka.map((port, i) => [`Kafka node ${i + 1}`, port])),
      ...Object.fromEntries(layout.ports.kafkaControllers.map((port, i) => [`Kafka controller ${i + 1}`, port])),
      API: layout.ports.api,
    },
    `the cluster profile uses the dev ports + ${CLUSTER_PORT_OFFSET}; move them with DANVAN_TEMPORAL_PORT / DANVAN_KAFKA_PORT / DANVAN_POSTGRES_PORT / API_PORT`,
  );
  const bins = findPostgres();
  const runAs = postgresRunAs();
  const [build, lib] = await Promise.all([ensureTemporalServer(layout.cacheDir, opts.log), ensureKafkaBroker(layout.cacheDir, opts.log)]);
  fs.mkdirSync(layout.runDir, { recursive: true });
  try {
    const pgData = path.join(layout.dataDir, 'postgres');
    await ensurePostgresData(pgData, bins, runAs, opts.log);
    const pg = startPostgres({ bins, runAs, dataDir: pgData, runDir: layout.runDir, port: layout.ports.postgres, outliveCaller });
    await waitForPostgres(bins.pgIsReady, layout.ports.postgres, { runDir: layout.runDir, pid: pg, ...(opts.signal ? { signal: opts.signal } : {}) });
    opts.log(`PostgreSQL ready on 127.0.0.1:${layout.ports.postgres}`);

    const nodes = startKafkaCluster({
      lib,
      dataDir: layout.dataDir,
      runDir: layout.runDir,
      ports: layout.ports.kafka,
      controllerPorts: layout.ports.kafkaControllers,
      outliveCaller,
    });
    const temporal = await startTemporalServer({
      build,
      configDir: path.join(layout.dataDir, 'temporal-config'),
      runDir: layout.runDir,
      basePort: layout.ports.temporal,
      postgresPort: layout.ports.postgres,
      outliveCaller,
      log: opts.log,
    });
    await Promise.all([
      waitForTemporalServer(ep.temporalAddress, layout.namespace, { runDir: layout.runDir, pid: temporal, ...(opts.signal ? { signal: opts.signal } : {}) }),
      waitForKafkaCluster(ep.kafkaBrokers, { runDir: layout.runDir, ...(opts.signal ? { signal: opts.signal } : {}) }),
    ]);
    opts.log(`Temporal server ready on ${ep.temporalAddress}; Kafka nodes ${nodes.map((n) => n.name).join(', ')} ready on ${ep.kafkaBrokers.join(',')}`);
    const admin = new Kafka({ brokers: ep.kafkaBrokers, clientId: 'danvan-cluster', logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    try {
      await ensureTopics(admin, config.KAFKA_TOPIC_PARTITIONS, KAFKA_CLUSTER_REPLICATION_FACTOR);
    } finally {
      await admin.disconnect();
    }

    if (opts.apps === false) return ep;
    // Bundled once for both workers, as the image does at build.
    const bundle = clusterWorkflowBundle(layout);
    await writeWorkflowBundle(bundle);
    const env = appEnvironment(config, layout, bundle);
    // A second start appends to logs where the first already said "running": only what this start wrote counts.
    const logFrom = (name: string) => (fs.existsSync(logFile(layout.runDir, name)) ? fs.statSync(logFile(layout.runDir, name)).size : 0);
    const pids = APPS.map((name) => [name, logFrom(name), startApp(name, env, layout, outliveCaller)] as const);
    await Promise.all(pids.map(([name, from, pid]) => waitForApp(name, layout, pid, opts.signal, from)));
    return ep;
  } catch (error) {
    await clusterDown(config);
    throw error;
  }
}

/** Stops the apps, then Kafka, Temporal and PostgreSQL last (Temporal holds connections to it); the data stays. */
export async function clusterDown(config: Config): Promise<string[]> {
  const layout = clusterLayout(config);
  const stopped: string[] = [];
  for (const name of [...APPS].reverse()) if (await stopService(layout.runDir, name)) stopped.push(name);
  stopped.push(...(await stopKafkaCluster(layout.runDir)));
  if (await stopService(layout.runDir, 'temporal')) stopped.push('temporal');
  if (await stopPostgres(layout.runDir)) stopped.push('postgres');
  return stopped;
}

export interface ClusterRestartOptions {
  log: (line: string) => void;
  outliveCaller?: boolean;
  /** Variables of this start beside the cluster's own, for an app: a worker's next workflow bundle in a rolling upgrade. */
  env?: Record<string, string>;
}

/**
 * Starts one part of a cluster clusterUp brought up, after it was stopped or killed, on its data and the way
 * clusterUp starts it, and waits until it is ready; answers its pid. `name` is its service name: postgres, temporal,
 * kafka-<n>, worker-<n>, api or analytics. For the fault suites, which break one part and bring it back.
 */
export async function clusterRestart(config: Config, name: string, opts: ClusterRestartOptions): Promise<number> {
  const layout = clusterLayout(config);
  const ep = clusterEndpoints(layout);
  const { runDir } = layout;
  const outliveCaller = opts.outliveCaller ?? false;
  if (runningPid(runDir, name) !== undefined) throw new StackError(`${name} of the cluster still runs (its pid file is in ${runDir}): stop it first`);
  if (name === 'postgres') {
    const bins = findPostgres();
    const dataDir = path.join(layout.dataDir, 'postgres');
    const pid = startPostgres({ bins, runAs: postgresRunAs(), dataDir, runDir, port: layout.ports.postgres, outliveCaller });
    await waitForPostgres(bins.pgIsReady, layout.ports.postgres, { runDir, pid });
    return pid;
  }
  if (name === 'temporal') {
    const build = await ensureTemporalServer(layout.cacheDir, opts.log);
    const configDir = path.join(layout.dataDir, 'temporal-config');
    const pid = await startTemporalServer({
      build,
      configDir,
      runDir,
      basePort: layout.ports.temporal,
      postgresPort: layout.ports.postgres,
      outliveCaller,
      log: opts.log,
    });
    await waitForTemporalServer(ep.temporalAddress, layout.namespace, { runDir, pid });
    return pid;
  }
  if (layout.ports.kafka.some((_, i) => kafkaNodeName(i + 1) === name)) {
    const lib = await ensureKafkaBroker(layout.cacheDir, opts.log);
    // Starts only the nodes not running, so the one that stopped.
    const nodes = startKafkaCluster({
      lib,
      dataDir: layout.dataDir,
      runDir,
      ports: layout.ports.kafka,
      controllerPorts: layout.ports.kafkaControllers,
      outliveCaller,
    });
    await waitForKafkaCluster(ep.kafkaBrokers, { runDir });
    return nodes.find((node) => node.name === name)!.pid;
  }
  if ((APPS as readonly string[]).includes(name)) {
    const log = logFile(runDir, name);
    const logFrom = fs.existsSync(log) ? fs.statSync(log).size : 0;
    const pid = startApp(name, { ...appEnvironment(config, layout, clusterWorkflowBundle(layout)), ...opts.env }, layout, outliveCaller);
    await waitForApp(name, layout, pid, undefined, logFrom);
    return pid;
  }
  throw new StackError(
    `the cluster has no part named ${JSON.stringify(name)}: its parts are postgres, temporal, ${layout.ports.kafka.map((_, i) => kafkaNodeName(i + 1)).join(', ')}, ${APPS.join(', ')}`,
  );
}
