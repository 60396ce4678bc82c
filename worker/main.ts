import fs from 'node:fs';
import { ConfigError, loadConfig } from '../infra/config';
import { Runtime } from '@temporalio/worker';
import { createLogger, temporalLogger } from '../infra/logger';
import { connectServices } from '../infra/services';
import { runMain, requireEndpoints } from '../infra/main';
import { createDanvanWorker } from './worker';

/** A worker replica on its own (compose, Kubernetes): connects to the configured servers and starts none. */
runMain('worker', async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'danvan-worker');
  Runtime.install({ logger: temporalLogger(logger) });
  const bundle = config.DANVAN_WORKFLOW_BUNDLE;
  if (bundle !== undefined && !fs.existsSync(bundle))
    throw new ConfigError([
      `DANVAN_WORKFLOW_BUNDLE=${JSON.stringify(bundle)}: no such file; write it with \`node dist/worker/bundle.js ${bundle}\`, or unset it`,
    ]);
  const services = await connectServices(requireEndpoints(config), logger);
  const maxCachedWorkflows = config.DANVAN_WORKER_MAX_CACHED_WORKFLOWS;
  const worker = await createDanvanWorker({
    connection: services.workerConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    producer: services.producer,
    maxCachedWorkflows,
    ...(bundle !== undefined ? { workflowBundle: { codePath: bundle } } : {}),
  });
  // The cache size the SDK settled on, default or not: what an operator sizing the worker's memory needs to see.
  logger.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, maxCachedWorkflows: worker.options.maxCachedWorkflows, workflowBundle: bundle ?? 'bundled at start' },
    'worker running',
  );
  // The Temporal runtime turns SIGINT/SIGTERM into a graceful shutdown: in-flight tasks finish, then run() resolves.
  await worker.run();
  await services.close();
  logger.info('worker stopped');
});
