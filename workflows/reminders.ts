import { nonCompliant } from '../domain/ledger';
import { spreadMs } from '../domain/fingerprint';
import { obligationOfDeadline } from '../domain/obligations';
import { nextDeadlineAction, type DeadlineAction } from '../domain/schedule';
import type { Node } from './node';

/** Reminders due at one instant across thousands of units are spread over this window per node. */
const REMINDER_SPREAD_MS = 20 * 60_000;

/** A deadline action of this node's own units and the instant it is due (spread per node). */
export interface DueAction {
  at: number;
  action: DeadlineAction;
}

/** The next reminder or escalation owed by this node's own units, if any unit still owes something. */
export function nextReminder(node: Node): DueAction | undefined {
  if (!node.state.deployedAt || node.state.phase === 'issued' || node.state.phase === 'closed') return undefined;
  const done = new Set(node.state.actionsDone);
  let best: DueAction | undefined;
  for (const obligation of node.obligations) {
    const date = node.state.deadlines[obligation.deadline];
    if (date === undefined || nonCompliant(node.state.ledger, obligation).length === 0) continue;
    const changed = node.state.deadlinesSince[obligation.deadline];
    const since = new Date(Math.max(Date.parse(node.state.deployedAt), changed === undefined ? 0 : Date.parse(changed)));
    const action = nextDeadlineAction(obligation.deadline, date, node.plan.reminders, since, done);
    const at = action.at.getTime() + spreadMs(`${node.unit.code}:${action.key}`, REMINDER_SPREAD_MS);
    if (!best || at < best.at) best = { action, at };
  }
  return best;
}

/** Reminds the units that still owe the obligation, or escalates them to their parents once the deadline has passed. */
export function sendReminder(node: Node, action: DeadlineAction): void {
  const obligation = obligationOfDeadline(action.deadline, node.obligations);
  const units = obligation ? nonCompliant(node.state.ledger, obligation) : [];
  const base = { deadline: action.deadline, deadlineDate: action.deadlineDate };
  if (units.length === 0) {
    node.recordAction(action.key, { sent: 0, escalations: 0 });
  } else if (action.kind === 'escalation') {
    node.emit('deadline.escalated', node.unit.code, {
      ...base,
      units: units.map((code) => {
        const parent = node.state.ledger.units[code]?.parent;
        return parent ? { code, parent } : { code };
      }),
    });
    node.recordAction(action.key, { sent: 0, escalations: units.length });
  } else {
    node.emit('reminder.sent', node.unit.code, { ...base, kind: action.kind, days: action.days, units });
    node.recordAction(action.key, { sent: units.length, escalations: 0 });
  }
}
