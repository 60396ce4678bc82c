import { Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { dataConverter } from '../../infra/codec';
import { loadConfig } from '../../infra/config';
import { createLogger, temporalLogger } from '../../infra/logger';
import { requireEndpoints, runMain } from '../../infra/main';
import { connectServices } from '../../infra/services';
import { WORKFLOWS_PATH } from '../../worker/worker';

/**
 * `worker/main.ts` for a crash test on the Java time-skipping server: the same workflows, activities, data
 * converter and configuration, with the workflow cache off. With a cache, the SDK asks the server to send a
 * workflow's next tasks to the worker's own sticky queue; the real server moves them to the normal queue when
 * that worker stops polling (sticky schedule-to-start timeout), but the Java test server 1.38 has no such
 * timeout and ignores ShutdownWorker, so every workflow a SIGKILLed worker had cached would wait forever. Without
 * a cache every task goes to the normal queue and is replayed from history, which is what a real server does
 * with a dead worker's workflows anyway.
 */
runMain('uncached worker', async () => {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'danvan-worker');
  Runtime.install({ logger: temporalLogger(logger) });
  const services = await connectServices(requireEndpoints(config), logger);
  const worker = await Worker.create({
    connection: services.workerConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities({ producer: services.producer }),
    maxCachedWorkflows: 0,
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, maxCachedWorkflows: 0 }, 'worker running');
  await worker.run();
  await services.close();
});
