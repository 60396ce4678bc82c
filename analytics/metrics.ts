import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ConsumerObserver } from './consumer';

/** A scrape gives up on the brokers after this; Prometheus's own scrape timeout is 10 s by default. */
const LAG_PATIENCE_MS = 5_000;

/**
 * What failed in a dead-lettered record, from the head of its reason (analytics/consumer.ts checkRecord, parseEvent):
 * `value` (not JSON), `key` (not the event's campaign), `event` or `type` (not a danvan event, an unknown type or
 * version), or the type of a released event whose fields failed its schema. Anything else is `other`, so the label
 * never takes more values than there are event types.
 */
export function deadLetterCause(reason: string): string {
  const head = reason.slice(0, Math.max(0, reason.indexOf(': ')));
  return /^(value|key|event|type)$/.test(head) || /^vn\.danvan\.[a-z0-9.-]+\.v\d+$/.test(head) ? head : 'other';
}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the brokers within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * The consumer's metrics on `registry`. The lag is asked of the brokers at each scrape (high watermark minus the
 * group's committed offset), not remembered from the last batch: a consumer that stopped committing, its sink
 * failing or its process hung, shows a lag that grows, where a remembered figure would stay still.
 */
export function consumerMetrics(registry: Registry, logger: Logger): ConsumerObserver {
  const lagOf = new Map<string, () => Promise<Map<string, number>>>();
  new Gauge({
    name: 'danvan_analytics_consumer_lag',
    help: "Records on a partition this consumer reads that its group has not committed yet: the partition's high watermark minus the committed offset, asked of the brokers at each scrape",
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
    async collect() {
      const measured = await Promise.all(
        [...lagOf].map(async ([group, lag]) => {
          try {
            return [group, await within(LAG_PATIENCE_MS, lag())] as const;
          } catch (error) {
            // No figure rather than a stale one: an absent series is what an alert on a missing lag looks for.
            logger.warn({ err: error, group }, 'cannot read the consumer lag from the brokers; it is left out of this scrape');
            return [group, new Map<string, number>()] as const;
          }
        }),
      );
      this.reset();
      for (const [group, byPartition] of measured) {
        for (const [key, records] of byPartition) {
          const slash = key.lastIndexOf('/');
          this.set({ group, topic: key.slice(0, slash), partition: key.slice(slash + 1) }, records);
        }
      }
    },
  });
  const deadLettered = new Counter({
    name: 'danvan_analytics_dead_lettered_total',
    help: 'Records that failed validation and were sent to the dead-letter topic, by the topic they were read from and what failed in them',
    labelNames: ['topic', 'cause'] as const,
    registers: [registry],
  });
  return {
    assigned: (group, lag) => void lagOf.set(group, lag),
    deadLettered: (topic, reasons) => {
      for (const reason of reasons) deadLettered.inc({ topic, cause: deadLetterCause(reason) });
    },
  };
}
