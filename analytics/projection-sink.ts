import { EVENT_SCHEMAS, isCampaignEvent } from '../domain/events';
import type { ConsumedEvent, EventSink } from './consumer';
import type { ProjectedEvent } from './projected-event';
import type { Projection } from './projection';

/**
 * The consumer's sink into the SQLite projection: each batch is one transaction that also records the ids it
 * applied, so when the sink returns the batch is on disk and a redelivery of it changes nothing.
 */

/**
 * The projection reads the current version of each event. A version published beside it repeats the same change under
 * another id, so it is left out rather than applied twice. When a version N+1 becomes current, records written before
 * it carry only version N: derive the current payload from them here, or a rebuild from offset zero loses them.
 */
function toProjected(event: ConsumedEvent): ProjectedEvent[] {
  // A drafted plan is no campaign yet: its campaign's own events come once it is issued.
  if (!isCampaignEvent(event.name) || event.version !== EVENT_SCHEMAS[event.name].current) return [];
  // Current version: `data` is that name's EventPayload, which TypeScript cannot follow through the union.
  return [{ id: event.id, name: event.name, campaignId: event.campaignid, subject: event.subject, time: event.time, data: event.data } as ProjectedEvent];
}

export function projectionSink(projection: Projection): EventSink {
  return (events) => {
    const applied = projection.apply(events.flatMap(toProjected));
    // parseEvent has checked everything apply checks, so a refusal is a bug; throwing leaves the batch uncommitted.
    if (!applied.ok)
      throw new Error(`projection ${projection.file} refused a batch: ${applied.error.field}=${JSON.stringify(applied.error.value)}: ${applied.error.message}`);
  };
}
