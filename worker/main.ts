import fs from 'node:fs';
import { ConfigError, loadConfig, publicBaseUrl } from '../infra/config';
import { createLogger, temporalLogger } from '../infra/logger';
import { connectServices } from '../infra/services';
import { runMain, requireEndpoints } from '../infra/main';
import { createDanvanWorker } from './worker';
import { installTemporalRuntime } from '../infra/metrics';

/** A worker replica on its own (compose, Kubernetes): connects to the configured servers and starts none. */
runMain('worker', async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'danvan-worker');
  installTemporalRuntime({ logger: temporalLogger(logger) }, config.DANVAN_WORKER_METRICS_ADDRESS);
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
    publicBaseUrl: publicBaseUrl(config),
    heldPatches: config.DANVAN_WORKFLOW_PATCHES_HELD,
    ...(bundle !== undefined ? { workflowBundle: { codePath: bundle } } : {}),
  });
  // The cache size the SDK settled on, default or not: what an operator sizing the worker's memory needs to see.
  logger.info(
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      maxCachedWorkflows: worker.options.maxCachedWorkflows,
      workflowBundle: bundle ?? 'bundled at start',
      patchesHeld: config.DANVAN_WORKFLOW_PATCHES_HELD,
      metrics: config.DANVAN_WORKER_METRICS_ADDRESS ? `http://${config.DANVAN_WORKER_METRICS_ADDRESS}/metrics` : 'off',
    },
    'worker running',
  );
  // The Temporal runtime turns SIGINT/SIGTERM into a graceful shutdown: in-flight tasks finish, then run() resolves.
  await worker.run();
  await services.close();
  logger.info('worker stopped');
});
