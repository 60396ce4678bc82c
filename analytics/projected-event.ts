import type { CampaignEventType, EventPayload } from '../domain/events';

/**
 * One event as the projection reads it, whatever envelope carried it. The consumer maps a parsed CloudEvent onto
 * it (`id`, the type's event name, `campaignid`, `subject`, `time`, `data`), so a change of envelope stops at the
 * consumer and the projection only depends on the payloads, which do not change.
 */
export type ProjectedEvent = {
  [T in CampaignEventType]: {
    /** Deterministic `<campaignId>/<sourceUnit>/<sequence>`: a redelivery has the same id. */
    id: string;
    name: T;
    campaignId: string;
    /** The unit the event concerns. */
    subject: string;
    /** When the workflow made the change (its clock), ISO 8601 with offset. */
    time: string;
    data: EventPayload<T>;
  };
}[CampaignEventType];

export type ProjectedEventOf<T extends CampaignEventType> = Extract<ProjectedEvent, { name: T }>;
