import { z } from 'zod';
import { describeValue } from './describe-value';
import {
  dataschemaOf,
  DRAFT_EVENTS,
  SCHEMA_PATH,
  envelope,
  envelopes,
  EVENT_VERSIONS,
  eventTypeOf,
  type DanvanEvent,
  type EventFields,
  type EventType,
} from './cloudevent';
import {
  campaignIdSchema,
  deadlineSchema,
  commendationSchema,
  dialogueSchema,
  isoDateSchema,
  modelFieldSchema,
  modelRegistrationSchema,
  petitionKindSchema,
  petitionResolutionSchema,
  petitionSchema,
  phaseSchema,
  planRecordSchema,
  progressSchema,
  studySessionSchema,
  unitCodeSchema,
  unitKindSchema,
  utcInstantSchema,
} from './schemas';
import { draftIdSchema, planDraftSchema } from './drafts';
import { MODEL_STAGES } from './vocabulary';

export {
  CLOUDEVENTS_CONTENT_TYPE,
  DEFAULT_PUBLIC_BASE_URL,
  SCHEMA_PATH,
  withPublicBase,
  eventId,
  eventTypeOf,
  isCampaignEvent,
  type CampaignEventType,
  type DanvanEvent,
  type EventFields,
  type EventType,
} from './cloudevent';

/**
 * danvan's domain events as CloudEvents 1.0 in structured mode: every Kafka record's value is one whole event
 * as JSON. Consumers rebuild campaign figures from these alone, so a payload carries everything its figure needs.
 *
 * Each event's released payload versions are here; which one producers write, and which older ones go out beside
 * it during a transition, is EVENT_VERSIONS (domain/cloudevent.ts, which the workflows reach instead of this
 * module). Objects are left open in the published schemas because an additive change keeps its version. Released
 * versions are never removed: old records stay on the topics.
 */

interface EventDefinition<V extends Record<number, z.ZodType>, C extends keyof V> {
  /** When it is emitted; also the AsyncAPI message summary. */
  summary: string;
  versions: V;
  /** The version producers write; `EventPayload` is its payload. */
  current: C;
  /** Older versions published beside `current` during a transition, each derived from the current payload. */
  alsoPublished?: { [K in Exclude<keyof V, C>]?: (payload: z.output<V[C]>) => z.input<V[K]> };
}

export function defineEvent<V extends Record<number, z.ZodType>, C extends keyof V & number>(definition: EventDefinition<V, C>): EventDefinition<V, C> {
  return definition;
}

const audit = { submittedBy: z.string() };
const unitSummary = z.object({
  code: z.string(),
  name: z.string(),
  kind: unitKindSchema,
  parent: z.string().optional(),
  /** The activities the unit owes: study-session, dialogue, or a catalogue activity its plan makes owed. */
  obligations: z.array(z.string()),
});
const modelStep = {
  modelId: z.string(),
  field: modelFieldSchema,
  from: z.enum(MODEL_STAGES),
  to: z.enum(MODEL_STAGES),
  /** The kind of the unit whose council took the step: the level of a recognition or commendation. Absent from events before levels. */
  level: unitKindSchema.optional(),
  /** Set when the model was proposed to this council from below: the unit that proposed it and the model's id there. */
  origin: z.object({ unitCode: z.string(), modelId: z.string() }).optional(),
  ...audit,
};

export const EVENT_SCHEMAS = {
  'campaign.issued': defineEvent({
    summary: 'A plan was issued: the campaign workflow started with the plan and the size of its unit tree.',
    ...EVENT_VERSIONS['campaign.issued'],
    versions: { 1: z.object({ plan: planRecordSchema, units: z.partialRecord(unitKindSchema, z.number().int()) }) },
  }),
  'campaign.phase-changed': defineEvent({
    summary: 'The campaign moved one phase forward, by an administrator or by the clock at a deadline.',
    ...EVENT_VERSIONS['campaign.phase-changed'],
    versions: { 1: z.object({ from: phaseSchema, to: phaseSchema, reason: z.string().min(1), trigger: z.enum(['admin', 'deadline']) }) },
  }),
  'campaign.closed': defineEvent({
    summary: 'The campaign closed; the final rolled-up figures of the whole tree.',
    ...EVENT_VERSIONS['campaign.closed'],
    versions: { 1: z.object({ figures: progressSchema }) },
  }),
  'unit.deployed': defineEvent({
    summary: 'One per workflow at deployment: the units it tracks and what each owes, so consumers know what is required.',
    ...EVENT_VERSIONS['unit.deployed'],
    versions: { 1: z.object({ units: z.array(unitSummary) }) },
  }),
  'deadline.extended': defineEvent({
    summary: 'An administrator moved a deadline later; reminders are re-planned for the new date.',
    ...EVENT_VERSIONS['deadline.extended'],
    versions: { 1: z.object({ deadline: deadlineSchema, from: isoDateSchema, to: isoDateSchema, reason: z.string().min(1) }) },
  }),
  'reminder.sent': defineEvent({
    summary: 'One per owning workflow and reminder, before a deadline or after it: every unit in `units` was reminded once.',
    ...EVENT_VERSIONS['reminder.sent'],
    versions: {
      1: z.object({
        deadline: deadlineSchema,
        deadlineDate: isoDateSchema,
        kind: z.enum(['before', 'overdue']),
        days: z.number().int(),
        units: z.array(z.string()).min(1),
      }),
    },
  }),
  'deadline.escalated': defineEvent({
    summary: 'A reporting deadline passed: the units that missed it, escalated to their parents and the campaign.',
    ...EVENT_VERSIONS['deadline.escalated'],
    versions: {
      1: z.object({
        deadline: deadlineSchema,
        deadlineDate: isoDateSchema,
        units: z.array(z.object({ code: z.string(), parent: z.string().optional() })).min(1),
      }),
    },
  }),
  'study-session.reported': defineEvent({
    summary: 'A chi bộ reported its thematic session on Hồ Chí Minh\'s article "Dân vận".',
    ...EVENT_VERSIONS['study-session.reported'],
    versions: { 1: studySessionSchema.safeExtend({ late: z.boolean(), ...audit }) },
  }),
  'dialogue.reported': defineEvent({
    summary: "A commune's leaders reported a dialogue conference with citizens.",
    ...EVENT_VERSIONS['dialogue.reported'],
    versions: { 1: dialogueSchema.extend({ conference: z.number().int().min(1), late: z.boolean(), ...audit }) },
  }),
  'activity.reported': defineEvent({
    summary: 'A unit reported an activity of the catalogue (documents issued, inspections, conferences, propaganda, support drives…) with its measures.',
    ...EVENT_VERSIONS['activity.reported'],
    // Kind and measures are open here: a kind or measure added to the catalogue is an additive change.
    versions: {
      1: z.object({
        reportId: z.string(),
        activity: z.string().min(1),
        heldOn: isoDateSchema,
        measures: z.record(z.string(), z.number().int().min(0)),
        note: z.string().optional(),
        /** Made after the deadline of an obligation the unit has to report this activity. */
        late: z.boolean(),
        ...audit,
      }),
    },
  }),
  'petition.recorded': defineEvent({
    summary: 'A commune recorded a petition (kiến nghị, khiếu nại, tố cáo) raised by citizens.',
    ...EVENT_VERSIONS['petition.recorded'],
    versions: { 1: petitionSchema.extend({ petitionId: z.string(), ...audit }) },
  }),
  'petition.resolved': defineEvent({
    summary: 'A recorded petition was resolved.',
    ...EVENT_VERSIONS['petition.resolved'],
    versions: { 1: petitionResolutionSchema.extend({ petitionId: z.string(), kind: petitionKindSchema, ...audit }) },
  }),
  'model.registered': defineEvent({
    summary: 'A unit registered a "Dân vận khéo" model or exemplar in a field.',
    ...EVENT_VERSIONS['model.registered'],
    versions: { 1: modelRegistrationSchema.extend({ modelId: z.string(), ...audit }) },
  }),
  'model.assessed': defineEvent({
    summary: 'The assessment council scored a registered model.',
    ...EVENT_VERSIONS['model.assessed'],
    versions: { 1: z.object({ ...modelStep, score: z.number(), remarks: z.string() }) },
  }),
  'model.recognized': defineEvent({
    summary: 'The assessment council recognized an assessed model.',
    ...EVENT_VERSIONS['model.recognized'],
    versions: { 1: z.object({ ...modelStep, remarks: z.string() }) },
  }),
  'model.rejected': defineEvent({
    summary: 'The assessment council rejected an assessed model.',
    ...EVENT_VERSIONS['model.rejected'],
    versions: { 1: z.object({ ...modelStep, reason: z.string() }) },
  }),
  'model.commended': defineEvent({
    summary: 'A recognized model was commended (khen thưởng).',
    ...EVENT_VERSIONS['model.commended'],
    versions: {
      1: z.object({
        ...modelStep,
        /** One of HONOUR_FORMS (bang-khen, giay-khen…); free text in events before the list. */
        form: z.string(),
        awardedBy: z.string().optional(),
      }),
    },
  }),
  'model.proposed-upward': defineEvent({
    summary: 'A commended model was proposed for recognition one level up; the council of the unit above decides it.',
    ...EVENT_VERSIONS['model.proposed-upward'],
    versions: {
      1: z.object({
        ...modelStep,
        remarks: z.string(),
        /** The unit whose council decides it; absent for the top of the tree, which proposes outside the campaign. */
        proposedTo: z.string().optional(),
      }),
    },
  }),
  'honour.awarded': defineEvent({
    summary: 'A unit commended a collective or an individual (khen thưởng tập thể, cá nhân), in a form and by an awarding body.',
    ...EVENT_VERSIONS['honour.awarded'],
    versions: { 1: commendationSchema.extend({ awardId: z.string(), level: unitKindSchema, ...audit }) },
  }),
  'plan.drafted': defineEvent({
    summary:
      "A yearly schedule drafted next year's plan from its template for the issuing commission (the subject), ahead of the window; an administrator issues it with its number, or discards it. Keyed by the draft's id: there is no campaign yet.",
    ...EVENT_VERSIONS['plan.drafted'],
    versions: { 1: planDraftSchema },
  }),
} satisfies Record<EventType, AnyDefinition>;

type PayloadOf<D> = D extends EventDefinition<infer V, infer C> ? z.output<V[C]> : never;
/** The payload producers write: that of the current version. */
export type EventPayload<T extends EventType> = PayloadOf<(typeof EVENT_SCHEMAS)[T]>;

/** Events that notification services act on: they also go to the reminders topic. */
export const NOTIFICATION_EVENTS: readonly EventType[] = ['reminder.sent', 'deadline.escalated', 'plan.drafted'];

const TYPE_PATTERN = /^vn\.danvan\.([a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)*)\.v([1-9]\d*)$/;

/** Any http(s) base, since each deployment serves the schemas under its own (DANVAN_PUBLIC_BASE_URL); the path is fixed. */
function dataschemaPattern(type: string): RegExp {
  return new RegExp(`^https?://[^/?#\\s]+(?:/[^?#\\s]*)?${SCHEMA_PATH}${type.replaceAll('.', '\\.')}\\.json$`);
}

/** The whole CloudEvent of one type and version: what parseEvent checks and what the published JSON Schema describes. */
function cloudEventSchema(type: string, version: number, dataschema: string, data: z.ZodType, draft: boolean) {
  return z
    .object({
      specversion: z.literal('1.0'),
      id: z
        .string()
        .regex(
          new RegExp(`^[^/]+/[^/]+/[1-9][0-9]*${version === 1 ? '' : `/v${version}`}$`),
          `expected <campaignId>/<unit>/<sequence>${version === 1 ? '' : `/v${version}`}`,
        )
        .meta({ description: 'Deterministic, fixed when the change entered workflow history: the key to drop duplicates by.' }),
      source: z
        .string()
        .regex(/^urn:danvan:\S+$/, 'expected urn:danvan:<workflow id>')
        .meta({ description: 'urn:danvan:<workflow id>, the workflow that emitted the event.' }),
      type: z.literal(type),
      subject: unitCodeSchema.meta({ description: 'Code of the unit the event is about.' }),
      time: utcInstantSchema.meta({ description: 'Workflow time of the change, UTC.' }),
      datacontenttype: z.literal('application/json'),
      dataschema: z
        .string()
        .regex(dataschemaPattern(type), `expected <the API's public base URL>${SCHEMA_PATH}${type}.json`)
        .meta({ description: `The JSON Schema of this type, served by the API: ${dataschema} under the default base URL.` }),
      campaignid: draft
        ? draftIdSchema.meta({ description: "The draft's id (a drafted plan has no number, so no campaign yet), also the Kafka record key." })
        : campaignIdSchema.meta({ description: 'The campaign, also the Kafka record key.' }),
      sequence: z.number().int().min(1).meta({ description: "Position in the source workflow's stream, gap-free from 1." }),
      data,
    })
    .superRefine((event, ctx) => {
      // The id is derived from these attributes; a record where they disagree was not written by danvan.
      if (!event.id.startsWith(`${event.campaignid}/`) || event.id.split('/')[2] !== String(event.sequence)) {
        ctx.addIssue({
          code: 'custom',
          path: ['id'],
          message: `expected ${event.campaignid}/<unit>/${event.sequence}, the campaignid and sequence of the event`,
        });
      }
    });
}

export interface ReleasedEvent<N extends string = EventType> {
  name: N;
  version: number;
  type: string;
  dataschema: string;
  summary: string;
  /** Whether producers still write it (current or side by side), rather than it being only in older records. */
  published: boolean;
  schema: ReturnType<typeof cloudEventSchema>;
}

export type ParsedEvent<N extends string = EventType> = { ok: true; event: DanvanEvent; name: N; version: number } | { ok: false; reason: string };

type AnyDefinition = EventDefinition<Record<number, z.ZodType>, number>;

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/**
 * The builders and the reader of a registry of event definitions. danvan has one registry, EVENT_SCHEMAS; the
 * factory exists so that a test can prove a version transition with a registry of its own.
 */
export function eventContract<R extends Record<string, AnyDefinition>>(registry: R) {
  type Name = keyof R & string;
  const isName = (name: string): name is Name => Object.hasOwn(registry, name);
  const releasedVersions = (name: Name): number[] => Object.keys(registry[name]!.versions).map(Number);
  const publishedVersions = (name: Name): number[] => [registry[name]!.current, ...Object.keys(registry[name]!.alsoPublished ?? {}).map(Number)];

  const released: ReleasedEvent<Name>[] = Object.keys(registry).flatMap((name) =>
    releasedVersions(name).map((version) => {
      const type = eventTypeOf(name, version);
      const dataschema = dataschemaOf(name, version);
      const { summary, versions } = registry[name]!;
      return {
        name,
        version,
        type,
        dataschema,
        summary,
        published: publishedVersions(name).includes(version),
        schema: cloudEventSchema(type, version, dataschema, versions[version]!, (DRAFT_EVENTS as readonly string[]).includes(name)),
      };
    }),
  );
  const byType = new Map(released.map((e) => [e.type, e]));

  /** `vn.danvan.study-session.reported.v1` → `{ name: 'study-session.reported', version: 1 }`; undefined for anything else. */
  function eventName(type: string): { name: Name; version: number } | undefined {
    const match = TYPE_PATTERN.exec(type);
    if (!match || !isName(match[1]!)) return undefined;
    return { name: match[1], version: Number(match[2]) };
  }

  function build(name: Name, version: number, fields: EventFields, data: unknown): DanvanEvent {
    return byType.get(eventTypeOf(name, version))!.schema.parse(envelope(name, version, fields, data));
  }

  /** Builds the validated event of the current version; a payload that does not match its schema is a programming error and throws. */
  function buildEvent<T extends Name>(type: T, fields: EventFields, payload: PayloadOf<R[T]>): DanvanEvent {
    return build(type, registry[type]!.current, fields, payload);
  }

  /** Every event one change publishes: the current version, then each version published beside it, sharing its sequence. */
  function buildEvents<T extends Name>(type: T, fields: EventFields, payload: PayloadOf<R[T]>): DanvanEvent[] {
    return envelopes(type, registry[type]!, fields, payload).map((event) => byType.get(event.type)!.schema.parse(event));
  }

  /**
   * Validates an event read from the wire against the schema of its type, any released version. The reason
   * names each offending attribute or data field and the value found there.
   */
  function parseEvent(raw: unknown): ParsedEvent<Name> {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: `event: expected a JSON object, got ${describeValue(raw)}` };
    const type = (raw as { type?: unknown }).type;
    if (typeof type !== 'string') return { ok: false, reason: `type: expected vn.danvan.<name>.v<N>, got ${describeValue(type)}` };
    const known = eventName(type);
    if (!known) return { ok: false, reason: `type: unknown event type ${describeValue(type)}` };
    const definition = byType.get(type);
    if (!definition)
      return {
        ok: false,
        reason: `type: version ${known.version} of ${known.name} is not released (released: ${releasedVersions(known.name).join(', ')}), got ${describeValue(type)}`,
      };
    const parsed = definition.schema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'event'}: ${issue.message}, got ${describeValue(valueAt(raw, issue.path))}`,
      );
      return { ok: false, reason: `${type}: ${problems.join('; ')}` };
    }
    return { ok: true, event: parsed.data, name: known.name, version: known.version };
  }

  return { released: released as readonly ReleasedEvent<Name>[], eventName, buildEvent, buildEvents, parseEvent };
}

const contract = eventContract(EVENT_SCHEMAS);

/** Every released version of every event: the contract the published schemas and the samples are made from. */
export const RELEASED_EVENTS = contract.released;
export const { eventName, buildEvent, buildEvents, parseEvent } = contract;
