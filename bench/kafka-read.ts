import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

export interface KafkaRecord {
  key: string | null;
  value: string;
  receivedAt: number;
}

/** Everything on `topic` up to its end as of now whose key is `key`: what a consumer starting from offset zero would read. */
export async function readToEnd(kafka: Kafka, topic: string, key: string, timeoutMs: number): Promise<KafkaRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high) - 1]));
  const kept: KafkaRecord[] = [];
  if (remaining.size === 0) return kept;
  const consumer = kafka.consumer({ groupId: `danvan-bench-${randomUUID()}`, maxWaitTimeInMs: 100, maxBytes: 50 * 1024 * 1024 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic} not read to its end after ${timeoutMs} ms; ${kept.length} kept`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const k = message.key?.toString() ?? null;
          if (k === key && message.value) kept.push({ key: k, value: message.value.toString(), receivedAt: Date.now() });
          const last = remaining.get(partition);
          if (last !== undefined && Number(message.offset) >= last) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return kept;
  } finally {
    await consumer.disconnect();
  }
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
