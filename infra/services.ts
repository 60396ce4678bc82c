import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Admin, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { dataConverter } from './codec';
import { createEventProducer, createKafka, ensureTopics } from './kafka';

export interface ServiceEndpoints {
  temporalAddress: string;
  namespace: string;
  kafkaBrokers: string[];
  kafkaClientId: string;
}

/** Connections to Temporal and Kafka shared by the worker and the API of one process, closed together. */
export interface Services {
  temporal: Client;
  workerConnection: NativeConnection;
  producer: Producer;
  admin: Admin;
  readiness: Record<string, () => Promise<void>>;
  close(): Promise<void>;
}

export async function connectServices(ep: ServiceEndpoints, logger: Logger, topics?: { partitions: number; replicationFactor: number }): Promise<Services> {
  const clientConnection = await Connection.connect({ address: ep.temporalAddress });
  const workerConnection = await NativeConnection.connect({ address: ep.temporalAddress });
  const kafka = createKafka({ brokers: ep.kafkaBrokers, clientId: ep.kafkaClientId, logger });
  const admin = kafka.admin();
  const producer = createEventProducer(kafka);
  await Promise.all([admin.connect(), producer.connect()]);
  if (topics) {
    const created = await ensureTopics(admin, topics.partitions, topics.replicationFactor);
    if (created.length > 0) logger.info({ topics: created }, 'created Kafka topics');
  }
  return {
    temporal: new Client({ connection: clientConnection, namespace: ep.namespace, dataConverter }),
    workerConnection,
    producer,
    admin,
    readiness: {
      temporal: async () => {
        const health = await clientConnection.healthService.check({});
        if (health.status !== 1) throw new Error(`health status ${health.status}`);
      },
      kafka: async () => {
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('no brokers');
      },
    },
    async close() {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      await Promise.allSettled([clientConnection.close(), workerConnection.close()]);
    },
  };
}
