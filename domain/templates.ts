import { z } from 'zod';
import { startOfDayVietnam, vietnamDateOf } from './schedule';
import { obligationSchema, reminderPolicySchema, taskSchema, type PlanInput } from './schemas';

/**
 * A plan template: a kind of plan written once as a file (plans/templates/), from which each year's plan is made.
 * Its dates are days of the plan's year ("10-31"), or of the year after ("+1:01-15") for work that ends after New
 * Year; its title names the year as {year}. What a plan template leaves out (number, issuer, issue date, year) is
 * what each issuing commission gives; anything else it says can be overridden. The result is a plan as an
 * administrator writes it, checked by planSchema like any other.
 */

const templateDate = z
  .string()
  .regex(/^(\+1:)?(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected a day of the plan year like 10-31, or of the next year like +1:01-15');

export const planTemplateSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'expected an id like thang-dan-van'),
    name: z.string().trim().min(1).max(200),
    title: z.string().trim().min(1).max(500),
    window: z.object({ opensOn: templateDate, closesOn: templateDate }),
    deadlines: z.record(z.string(), templateDate).optional(),
    obligations: z.array(obligationSchema.extend({ target: obligationSchema.shape.target.default(1) })).max(50),
    tasks: z.array(taskSchema).min(1).max(50),
    studyTopic: z.string().trim().min(1).max(300).optional(),
    reminders: reminderPolicySchema.partial().optional(),
  })
  .strict();
export type PlanTemplate = z.output<typeof planTemplateSchema>;

/** What each commission gives a template: its plan's number, its own unit as issuer, the day it issues it, the year. */
export type TemplateGivens = Pick<PlanInput, 'number' | 'issuer' | 'issuedOn' | 'year'>;

/** "10-31" of 2025 → 2025-10-31; "+1:01-15" of 2025 → 2026-01-15. A day a year lacks (02-29) is left for planSchema to refuse, naming it. */
export function templateDay(day: string, year: number): string {
  return day.startsWith('+1:') ? `${year + 1}-${day.slice(3)}` : `${year}-${day}`;
}

/** The plan a commission issues from a template, its givens and any overrides (a field of the plan replaced whole). */
export function planFromTemplate(template: PlanTemplate, givens: TemplateGivens, overrides: Partial<PlanInput> = {}): PlanInput {
  return { ...givens, ...draftFromTemplate(template, givens), ...overrides };
}

/** What a template makes for one issuer and year: the plan before its commission numbers and issues it. */
export function draftFromTemplate(template: PlanTemplate, givens: Pick<PlanInput, 'issuer' | 'year'>): Omit<PlanInput, 'number' | 'issuedOn'> {
  const day = (d: string) => templateDay(d, givens.year);
  return {
    issuer: givens.issuer,
    year: givens.year,
    title: template.title.replaceAll('{year}', String(givens.year)),
    window: { opensOn: day(template.window.opensOn), closesOn: day(template.window.closesOn) },
    deadlines: Object.fromEntries(Object.entries(template.deadlines ?? {}).map(([name, d]) => [name, day(d)])),
    obligations: template.obligations,
    tasks: template.tasks,
    ...(template.studyTopic ? { studyTopic: template.studyTopic } : {}),
    ...(template.reminders ? { reminders: template.reminders } : {}),
  };
}

/**
 * The year of the template's next window to open after `at` (Vietnam days): drafted on 01/9/2025, a window of
 * October is 2025's; drafted on 01/12/2025, a window from 1 January is 2026's.
 */
export function nextWindowYear(template: Pick<PlanTemplate, 'window'>, at: Date): number {
  const year = Number(vietnamDateOf(at).slice(0, 4));
  const opensAfter = (candidate: number) => startOfDayVietnam(templateDay(template.window.opensOn, candidate)).getTime() > at.getTime();
  // A window may open in the year after its plan's ("+1:01-05"), so last year's plan can still be ahead; next year's always is.
  return [year - 1, year].find(opensAfter) ?? year + 1;
}
