import { addDays } from './calendar';
import type { ReminderPolicy } from './schemas';
import type { Deadline } from './vocabulary';

export { addDays, formatVietnameseNumber } from './calendar';
export type { ReminderPolicy } from './schemas';
export { DEADLINES, DEFAULT_REMINDER_POLICY, type Deadline, type Deadlines } from './vocabulary';

/**
 * Deadlines in Vietnam time. Vietnam keeps UTC+7 all year, so "within October 2024" ends at
 * 31/10/2024 23:59:59 +07:00: a report at that second is on time, one a second later is late.
 */
export const VIETNAM_UTC_OFFSET_HOURS = 7;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The instant a calendar day starts in Vietnam. */
export function startOfDayVietnam(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - VIETNAM_UTC_OFFSET_HOURS * HOUR);
}

/** The first instant after the deadline day: a report at or after it is late. */
export function deadlineEnd(date: string): Date {
  return new Date(startOfDayVietnam(date).getTime() + DAY);
}

export function isLate(at: Date, deadlineDate: string): boolean {
  return at.getTime() >= deadlineEnd(deadlineDate).getTime();
}

/** The calendar day an instant falls on in Vietnam. */
export function vietnamDateOf(at: Date): string {
  return new Date(at.getTime() + VIETNAM_UTC_OFFSET_HOURS * HOUR).toISOString().slice(0, 10);
}

/** 2024-09-06 → "06/9/2024", as the seed documents write dates. */
export function formatVietnameseDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${Number(m)}/${y}`;
}

/** Something the clock does about one obligation deadline: remind before it, escalate at it, remind again after it. */
export interface DeadlineAction {
  /** Identifies the action across retries, replays and continue-as-new, so each is done once. */
  key: string;
  at: Date;
  deadline: Deadline;
  deadlineDate: string;
  kind: 'before' | 'escalation' | 'overdue';
  /** Days before the deadline day (before) or after it (overdue); 0 for the escalation. */
  days: number;
}

function atLocalHour(date: string, policy: ReminderPolicy): Date {
  return new Date(startOfDayVietnam(date).getTime() + policy.hourLocal * HOUR);
}

/**
 * Every action of one deadline in time order: reminders `daysBefore` days before (at the policy's local
 * hour), the escalation at the first instant after the deadline day, then overdue reminders every
 * `overdueEveryDays` for as long as anyone asks. Keys carry the deadline date, so an extension brings
 * fresh reminders for the new date and none of the old date's remain due.
 */
export function* deadlineActions(deadline: Deadline, deadlineDate: string, policy: ReminderPolicy): Generator<DeadlineAction> {
  const base = { deadline, deadlineDate };
  for (const days of [...new Set(policy.daysBefore)].sort((a, b) => b - a)) {
    yield { ...base, key: `${deadline}@${deadlineDate}:before:${days}`, at: atLocalHour(addDays(deadlineDate, -days), policy), kind: 'before', days };
  }
  const escalationAt = deadlineEnd(deadlineDate);
  yield { ...base, key: `${deadline}@${deadlineDate}:escalation`, at: escalationAt, kind: 'escalation', days: 0 };
  for (let days = policy.overdueEveryDays; ; days += policy.overdueEveryDays) {
    const at = atLocalHour(addDays(deadlineDate, days), policy);
    // At hour 0 with a daily repeat, the first overdue reminder would coincide with the escalation itself.
    if (at.getTime() <= escalationAt.getTime()) continue;
    yield { ...base, key: `${deadline}@${deadlineDate}:overdue:${days}`, at, kind: 'overdue', days };
  }
}

/**
 * The first action of a deadline not yet done and not due before `since` (when the unit was deployed or
 * the deadline last changed: a reminder whose day passed before then is not owed).
 */
export function nextDeadlineAction(deadline: Deadline, deadlineDate: string, policy: ReminderPolicy, since: Date, done: ReadonlySet<string>): DeadlineAction {
  for (const action of deadlineActions(deadline, deadlineDate, policy)) {
    if (action.at.getTime() >= since.getTime() && !done.has(action.key)) return action;
  }
  throw new Error('unreachable: overdue reminders never run out');
}
