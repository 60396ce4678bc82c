import type { Message, Producer } from 'kafkajs';
import { NOTIFICATION_EVENTS, type DomainEvent, type EventType } from '../domain/events';
import { TOPICS } from '../domain/topics';

export interface ActivityDeps {
  /** An idempotent kafkajs producer (acks from all in-sync replicas), connected for the worker's lifetime. */
  producer: Pick<Producer, 'sendBatch'>;
}

function toMessage(event: DomainEvent): Message {
  return {
    key: event.campaignId,
    value: JSON.stringify(event),
    headers: { 'event-id': event.id, 'event-type': event.type, 'schema-version': String(event.schemaVersion) },
  };
}

/** Side effects of the workflows. Each is safe to repeat: Temporal retries it until it succeeds. */
export function createActivities(deps: ActivityDeps) {
  return {
    /**
     * Publishes one ordered batch of a workflow's outbox in one produce request: every event to the campaign
     * topic, reminders and escalations also to the reminders topic, all keyed by campaign id so each topic keeps
     * a campaign's events on one partition, in order. A retry resends the same ids; consumers drop them.
     */
    async publishEvents(events: DomainEvent[]): Promise<void> {
      if (events.length === 0) return;
      const notifications = events.filter((e) => NOTIFICATION_EVENTS.includes(e.type as EventType));
      await deps.producer.sendBatch({
        acks: -1,
        topicMessages: [
          { topic: TOPICS.campaignEvents, messages: events.map(toMessage) },
          ...(notifications.length > 0 ? [{ topic: TOPICS.reminders, messages: notifications.map(toMessage) }] : []),
        ],
      });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
