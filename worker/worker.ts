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
}

/** The workflow code the worker runs; resolves to .ts under tsx and jest, to .js in the compiled image. */
export const WORKFLOWS_PATH = require.resolve('../workflows');

export function createDanvanWorker(opts: DanvanWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    dataConverter,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({ producer: opts.producer }),
  });
}
