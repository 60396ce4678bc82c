import { randomUUID } from 'node:crypto';
import { TOPICS } from '../../domain/topics';
import { testKafka } from '../helpers/kafka';

/**
 * kafkajs 2.2.4 is unmaintained; this suite is the proof that it really works against the broker version
 * the stack runs (stack/versions.ts): idempotent produce, consume, consumer groups with committed offsets.
 */
describe('Kafka broker (Maven jars, KRaft) with kafkajs', () => {
  const kafka = testKafka('danvan-broker-test');

  it('has the topics danvan needs, with the configured partitions', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: Object.values(TOPICS) });
      for (const topic of metadata.topics) expect(topic.partitions.length).toBeGreaterThanOrEqual(1);
      expect(metadata.topics.map((t) => t.name).sort()).toEqual(Object.values(TOPICS).sort());
    } finally {
      await admin.disconnect();
    }
  });

  it('keeps per-key order through an idempotent producer and a consumer group, and commits offsets', async () => {
    const topic = `danvan.broker-test.${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const keys = ['BG-2024-202-KH-BDVTU', 'HN-2018-205-KH-BDVQU', 'BG-2016-12-KH-BDVHU'];
    const perKey = 50;
    for (let i = 0; i < perKey; i += 1) {
      await producer.send({ topic, acks: -1, messages: keys.map((key) => ({ key, value: JSON.stringify({ key, n: i }) })) });
    }
    await producer.disconnect();

    const groupId = `danvan-broker-test-${randomUUID()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Map<string, number[]>();
    const total = keys.length * perKey;
    let count = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${count} of ${total} messages consumed`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const { key, n } = JSON.parse(message.value!.toString()) as { key: string; n: number };
          seen.set(key, [...(seen.get(key) ?? []), n]);
          count += 1;
          if (count === total) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    // The group commits resolved offsets after each batch, asynchronously: wait for the commit, then leave.
    let committedTotal = 0;
    for (let attempt = 0; attempt < 100 && committedTotal < total; attempt += 1) {
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      committedTotal = committed[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
      if (committedTotal < total) await new Promise((r) => setTimeout(r, 100));
    }
    await consumer.disconnect();

    for (const key of keys) expect(seen.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
    expect(committedTotal).toBe(total);
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });
});
