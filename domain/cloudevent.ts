/**
 * What a danvan event looks like on the wire and which version of each one producers write, without the
 * schemas, so the workflows can build events. domain/events.ts holds the payload schemas, the contract they make
 * and the reader that validates events against it; domain/event-envelope.ts types the builder by those payloads.
 *
 * Evolution: each event name has released payload versions. An additive change (a new optional field) keeps the
 * version. A breaking change releases version N+1 and makes it `current`; while consumers move, the older
 * version stays in `alsoPublished`, derived from the current payload, so both go out side by side.
 */

/** Which version of an event producers write, and the older versions derived from it during a transition. */
export interface Publication {
  current: number;
  alsoPublished?: Record<number, (payload: never) => unknown>;
}

/** The one place that says which version of each event is written. Its schemas are EVENT_SCHEMAS (domain/events.ts). */
export const EVENT_VERSIONS = {
  'campaign.issued': { current: 1 },
  'campaign.phase-changed': { current: 1 },
  'campaign.closed': { current: 1 },
  'unit.deployed': { current: 1 },
  'deadline.extended': { current: 1 },
  'reminder.sent': { current: 1 },
  'deadline.escalated': { current: 1 },
  'study-session.reported': { current: 1 },
  'dialogue.reported': { current: 1 },
  'activity.reported': { current: 1 },
  'petition.recorded': { current: 1 },
  'petition.resolved': { current: 1 },
  'model.registered': { current: 1 },
  'model.assessed': { current: 1 },
  'model.recognized': { current: 1 },
  'model.rejected': { current: 1 },
  'model.commended': { current: 1 },
  'model.proposed-upward': { current: 1 },
  'honour.awarded': { current: 1 },
  'plan.drafted': { current: 1 },
} as const satisfies Record<string, Publication>;

export type EventType = keyof typeof EVENT_VERSIONS;

/**
 * Events about a plan drafted for its commission (the yearly kick-off, domain/drafts.ts): it has no number yet and so
 * no campaign, so its `campaignid`, and the Kafka key, is the draft's id. Campaign consumers pass them by.
 */
export const DRAFT_EVENTS = ['plan.drafted'] as const satisfies readonly EventType[];
export type CampaignEventType = Exclude<EventType, (typeof DRAFT_EVENTS)[number]>;

export function isCampaignEvent(name: EventType): name is CampaignEventType {
  return !(DRAFT_EVENTS as readonly string[]).includes(name);
}

/** The Kafka record header of every event: structured mode, the value is the whole CloudEvent. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';
/**
 * Where clients reach danvan's API unless DANVAN_PUBLIC_BASE_URL says otherwise. The workflows build events under
 * it; the publishing activity puts each event's `dataschema` under the configured base as it sends it, so the base
 * never enters workflow code and a change of it replays.
 */
export const DEFAULT_PUBLIC_BASE_URL = 'http://127.0.0.1:3000';
/** Where, under the API's public base URL, it serves the JSON Schema of each event type; `schemas/events/` holds the same files. */
export const SCHEMA_PATH = '/schemas/events/';

/** A danvan event on the wire: a CloudEvent 1.0 whose `data` is the payload of its type. */
export interface DanvanEvent {
  specversion: '1.0';
  /** `<campaignId>/<source unit>/<sequence>`, plus `/v<N>` from version 2 on: the dedupe key, fixed in workflow history. */
  id: string;
  /** `urn:danvan:<workflow id>`: the workflow that emitted it. */
  source: string;
  /** `vn.danvan.<name>.v<N>`. */
  type: string;
  /** The unit the event is about. */
  subject: string;
  /** Workflow time of the change, ISO 8601 UTC. */
  time: string;
  datacontenttype: 'application/json';
  /** The JSON Schema of this type and version. */
  dataschema: string;
  /** The campaign, also the Kafka record key; for a draft event (DRAFT_EVENTS), the draft's id. */
  campaignid: string;
  /** Position in the source's stream, gap-free from 1; side-by-side versions of one change share it. */
  sequence: number;
  data: unknown;
}

export interface EventFields {
  campaignId: string;
  /** The emitting workflow; `source` is made from it. */
  workflowId: string;
  /** The unit of the emitting workflow: with the sequence, it makes the id unique within the campaign. */
  sourceUnit: string;
  subject: string;
  sequence: number;
  time: Date;
}

export function eventTypeOf(name: string, version: number): string {
  return `vn.danvan.${name}.v${version}`;
}

export function dataschemaOf(name: string, version: number, publicBaseUrl: string = DEFAULT_PUBLIC_BASE_URL): string {
  return `${publicBaseUrl}${SCHEMA_PATH}${eventTypeOf(name, version)}.json`;
}

/** The event as it is published: its `dataschema` the URL where the API at `publicBaseUrl` serves its type's schema. */
export function withPublicBase(event: DanvanEvent, publicBaseUrl: string): DanvanEvent {
  return { ...event, dataschema: `${publicBaseUrl}${SCHEMA_PATH}${event.type}.json` };
}

/** Version 1 keeps the plain id; later versions append `/v<N>`, so side-by-side copies of one change stay unique. */
export function eventId(campaignId: string, sourceUnit: string, sequence: number, version = 1): string {
  return `${campaignId}/${sourceUnit}/${sequence}${version > 1 ? `/v${version}` : ''}`;
}

/** The CloudEvent of one version of a change, as it goes on the wire. */
export function envelope(name: string, version: number, fields: EventFields, data: unknown): DanvanEvent {
  return {
    specversion: '1.0',
    id: eventId(fields.campaignId, fields.sourceUnit, fields.sequence, version),
    source: `urn:danvan:${fields.workflowId}`,
    type: eventTypeOf(name, version),
    subject: fields.subject,
    time: fields.time.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataschemaOf(name, version),
    campaignid: fields.campaignId,
    sequence: fields.sequence,
    data,
  };
}

/** Every event one change publishes: the current version, then each version published beside it, sharing its sequence. */
export function envelopes(name: string, publication: Publication, fields: EventFields, payload: unknown): DanvanEvent[] {
  const derivations = (publication.alsoPublished ?? {}) as Record<number, (payload: unknown) => unknown>;
  return [
    envelope(name, publication.current, fields, payload),
    ...Object.entries(derivations).map(([version, derive]) => envelope(name, Number(version), fields, derive(payload))),
  ];
}
