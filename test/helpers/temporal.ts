import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { dataConverter } from '../../infra/codec';
import { WORKFLOWS_PATH } from '../../worker/worker';
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { createEventProducer, createKafka } from '../../infra/kafka';
import { createLogger } from '../../infra/logger';
import { createDanvanWorker } from '../../worker/worker';
import { testKafkaBrokers, testTemporalAddress } from './env';

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

/**
 * For a suite on the dev server: a client, and danvan's worker publishing to the test broker on a task queue of
 * its own, running from `beforeAll` to `afterAll`. Read `temporal` inside tests, once `beforeAll` has run.
 */
export function useDanvanWorker(name: string): { taskQueue: string; temporal: () => Awaited<ReturnType<typeof connectTestTemporal>> } {
  const taskQueue = `${name}-${randomUUID()}`;
  let temporal: Awaited<ReturnType<typeof connectTestTemporal>> | undefined;
  let producer: Producer | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    temporal = await connectTestTemporal();
    producer = createEventProducer(createKafka({ brokers: testKafkaBrokers(), clientId: `danvan-${name}-test`, logger: createLogger('warn') }));
    await producer.connect();
    const worker = await createDanvanWorker({
      connection: temporal.nativeConnection,
      namespace: 'default',
      taskQueue,
      producer,
      workflowBundle: await bundleDanvanWorkflows(),
    });
    stopWorker = runInBackground(worker);
  });
  afterAll(async () => {
    await stopWorker?.();
    await producer?.disconnect();
    await temporal?.nativeConnection.close();
    await temporal?.connection.close();
  });
  return {
    taskQueue,
    temporal: () => {
      if (!temporal) throw new Error('useDanvanWorker: read temporal inside a test, after beforeAll');
      return temporal;
    },
  };
}
