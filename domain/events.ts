import { z } from 'zod';
import { isoInstantSchema } from './calendar';
import { planSchema } from './plan';
import { phaseSchema } from './campaign';

/**
 * The domain events every state change emits, one zod schema per type and version. Consumers rebuild
 * campaign figures from these alone, so a payload carries everything its figure needs.
 */
export const EVENT_SCHEMAS = {
  'campaign.issued': { version: 1, payload: z.object({ plan: planSchema }) },
  'campaign.phase-changed': { version: 1, payload: z.object({ from: phaseSchema, to: phaseSchema, reason: z.string().min(1) }) },
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]['payload']>;

export const eventEnvelopeSchema = z.object({
  /** Deterministic: `<campaignId>/<sequence>`. The same state change always has the same id, so consumers drop redeliveries by id. */
  id: z.string().min(1),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  campaignId: z.string().min(1),
  unitCode: z.string().min(1),
  /** Position in the campaign's stream, gap-free from 1. */
  sequence: z.number().int().positive(),
  /** Workflow time when the change happened, ISO 8601 with offset. */
  occurredAt: isoInstantSchema,
  payload: z.unknown(),
});

export type DomainEvent = z.infer<typeof eventEnvelopeSchema>;

export function eventId(campaignId: string, sequence: number): string {
  return `${campaignId}/${sequence}`;
}

/** Builds a validated event; a payload that does not match its schema is a programming error and throws. */
export function buildEvent<T extends EventType>(
  type: T,
  fields: { campaignId: string; unitCode: string; sequence: number; occurredAt: Date },
  payload: EventPayload<T>,
): DomainEvent {
  const schema = EVENT_SCHEMAS[type];
  return {
    id: eventId(fields.campaignId, fields.sequence),
    type,
    schemaVersion: schema.version,
    campaignId: fields.campaignId,
    unitCode: fields.unitCode,
    sequence: fields.sequence,
    occurredAt: fields.occurredAt.toISOString(),
    payload: schema.payload.parse(payload),
  };
}

/** Validates an event read from the wire: envelope first, then the payload of its type and version. */
export function parseEvent(raw: unknown): { ok: true; event: DomainEvent } | { ok: false; reason: string } {
  const envelope = eventEnvelopeSchema.safeParse(raw);
  if (!envelope.success) return { ok: false, reason: `envelope: ${z.prettifyError(envelope.error)}` };
  const known = EVENT_SCHEMAS[envelope.data.type as EventType];
  if (!known) return { ok: false, reason: `unknown event type ${JSON.stringify(envelope.data.type)}` };
  if (known.version !== envelope.data.schemaVersion) {
    return { ok: false, reason: `unknown schema version ${envelope.data.schemaVersion} of ${envelope.data.type}` };
  }
  const payload = known.payload.safeParse(envelope.data.payload);
  if (!payload.success) return { ok: false, reason: `payload of ${envelope.data.type}: ${z.prettifyError(payload.error)}` };
  return { ok: true, event: envelope.data };
}
