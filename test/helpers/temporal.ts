import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { dataConverter } from '../../infra/codec';
import { WORKFLOWS_PATH } from '../../worker/worker';
import { testTemporalAddress } from './env';

export async function connectTestTemporal(
  address = testTemporalAddress(),
): Promise<{ client: Client; connection: Connection; nativeConnection: NativeConnection }> {
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return { client: new Client({ connection, namespace: 'default', dataConverter }), connection, nativeConnection };
}

/** Bundled once per suite: webpack over workflows/ takes seconds. */
export function bundleDanvanWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
}

/** Runs the worker in the background for the whole suite; returns a stop function that drains it. */
export function runInBackground(worker: Worker): () => Promise<void> {
  const running = worker.run();
  return async () => {
    worker.shutdown();
    await running;
  };
}
