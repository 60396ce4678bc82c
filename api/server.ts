import { loadConfig } from '../infra/config';
import { createLogger } from '../infra/logger';
import { tokenVerifierFor } from './auth';
import { connectServices } from '../infra/services';
import { listenOrExplain, requireEndpoints, runMain } from '../infra/main';
import { buildApp } from './app';

/** The API on its own (compose, Kubernetes): connects to the configured servers and starts none. */
runMain('api', async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'danvan-api');
  const services = await connectServices(requireEndpoints(config), logger);
  const app = await buildApp({
    temporal: services.temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    verifyToken: tokenVerifierFor(config, config.DANVAN_DATA_DIR),
    logger,
    readiness: services.readiness,
    codecCorsOrigins: config.DANVAN_CODEC_CORS_ORIGINS,
  });
  await listenOrExplain(app, config.API_HOST, config.API_PORT);
  const stop = async () => {
    await app.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
