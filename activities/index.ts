import type { Producer } from 'kafkajs';
import type { DomainEvent } from '../domain/events';
import { TOPICS } from '../domain/topics';

export interface ActivityDeps {
  /** An idempotent kafkajs producer (acks from all in-sync replicas), connected for the worker's lifetime. */
  producer: Pick<Producer, 'send'>;
}

/** Side effects of the workflows. Each is safe to repeat: Temporal retries it until it succeeds. */
export function createActivities(deps: ActivityDeps) {
  return {
    /**
     * Publishes one ordered batch of a campaign's outbox. All events go in one produce request keyed by the
     * campaign id, so they land on one partition in order. A retry resends the same ids; consumers dedupe.
     */
    async publishEvents(events: DomainEvent[]): Promise<void> {
      if (events.length === 0) return;
      await deps.producer.send({
        topic: TOPICS.campaignEvents,
        acks: -1,
        messages: events.map((event) => ({
          key: event.campaignId,
          value: JSON.stringify(event),
          headers: { 'event-id': event.id, 'event-type': event.type, 'schema-version': String(event.schemaVersion) },
        })),
      });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
