import path from 'node:path';
import { Runtime } from '@temporalio/worker';
import { buildApp } from '../api/app';
import { mintToken, tokenVerifierFor } from '../api/auth';
import { loadConfig } from '../infra/config';
import { createLogger, temporalLogger } from '../infra/logger';
import { listenOrExplain, runMain } from '../infra/main';
import { resolveJwtSecret } from '../infra/secrets';
import { connectServices } from '../infra/services';
import { stackDown, stackLayout, stackUp } from '../stack/stack';
import { createDanvanWorker } from '../worker/worker';

/**
 * `npm start`: the whole system in one command. With TEMPORAL_ADDRESS / KAFKA_BROKERS unset it brings up
 * the embedded Temporal dev server and Kafka broker (whichever is unset), then runs the worker and the API
 * in this process. Ctrl-C stops the API, drains the worker, and stops the servers it started.
 */
runMain('start', async () => {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const layout = stackLayout(config, 'dev');
  const say = (line: string) => console.log(`[danvan] ${line}`);

  // Signals are handled below, in order; the Temporal runtime must not shut the worker down on its own.
  Runtime.install({ shutdownSignals: [], logger: temporalLogger(logger) });

  const embedded = { temporal: !config.TEMPORAL_ADDRESS, kafka: !config.KAFKA_BROKERS };
  let startedServices: Awaited<ReturnType<typeof stackUp>>['started'] = [];
  let stopping = false;
  const cleanups: Array<() => Promise<unknown>> = [];
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping …`);
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => logger.warn({ err: error }, 'cleanup failed'));
    if (startedServices.length > 0) await stackDown(layout, startedServices);
    say('stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  let temporalAddress = config.TEMPORAL_ADDRESS;
  let kafkaBrokers = config.KAFKA_BROKERS;
  let temporalUi: string | undefined;
  if (embedded.temporal || embedded.kafka) {
    say(`starting the embedded ${[embedded.temporal && 'Temporal dev server', embedded.kafka && 'Kafka broker'].filter(Boolean).join(' and ')} (data in ${path.relative(process.cwd(), layout.dataDir) || layout.dataDir})`);
    const up = await stackUp(layout, { ...embedded, topicPartitions: config.KAFKA_TOPIC_PARTITIONS, log: say });
    startedServices = up.started;
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
  cleanups.push(() => services.close());

  const worker = await createDanvanWorker({ connection: services.workerConnection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, producer: services.producer, maxCachedWorkflows: config.DANVAN_WORKER_MAX_CACHED_WORKFLOWS });
  const running = worker.run();
  cleanups.push(async () => {
    worker.shutdown();
    await running;
  });

  const app = await buildApp({ temporal: services.temporal, taskQueue: config.TEMPORAL_TASK_QUEUE, verifyToken: tokenVerifierFor(config, layout.dataDir), logger, readiness: services.readiness });
  const url = await listenOrExplain(app, config.API_HOST, config.API_PORT);
  cleanups.push(() => app.close());

  // With a JWKS configured, tokens come from the identity provider; the development token exists only for the secret.
  const token = config.DANVAN_JWKS_URL ? '(issued by the identity provider at DANVAN_JWKS_URL)' : await mintToken(resolveJwtSecret(config.DANVAN_JWT_SECRET, layout.dataDir), { sub: 'dev-admin', role: 'admin' }, '30d');
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  say(`API          ${url}`);
  say(`API docs     ${url}/docs`);
  say(`Temporal UI  ${temporalUi ?? '(external Temporal; see its own UI)'}  — server ${temporalAddress}`);
  say(`Kafka        ${kafkaBrokers.join(',')}`);
  say(`admin token  ${token}`);
  say('Ctrl-C stops everything started here');
});
