import { activityKind } from './catalogue';
import { DEFAULT_OBLIGATIONS, PHASE_DEADLINES, type Deadlines, type PlanObligation, type UnitKind } from './vocabulary';

export { DEFAULT_OBLIGATIONS, type PlanObligation } from './vocabulary';

/**
 * What a plan makes owed, and by whom: the one place for "who must report what". A plan names its obligations
 * (plans issued before they could, and "Tháng Dân vận" plans that leave them out, owe the default two); each one
 * is judged against its own named deadline, with reminders, escalation, overdue and late marking alike.
 */

/** The obligations of a plan, the default two for a plan that names none. */
export function planObligations(plan: { obligations?: readonly PlanObligation[] | undefined }): readonly PlanObligation[] {
  return plan.obligations ?? DEFAULT_OBLIGATIONS;
}

/** Who may report a study session or a dialogue at all, owed or not; catalogue activities say it in the catalogue. */
// Leaders of every level hold dialogues with the people (seed 000: the district's own); communes are the ones a plan usually obliges.
const FAMILY_REPORTERS: Record<string, readonly UnitKind[]> = { 'study-session': ['party-cell'], dialogue: ['province', 'district', 'commune'] };

/** The unit kinds that may report an activity; undefined for an activity that is neither a family nor in the catalogue. */
export function reportersOf(activity: string): readonly UnitKind[] | undefined {
  return FAMILY_REPORTERS[activity] ?? activityKind(activity)?.reportedBy;
}

/** The obligations a unit of this kind owes. */
export function owedBy(kind: UnitKind, obligations: readonly PlanObligation[]): PlanObligation[] {
  return obligations.filter((o) => o.owedBy.includes(kind));
}

/** The obligation of an activity a unit of this kind owes, if any: lateness of its reports is judged by its deadline. */
export function obligationFor(activity: string, kind: UnitKind, obligations: readonly PlanObligation[]): PlanObligation | undefined {
  return obligations.find((o) => o.activity === activity && o.owedBy.includes(kind));
}

/** The obligation whose deadline this is; undefined for a phase deadline. */
export function obligationOfDeadline(deadline: string, obligations: readonly PlanObligation[]): PlanObligation | undefined {
  return obligations.find((o) => o.deadline === deadline);
}

/**
 * What is wrong with a plan's obligations and deadlines together, each with the path of the field at fault: an
 * activity nobody can report, a unit kind that may not report it, a study session owed more than once, a deadline
 * named twice or not dated, a date nobody owes.
 */
export function obligationsProblems(
  obligations: readonly PlanObligation[],
  deadlines: Record<string, string>,
): Array<{ path: (string | number)[]; message: string }> {
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  const deadlineNames = new Set<string>();
  obligations.forEach((o, i) => {
    const reporters = reportersOf(o.activity);
    if (!reporters)
      problems.push({ path: ['obligations', i, 'activity'], message: `unknown activity ${o.activity}: neither study-session, dialogue nor in the catalogue` });
    else
      o.owedBy.forEach((kind, k) => {
        if (!reporters.includes(kind))
          problems.push({
            path: ['obligations', i, 'owedBy', k],
            message: `a ${kind} does not report ${o.activity}; it is reported by ${reporters.join(', ')}`,
          });
      });
    if (FAMILY_REPORTERS[o.activity] && o.target !== 1)
      problems.push({ path: ['obligations', i, 'target'], message: `a unit complies with its first ${o.activity}; the target must be 1, got ${o.target}` });
    if ((PHASE_DEADLINES as readonly string[]).includes(o.deadline))
      problems.push({ path: ['obligations', i, 'deadline'], message: `${o.deadline} ends a phase; an obligation needs a deadline of its own` });
    if (deadlineNames.has(o.deadline)) problems.push({ path: ['obligations', i, 'deadline'], message: `deadline ${o.deadline} is named by two obligations` });
    deadlineNames.add(o.deadline);
    if (obligations.slice(0, i).some((p) => p.activity === o.activity && p.owedBy.some((kind) => o.owedBy.includes(kind))))
      problems.push({ path: ['obligations', i], message: `${o.activity} is owed twice by the same unit kind` });
  });
  for (const name of [...deadlineNames, ...PHASE_DEADLINES]) {
    if (deadlines[name] === undefined) problems.push({ path: ['deadlines', name], message: `deadline ${name} has no date` });
  }
  for (const name of Object.keys(deadlines)) {
    if (!deadlineNames.has(name) && !(PHASE_DEADLINES as readonly string[]).includes(name))
      problems.push({
        path: ['deadlines', name],
        message: `no obligation is due by ${name}; the plan's deadlines are ${[...deadlineNames, ...PHASE_DEADLINES].join(', ')}`,
      });
  }
  return problems;
}

/** Reports are owed until the latest obligation deadline; assessment starts after it. A plan that owes nothing reports until its window closes. */
export function lastReportingDeadline(deadlines: Deadlines, fallback: string): string {
  let last: string | undefined;
  for (const [name, date] of Object.entries(deadlines)) {
    if ((PHASE_DEADLINES as readonly string[]).includes(name)) continue;
    if (last === undefined || date > last) last = date;
  }
  return last ?? fallback;
}
