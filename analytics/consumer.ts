import {
  Partitioners,
  type Consumer,
  type ConsumerConfig,
  type EachBatchPayload,
  type IHeaders,
  type Kafka,
  type KafkaMessage,
  type Message,
  type Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { parseEvent, type DanvanEvent, type EVENT_SCHEMAS, type EventType } from '../domain/events';
import { TOPICS } from '../domain/topics';
import { fail, ok, type Result } from './result';

/**
 * The reference consumer of danvan's event stream, on kafkajs, meant to be copied by downstream teams.
 *
 * Every record is validated with parseEvent; one that fails (not JSON, an unknown type or version, a bad payload, a
 * key that is not its campaign) goes to the dead-letter topic with the reason, and consumption goes on. Valid events
 * reach a batch sink, or handlers by event name, with their payload typed. Offsets are committed by hand, and only
 * once the sink has returned: the sink's effect must be durable when it returns. A sink that throws commits nothing,
 * so kafkajs delivers the same batch again.
 *
 * Delivery is therefore at least once: a publish retried by the workflows, a redelivered batch, a restart after a
 * crash all repeat events. Ids are fixed in workflow history, so repeats are dropped by id: here, within a window of
 * recent ids; durably, by the sink, which records the ids it applied in the same transaction as their effect (as
 * Projection.apply does). At least once plus that dedupe is effectively once.
 */

type Versions<N extends EventType> = (typeof EVENT_SCHEMAS)[N]['versions'];

/** A valid event with its name and version beside the CloudEvent attributes, its `data` typed by both. */
export type ConsumedEvent<N extends EventType = EventType> = {
  [K in N]: {
    [V in keyof Versions<K> & number]: Omit<DanvanEvent, 'data'> & { name: K; version: V; data: z.output<Versions<K>[V]> };
  }[keyof Versions<K> & number];
}[N];

/** One handler per event name, each given that name's events; names without a handler are skipped (and committed). */
export type EventHandlers = { [N in EventType]?: (event: ConsumedEvent<N>) => void | Promise<void> };

/** Where a batch came from: one partition of one topic, in offset order. */
export interface BatchOrigin {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
}

/** Takes the new valid events of one batch, in order. When it returns, their effect must be durable: the offsets are committed next. */
export type EventSink = (events: ConsumedEvent[], origin: BatchOrigin) => void | Promise<void>;

/** Headers a dead-lettered record carries beside its original key, value and headers. */
export const DEAD_LETTER_HEADERS = {
  reason: 'dead-letter-reason',
  topic: 'dead-letter-topic',
  partition: 'dead-letter-partition',
  offset: 'dead-letter-offset',
} as const;

/**
 * What the consumer reports as it runs, to whoever measures it (analytics/metrics.ts), so that this file, meant to be
 * copied, needs no metrics library.
 */
export interface ConsumerObserver {
  /**
   * At each join, how to ask the brokers how far behind the end of each partition now this member's
   * (`topic/partition`) the group's committed offset lies; at stop, a question with no partitions.
   */
  assigned(groupId: string, lag: () => Promise<Map<string, number>>): void;
  /** Records sent to the dead-letter topic, after it took them, with the reason each failed validation. */
  deadLettered(topic: string, reasons: readonly string[]): void;
}

interface CommonOptions {
  kafka: Kafka;
  groupId: string;
  logger: Logger;
  /** Default: the campaign topic, which carries every event (the reminders topic repeats some of them). */
  topics?: readonly string[];
  deadLetterTopic?: string;
  /** How many recently handled ids to remember, to drop repeats before they reach the sink. 0 leaves all dedupe to the sink. */
  rememberIds?: number;
  /** Passed to kafkajs (sessionTimeout, maxBytesPerPartition …). */
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  /** Signals that stop the consumer gracefully. Default SIGINT and SIGTERM; [] to stop it only with stop(). */
  signals?: readonly NodeJS.Signals[];
  /** How often progress and lag are logged while behind; catching up is logged when it happens. */
  progressIntervalMs?: number;
  observer?: ConsumerObserver;
}

export type EventConsumerOptions = CommonOptions & ({ sink: EventSink; handlers?: never } | { handlers: EventHandlers; sink?: never });

export interface RunningConsumer {
  /** Finishes and commits the batch in hand, then leaves the group. */
  stop(): Promise<void>;
  /** Resolves once stopped; rejects if kafkajs gave up on the consumer (it restarts it on retriable failures). */
  stopped: Promise<void>;
}

type Checked = { ok: true; event: ConsumedEvent } | { ok: false; reason: string };

function excerpt(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/** The record's event, or the reason it is not one, worded as parseEvent words its own: the field, the problem, the value found. */
export function checkRecord(message: Pick<KafkaMessage, 'key' | 'value'>): Checked {
  if (!message.value || message.value.length === 0) return { ok: false, reason: 'value: expected a CloudEvent as JSON, got an empty record' };
  const text = message.value.toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `value: expected a CloudEvent as JSON (${(error as Error).message}), got ${excerpt(text)}` };
  }
  const parsed = parseEvent(raw);
  if (!parsed.ok) return parsed;
  // One campaign's events share a partition, in order, only because the key is the campaign id.
  const key = message.key?.toString('utf8');
  if (key !== parsed.event.campaignid)
    return {
      ok: false,
      reason: `key: expected the event's campaignid ${JSON.stringify(parsed.event.campaignid)}, got ${key === undefined ? 'no key' : excerpt(key)}`,
    };
  // parseEvent validated `data` against the schema of exactly this name and version.
  return { ok: true, event: { ...parsed.event, name: parsed.name, version: parsed.version } as ConsumedEvent };
}

function deadLetter(topic: string, partition: number, message: KafkaMessage, reason: string): Message {
  const headers: IHeaders = {
    ...message.headers,
    [DEAD_LETTER_HEADERS.reason]: reason,
    [DEAD_LETTER_HEADERS.topic]: topic,
    [DEAD_LETTER_HEADERS.partition]: String(partition),
    [DEAD_LETTER_HEADERS.offset]: message.offset,
  };
  return { key: message.key, value: message.value, headers };
}

function dispatch(handlers: EventHandlers): EventSink {
  return async (events) => {
    for (const event of events) {
      // The map is keyed by name, so the handler fits the event; TypeScript cannot follow that through a union.
      await (handlers[event.name] as ((e: ConsumedEvent) => void | Promise<void>) | undefined)?.(event);
    }
  };
}

/** Ids handed to the sink lately, oldest forgotten first. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.capacity === 0) return;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }
}

async function missingTopics(kafka: Kafka, topics: readonly string[]): Promise<Result<string[]>> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    return ok(topics.filter((topic) => !existing.has(topic)));
  } catch (error) {
    return fail('kafka', (error as Error).message, 'cannot reach the Kafka cluster');
  } finally {
    await admin.disconnect();
  }
}

/** How far behind the end of each assigned partition the group's committed offset lies, by `topic/partition`. */
async function committedLag(kafka: Kafka, groupId: string, assignment: Record<string, number[]>): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const lag = new Map<string, number>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const partition of partitions) {
        const end = ends.find((e) => e.partition === partition);
        const offset = Number(committed?.partitions.find((c) => c.partition === partition)?.offset ?? -1);
        // No commit yet: the group starts from the beginning (fromBeginning), that is the partition's low watermark.
        if (end) lag.set(`${topic}/${partition}`, Number(end.high) - (offset >= 0 ? offset : Number(end.low)));
      }
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Joins `groupId`, reads its topics (a new group from the beginning) and keeps consuming until stopped. Errors a
 * caller can act on (a cluster out of reach, a topic missing) come back as values.
 */
export async function startEventConsumer(options: EventConsumerOptions): Promise<Result<RunningConsumer>> {
  const { kafka, groupId } = options;
  const topics = options.topics ?? [TOPICS.campaignEvents];
  const deadLetterTopic = options.deadLetterTopic ?? TOPICS.deadLetter;
  const progressIntervalMs = options.progressIntervalMs ?? 10_000;
  const log = options.logger.child({ component: 'event-consumer', groupId });
  const deliver = options.sink ?? dispatch(options.handlers);
  const recent = new RecentIds(options.rememberIds ?? 100_000);

  const missing = await missingTopics(kafka, [...topics, deadLetterTopic]);
  if (!missing.ok) return missing;
  if (missing.value.length > 0)
    return fail(
      'topics',
      missing.value,
      'not on the Kafka cluster; danvan creates its topics when it starts (npm start, or the kafka-init job of docker-compose.yml)',
    );

  // Topics are never created by accident: a consumer's metadata request would otherwise create them with broker defaults.
  // A fetch waits at most a second for records: stopping waits for the fetch in flight, and kafkajs's 5 s felt like a hang.
  const consumer: Consumer = kafka.consumer({ allowAutoTopicCreation: false, maxWaitTimeInMs: 1000, ...options.consumerConfig, groupId });
  const producer: Producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });

  const totals = { events: 0, duplicates: 0, deadLettered: 0 };
  // Records behind the end, by `topic/partition`, for the partitions assigned to this member.
  let assigned: string[] = [];
  const lag = new Map<string, number>();
  let lastProgress = Date.now();
  let caughtUp = false;
  const progress = () => {
    if (assigned.length === 0 || assigned.some((p) => !lag.has(p))) return;
    const behind = assigned.reduce((sum, p) => sum + lag.get(p)!, 0);
    if (behind > 0) {
      caughtUp = false;
      if (Date.now() - lastProgress < progressIntervalMs) return;
      log.info({ ...totals, lag: behind, lagByPartition: Object.fromEntries(lag) }, 'progress');
    } else {
      if (caughtUp) return;
      caughtUp = true;
      log.info({ ...totals, lag: 0 }, 'caught up');
    }
    lastProgress = Date.now();
  };

  const eachBatch = async ({ batch, resolveOffset, commitOffsetsIfNecessary, uncommittedOffsets, isStale }: EachBatchPayload) => {
    const last = batch.messages.at(-1);
    // A stale batch belongs to a partition sought or handed elsewhere meanwhile; its new owner reads it again.
    if (!last || isStale()) return;
    const fresh: ConsumedEvent[] = [];
    const invalid: Message[] = [];
    const reasons: string[] = [];
    const inBatch = new Set<string>();
    for (const message of batch.messages) {
      const checked = checkRecord(message);
      if (!checked.ok) {
        log.warn({ topic: batch.topic, partition: batch.partition, offset: message.offset, reason: checked.reason }, 'dead-lettering an invalid record');
        invalid.push(deadLetter(batch.topic, batch.partition, message, checked.reason));
        reasons.push(checked.reason);
      } else if (recent.has(checked.event.id) || inBatch.has(checked.event.id)) {
        totals.duplicates += 1;
      } else {
        inBatch.add(checked.event.id);
        fresh.push(checked.event);
      }
    }
    if (fresh.length > 0)
      await deliver(fresh, { topic: batch.topic, partition: batch.partition, firstOffset: batch.messages[0]!.offset, lastOffset: last.offset });
    for (const id of inBatch) recent.add(id);
    if (invalid.length > 0) {
      await producer.send({ topic: deadLetterTopic, acks: -1, messages: invalid });
      options.observer?.deadLettered(batch.topic, reasons);
    }
    // Only now is every record of the batch accounted for durably; anything thrown above leaves it uncommitted, to be redelivered.
    resolveOffset(last.offset);
    await commitOffsetsIfNecessary(uncommittedOffsets());
    totals.events += fresh.length;
    totals.deadLettered += invalid.length;
    lag.set(`${batch.topic}/${batch.partition}`, Number(batch.offsetLag()));
    log.debug(
      {
        topic: batch.topic,
        partition: batch.partition,
        firstOffset: batch.firstOffset(),
        lastOffset: last.offset,
        events: fresh.length,
        deadLettered: invalid.length,
      },
      'batch committed',
    );
    progress();
  };

  let settle: { resolve: () => void; reject: (error: Error) => void } = { resolve: () => undefined, reject: () => undefined };
  const stopped = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const signal of signals) process.off(signal, onSignal);
      // kafkajs lets the batch in hand finish (and commit) before it leaves the group.
      await consumer.disconnect();
      await producer.disconnect();
      options.observer?.assigned(groupId, async () => new Map());
      log.info(totals, 'stopped');
      settle.resolve();
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'stopping: finishing the batch in hand');
    void stop();
  };

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    log.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, 'joined the group');
    assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => `${topic}/${partition}`));
    lag.clear();
    caughtUp = false;
    options.observer?.assigned(groupId, () => committedLag(kafka, groupId, payload.memberAssignment));
    // A partition with nothing new delivers no batch to learn its lag from: ask the broker once per assignment.
    committedLag(kafka, groupId, payload.memberAssignment).then(
      (known) => {
        for (const [partition, behind] of known) if (!lag.has(partition)) lag.set(partition, behind);
        progress();
      },
      (error: Error) => log.warn({ err: error }, 'cannot read the lag of the assigned partitions; progress is logged once each has delivered a batch'),
    );
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    for (const signal of signals) process.off(signal, onSignal);
    void producer.disconnect().finally(() => settle.reject(payload.error));
  });

  try {
    await Promise.all([consumer.connect(), producer.connect()]);
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
  } catch (error) {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    return fail('kafka', (error as Error).message, `cannot join consumer group ${groupId}`);
  }
  for (const signal of signals) process.on(signal, onSignal);
  log.info({ topics, deadLetterTopic }, 'consuming');
  return ok({ stop, stopped });
}

/**
 * Moves the committed offsets of `groupId` on `topics` to the beginning: the first step of a rebuild, before the
 * sink's store is emptied. Refused while any member of the group runs: it would keep its own positions, and it
 * may be writing to that store.
 */
export async function rewindGroup(kafka: Kafka, groupId: string, topics: readonly string[] = [TOPICS.campaignEvents]): Promise<Result<void>> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group && group.state !== 'Empty' && group.state !== 'Dead') {
      return fail(
        'groupId',
        groupId,
        `consumer group ${groupId} has ${group.members.length} running member(s) (state ${group.state}); stop every consumer of the group first`,
      );
    }
    for (const topic of topics) await admin.resetOffsets({ groupId, topic, earliest: true });
    return ok(undefined);
  } catch (error) {
    return fail('kafka', (error as Error).message, `cannot move the offsets of consumer group ${groupId} to the beginning`);
  } finally {
    await admin.disconnect();
  }
}
