/** What a plan makes owed and how the pages name it: the rules of domain/obligations.ts the pages need. */
import { ACTIVITIES, DEFAULT_OBLIGATIONS, MEASURE_NAMES } from './domain-names.js';
import { OBLIGATION_NAMES, PHASE_DEADLINE_NAMES } from './strings.js';

/** @typedef {import('./api-types').Plan} Plan */
/** @typedef {import('./api-types').Obligation} Obligation */

/**
 * The obligations of a plan, the default two for a plan that names none (domain/obligations.ts planObligations).
 * @param {Plan} plan
 * @returns {readonly Obligation[]}
 */
export function planObligations(plan) {
  return plan.obligations ?? DEFAULT_OBLIGATIONS;
}

/** @param {string} id */
export function activityName(id) {
  return OBLIGATION_NAMES[id] ?? ACTIVITIES.find((kind) => kind.id === id)?.vi ?? id;
}

/** @param {string} id */
export function measureName(id) {
  return MEASURE_NAMES[id] ?? id;
}

/**
 * A deadline by what ends at it: a phase, or what an obligation owes by then.
 * @param {string} deadline
 * @param {readonly Obligation[]} obligations
 */
export function deadlineName(deadline, obligations) {
  const obligation = obligations.find((o) => o.deadline === deadline);
  return PHASE_DEADLINE_NAMES[deadline] ?? (obligation ? activityName(obligation.activity) : deadline);
}

/**
 * The deadline in force for what an overdue unit owes.
 * @param {string} activity
 * @param {readonly Obligation[]} obligations
 * @param {Record<string, string>} deadlines
 */
export function deadlineOf(activity, obligations, deadlines) {
  const obligation = obligations.find((o) => o.activity === activity);
  return obligation ? deadlines[obligation.deadline] : undefined;
}
