import type { Message, Producer } from 'kafkajs';
import {
  CLOUDEVENTS_CONTENT_TYPE,
  DEFAULT_PUBLIC_BASE_URL,
  NOTIFICATION_EVENTS,
  eventName,
  parseEvent,
  withPublicBase,
  type DanvanEvent,
} from '../domain/events';
import { TOPICS } from '../domain/topics';
import { groupCommit } from '../infra/group-commit';
import { draftPlan } from './drafts';

export interface ActivityDeps {
  /** The worker's kafkajs producer (infra/kafka.ts createEventProducer), connected for the worker's lifetime. */
  producer: Pick<Producer, 'sendBatch'>;
  /** Where clients reach the API (DANVAN_PUBLIC_BASE_URL), which serves each event's `dataschema`; unset: the default base. */
  publicBaseUrl?: string;
}

/** CloudEvents structured mode: the value is the whole event, exactly as the outbox holds it; the attributes are not repeated as headers. */
function toMessage(event: DanvanEvent): Message {
  return { key: event.campaignid, value: JSON.stringify(event), headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } };
}

function isNotification(event: DanvanEvent): boolean {
  const known = eventName(event.type);
  return known !== undefined && NOTIFICATION_EVENTS.includes(known.name);
}

/** Side effects of the workflows. Each is safe to repeat: Temporal retries it until it succeeds. */
export function createActivities(deps: ActivityDeps) {
  const producer = groupCommit(deps.producer);
  return {
    /**
     * Publishes one ordered batch of a workflow's outbox in one produce request (with the batches of other workflows
     * that publish at the same moment: infra/group-commit.ts): every event to the campaign
     * topic, notifications (reminders, escalations, drafted plans) also to the reminders topic, all keyed by
     * campaign id (a draft's events by its id) so each topic keeps a campaign's events on one partition, in order,
     * each checked against its schema first. A retry resends the same ids; consumers drop them.
     */
    async publishEvents(outbox: DanvanEvent[]): Promise<void> {
      if (outbox.length === 0) return;
      // Set here rather than in the workflow: the base is configuration, and events already in histories keep replaying.
      const events = outbox.map((event) => withPublicBase(event, deps.publicBaseUrl ?? DEFAULT_PUBLIC_BASE_URL));
      // The workflows build events without their schemas (no zod in workflow code); nothing off-contract goes out.
      // Thrown as a retryable failure: the event stays in its outbox, neither published nor lost, and every attempt
      // logs the reason (the field and the value).
      const invalid = events.map((event) => parseEvent(event)).find((parsed) => !parsed.ok);
      if (invalid && !invalid.ok) throw new Error(`refusing to publish an event that breaks the contract: ${invalid.reason}`);
      const notifications = events.filter(isNotification);
      await producer.send([
        { topic: TOPICS.campaignEvents, messages: events.map(toMessage) },
        ...(notifications.length > 0 ? [{ topic: TOPICS.reminders, messages: notifications.map(toMessage) }] : []),
      ]);
    },
    /** The yearly kick-off's draft of a template's next plan (activities/drafts.ts): reads the template file, nothing else. */
    draftPlan,
  };
}

export type Activities = ReturnType<typeof createActivities>;
