import { z } from 'zod';

/** The lifecycle of a campaign: issued → deployed → in progress → assessment → commendation → closed. */
export const PHASES = ['issued', 'deployed', 'in-progress', 'assessment', 'commendation', 'closed'] as const;
export const phaseSchema = z.enum(PHASES);
export type Phase = z.infer<typeof phaseSchema>;

export function phaseIndex(phase: Phase): number {
  return PHASES.indexOf(phase);
}

/** Phases only move forward, one step at a time: nothing is skipped, so every phase's work gets its turn. */
export function phaseMoveProblem(from: Phase, to: Phase): string | undefined {
  if (from === 'closed') return 'the campaign is closed';
  if (phaseIndex(to) <= phaseIndex(from)) return `the campaign is already ${from}; phases only move forward`;
  if (phaseIndex(to) !== phaseIndex(from) + 1) return `from ${from} the next phase is ${PHASES[phaseIndex(from) + 1]}, not ${to}`;
  return undefined;
}

/** What a unit can do, and in which phases it may. The one place for "which transitions are legal in each phase". */
export const ACTION_PHASES = {
  'study-session': ['in-progress', 'assessment', 'commendation'],
  dialogue: ['in-progress', 'assessment', 'commendation'],
  petition: ['deployed', 'in-progress', 'assessment', 'commendation'],
  'petition-resolution': ['deployed', 'in-progress', 'assessment', 'commendation'],
  'model-registration': ['deployed', 'in-progress'],
  'model-assess': ['assessment'],
  'model-recognize': ['assessment'],
  'model-reject': ['assessment'],
  'model-commend': ['commendation'],
  'model-propose-upward': ['commendation'],
} as const satisfies Record<string, readonly Phase[]>;

export type UnitAction = keyof typeof ACTION_PHASES;

export function actionPhaseProblem(action: UnitAction, phase: Phase): string | undefined {
  const allowed: readonly Phase[] = ACTION_PHASES[action];
  return allowed.includes(phase) ? undefined : `${action} is accepted only while the campaign is ${allowed.join(' or ')}; it is ${phase}`;
}
