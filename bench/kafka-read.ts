import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { readToEnd as readTopic } from '../infra/kafka-read';

export interface KafkaRecord {
  key: string | null;
  value: string;
  receivedAt: number;
}

/** Everything on `topic` up to its end as of now whose key is `key`: what a consumer starting from offset zero would read. */
export function readToEnd(kafka: Kafka, topic: string, key: string, timeoutMs: number): Promise<KafkaRecord[]> {
  return readTopic(
    kafka,
    topic,
    (_, message) => {
      const k = message.key?.toString() ?? null;
      return k === key && message.value ? { key: k, value: message.value.toString(), receivedAt: Date.now() } : undefined;
    },
    { timeoutMs, groupPrefix: 'danvan-bench', consumer: { maxBytes: 50 * 1024 * 1024 } },
  );
}

/** Follows `topic` from its end (as of the group's first assignment), calling `onRecord` for each new record with key `key`. */
export async function follow(kafka: Kafka, topic: string, key: string, onRecord: (r: KafkaRecord) => void): Promise<() => Promise<void>> {
  const consumer = kafka.consumer({ groupId: `danvan-bench-${randomUUID()}`, maxWaitTimeInMs: 20, minBytes: 1 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key?.toString() === key && message.value) onRecord({ key, value: message.value.toString(), receivedAt: Date.now() });
    },
  });
  await joined;
  // The first fetch after the join settles the starting offsets; records produced before that would be missed.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return () => consumer.disconnect();
}
