import { envelopes, EVENT_VERSIONS, type DanvanEvent, type EventFields, type EventType } from './cloudevent';
import type { EventPayload } from './events';

export {
  CLOUDEVENTS_CONTENT_TYPE,
  dataschemaOf,
  envelope,
  envelopes,
  EVENT_VERSIONS,
  eventId,
  eventTypeOf,
  DEFAULT_PUBLIC_BASE_URL,
  SCHEMA_PATH,
  type DanvanEvent,
  type EventFields,
  type EventType,
  type Publication,
} from './cloudevent';

/**
 * What the workflows build events with: the envelope of domain/cloudevent.ts around a payload typed by its schema
 * in domain/events.ts. Only the types of that module come along, so no schema reaches the workflow bundle; and
 * events.ts takes the envelope from domain/cloudevent.ts, not from here, so the two never import each other.
 */

/**
 * The events of one change as producers write them. Not validated here (that needs the schemas): TypeScript holds
 * the payload to its type, the event-contract tests hold every builder to the schemas, and the publishing activity
 * checks each event against them before it goes to Kafka.
 */
export function eventsOf<T extends EventType>(type: T, fields: EventFields, payload: EventPayload<T>): DanvanEvent[] {
  return envelopes(type, EVENT_VERSIONS[type], fields, payload);
}
