import { z } from 'zod';
import { isCalendarDate, UTC_INSTANT } from './calendar';
import { ACTIVITY_IDS, MEASURE_IDS, MEASURES } from './catalogue';
import { lastReportingDeadline, obligationsProblems, planObligations } from './obligations';
import { implementsProblem } from './campaign-id';
import {
  ACTOR_GROUPS,
  DEFAULT_OBLIGATIONS,
  DEFAULT_REMINDER_POLICY,
  defaultDeadlines,
  HONOUR_FORMS,
  HONOUR_RECIPIENTS,
  isHonourForm,
  kindRank,
  membersProblem,
  MODEL_FIELDS,
  MODEL_STAGES,
  PETITION_KINDS,
  PHASES,
  UNIT_KINDS,
} from './vocabulary';

/**
 * The wire shapes: what plans, unit trees and reports look like when they arrive at the API, travel in Temporal
 * payloads and go out in events, as zod schemas. Their words (phases, kinds, defaults) are domain/vocabulary.ts;
 * the rules about them (which phase follows which, who owes what, what a ledger accepts) live in the modules named
 * after them. Neither imports zod nor this module's values: the workflows run them, and every workflow instance
 * would otherwise build its own copy of zod and of every schema here (about 1.6 MiB each; see docs/decisions/zod-free-workflows.md).
 */

// ---- dates and instants -------------------------------------------------------------------------------------

/**
 * A calendar date in ISO form (2024-09-06); the Vietnamese display form 06/9/2024 is a presentation concern.
 * The `format` is what the published JSON Schemas carry in place of the refinement, which they cannot express.
 * Hand-written rather than `z.iso.date()`: webpack once resolved zod's `z.iso` re-export to the wrong module.
 */
export const isoDateSchema = z
  .string()
  .refine(isCalendarDate, {
    message: 'expected a calendar date YYYY-MM-DD, e.g. 2024-09-06',
    params: { vi: 'phải là một ngày có thật dạng YYYY-MM-DD, ví dụ 2024-09-06' },
  })
  .meta({ format: 'date' });

/** An instant in UTC as `Date.prototype.toISOString` writes it, e.g. 2024-10-09T05:00:00.000Z: the `time` of every event. */
export const utcInstantSchema = z
  .string()
  .regex(UTC_INSTANT, 'expected a UTC instant ending in Z, e.g. 2024-10-09T05:00:00.000Z')
  .refine((value) => isCalendarDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value)), {
    message: 'expected an instant that exists, e.g. 2024-10-09T05:00:00.000Z',
  })
  .meta({ format: 'date-time' });

// ---- phases and deadlines -----------------------------------------------------------------------------------

export const phaseSchema = z.enum(PHASES);
/** A deadline's name: assessment, commendation, or one a plan gives an obligation (study-sessions, dialogues…). */
export const deadlineSchema = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected a deadline name like study-sessions or assessment');

/** The phase deadlines always, and one date per obligation deadline the plan names (which ones: obligationsProblems). */
export const deadlinesSchema = z.object({ assessment: isoDateSchema, commendation: isoDateSchema }).catchall(isoDateSchema);

/** Which unit kinds owe which activity, how many, by which named deadline (domain/obligations.ts judges the whole list). */
export const obligationSchema = z.object({
  activity: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected an activity id like study-session or information-conference'),
  owedBy: z.array(z.enum(UNIT_KINDS)).min(1).max(UNIT_KINDS.length),
  target: z.number().int().min(1).max(1000),
  deadline: deadlineSchema,
});

export const reminderPolicyRecordSchema = z.object({
  /** Reminders this many days before each obligation deadline, to every unit not yet compliant. */
  daysBefore: z.array(z.number().int().min(1).max(60)).max(10),
  /** After a missed deadline, reminders repeat this often until the unit complies or the campaign closes. */
  overdueEveryDays: z.number().int().min(1).max(30),
  /** Local (UTC+7) hour at which reminders go out. */
  hourLocal: z.number().int().min(0).max(23),
});
export type ReminderPolicy = z.infer<typeof reminderPolicyRecordSchema>;

/** As written in a plan: every field optional, defaulting to 7, 3 and 1 days before, every 3 days after, at 08:00. */
export const reminderPolicySchema = z.object({
  daysBefore: reminderPolicyRecordSchema.shape.daysBefore.default(DEFAULT_REMINDER_POLICY.daysBefore),
  overdueEveryDays: reminderPolicyRecordSchema.shape.overdueEveryDays.default(DEFAULT_REMINDER_POLICY.overdueEveryDays),
  hourLocal: reminderPolicyRecordSchema.shape.hourLocal.default(DEFAULT_REMINDER_POLICY.hourLocal),
});

// ---- plans --------------------------------------------------------------------------------------------------

/** `<n>-KH/<issuer code>`, e.g. 202-KH/BDVTU (provincial commission) or 205-KH/BDVQU (urban district). */
export const planNumberSchema = z
  .string()
  .trim()
  .regex(/^[1-9]\d{0,4}-KH\/[A-Z][A-Z0-9]{1,15}$/, 'expected a plan number like 202-KH/BDVTU');

/** Codes of units in the tree (province, district, commune, chi bộ): letters, digits, dot, dash, underscore. */
export const unitCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a unit code of letters, digits, ".", "-" or "_"');

export const issuerSchema = z.object({
  /** The unit whose commission issues the plan: the root of the campaign's unit tree. */
  unitCode: unitCodeSchema,
  /** e.g. "Ban Dân vận Tỉnh ủy Bắc Giang". */
  name: z.string().trim().min(1).max(200),
});

/** "Một là … Năm là": the plan's numbered tasks. */
export const taskSchema = z.object({
  ordinal: z.number().int().min(1).max(50),
  title: z.string().trim().min(1).max(1000),
  actorGroups: z.array(z.enum(ACTOR_GROUPS)).min(1),
});

/** The campaign window, in Vietnam calendar days: "Tháng Dân vận" is the month of October. */
export const windowSchema = z.object({ opensOn: isoDateSchema, closesOn: isoDateSchema }).refine((w) => w.opensOn <= w.closesOn, {
  message: 'the window must close on or after it opens',
  path: ['closesOn'],
  params: { vi: 'ngày kết thúc phải bằng hoặc sau ngày bắt đầu' },
});

export const campaignIdSchema = z.string().regex(/^[A-Za-z0-9._-]+-\d{4}-\d+-KH-[A-Z][A-Z0-9]+$/, 'expected a campaign id like BG-2024-202-KH-BDVTU');

const planFields = {
  number: planNumberSchema,
  issuer: issuerSchema,
  issuedOn: isoDateSchema,
  year: z.number().int().min(1930).max(2100),
  title: z.string().trim().min(1).max(500),
  window: windowSchema,
  tasks: z.array(taskSchema).min(1).max(50),
  /**
   * The plan this one implements ("thực hiện Kế hoạch số 202-KH/BDVTU"), by its campaign id: a district's plan under
   * its province's. Absent from plans that implement none and from every plan issued before plans could say so.
   */
  implements: z.object({ campaignId: campaignIdSchema }).optional(),
  /** What the chi bộ study in their thematic session; absent, the "Tháng Dân vận" article (DEFAULT_STUDY_TOPIC). */
  studyTopic: z.string().trim().min(1).max(300).optional(),
};

/** A plan with every default filled in: what workflows hold and what events carry. */
export const planRecordSchema = z
  .object({
    ...planFields,
    // Absent from plans issued before plans could name them: those owe the default two (planObligations).
    obligations: z.array(obligationSchema).max(50).optional(),
    deadlines: deadlinesSchema,
    reminders: reminderPolicyRecordSchema,
  })
  .superRefine((plan, ctx) => {
    const implementing = implementsProblem(plan);
    if (implementing) ctx.addIssue({ code: 'custom', path: ['implements', 'campaignId'], message: implementing.message, params: { vi: implementing.vi } });
    const ordinals = plan.tasks.map((t) => t.ordinal);
    if (new Set(ordinals).size !== ordinals.length)
      ctx.addIssue({
        code: 'custom',
        path: ['tasks'],
        message: `task ordinals must be unique, got ${ordinals.join(', ')}`,
        params: { vi: `số thứ tự nhiệm vụ không được trùng, nhận được ${ordinals.join(', ')}` },
      });
    const obligations = planObligations(plan);
    for (const problem of obligationsProblems(obligations, plan.deadlines)) ctx.addIssue({ code: 'custom', ...problem });
    const d = plan.deadlines;
    for (const { deadline: key } of obligations) {
      const date = d[key];
      if (date !== undefined && date < plan.window.opensOn)
        ctx.addIssue({
          code: 'custom',
          path: ['deadlines', key],
          message: `${key} deadline ${date} is before the window opens (${plan.window.opensOn})`,
          params: { vi: `hạn ${key} ${date} sớm hơn ngày bắt đầu (${plan.window.opensOn})` },
        });
    }
    const latestObligation = lastReportingDeadline(d, d.assessment);
    if (d.assessment < latestObligation)
      ctx.addIssue({
        code: 'custom',
        path: ['deadlines', 'assessment'],
        message: `assessment ${d.assessment} must not end before the reporting deadlines (${latestObligation})`,
        params: { vi: `hạn đánh giá ${d.assessment} không được kết thúc trước hạn báo cáo (${latestObligation})` },
      });
    if (d.commendation < d.assessment)
      ctx.addIssue({
        code: 'custom',
        path: ['deadlines', 'commendation'],
        message: `commendation ${d.commendation} must not end before assessment (${d.assessment})`,
        params: { vi: `hạn khen thưởng ${d.commendation} không được kết thúc trước hạn đánh giá (${d.assessment})` },
      });
  });

/** A plan as an administrator writes it: deadlines and reminder policy may be left to their defaults. */
export const planSchema = z
  .object({
    ...planFields,
    obligations: z
      .array(obligationSchema.extend({ target: obligationSchema.shape.target.default(1) }))
      .max(50)
      .default(() => DEFAULT_OBLIGATIONS.map((o) => ({ ...o, owedBy: [...o.owedBy] }))),
    deadlines: z.record(z.string(), isoDateSchema.optional()).default({}),
    reminders: reminderPolicySchema.default(DEFAULT_REMINDER_POLICY),
  })
  .transform((plan): z.input<typeof planRecordSchema> => {
    // An explicit `undefined` means "unset" too, not "no deadline".
    const given = Object.fromEntries(Object.entries(plan.deadlines).filter(([, date]) => date !== undefined)) as Record<string, string>;
    return { ...plan, deadlines: { ...defaultDeadlines(plan.window.closesOn, plan.obligations), ...given } };
  })
  .pipe(planRecordSchema);

export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;

// ---- the unit tree ------------------------------------------------------------------------------------------

export const unitKindSchema = z.enum(UNIT_KINDS);

export const unitSchema = z.object({
  code: unitCodeSchema,
  name: z.string().trim().min(1).max(200),
  kind: unitKindSchema,
  parent: unitCodeSchema.optional(),
});

export type Unit = z.infer<typeof unitSchema>;

/** Every check is a single pass over the array or the tree, so a national tree (~60,000 units) validates quickly. */
function checkTree(units: Unit[], ctx: z.RefinementCtx): void {
  const report = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message, input: units });

  const indexOf = new Map<string, number>();
  const roots: number[] = [];
  units.forEach((unit, i) => {
    const first = indexOf.get(unit.code);
    if (first === undefined) indexOf.set(unit.code, i);
    else report([i, 'code'], `duplicate unit code "${unit.code}" (first used at index ${first})`);
    if (unit.parent === undefined) roots.push(i);
  });

  if (roots.length === 0) report([], 'the tree has no root: every unit has a parent');
  const firstRoot = roots[0];
  for (const i of roots.slice(1)) {
    report([i, 'parent'], `"${units[i]?.code}" is a second root (the root is "${units[firstRoot ?? 0]?.code}"); every other unit needs a parent`);
  }

  const children = new Map<string, number[]>();
  units.forEach((unit, i) => {
    if (unit.parent === undefined) return;
    const parentIndex = indexOf.get(unit.parent);
    const parent = parentIndex === undefined ? undefined : units[parentIndex];
    if (!parent) {
      report([i, 'parent'], `unknown parent "${unit.parent}" of "${unit.code}": no unit in the tree has that code`);
      return;
    }
    const siblings = children.get(unit.parent);
    if (siblings) siblings.push(i);
    else children.set(unit.parent, [i]);
    if (parent.kind === 'party-cell') {
      report([i, 'parent'], `parent "${parent.code}" of "${unit.code}" is a party cell; party cells (chi bộ) have no units below them`);
    } else if (kindRank(unit.kind) <= kindRank(parent.kind)) {
      report([i, 'kind'], `"${unit.code}" is a ${unit.kind} but its parent "${parent.code}" is a ${parent.kind}; a unit must rank below its parent`);
    }
  });

  // Walking down from every root reaches every unit whose parent chain ends at a root; whatever is left
  // (with a known parent) hangs on a cycle.
  const reached = new Uint8Array(units.length);
  const stack = [...roots];
  while (stack.length > 0) {
    const i = stack.pop() as number;
    if (reached[i]) continue;
    reached[i] = 1;
    const unit = units[i];
    const below = unit && indexOf.get(unit.code) === i ? children.get(unit.code) : undefined;
    if (below) for (const child of below) stack.push(child);
  }
  units.forEach((unit, i) => {
    if (reached[i] || unit.parent === undefined || !indexOf.has(unit.parent)) return;
    if (indexOf.get(unit.code) !== i) return; // a duplicate, already reported
    report([i, 'parent'], `"${unit.code}" is not reachable from the root: its parent chain through "${unit.parent}" runs in a cycle`);
  });
}

export const unitTreeSchema = z.array(unitSchema).min(1).max(200_000).superRefine(checkTree);

// ---- reports ------------------------------------------------------------------------------------------------
// Each checks what can be checked without the campaign's state (shapes, impossible numbers); rules that need the
// state (right unit, right phase, held within the window, not in the future) live in domain/ledger.ts.

/** Sinh hoạt chuyên đề: a chi bộ's thematic session on Hồ Chí Minh's article "Dân vận" (Sự Thật, 15/10/1949). */
export const studySessionSchema = z
  .object({
    heldOn: isoDateSchema,
    membersPresent: z.number().int().min(0).max(10_000),
    membersTotal: z.number().int().min(1).max(10_000),
  })
  .superRefine((r, ctx) => {
    const problem = membersProblem(r);
    if (problem)
      ctx.addIssue({ code: 'custom', path: ['membersPresent'], message: problem, params: { vi: 'số đảng viên có mặt nhiều hơn số đảng viên của chi bộ' } });
  });
export type StudySession = z.infer<typeof studySessionSchema>;

/** Hội nghị đối thoại: a commune's leaders listening to citizens (environment, land, resources, whatever they raise). */
export const dialogueSchema = z.object({
  heldOn: isoDateSchema,
  topic: z.string().trim().min(1).max(500),
  /** Lượt người: attendances. */
  attendance: z.number().int().min(1).max(1_000_000),
});
export type Dialogue = z.infer<typeof dialogueSchema>;

export const petitionKindSchema = z.enum(PETITION_KINDS);

export const petitionSchema = z.object({
  kind: petitionKindSchema,
  content: z.string().trim().min(1).max(4000),
  receivedOn: isoDateSchema,
});
export type Petition = z.infer<typeof petitionSchema>;

export const petitionResolutionSchema = z.object({
  resolvedOn: isoDateSchema,
  outcome: z.string().trim().min(1).max(4000),
});
export type PetitionResolution = z.infer<typeof petitionResolutionSchema>;

/**
 * A report of an activity from the catalogue (domain/catalogue.ts): which kind, the day it was held (for a tally
 * of several, the last of them) and what it measured. Which measures a kind needs and which units may report it
 * are catalogue rules, checked by the ledger; the shape here bounds every measure so no absurd figure gets in.
 */
export const activityReportSchema = z.object({
  activity: z.enum(ACTIVITY_IDS),
  heldOn: isoDateSchema,
  measures: z.object(Object.fromEntries(MEASURE_IDS.map((m) => [m, z.number().int().min(0).max(MEASURES[m].max).optional()]))).strict(),
  note: z.string().trim().min(1).max(1000).optional(),
});
export type ActivityReport = z.infer<typeof activityReportSchema>;

/** Identifies a report across retries: the API's Idempotency-Key, or any key the caller chooses. */
export const idempotencyKeySchema = z
  .string()
  .trim()
  .min(8)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'expected 8–200 visible ASCII characters');

// ---- "Dân vận khéo" models ----------------------------------------------------------------------------------

export const modelFieldSchema = z.enum(MODEL_FIELDS);

export const modelRegistrationSchema = z.object({
  name: z.string().trim().min(1).max(300),
  field: modelFieldSchema,
  registeredOn: isoDateSchema,
});
export type ModelRegistration = z.infer<typeof modelRegistrationSchema>;

/** The council's steps: score it, then recognize or reject it. */
export const modelAssessmentSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('assess'), score: z.number().min(0).max(100), remarks: z.string().trim().min(1).max(4000) }),
  z.object({ action: z.literal('recognize'), remarks: z.string().trim().min(1).max(4000) }),
  z.object({ action: z.literal('reject'), reason: z.string().trim().min(1).max(4000) }),
]);
export type ModelAssessment = z.infer<typeof modelAssessmentSchema>;

export const honourFormSchema = z.enum(HONOUR_FORMS);

/** The body that awards a commendation, as its decision names it ("Ban Thường vụ Huyện ủy Hiệp Hòa"). */
const awardingBodySchema = z.string().trim().min(1).max(300);

/**
 * The administrator's steps: commend it (in a form from the list, by the body that awards it), then propose the
 * best one level up, where the council of the unit above decides it.
 */
export const modelCommendationSchema = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('commend'),
      form: z
        .string()
        .trim()
        .min(1)
        .max(300)
        .meta({
          description: `one of ${HONOUR_FORMS.join(', ')}; free text ("Giấy khen của UBND huyện") only without awardedBy, as clients written before the list sent it (deprecated: not counted by form)`,
        }),
      awardedBy: awardingBodySchema.optional(),
    })
    .superRefine(({ form, awardedBy }, ctx) => {
      if (isHonourForm(form)) {
        if (awardedBy === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['awardedBy'],
            message: `the body that awards the ${form} is required, like "Ban Thường vụ Huyện ủy Hiệp Hòa"`,
          });
      } else if (awardedBy !== undefined || /^[a-z0-9-]+$/.test(form)) {
        ctx.addIssue({ code: 'custom', path: ['form'], message: `expected one of ${HONOUR_FORMS.join(', ')}, got "${form}"` });
      }
    }),
  z.object({ action: z.literal('propose-upward'), remarks: z.string().trim().min(1).max(4000) }),
]);
export type ModelCommendation = z.infer<typeof modelCommendationSchema>;

/** A commendation of a collective or an individual ("tập thể, cá nhân có thành tích xuất sắc"); models are commended by their own step. */
export const commendationSchema = z.object({
  recipient: z.object({ kind: z.enum(HONOUR_RECIPIENTS).exclude(['model']), name: z.string().trim().min(1).max(300) }),
  form: honourFormSchema,
  awardedBy: awardingBodySchema,
  awardedOn: isoDateSchema,
  reason: z.string().trim().min(1).max(1000).optional(),
});
export type Commendation = z.infer<typeof commendationSchema>;

// ---- submissions: what the `submit` Update of a unit workflow takes -----------------------------------------

export const petitionIdSchema = z.string().regex(/^P\d{1,6}$/, 'expected a petition id like P3');
export const modelIdSchema = z.string().regex(/^M\d{1,6}$/, 'expected a model id like M2');

export const reportCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('study-session'), unitCode: unitCodeSchema, report: studySessionSchema }),
  z.object({ kind: z.literal('dialogue'), unitCode: unitCodeSchema, report: dialogueSchema }),
  z.object({ kind: z.literal('petition'), unitCode: unitCodeSchema, report: petitionSchema }),
  z.object({ kind: z.literal('petition-resolution'), unitCode: unitCodeSchema, petitionId: petitionIdSchema, report: petitionResolutionSchema }),
  z.object({ kind: z.literal('activity'), unitCode: unitCodeSchema, report: activityReportSchema }),
  z.object({ kind: z.literal('model-registration'), unitCode: unitCodeSchema, report: modelRegistrationSchema }),
  z.object({ kind: z.literal('model-assessment'), unitCode: unitCodeSchema, modelId: modelIdSchema, report: modelAssessmentSchema }),
  z.object({ kind: z.literal('model-commendation'), unitCode: unitCodeSchema, modelId: modelIdSchema, report: modelCommendationSchema }),
  z.object({ kind: z.literal('commendation'), unitCode: unitCodeSchema, report: commendationSchema }),
]);

export type ReportCommand = z.infer<typeof reportCommandSchema>;
export type ReportKind = ReportCommand['kind'];

export const submissionSchema = z.object({
  idempotencyKey: idempotencyKeySchema,
  /** Who submitted it (the token's subject), kept in the event for audit. */
  submittedBy: z.string().min(1).max(200),
  command: reportCommandSchema,
});
export type Submission = z.infer<typeof submissionSchema>;

// ---- figures ------------------------------------------------------------------------------------------------
// A zod schema rather than an interface alone: `campaign.closed` carries these figures, and its published JSON
// Schema is derived from it. domain/progress.ts adds them up.

const count = z.number().int().min(0);

const obligationTally = {
  /** Units that must report (100 % of chi bộ, 100 % of communes). */
  required: count,
  /** Units that have reported. */
  done: count,
  /** Units that reported after the deadline. */
  late: count,
  /** Units past the deadline without a report. */
  overdue: count,
};

/** One entry per key, each spelled out, so the published JSON Schema lists every key rather than a pattern of them. */
function everyKey<K extends string, S extends z.ZodType>(keys: readonly K[], value: S) {
  return z.object(Object.fromEntries(keys.map((key) => [key, value])) as Record<K, S>);
}

export const progressSchema = z.object({
  studySessions: z.object({ ...obligationTally, membersPresent: count, membersTotal: count }),
  dialogues: z.object({ ...obligationTally, conferences: count, attendance: count, lateConferences: count }),
  petitions: everyKey(PETITION_KINDS, z.object({ recorded: count, resolved: count })),
  /** Models by field, then by the stage each is in now. */
  models: everyKey(MODEL_FIELDS, everyKey(MODEL_STAGES, count)),
  /**
   * Catalogue activities by kind: how many reports, and each measure's total. Absent from figures published before
   * activities existed; an additive change, so the events keep their version.
   */
  activities: z.record(z.string(), z.object({ reports: count, measures: z.record(z.string(), count) })).optional(),
  /** Obligations to report a catalogue activity, by activity (study sessions and dialogues keep theirs above); absent when the plan sets none. */
  obligations: z.record(z.string(), z.object(obligationTally)).optional(),
  /**
   * Honours by the level of the unit whose council or commission gave them (the unit's kind): models recognized,
   * commendations by form, then level, then recipient, and models proposed from below still awaiting the council's
   * decision. A model recognized by its commune and again by its district counts at both levels. Absent from
   * figures published before honours had levels.
   */
  honours: z
    .object({
      recognized: z.partialRecord(unitKindSchema, count),
      commended: z.partialRecord(honourFormSchema, z.partialRecord(unitKindSchema, z.partialRecord(z.enum(HONOUR_RECIPIENTS), count))),
      awaitingDecision: count,
    })
    .optional(),
  /** Unit reminders sent (one per unit per reminder) and escalations of missed deadlines (one per unit per deadline). */
  reminders: z.object({ sent: count, escalations: count }),
});

export type Progress = z.infer<typeof progressSchema>;
