import { z } from 'zod';
import { isoDateSchema } from './calendar';
import { addDays, DEFAULT_REMINDER_POLICY, deadlinesSchema, reminderPolicyRecordSchema, reminderPolicySchema, type Deadlines } from './schedule';

/**
 * Kế hoạch — the plan a Ban Dân vận issues, e.g. "Kế hoạch số 202-KH/BDVTU" issued 06/9/2024 by Ban Dân vận
 * Tỉnh ủy. Plan numbers restart every year and every commission's code is the same in each province
 * (every province has a "BDVTU"), so a campaign is identified by issuing unit, year and number together.
 */

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

/**
 * Who carries a task out, as the plans name them: party committees (cấp ủy, tổ chức Đảng), state agencies
 * (cơ quan Nhà nước), the Fatherland Front and socio-political organisations (Mặt trận Tổ quốc và các tổ
 * chức chính trị - xã hội), the armed forces (lực lượng vũ trang).
 */
export const ACTOR_GROUPS = ['party-committees', 'state-agencies', 'fatherland-front', 'armed-forces'] as const;

/** "Một là … Năm là": the plan's numbered tasks. */
export const taskSchema = z.object({
  ordinal: z.number().int().min(1).max(50),
  title: z.string().trim().min(1).max(1000),
  actorGroups: z.array(z.enum(ACTOR_GROUPS)).min(1),
});

/** The campaign window, in Vietnam calendar days: "Tháng Dân vận" is the month of October. */
export const windowSchema = z
  .object({ opensOn: isoDateSchema, closesOn: isoDateSchema })
  .refine((w) => w.opensOn <= w.closesOn, { message: 'the window must close on or after it opens', path: ['closesOn'] });

/** Unset deadlines follow the window: obligations by its last day, assessment 15 days and commendation 30 days after. */
export function defaultDeadlines(closesOn: string): Deadlines {
  return { 'study-sessions': closesOn, dialogues: closesOn, assessment: addDays(closesOn, 15), commendation: addDays(closesOn, 30) };
}

const planFields = {
  number: planNumberSchema,
  issuer: issuerSchema,
  issuedOn: isoDateSchema,
  year: z.number().int().min(1930).max(2100),
  title: z.string().trim().min(1).max(500),
  window: windowSchema,
  tasks: z.array(taskSchema).min(1).max(50),
};

/** A plan with every default filled in: what workflows hold and what events carry. */
export const planRecordSchema = z
  .object({ ...planFields, deadlines: deadlinesSchema, reminders: reminderPolicyRecordSchema })
  .superRefine((plan, ctx) => {
    const ordinals = plan.tasks.map((t) => t.ordinal);
    if (new Set(ordinals).size !== ordinals.length) ctx.addIssue({ code: 'custom', path: ['tasks'], message: `task ordinals must be unique, got ${ordinals.join(', ')}` });
    const d = plan.deadlines;
    for (const key of ['study-sessions', 'dialogues'] as const) {
      if (d[key] < plan.window.opensOn) ctx.addIssue({ code: 'custom', path: ['deadlines', key], message: `${key} deadline ${d[key]} is before the window opens (${plan.window.opensOn})` });
    }
    const latestObligation = d['study-sessions'] > d.dialogues ? d['study-sessions'] : d.dialogues;
    if (d.assessment < latestObligation) ctx.addIssue({ code: 'custom', path: ['deadlines', 'assessment'], message: `assessment ${d.assessment} must not end before the reporting deadlines (${latestObligation})` });
    if (d.commendation < d.assessment) ctx.addIssue({ code: 'custom', path: ['deadlines', 'commendation'], message: `commendation ${d.commendation} must not end before assessment (${d.assessment})` });
  });

/** A plan as an administrator writes it: deadlines and reminder policy may be left to their defaults. */
export const planSchema = z
  .object({ ...planFields, deadlines: deadlinesSchema.partial().default({}), reminders: reminderPolicySchema.default(DEFAULT_REMINDER_POLICY) })
  .transform((plan) => {
    // An explicit `undefined` means "unset" too, not "no deadline".
    const given = Object.fromEntries(Object.entries(plan.deadlines).filter(([, date]) => date !== undefined));
    return { ...plan, deadlines: { ...defaultDeadlines(plan.window.closesOn), ...given } };
  })
  .pipe(planRecordSchema);

export type Plan = z.output<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;

/** Campaign id: issuing unit, year and plan number, URL- and Kafka-key-safe, e.g. `BG-2024-202-KH-BDVTU`. */
export function campaignIdFor(plan: Pick<PlanInput, 'number' | 'issuer' | 'year'>): string {
  return `${plan.issuer.unitCode}-${plan.year}-${plan.number.replace('/', '-')}`;
}

export const campaignIdSchema = z.string().regex(/^[A-Za-z0-9._-]+-\d{4}-\d+-KH-[A-Z][A-Z0-9]+$/, 'expected a campaign id like BG-2024-202-KH-BDVTU');

/** The issuer code of a plan number: 202-KH/BDVTU → BDVTU. */
export function issuerCodeOf(planNumber: string): string {
  return planNumber.slice(planNumber.indexOf('/') + 1);
}
