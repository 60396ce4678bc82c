import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import { Worker, bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import { buildApp } from '../api/app';
import { hs256Verifier, mintToken } from '../api/auth';
import { createActivities } from '../activities';
import type { Plan } from '../domain/plan';
import type { Unit } from '../domain/units';
import { dataConverter } from '../infra/codec';
import { createKafka } from '../infra/kafka';
import { createLogger } from '../infra/logger';
import { connectServices, type Services } from '../infra/services';
import { campaignIdFor } from '../domain/plan';
import { campaignWorkflowId } from '../workflows/messages';
import { jsonClient } from './http';
import { startWorkerFleet, type WorkerFleet } from './fleet';

export const DANVAN_QUEUE = 'danvan-bench';
export const BASELINE_QUEUE = 'danvan-bench-baseline';

/**
 * danvan on the bench servers as operators run it at scale: its workers processes of their own (`worker/main.ts`),
 * so their memory and CPU are their own figures; the API, the baselines' worker and the load driver in this process.
 */
export interface Bench {
  client: Client;
  kafka: Kafka;
  services: Services;
  /** danvan's worker processes, sampled for RSS while they live. */
  workers: WorkerFleet;
  baseUrl: string;
  post: ReturnType<typeof jsonClient>;
  log: (line: string) => void;
  /** Starts a campaign from its tree straight through Temporal (no issue key, no HTTP) and returns its id. */
  issue(plan: Plan, tree: Unit[]): Promise<string>;
  /** Stops the API and the baselines' worker, then the worker processes (gracefully); answers with their final figures. */
  stop(): Promise<Awaited<ReturnType<WorkerFleet['stop']>>>;
}

export async function startBench(opts: {
  temporalAddress: string;
  kafkaBrokers: string[];
  concurrency: number;
  workers: number;
  workerCache: number | undefined;
  workerHeapMb: number | undefined;
  workerLog: string;
  log: (line: string) => void;
}): Promise<Bench> {
  const logger = createLogger('warn');
  // The workers bundle danvan's workflow code in their own processes meanwhile.
  const starting = startWorkerFleet(opts.workers, {
    name: 'danvan worker',
    temporalAddress: opts.temporalAddress,
    kafkaBrokers: opts.kafkaBrokers,
    taskQueue: DANVAN_QUEUE,
    logFile: opts.workerLog,
    maxCachedWorkflows: opts.workerCache,
    heapMb: opts.workerHeapMb,
  });
  starting.catch(() => undefined);
  const services = await connectServices(
    { temporalAddress: opts.temporalAddress, namespace: 'default', kafkaBrokers: opts.kafkaBrokers, kafkaClientId: 'danvan-bench' },
    logger,
  );
  const baselineBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('WARN') });
  const baselineWorker = await Worker.create({
    connection: services.workerConnection,
    namespace: 'default',
    taskQueue: BASELINE_QUEUE,
    dataConverter,
    workflowBundle: baselineBundle,
    activities: createActivities({ producer: services.producer }),
  });
  const running = baselineWorker.run();
  const secret = randomUUID() + randomUUID();
  const app = await buildApp({ temporal: services.temporal, taskQueue: DANVAN_QUEUE, verifyToken: hs256Verifier(secret), logger, readiness: {} });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const token = await mintToken(secret, { sub: 'bench-admin', role: 'admin' }, '24h');
  const workers = await starting;
  return {
    client: services.temporal,
    kafka: createKafka({ brokers: opts.kafkaBrokers, clientId: 'danvan-bench-driver', logger }),
    services,
    workers,
    baseUrl,
    post: jsonClient(baseUrl, token, opts.concurrency + 4),
    log: opts.log,
    async issue(plan, tree) {
      const campaignId = campaignIdFor(plan);
      await services.temporal.workflow.start('campaignWorkflow', {
        workflowId: campaignWorkflowId(campaignId),
        taskQueue: DANVAN_QUEUE,
        args: [{ campaignId, plan, tree }],
      });
      return campaignId;
    },
    async stop() {
      await app.close();
      baselineWorker.shutdown();
      await running;
      const stopped = await workers.stop();
      await services.close();
      return stopped;
    },
  };
}
