import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { Producer } from 'kafkajs';
import { buildApp, type AppDeps } from '../../api/app';
import { hs256Verifier, mintToken, type Principal } from '../../api/auth';
import { createEventProducer, createKafka } from '../../infra/kafka';
import { createLogger } from '../../infra/logger';
import { createDanvanWorker } from '../../worker/worker';
import { testKafkaBrokers } from './env';
import { bundleDanvanWorkflows, connectTestTemporal, runInBackground } from './temporal';

/** danvan as `npm start` runs it, inside a suite: a worker on its own task queue and the API on a free port, against the real servers. */
export interface DanvanUnderTest {
  baseUrl: string;
  secret: string;
  taskQueue: string;
  temporal: { client: Client; connection: Connection; nativeConnection: NativeConnection };
  token: (principal: Principal) => Promise<string>;
  stop: () => Promise<void>;
}

/** By default against the run's shared servers; a fault suite passes its private ones. */
export async function startDanvan(
  name: string,
  servers: { temporalAddress?: string; kafkaBrokers?: string[] } = {},
  api: Pick<AppDeps, 'codecCorsOrigins' | 'rateLimit' | 'analyticsDb'> = {},
): Promise<DanvanUnderTest> {
  const secret = randomUUID() + randomUUID();
  const taskQueue = `${name}-${randomUUID()}`;
  const logger = createLogger('warn');
  const temporal = await connectTestTemporal(servers.temporalAddress);
  const producer: Producer = createEventProducer(createKafka({ brokers: servers.kafkaBrokers ?? testKafkaBrokers(), clientId: `danvan-${name}-test`, logger }));
  await producer.connect();
  // The API first, so that the worker publishes every event's dataschema under the URL it is served at.
  const app = await buildApp({ temporal: temporal.client, taskQueue, verifyToken: hs256Verifier(secret), logger, readiness: {}, ...api });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const stopWorker = runInBackground(
    await createDanvanWorker({
      connection: temporal.nativeConnection,
      namespace: 'default',
      taskQueue,
      producer,
      workflowBundle: await bundleDanvanWorkflows(),
      publicBaseUrl: baseUrl,
    }),
  );
  return {
    baseUrl,
    secret,
    taskQueue,
    temporal,
    token: (principal) => mintToken(secret, principal),
    stop: async () => {
      await app.close();
      await stopWorker();
      await producer.disconnect();
      await temporal.nativeConnection.close();
      await temporal.connection.close();
    },
  };
}
