import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel as KafkaLogLevel, type Admin, type ITopicConfig, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import { TOPICS } from '../domain/topics';

const LEVEL_NAMES: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/** kafkajs logs through danvan's logger, one JSON line format for the whole process. */
export function createKafka(opts: { brokers: string[]; clientId: string; logger: Logger }): Kafka {
  const log = opts.logger.child({ component: 'kafkajs' });
  return new Kafka({
    brokers: opts.brokers,
    clientId: opts.clientId,
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        log[LEVEL_NAMES[level] ?? 'info'](rest, message);
      },
  });
}

export function topicConfigs(partitions: number, replicationFactor: number): ITopicConfig[] {
  const minIsr = String(Math.max(1, Math.min(2, replicationFactor - 1)));
  return Object.values(TOPICS).map((topic) => ({
    topic,
    numPartitions: partitions,
    replicationFactor,
    configEntries: [{ name: 'min.insync.replicas', value: minIsr }],
  }));
}

/** Creates danvan's topics where missing; existing topics are left exactly as they are. */
export async function ensureTopics(admin: Admin, partitions: number, replicationFactor: number): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topicConfigs(partitions, replicationFactor).filter((t) => !existing.has(t.topic));
  const created = missing.map((t) => t.topic);
  if (missing.length > 0) {
    await admin.createTopics({ topics: missing, waitForLeaders: false });
    await waitForLeaders(admin, created);
  }
  return created;
}

/**
 * Until every partition of the new topics has a leader. Not kafkajs's own wait (createTopics' waitForLeaders): on a
 * cluster it may ask a broker whose copy of the metadata has not caught up with the controller yet, and it gives up
 * on that broker's "unknown topic" at once.
 */
export async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      if (metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`Kafka topics ${topics.join(', ')} still without a leader after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * The producer the outbox activities share: one request in flight, so a retry can never reorder a campaign's events,
 * and acks from all in-sync replicas. Not kafkajs's idempotent mode: on the three-broker cluster under load it
 * answered OUT_OF_ORDER_SEQUENCE_NUMBER to every later send of a worker from its first seconds on, and held those
 * events in their outboxes until the worker restarted (docs/performance.md). A retried request may land twice
 * instead; each event keeps its id, and consumers drop what they have seen (docs/event-contract.md).
 */
export function createEventProducer(kafka: Kafka) {
  return kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
}
