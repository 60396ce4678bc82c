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
  /** Where clients reach the API (DANVAN_PUBLIC_BASE_URL): the base of every published event's `dataschema`. */
  publicBaseUrl?: string;
  /** Patches this worker does not start (DANVAN_WORKFLOW_PATCHES_HELD): heldPatches() says how. */
  heldPatches?: readonly string[];
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

/**
 * A held patch stays off in every workflow that has not taken it yet: patched() answers false and records no marker,
 * so a worker still on the code before the patch can replay whatever this one writes. A workflow whose history
 * already holds the marker takes the new branch all the same; that is the SDK's rule, not a choice here.
 */
function heldPatches(held: readonly string[] | undefined): Partial<WorkerOptions> {
  if (!held || held.length === 0) return {};
  return { patchActivationCallback: ({ patchId }) => !held.includes(patchId) };
}

export function createDanvanWorker(opts: DanvanWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    dataConverter,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({ producer: opts.producer, ...(opts.publicBaseUrl !== undefined ? { publicBaseUrl: opts.publicBaseUrl } : {}) }),
    ...cacheOptions(opts.maxCachedWorkflows),
    ...heldPatches(opts.heldPatches),
  });
}
