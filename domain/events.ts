import { z } from 'zod';
import { isoDateSchema, isoInstantSchema } from './calendar';
import { phaseSchema } from './campaign';
import { MODEL_STAGES, modelFieldSchema, modelRegistrationSchema } from './models';
import { planRecordSchema } from './plan';
import type { Progress } from './progress';
import { dialogueSchema, petitionKindSchema, petitionResolutionSchema, petitionSchema, studySessionSchema } from './reports';
import { deadlineSchema } from './schedule';
import { OBLIGATIONS, unitKindSchema } from './units';

/**
 * The domain events every state change emits, one zod schema per type and version. Consumers rebuild
 * campaign figures from these alone, so a payload carries everything its figure needs.
 */
const audit = { submittedBy: z.string() };
const unitSummary = z.object({ code: z.string(), name: z.string(), kind: unitKindSchema, parent: z.string().optional(), obligations: z.array(z.enum(OBLIGATIONS)) });
const modelStep = { modelId: z.string(), field: modelFieldSchema, from: z.enum(MODEL_STAGES), to: z.enum(MODEL_STAGES), ...audit };
const progressSchema = z.custom<Progress>((value) => typeof value === 'object' && value !== null && 'studySessions' in value, 'expected campaign figures');

export const EVENT_SCHEMAS = {
  'campaign.issued': { version: 1, payload: z.object({ plan: planRecordSchema, units: z.partialRecord(unitKindSchema, z.number().int()) }) },
  'campaign.phase-changed': { version: 1, payload: z.object({ from: phaseSchema, to: phaseSchema, reason: z.string().min(1), trigger: z.enum(['admin', 'deadline']) }) },
  'campaign.closed': { version: 1, payload: z.object({ figures: progressSchema }) },
  /** One per workflow at deployment: the units it tracks and what each owes, so consumers know what is required. */
  'unit.deployed': { version: 1, payload: z.object({ units: z.array(unitSummary) }) },
  'deadline.extended': { version: 1, payload: z.object({ deadline: deadlineSchema, from: isoDateSchema, to: isoDateSchema, reason: z.string().min(1) }) },
  /** One per owning workflow and reminder: every unit in `units` was reminded once. */
  'reminder.sent': {
    version: 1,
    payload: z.object({ deadline: deadlineSchema, deadlineDate: isoDateSchema, kind: z.enum(['before', 'overdue']), days: z.number().int(), units: z.array(z.string()).min(1) }),
  },
  'deadline.escalated': {
    version: 1,
    payload: z.object({ deadline: deadlineSchema, deadlineDate: isoDateSchema, units: z.array(z.object({ code: z.string(), parent: z.string().optional() })).min(1) }),
  },
  'study-session.reported': { version: 1, payload: studySessionSchema.safeExtend({ late: z.boolean(), ...audit }) },
  'dialogue.reported': { version: 1, payload: dialogueSchema.extend({ conference: z.number().int().min(1), late: z.boolean(), ...audit }) },
  'petition.recorded': { version: 1, payload: petitionSchema.extend({ petitionId: z.string(), ...audit }) },
  'petition.resolved': { version: 1, payload: petitionResolutionSchema.extend({ petitionId: z.string(), kind: petitionKindSchema, ...audit }) },
  'model.registered': { version: 1, payload: modelRegistrationSchema.extend({ modelId: z.string(), ...audit }) },
  'model.assessed': { version: 1, payload: z.object({ ...modelStep, score: z.number(), remarks: z.string() }) },
  'model.recognized': { version: 1, payload: z.object({ ...modelStep, remarks: z.string() }) },
  'model.rejected': { version: 1, payload: z.object({ ...modelStep, reason: z.string() }) },
  'model.commended': { version: 1, payload: z.object({ ...modelStep, form: z.string() }) },
  'model.proposed-upward': { version: 1, payload: z.object({ ...modelStep, remarks: z.string() }) },
} as const;

/** Events that notification services act on: they also go to the reminders topic. */
export const NOTIFICATION_EVENTS: readonly EventType[] = ['reminder.sent', 'deadline.escalated'];

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventPayload<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]['payload']>;

export const eventEnvelopeSchema = z.object({
  /** Deterministic: `<campaignId>/<unitCode of the emitting workflow>/<sequence>`. The same state change always has the same id, so consumers drop redeliveries by id. */
  id: z.string().min(1),
  /** The workflow that emitted it; its events are in `sequence` order. */
  source: z.string().min(1),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  campaignId: z.string().min(1),
  unitCode: z.string().min(1),
  /** Position in the emitting workflow's stream, gap-free from 1. */
  sequence: z.number().int().positive(),
  /** Workflow time when the change happened, ISO 8601 with offset. */
  occurredAt: isoInstantSchema,
  payload: z.unknown(),
});

export type DomainEvent = z.infer<typeof eventEnvelopeSchema>;

export function eventId(campaignId: string, sourceUnit: string, sequence: number): string {
  return `${campaignId}/${sourceUnit}/${sequence}`;
}

/** Builds a validated event; a payload that does not match its schema is a programming error and throws. */
export function buildEvent<T extends EventType>(
  type: T,
  fields: { campaignId: string; source: string; sourceUnit: string; unitCode: string; sequence: number; occurredAt: Date },
  payload: EventPayload<T>,
): DomainEvent {
  const schema = EVENT_SCHEMAS[type];
  return {
    id: eventId(fields.campaignId, fields.sourceUnit, fields.sequence),
    source: fields.source,
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
