import { loadConfig, publicBaseUrl } from '../infra/config';
import { createLogger } from '../infra/logger';
import { standaloneTokenVerifier } from './auth';
import { connectServices } from '../infra/services';
import { listenOrExplain, requireEndpoints, runMain } from '../infra/main';
import { buildApp } from './app';
import { register } from 'prom-client';
import { serveMetrics } from '../infra/metrics';

/** The API on its own (compose, Kubernetes): connects to the configured servers and starts none. */
runMain('api', async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'danvan-api');
  // Before connecting anything: with no way to check tokens there is nothing to serve.
  const verifyToken = standaloneTokenVerifier(config);
  const services = await connectServices(requireEndpoints(config), logger);
  const app = await buildApp({
    temporal: services.temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    verifyToken,
    logger,
    readiness: services.readiness,
    codecCorsOrigins: config.DANVAN_CODEC_CORS_ORIGINS,
    publicBaseUrl: publicBaseUrl(config),
    rateLimit: { max: config.DANVAN_RATE_LIMIT_MAX, windowSeconds: config.DANVAN_RATE_LIMIT_WINDOW },
    analyticsDb: config.DANVAN_ANALYTICS_DB,
  });
  await listenOrExplain(app, config.API_HOST, config.API_PORT);
  const metrics = config.DANVAN_API_METRICS_ADDRESS
    ? await serveMetrics(config.DANVAN_API_METRICS_ADDRESS, 'DANVAN_API_METRICS_ADDRESS', register, logger)
    : undefined;
  const stop = async () => {
    await app.close();
    await metrics?.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
