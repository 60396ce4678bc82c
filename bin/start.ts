import path from 'node:path';
import { register } from 'prom-client';
import { buildApp } from '../api/app';
import { devTokenTtl, mintToken, tokenSettingsOf, tokenVerifierFor } from '../api/auth';
import { analyticsDbFile, loadConfig, publicBaseUrl } from '../infra/config';
import { createLogger, temporalLogger } from '../infra/logger';
import { listenOrExplain, runMain } from '../infra/main';
import { installTemporalRuntime, serveMetrics } from '../infra/metrics';
import { resolveJwtSecret } from '../infra/secrets';
import { connectServices } from '../infra/services';
import { clusterDown, clusterLayout, clusterUp } from '../stack/cluster';
import { stackDown, stackLayout, stackUp, type Service } from '../stack/stack';
import { createDanvanWorker } from '../worker/worker';

/** One step of the shutdown, with the longest it may take before the shutdown moves on without it. */
interface Cleanup {
  what: string;
  timeoutMs: number;
  run: () => Promise<unknown>;
}

/** Never rejects: what went wrong is returned, so no step, however stuck, keeps the servers from being stopped. */
async function runBounded(step: Cleanup): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`did not finish within ${step.timeoutMs / 1000} s`), step.timeoutMs);
  });
  try {
    return await Promise.race([
      step.run().then(
        () => undefined,
        (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `npm start`: the whole system in one command. With TEMPORAL_ADDRESS / KAFKA_BROKERS unset it brings up
 * the embedded Temporal dev server and Kafka broker (whichever is unset), then runs the worker and the API
 * in this process. Ctrl-C stops the API, drains the worker, and stops the servers it started. Each step is
 * bounded, so the servers are stopped (SIGTERM, then SIGKILL) whatever the API or the worker do; and should
 * this process die without a shutdown, by SIGKILL even, the servers stop themselves (stack/process.ts).
 */
runMain('start', async () => {
  if (process.argv.includes('--cluster')) return startCluster();
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const layout = stackLayout(config, 'dev');
  const say = (line: string) => console.log(`[danvan] ${line}`);

  // Signals are handled below, in order; the Temporal runtime must not shut the worker down on its own.
  installTemporalRuntime({ shutdownSignals: [], logger: temporalLogger(logger) }, config.DANVAN_WORKER_METRICS_ADDRESS);

  const embedded = { temporal: !config.TEMPORAL_ADDRESS, kafka: !config.KAFKA_BROKERS };
  // Ctrl-C during start-up interrupts stackUp, which then stops the servers it has started.
  const interrupt = new AbortController();
  let serversStarted: Promise<Service[]> = Promise.resolve([]);
  let stopping = false;
  const cleanups: Cleanup[] = [];
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const begun = Date.now();
    say(`${signal}: stopping …`);
    interrupt.abort();
    for (const cleanup of cleanups.reverse()) {
      const problem = await runBounded(cleanup);
      if (problem) say(`stopping ${cleanup.what} ${problem}; going on`);
    }
    const ours = await serversStarted;
    if (ours.length > 0) await stackDown(layout, ours);
    say(`stopped in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
    process.exit(0);
  };
  // On every signal, not only the first: one Ctrl-C can arrive more than once (from the terminal and again
  // from npm or tsx passing it on), and with no listener left a repeat would end the process mid-shutdown.
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let temporalAddress = config.TEMPORAL_ADDRESS;
  let kafkaBrokers = config.KAFKA_BROKERS;
  let temporalUi: string | undefined;
  if (embedded.temporal || embedded.kafka) {
    say(
      `starting the embedded ${[embedded.temporal && 'Temporal dev server', embedded.kafka && 'Kafka broker'].filter(Boolean).join(' and ')} (data in ${path.relative(process.cwd(), layout.dataDir) || layout.dataDir})`,
    );
    const starting = stackUp(layout, { ...embedded, topicPartitions: config.KAFKA_TOPIC_PARTITIONS, log: say, signal: interrupt.signal });
    // A failed or interrupted stackUp has already stopped what it started.
    serversStarted = starting.then(
      (up) => up.started,
      () => [],
    );
    const up = await starting.catch((error: unknown) => {
      if (stopping) return undefined;
      throw error;
    });
    // Interrupted: shutdown() reports and exits.
    if (!up) return;
    if (embedded.temporal) {
      temporalAddress = up.endpoints.temporalAddress;
      temporalUi = up.endpoints.temporalUiUrl;
    }
    if (embedded.kafka) kafkaBrokers = up.endpoints.kafkaBrokers;
  }
  if (!temporalAddress || !kafkaBrokers) throw new Error('unreachable: endpoints resolved above');
  if (stopping) return;

  const services = await connectServices(
    { temporalAddress, namespace: config.TEMPORAL_NAMESPACE, kafkaBrokers, kafkaClientId: config.KAFKA_CLIENT_ID },
    logger,
    { partitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR },
  );
  cleanups.push({ what: 'the connections to Temporal and Kafka', timeoutMs: 5_000, run: () => services.close() });

  const worker = await createDanvanWorker({
    connection: services.workerConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    producer: services.producer,
    maxCachedWorkflows: config.DANVAN_WORKER_MAX_CACHED_WORKFLOWS,
    publicBaseUrl: publicBaseUrl(config),
  });
  const running = worker.run();
  cleanups.push({
    what: 'the worker',
    timeoutMs: 15_000,
    run: async () => {
      worker.shutdown();
      await running;
    },
  });

  const app = await buildApp({
    temporal: services.temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    verifyToken: tokenVerifierFor(config, layout.dataDir),
    logger,
    readiness: services.readiness,
    codecCorsOrigins: config.DANVAN_CODEC_CORS_ORIGINS,
    publicBaseUrl: publicBaseUrl(config),
    rateLimit: { max: config.DANVAN_RATE_LIMIT_MAX, windowSeconds: config.DANVAN_RATE_LIMIT_WINDOW },
    // Where `npm run analytics` writes by default, so reports use its projection as soon as it runs.
    analyticsDb: analyticsDbFile(config),
  });
  const url = await listenOrExplain(app, config.API_HOST, config.API_PORT);
  cleanups.push({ what: 'the API', timeoutMs: 5_000, run: () => app.close() });
  if (config.DANVAN_API_METRICS_ADDRESS) {
    const metrics = await serveMetrics(config.DANVAN_API_METRICS_ADDRESS, 'DANVAN_API_METRICS_ADDRESS', register, logger);
    cleanups.push({ what: 'the metrics endpoint', timeoutMs: 5_000, run: () => metrics.close() });
  }

  // With a JWKS configured, tokens come from the identity provider; the development token exists only for the secret.
  const token = config.DANVAN_JWKS_URL
    ? '(issued by the identity provider at DANVAN_JWKS_URL)'
    : await mintToken(
        resolveJwtSecret(config.DANVAN_JWT_SECRET, layout.dataDir),
        { sub: 'dev-admin', role: 'admin' },
        devTokenTtl(config),
        tokenSettingsOf(config),
      );
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`API          ${url}`);
  say(`API docs     ${url}/docs`);
  say(`dashboard    ${url}/dashboard/ (sign in with the token below)`);
  say(`Temporal UI  ${temporalUi ?? '(external Temporal; see its own UI)'}  — server ${temporalAddress}`);
  say(`Kafka        ${kafkaBrokers.join(',')}`);
  say(`admin token  ${token}`);
  say('Ctrl-C stops everything started here');
});

/**
 * `npm start -- --cluster`: the cluster profile (stack/cluster.ts), every part its own process, all of them tied to
 * this one: Ctrl-C stops them in order, and should this process die, they stop themselves. The data stays for the
 * next start.
 */
async function startCluster(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const say = (line: string) => console.log(`[danvan cluster] ${line}`);
  const interrupt = new AbortController();
  let stopping: Promise<void> | undefined;
  const stop = (signal: string) =>
    (stopping ??= (async () => {
      say(`${signal}: stopping every part …`);
      interrupt.abort();
      const stopped = await clusterDown(config);
      say(`stopped ${stopped.join(', ') || 'nothing'}`);
      process.exit(0);
    })());
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  say(`starting the cluster profile (data in ${path.relative(process.cwd(), clusterLayout(config).dataDir)})`);
  const ep = await clusterUp(config, { log: say, signal: interrupt.signal });
  const token = await mintToken(
    resolveJwtSecret(config.DANVAN_JWT_SECRET, clusterLayout(config).dataDir),
    { sub: 'dev-admin', role: 'admin' },
    devTokenTtl(config),
    tokenSettingsOf(config),
  );
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`API          ${ep.apiUrl}`);
  say(`dashboard    ${ep.apiUrl}/dashboard/ (sign in with the token below)`);
  say(`Temporal     ${ep.temporalAddress} (PostgreSQL, SQL visibility)`);
  say(`Kafka        ${ep.kafkaBrokers.join(',')} (3 brokers, replication factor 3, min ISR 2)`);
  say(`projection   ${ep.analyticsDb}`);
  say(`logs         ${ep.logs}/<part>.log: postgres, temporal, kafka-1..3, worker-1, worker-2, api, analytics`);
  say(`admin token  ${token}`);
  say('Ctrl-C stops every part; the next start keeps every campaign');
  // Every part is a child this process does not wait on: without a timer of its own, Node would see nothing left to do and exit.
  setInterval(() => undefined, 1 << 30);
  await new Promise(() => undefined);
}
