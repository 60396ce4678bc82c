import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { eventName, type DanvanEvent, type EventType } from '../../domain/events';
import { readToEnd } from '../../infra/kafka-read';
import { testKafkaBrokers } from './env';

export function testKafka(clientId = 'danvan-test', brokers = testKafkaBrokers()): Kafka {
  return new Kafka({ brokers, clientId, logLevel: logLevel.ERROR });
}

export interface Received {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function toReceived(partition: number, message: KafkaMessage): Received {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
  return { partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers };
}

/**
 * Reads a topic from the beginning with a fresh consumer group until `done` says enough arrived,
 * failing with what did arrive when the time is up.
 */
export async function consumeUntil(
  topic: string,
  done: (received: Received[]) => boolean,
  opts: { timeoutMs?: number; filter?: (m: Received) => boolean } = {},
): Promise<Received[]> {
  const consumer = testKafka().consumer({ groupId: `danvan-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const received: Received[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const m = toReceived(partition, message);
        if (opts.filter && !opts.filter(m)) return;
        received.push(m);
        if (done(received)) finish();
      },
    });
    const timeoutMs = opts.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([finished.then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      throw new Error(
        `after ${timeoutMs} ms on ${topic}, received ${received.length} matching message(s): ${JSON.stringify(received.map((m) => m.value)).slice(0, 2000)}`,
      );
    return received;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Everything on a topic up to its current end (the high watermarks when called), optionally filtered: what a
 * consumer starting from offset zero would have seen by now.
 */
export function readTopicToEnd(
  topic: string,
  filter: (m: Received) => boolean = () => true,
  timeoutMs = 60_000,
  brokers = testKafkaBrokers(),
): Promise<Received[]> {
  return readToEnd(
    testKafka('danvan-test', brokers),
    topic,
    (partition, message) => {
      const m = toReceived(partition, message);
      return filter(m) ? m : undefined;
    },
    { timeoutMs, groupPrefix: 'danvan-test' },
  );
}

/** The events of one campaign on a topic, as a consumer starting from offset zero would have read them by now. */
export async function readCampaignEvents(topic: string, campaignId: string): Promise<DanvanEvent[]> {
  return (await readTopicToEnd(topic, (m) => m.key === campaignId)).map((m) => JSON.parse(m.value!) as DanvanEvent);
}

/** `vn.danvan.reminder.sent.v1` → `reminder.sent`; an event danvan does not know fails the test. */
export function nameOf(event: DanvanEvent): EventType {
  const known = eventName(event.type);
  if (!known) throw new Error(`not a danvan event type: ${event.type}`);
  return known.name;
}
