import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomInt, randomUUID } from 'node:crypto';
import { startEventConsumer } from '../../analytics/consumer';
import { openProjection } from '../../analytics/projection';
import { projectionSink } from '../../analytics/projection-sink';
import { parseEvent } from '../../domain/events';
import { TOPICS } from '../../domain/topics';
import { createLogger } from '../../infra/logger';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { readTopicToEnd, testKafka, type Received } from '../helpers/kafka';
import { openCampaign } from './campaign';
import { recordFault } from './table';

/**
 * A campaign's real records delivered to the reference consumer again and out of order: shuffled across the
 * workflows that emitted them, each sent one to three times, and the whole stream replayed once more at the end.
 * The projection's figures must be those of the stream read once, in order.
 */
let danvan: DanvanUnderTest;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-replay-'));
const seed = randomInt(1, 2 ** 31 - 1);

/** A small seeded PRNG (mulberry32), so a failing order can be replayed from the printed seed. */
function random(seedValue: number): () => number {
  let a = seedValue;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  danvan = await startDanvan('replay-reorder');
});

afterAll(async () => {
  await danvan?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('gives the same figures from replayed and reordered deliveries as from the stream read once', async () => {
  const campaign = await openCampaign(danvan);
  for (const cell of campaign.cells.slice(0, 40)) expect(await campaign.report(cell)).toBe(201);
  const settled = await eventually(
    () => campaign.get(`/v1/campaigns/${campaign.campaignId}`),
    (s) => s.progress.studySessions.done === 40,
    60_000,
  );
  await eventually(
    async () => Promise.all(campaign.communes.map(async (c) => (await campaign.get(`/v1/campaigns/${campaign.campaignId}/units/${c}`)).eventsPending)),
    (pending) => pending.every((n) => n === 0),
    60_000,
  );
  const records = await readTopicToEnd(TOPICS.campaignEvents, (m) => m.key === campaign.campaignId);

  const inOrder = openProjection(path.join(dir, 'in-order.sqlite'));
  if (!inOrder.ok) throw new Error(inOrder.error.message);
  await projectionSink(inOrder.value)(
    records.flatMap((m) => {
      const parsed = parseEvent(JSON.parse(m.value!));
      return parsed.ok ? [{ ...parsed.event, name: parsed.name, version: parsed.version } as never] : [];
    }),
    { topic: TOPICS.campaignEvents, partition: 0, firstOffset: '0', lastOffset: '0' },
  );

  // The disordered stream: every record one to three times, shuffled, then the whole stream once more.
  const next = random(seed);
  const copies: Received[] = records.flatMap((m) => Array.from({ length: 1 + Math.floor(next() * 3) }, () => m));
  for (let i = copies.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copies[i], copies[j]] = [copies[j]!, copies[i]!];
  }
  const delivered = [...copies, ...records];
  const topic = `danvan.faults-replay.${randomUUID()}`;
  const kafka = testKafka('danvan-replay');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  // Round-robin over partitions on purpose: one campaign's records no longer keep their order.
  await producer.send({ topic, messages: delivered.map((m, i) => ({ key: m.key, value: m.value, partition: i % 3 })) });
  await producer.disconnect();

  const reordered = openProjection(path.join(dir, 'reordered.sqlite'));
  if (!reordered.ok) throw new Error(reordered.error.message);
  const groupId = `replay-${randomUUID()}`;
  const consumer = await startEventConsumer({
    kafka,
    groupId,
    topics: [topic],
    logger: createLogger('warn'),
    signals: [],
    rememberIds: 0,
    sink: projectionSink(reordered.value),
  });
  if (!consumer.ok) throw new Error(consumer.error.message);
  // Done when the group has committed every partition to its end: each delivery was handed to the sink.
  const watcher = kafka.admin();
  await watcher.connect();
  const ends = new Map((await watcher.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  await eventually(
    async () => (await watcher.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.every((p) => p.offset === ends.get(p.partition)),
    (caughtUp) => caughtUp,
    90_000,
  );
  await watcher.disconnect();
  await consumer.value.stop();

  const expected = inOrder.value.figures(campaign.campaignId);
  const actual = reordered.value.figures(campaign.campaignId);
  const same = JSON.stringify(actual) === JSON.stringify(expected);
  recordFault({
    fault: 'replayed or reordered Kafka deliveries',
    how: `${records.length} real records delivered ${delivered.length}× shuffled over 3 partitions, then replayed (seed ${seed})`,
    mustHold: 'projection figures unchanged',
    counts: { records: records.length, deliveries: delivered.length, 'figures changed': same ? 0 : 1 },
    held: same && expected.ok && expected.value.studySessions.done === settled.progress.studySessions.done,
  });
  expect(actual).toEqual(expected);
  expect(expected.ok && expected.value.studySessions.done).toBe(40);
  inOrder.value.close();
  reordered.value.close();
}, 300_000);
