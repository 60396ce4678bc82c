import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Producer } from 'kafkajs';
import { createActivities } from '../activities';
import { dataConverter } from '../infra/codec';

export interface DanvanWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  producer: Pick<Producer, 'sendBatch'>;
  /** Prebuilt workflow bundle (tests bundle once per suite); otherwise the worker bundles `workflows/` at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Workflows kept in memory between their tasks (DANVAN_WORKER_MAX_CACHED_WORKFLOWS); unset: the SDK's default. */
  maxCachedWorkflows?: number;
}

/** The workflow code the worker runs; resolves to .ts under tsx and jest, to .js in the compiled image. */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/** The SDK's workflow-task slots when neither they nor a tuner are given (@temporalio/worker 1.24). */
const SDK_DEFAULT_WORKFLOW_TASK_SLOTS = 40;

/**
 * A task runs only on a workflow held in the cache, so with fewer cache entries than task slots the worker would
 * take tasks from the server that then wait inside it for an entry, running down their 10 s workflow-task timeout.
 * The SDK refuses more slots than entries when both are given; it does not apply that rule to its own default.
 */
function cacheOptions(maxCachedWorkflows: number | undefined): Partial<WorkerOptions> {
  if (maxCachedWorkflows === undefined) return {};
  return { maxCachedWorkflows, maxConcurrentWorkflowTaskExecutions: Math.min(SDK_DEFAULT_WORKFLOW_TASK_SLOTS, maxCachedWorkflows) };
}

export function createDanvanWorker(opts: DanvanWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    dataConverter,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({ producer: opts.producer }),
    ...cacheOptions(opts.maxCachedWorkflows),
  });
}
