import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import { Worker, bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
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
import { createDanvanWorker } from '../worker/worker';
import { jsonClient } from './http';

export const DANVAN_QUEUE = 'danvan-bench';
export const BASELINE_QUEUE = 'danvan-bench-baseline';

/** danvan as `npm start` runs it (worker and API in one process), plus a worker for the baselines, on the bench servers. */
export interface Bench {
  client: Client;
  kafka: Kafka;
  services: Services;
  /** danvan's workflow code, bundled once for every worker of the run. */
  bundle: WorkflowBundleWithSourceMap;
  baseUrl: string;
  post: ReturnType<typeof jsonClient>;
  log: (line: string) => void;
  /** Starts a campaign from its tree (the API takes at most 1 MB, less than a national tree) and returns its id. */
  issue(plan: Plan, tree: Unit[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startBench(opts: { temporalAddress: string; kafkaBrokers: string[]; concurrency: number; log: (line: string) => void }): Promise<Bench> {
  const logger = createLogger('warn');
  const services = await connectServices({ temporalAddress: opts.temporalAddress, namespace: 'default', kafkaBrokers: opts.kafkaBrokers, kafkaClientId: 'danvan-bench' }, logger);
  const [danvanBundle, baselineBundle] = await Promise.all([
    bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: new DefaultLogger('WARN') }),
    bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('WARN') }),
  ]);
  const danvanWorker = await createDanvanWorker({ connection: services.workerConnection, namespace: 'default', taskQueue: DANVAN_QUEUE, producer: services.producer, workflowBundle: danvanBundle });
  const baselineWorker = await Worker.create({
    connection: services.workerConnection,
    namespace: 'default',
    taskQueue: BASELINE_QUEUE,
    dataConverter,
    workflowBundle: baselineBundle,
    activities: createActivities({ producer: services.producer }),
  });
  const running = [danvanWorker.run(), baselineWorker.run()];
  const secret = randomUUID() + randomUUID();
  const app = await buildApp({ temporal: services.temporal, taskQueue: DANVAN_QUEUE, verifyToken: hs256Verifier(secret), logger, readiness: {} });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const token = await mintToken(secret, { sub: 'bench-admin', role: 'admin' }, '24h');
  return {
    client: services.temporal,
    kafka: createKafka({ brokers: opts.kafkaBrokers, clientId: 'danvan-bench-driver', logger }),
    services,
    bundle: danvanBundle,
    baseUrl,
    post: jsonClient(baseUrl, token, opts.concurrency + 4),
    log: opts.log,
    async issue(plan, tree) {
      const campaignId = campaignIdFor(plan);
      await services.temporal.workflow.start('campaignWorkflow', { workflowId: campaignWorkflowId(campaignId), taskQueue: DANVAN_QUEUE, args: [{ campaignId, plan, tree }] });
      return campaignId;
    },
    async stop() {
      await app.close();
      danvanWorker.shutdown();
      baselineWorker.shutdown();
      await Promise.all(running);
      await services.close();
    },
  };
}
