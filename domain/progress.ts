import { addHonours, emptyHonours } from './honours';
import { isRecognized, MODEL_FIELDS, MODEL_STAGES, type ModelStage } from './models';
import { PETITION_KINDS } from './reports';
import type { Progress } from './schemas';

export type { Progress } from './schemas';

/**
 * The figures of a campaign, per unit and rolled up the tree. Every figure is a sum, so a parent's progress
 * is its own plus its children's, and analytics can rebuild each one from the events. Their shape is
 * `progressSchema` (domain/schemas.ts).
 */

type ObligationTally = Pick<Progress['studySessions'], 'required' | 'done' | 'late' | 'overdue'>;

function tally(): ObligationTally {
  return { required: 0, done: 0, late: 0, overdue: 0 };
}

function stages(): Record<ModelStage, number> {
  return Object.fromEntries(MODEL_STAGES.map((s) => [s, 0])) as Record<ModelStage, number>;
}

export function emptyProgress(): Progress {
  return {
    studySessions: { ...tally(), membersPresent: 0, membersTotal: 0 },
    dialogues: { ...tally(), conferences: 0, attendance: 0, lateConferences: 0 },
    petitions: Object.fromEntries(PETITION_KINDS.map((k) => [k, { recorded: 0, resolved: 0 }])) as Progress['petitions'],
    models: Object.fromEntries(MODEL_FIELDS.map((f) => [f, stages()])) as Progress['models'],
    reminders: { sent: 0, escalations: 0 },
  };
}

function addNumbers<T extends object>(into: T, from: T): void {
  for (const key of Object.keys(from) as Array<keyof T>) {
    const value = from[key];
    if (typeof value === 'number') (into[key] as number) += value;
    else if (value && typeof value === 'object') addNumbers(into[key] as object, value as object);
  }
}

/** Adds activity totals (by activity id, then measure) into a progress, creating the entries it needs. */
export function addActivities(into: Progress, activities: Record<string, { reports: number; measures: Partial<Record<string, number>> }> | undefined): void {
  if (!activities) return;
  const target = (into.activities ??= {}) as Record<string, { reports: number; measures: Record<string, number> }>;
  for (const [id, from] of Object.entries(activities)) {
    const entry = (target[id] ??= { reports: 0, measures: {} });
    entry.reports += from.reports;
    for (const [measure, value] of Object.entries(from.measures)) entry.measures[measure] = (entry.measures[measure] ?? 0) + (value ?? 0);
  }
}

/** Adds obligation tallies by activity, creating those the total does not have yet. */
function addObligations(into: Progress, obligations: Progress['obligations']): void {
  if (!obligations) return;
  const target = (into.obligations ??= {});
  for (const [activity, tally] of Object.entries(obligations)) addNumbers((target[activity] ??= { required: 0, done: 0, late: 0, overdue: 0 }), tally);
}

export function sumProgress(parts: readonly Progress[]): Progress {
  const total = emptyProgress();
  for (const { activities, obligations, honours, ...rest } of parts) {
    addNumbers(total, rest);
    addActivities(total, activities);
    addObligations(total, obligations);
    if (honours) addHonours((total.honours ??= emptyHonours()), honours);
  }
  return total;
}

/** Model counts as the reports phrase them: registered (every model) and recognized (recognized or honoured after). */
export function modelTotals(progress: Progress): { registered: number; recognized: number; rejected: number; commended: number; proposedUpward: number } {
  let registered = 0;
  let recognized = 0;
  let rejected = 0;
  let commended = 0;
  let proposedUpward = 0;
  for (const field of MODEL_FIELDS) {
    const s = progress.models[field];
    registered += MODEL_STAGES.reduce((sum, stage) => sum + s[stage], 0);
    recognized += MODEL_STAGES.filter(isRecognized).reduce((sum, stage) => sum + s[stage], 0);
    rejected += s.rejected;
    commended += s.commended + s['proposed-upward'];
    proposedUpward += s['proposed-upward'];
  }
  return { registered, recognized, rejected, commended, proposedUpward };
}

export function percent(done: number, required: number): number {
  return required === 0 ? 100 : Math.floor((done * 1000) / required) / 10;
}
