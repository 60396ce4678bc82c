import { randomUUID } from 'node:crypto';
import type { ConsumerConfig, Kafka, KafkaMessage } from 'kafkajs';

/**
 * Everything on `topic` up to its end as of the call (the high watermarks then), read with a fresh consumer group
 * from offset zero: what a consumer starting now would see. `keep` maps each record to what the caller collects,
 * or undefined to skip it; the read fails, naming how much it kept, when the end is not reached in time.
 */
export async function readToEnd<T>(
  kafka: Kafka,
  topic: string,
  keep: (partition: number, message: KafkaMessage) => T | undefined,
  opts: { timeoutMs: number; groupPrefix: string; consumer?: Partial<ConsumerConfig> },
): Promise<T[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high) - 1]));
  const kept: T[] = [];
  if (remaining.size === 0) return kept;
  const consumer = kafka.consumer({ maxWaitTimeInMs: 100, ...opts.consumer, groupId: `${opts.groupPrefix}-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${topic} not read to its end after ${opts.timeoutMs} ms; ${kept.length} kept`)), opts.timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const item = keep(partition, message);
          if (item !== undefined) kept.push(item);
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
