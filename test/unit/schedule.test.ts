import { planRecordSchema, planSchema } from '../../domain/schemas';
import {
  addDays,
  deadlineActions,
  deadlineEnd,
  DEFAULT_REMINDER_POLICY,
  formatVietnameseDate,
  formatVietnameseNumber,
  isLate,
  nextDeadlineAction,
  startOfDayVietnam,
  vietnamDateOf,
  type DeadlineAction,
  type ReminderPolicy,
} from '../../domain/schedule';
import { plan202 } from '../fixtures/plans';

/** The first `n` actions of an endless schedule. */
function take(actions: Iterable<DeadlineAction>, n: number): DeadlineAction[] {
  const result: DeadlineAction[] = [];
  for (const action of actions) {
    if (result.length === n) break;
    result.push(action);
  }
  return result;
}

/** The issues of a refused plan, as [path, message] pairs. */
function planIssues(input: unknown): { path: PropertyKey[]; message: string }[] {
  const result = planSchema.safeParse(input);
  if (result.success) throw new Error('expected the plan to be refused');
  return result.error.issues.map(({ path, message }) => ({ path, message }));
}

const POLICY: ReminderPolicy = { daysBefore: [7, 3, 1], overdueEveryDays: 3, hourLocal: 8 };

describe('Vietnam-time deadlines (UTC+7 all year)', () => {
  it('a Vietnam day starts at 17:00 UTC of the day before', () => {
    expect(startOfDayVietnam('2024-10-01').toISOString()).toBe('2024-09-30T17:00:00.000Z');
    expect(startOfDayVietnam('2025-01-01').toISOString()).toBe('2024-12-31T17:00:00.000Z');
  });

  it('"within October 2024" ends at 31/10/2024 23:59:59 +07:00: the first late instant is 2024-10-31T17:00:00Z', () => {
    expect(deadlineEnd('2024-10-31').toISOString()).toBe('2024-10-31T17:00:00.000Z');
    expect(deadlineEnd('2024-10-31').getTime()).toBe(Date.parse('2024-11-01T00:00:00+07:00'));
  });

  it('a report at 2024-10-31T16:59:59.999Z is on time, one at 2024-10-31T17:00:00Z is late', () => {
    expect(isLate(new Date('2024-10-31T16:59:59.999Z'), '2024-10-31')).toBe(false);
    expect(isLate(new Date('2024-10-31T23:59:59+07:00'), '2024-10-31')).toBe(false);
    expect(isLate(new Date('2024-10-31T17:00:00Z'), '2024-10-31')).toBe(true);
    expect(isLate(new Date('2024-11-01T00:00:01+07:00'), '2024-10-31')).toBe(true);
  });

  it('a report early on the deadline day (still 30/10 in UTC) is on time; one on the day before is obviously on time', () => {
    expect(isLate(new Date('2024-10-31T00:30:00+07:00'), '2024-10-31')).toBe(false);
    expect(isLate(new Date('2024-10-30T12:00:00Z'), '2024-10-31')).toBe(false);
  });

  it('vietnamDateOf moves to the next day at 17:00 UTC, not at UTC midnight', () => {
    expect(vietnamDateOf(new Date('2024-10-31T16:59:59.999Z'))).toBe('2024-10-31');
    expect(vietnamDateOf(new Date('2024-10-31T17:00:00Z'))).toBe('2024-11-01');
    expect(vietnamDateOf(new Date('2024-10-15T00:00:00+07:00'))).toBe('2024-10-15');
    expect(vietnamDateOf(new Date('2024-10-14T23:59:59+07:00'))).toBe('2024-10-14');
    expect(vietnamDateOf(new Date('2024-12-31T17:00:00Z'))).toBe('2025-01-01');
  });

  it('addDays crosses month, year and leap-day boundaries', () => {
    expect(addDays('2024-10-31', 1)).toBe('2024-11-01');
    expect(addDays('2024-10-31', 15)).toBe('2024-11-15');
    expect(addDays('2024-10-31', 30)).toBe('2024-11-30');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -7)).toBe('2024-12-25');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-10-01', 0)).toBe('2024-10-01');
  });
});

describe('Vietnamese formatting, as the seed documents write', () => {
  it('dates are dd/m/yyyy: day padded, month not', () => {
    expect(formatVietnameseDate('2024-09-06')).toBe('06/9/2024');
    expect(formatVietnameseDate('1930-10-15')).toBe('15/10/1930');
    expect(formatVietnameseDate('2024-10-01')).toBe('01/10/2024');
    expect(formatVietnameseDate('2025-01-31')).toBe('31/1/2025');
  });

  it('thousands are separated by dots', () => {
    expect(formatVietnameseNumber(4819)).toBe('4.819');
    expect(formatVietnameseNumber(1234567)).toBe('1.234.567');
    expect(formatVietnameseNumber(50)).toBe('50');
    expect(formatVietnameseNumber(0)).toBe('0');
    expect(formatVietnameseNumber(999)).toBe('999');
    expect(formatVietnameseNumber(1000)).toBe('1.000');
    expect(formatVietnameseNumber(100000)).toBe('100.000');
  });
});

describe('deadline actions: reminders before, escalation at, overdue reminders after', () => {
  it('for 31/10/2024 with 7/3/1 days before at 08:00 and every 3 days after: the documented sequence', () => {
    const actions = take(deadlineActions('study-sessions', '2024-10-31', POLICY), 7);
    expect(actions.map((a) => [a.kind, a.days, a.at.toISOString(), a.key])).toEqual([
      ['before', 7, '2024-10-24T01:00:00.000Z', 'study-sessions@2024-10-31:before:7'],
      ['before', 3, '2024-10-28T01:00:00.000Z', 'study-sessions@2024-10-31:before:3'],
      ['before', 1, '2024-10-30T01:00:00.000Z', 'study-sessions@2024-10-31:before:1'],
      ['escalation', 0, '2024-10-31T17:00:00.000Z', 'study-sessions@2024-10-31:escalation'],
      ['overdue', 3, '2024-11-03T01:00:00.000Z', 'study-sessions@2024-10-31:overdue:3'],
      ['overdue', 6, '2024-11-06T01:00:00.000Z', 'study-sessions@2024-10-31:overdue:6'],
      ['overdue', 9, '2024-11-09T01:00:00.000Z', 'study-sessions@2024-10-31:overdue:9'],
    ]);
    expect(actions[0]?.at.getTime()).toBe(Date.parse('2024-10-24T08:00:00+07:00'));
    expect(actions[4]?.at.getTime()).toBe(Date.parse('2024-11-03T08:00:00+07:00'));
    for (const a of actions) expect(a).toMatchObject({ deadline: 'study-sessions', deadlineDate: '2024-10-31' });
  });

  it('actions come in strictly increasing time order with unique keys', () => {
    const actions = take(deadlineActions('dialogues', '2024-10-31', POLICY), 30);
    for (let i = 1; i < actions.length; i++) expect(actions[i]!.at.getTime()).toBeGreaterThan(actions[i - 1]!.at.getTime());
    expect(new Set(actions.map((a) => a.key)).size).toBe(30);
    expect(actions[29]).toMatchObject({ kind: 'overdue', days: 78, key: 'dialogues@2024-10-31:overdue:78' });
  });

  it('overdue reminders never run out', () => {
    const actions = take(deadlineActions('dialogues', '2024-10-31', { daysBefore: [], overdueEveryDays: 1, hourLocal: 8 }), 400);
    expect(actions).toHaveLength(400);
    expect(actions[0]?.kind).toBe('escalation');
    expect(actions[399]).toMatchObject({ kind: 'overdue', days: 399 });
  });

  it('duplicate and unsorted daysBefore give one reminder per distinct day, furthest first', () => {
    const actions = take(deadlineActions('study-sessions', '2024-10-31', { daysBefore: [1, 7, 3, 7, 1], overdueEveryDays: 3, hourLocal: 8 }), 5);
    expect(actions.map((a) => a.key)).toEqual([
      'study-sessions@2024-10-31:before:7',
      'study-sessions@2024-10-31:before:3',
      'study-sessions@2024-10-31:before:1',
      'study-sessions@2024-10-31:escalation',
      'study-sessions@2024-10-31:overdue:3',
    ]);
  });

  it('double-digit days sort numerically, not as text (10 before 9 before 2)', () => {
    const actions = take(deadlineActions('study-sessions', '2024-10-31', { daysBefore: [2, 10, 9], overdueEveryDays: 3, hourLocal: 8 }), 3);
    expect(actions.map((a) => a.days)).toEqual([10, 9, 2]);
    expect(actions[0]?.at.toISOString()).toBe('2024-10-21T01:00:00.000Z');
  });

  it('reminders go out at the policy local hour: 00:00 is 17:00 UTC the day before, 23:00 is 16:00 UTC the same day', () => {
    const midnight = take(deadlineActions('dialogues', '2024-10-31', { daysBefore: [1], overdueEveryDays: 2, hourLocal: 0 }), 3);
    expect(midnight.map((a) => a.at.toISOString())).toEqual(['2024-10-29T17:00:00.000Z', '2024-10-31T17:00:00.000Z', '2024-11-01T17:00:00.000Z']);
    const late = take(deadlineActions('dialogues', '2024-10-31', { daysBefore: [1], overdueEveryDays: 2, hourLocal: 23 }), 3);
    expect(late.map((a) => a.at.toISOString())).toEqual(['2024-10-30T16:00:00.000Z', '2024-10-31T17:00:00.000Z', '2024-11-02T16:00:00.000Z']);
  });

  it('reminders before a deadline early in the year fall in the previous year', () => {
    const [first] = take(deadlineActions('study-sessions', '2025-01-03', POLICY), 1);
    expect(first).toMatchObject({ key: 'study-sessions@2025-01-03:before:7', days: 7 });
    expect(first?.at.toISOString()).toBe('2024-12-27T01:00:00.000Z');
  });

  it('an extension (a different deadline date) yields different keys, none shared with the old date', () => {
    const old = take(deadlineActions('study-sessions', '2024-10-31', POLICY), 20).map((a) => a.key);
    const extended = take(deadlineActions('study-sessions', '2024-11-15', POLICY), 20);
    expect(extended[0]).toMatchObject({ key: 'study-sessions@2024-11-15:before:7', deadlineDate: '2024-11-15' });
    expect(extended[0]?.at.toISOString()).toBe('2024-11-08T01:00:00.000Z');
    expect(extended[3]?.at.toISOString()).toBe('2024-11-15T17:00:00.000Z');
    const oldKeys = new Set(old);
    expect(extended.filter((a) => oldKeys.has(a.key))).toEqual([]);
  });

  it('keys of different deadlines on the same date differ', () => {
    const study = take(deadlineActions('study-sessions', '2024-10-31', POLICY), 5).map((a) => a.key);
    const dialogues = take(deadlineActions('dialogues', '2024-10-31', POLICY), 5).map((a) => a.key);
    expect(study.filter((k) => dialogues.includes(k))).toEqual([]);
  });
});

describe('nextDeadlineAction', () => {
  const none = new Set<string>();

  it('from before the first reminder, the next action is the first reminder', () => {
    expect(nextDeadlineAction('study-sessions', '2024-10-31', POLICY, new Date('2024-10-01T00:00:00Z'), none).key).toBe('study-sessions@2024-10-31:before:7');
  });

  it('an action due exactly at `since` is still owed', () => {
    expect(nextDeadlineAction('study-sessions', '2024-10-31', POLICY, new Date('2024-10-24T01:00:00Z'), none).key).toBe('study-sessions@2024-10-31:before:7');
  });

  it('skips actions due before `since` (a unit deployed on 25/10 is not owed the 7-day reminder)', () => {
    expect(nextDeadlineAction('study-sessions', '2024-10-31', POLICY, new Date('2024-10-24T01:00:00.001Z'), none).key).toBe(
      'study-sessions@2024-10-31:before:3',
    );
    expect(nextDeadlineAction('study-sessions', '2024-10-31', POLICY, new Date('2024-10-25T00:00:00Z'), none).key).toBe('study-sessions@2024-10-31:before:3');
  });

  it('skips actions already done', () => {
    const done = new Set(['study-sessions@2024-10-31:before:7', 'study-sessions@2024-10-31:before:3']);
    expect(nextDeadlineAction('study-sessions', '2024-10-31', POLICY, new Date('2024-10-01T00:00:00Z'), done).key).toBe('study-sessions@2024-10-31:before:1');
  });

  it('after the deadline day, the escalation comes next, then overdue reminders not yet done', () => {
    const afterBefore = new Date('2024-10-30T02:00:00Z');
    expect(nextDeadlineAction('dialogues', '2024-10-31', POLICY, afterBefore, none)).toMatchObject({
      kind: 'escalation',
      key: 'dialogues@2024-10-31:escalation',
    });
    const done = new Set(['dialogues@2024-10-31:escalation', 'dialogues@2024-10-31:overdue:3', 'dialogues@2024-10-31:overdue:6']);
    const next = nextDeadlineAction('dialogues', '2024-10-31', POLICY, afterBefore, done);
    expect(next).toMatchObject({ kind: 'overdue', days: 9, key: 'dialogues@2024-10-31:overdue:9' });
    expect(next.at.toISOString()).toBe('2024-11-09T01:00:00.000Z');
  });

  it('long after the deadline, the next overdue reminder is the first one on or after `since`', () => {
    const next = nextDeadlineAction('dialogues', '2024-10-31', POLICY, new Date('2024-11-20T00:00:00Z'), none);
    expect(next).toMatchObject({ kind: 'overdue', days: 21 });
    expect(next.at.toISOString()).toBe('2024-11-21T01:00:00.000Z');
  });

  it('keys done for the old date do not silence the extended date', () => {
    const oldDone = new Set(take(deadlineActions('study-sessions', '2024-10-31', POLICY), 6).map((a) => a.key));
    const next = nextDeadlineAction('study-sessions', '2024-11-15', POLICY, new Date('2024-11-01T00:00:00Z'), oldDone);
    expect(next.key).toBe('study-sessions@2024-11-15:before:7');
    expect(next.at.toISOString()).toBe('2024-11-08T01:00:00.000Z');
  });
});

describe('plan 202-KH/BDVTU: defaults for deadlines and reminders', () => {
  it('unset deadlines follow the window: study sessions and dialogues by closesOn, assessment +15 days, commendation +30 days', () => {
    const plan = planSchema.parse(plan202());
    expect(plan.deadlines).toEqual({ 'study-sessions': '2024-10-31', dialogues: '2024-10-31', assessment: '2024-11-15', commendation: '2024-11-30' });
  });

  it('unset reminders are 7, 3 and 1 days before, every 3 days after, at 08:00', () => {
    const plan = planSchema.parse(plan202());
    expect(plan.reminders).toEqual({ daysBefore: [7, 3, 1], overdueEveryDays: 3, hourLocal: 8 });
  });

  it('a plan with everything defaulted is a valid plan record, and parses to itself', () => {
    const plan = planSchema.parse(plan202());
    expect(planRecordSchema.parse(plan)).toEqual(plan);
    expect(plan).toMatchObject({ number: '202-KH/BDVTU', issuedOn: '2024-09-06', year: 2024, window: { opensOn: '2024-10-01', closesOn: '2024-10-31' } });
    expect(plan.tasks).toHaveLength(5);
  });

  it('a plan record must carry every deadline and the reminder policy', () => {
    const { deadlines: _d, ...withoutDeadlines } = planSchema.parse(plan202());
    expect(planRecordSchema.safeParse(withoutDeadlines).success).toBe(false);
    const { reminders: _r, ...withoutReminders } = planSchema.parse(plan202());
    expect(planRecordSchema.safeParse(withoutReminders).success).toBe(false);
  });

  it('explicit deadlines are kept, the unset ones still default', () => {
    const plan = planSchema.parse(plan202({ deadlines: { 'study-sessions': '2024-10-25', assessment: '2024-11-20' } }));
    expect(plan.deadlines).toEqual({ 'study-sessions': '2024-10-25', dialogues: '2024-10-31', assessment: '2024-11-20', commendation: '2024-11-30' });
    const all = { 'study-sessions': '2024-10-20', dialogues: '2024-10-30', assessment: '2024-11-10', commendation: '2024-12-15' };
    expect(planSchema.parse(plan202({ deadlines: all })).deadlines).toEqual(all);
  });

  it('explicit reminders are kept; a partly written policy fills the rest', () => {
    expect(planSchema.parse(plan202({ reminders: { daysBefore: [10, 5], overdueEveryDays: 2, hourLocal: 7 } })).reminders).toEqual({
      daysBefore: [10, 5],
      overdueEveryDays: 2,
      hourLocal: 7,
    });
    expect(planSchema.parse(plan202({ reminders: { hourLocal: 14 } })).reminders).toEqual({ daysBefore: [7, 3, 1], overdueEveryDays: 3, hourLocal: 14 });
    expect(planSchema.parse(plan202({ reminders: { daysBefore: [] } })).reminders).toEqual({ daysBefore: [], overdueEveryDays: 3, hourLocal: 8 });
  });

  it('changing one parsed plan does not change the defaults of the next', () => {
    const first = planSchema.parse(plan202());
    first.reminders.daysBefore.push(14);
    first.reminders.hourLocal = 20;
    expect(planSchema.parse(plan202()).reminders).toEqual({ daysBefore: [7, 3, 1], overdueEveryDays: 3, hourLocal: 8 });
    expect(DEFAULT_REMINDER_POLICY).toEqual({ daysBefore: [7, 3, 1], overdueEveryDays: 3, hourLocal: 8 });
  });

  it('refuses reminder policies out of range', () => {
    expect(planSchema.safeParse(plan202({ reminders: { hourLocal: 24 } })).success).toBe(false);
    expect(planSchema.safeParse(plan202({ reminders: { overdueEveryDays: 0 } })).success).toBe(false);
    expect(planSchema.safeParse(plan202({ reminders: { daysBefore: [0] } })).success).toBe(false);
  });
});

describe('plan 202-KH/BDVTU: what is refused, with the path of the field', () => {
  it('refuses an assessment deadline before the reporting deadlines', () => {
    const issues = planIssues(plan202({ deadlines: { assessment: '2024-10-30' } }));
    expect(issues).toEqual([{ path: ['deadlines', 'assessment'], message: expect.stringContaining('2024-10-31') }]);
  });

  it('measures assessment against the later of the two reporting deadlines', () => {
    const issues = planIssues(plan202({ deadlines: { 'study-sessions': '2024-10-20', dialogues: '2024-11-05', assessment: '2024-11-01' } }));
    expect(issues).toEqual([{ path: ['deadlines', 'assessment'], message: expect.stringContaining('2024-11-05') }]);
  });

  it('accepts an assessment deadline on the reporting deadline day itself', () => {
    expect(planSchema.safeParse(plan202({ deadlines: { assessment: '2024-10-31' } })).success).toBe(true);
  });

  it('refuses a commendation deadline before the assessment deadline', () => {
    expect(planIssues(plan202({ deadlines: { assessment: '2024-11-20', commendation: '2024-11-19' } }))).toEqual([
      { path: ['deadlines', 'commendation'], message: expect.stringContaining('2024-11-20') },
    ]);
  });

  it('refuses an explicit assessment later than the defaulted commendation (+30 days)', () => {
    expect(planIssues(plan202({ deadlines: { assessment: '2024-12-10' } })).map((i) => i.path)).toEqual([['deadlines', 'commendation']]);
  });

  it('refuses a study-session or dialogue deadline before the window opens', () => {
    expect(planIssues(plan202({ deadlines: { 'study-sessions': '2024-09-30' } })).map((i) => i.path)).toEqual([['deadlines', 'study-sessions']]);
    expect(planIssues(plan202({ deadlines: { dialogues: '2024-09-15' } })).map((i) => i.path)).toEqual([['deadlines', 'dialogues']]);
    expect(planSchema.safeParse(plan202({ deadlines: { 'study-sessions': '2024-10-01' } })).success).toBe(true);
  });

  it('refuses duplicate task ordinals', () => {
    const tasks = plan202().tasks.map((t) => (t.ordinal === 5 ? { ...t, ordinal: 3 } : t));
    const issues = planIssues(plan202({ tasks }));
    expect(issues).toEqual([{ path: ['tasks'], message: expect.stringContaining('1, 2, 3, 4, 3') }]);
  });

  it('refuses a window closing before it opens, naming window.closesOn', () => {
    const issues = planIssues(plan202({ window: { opensOn: '2024-10-31', closesOn: '2024-10-01' } }));
    expect(issues.map((i) => i.path)).toContainEqual(['window', 'closesOn']);
  });

  it('accepts a one-day window', () => {
    expect(planSchema.parse(plan202({ window: { opensOn: '2024-10-15', closesOn: '2024-10-15' } })).deadlines['study-sessions']).toBe('2024-10-15');
  });

  it('refuses dates that are not calendar dates and plan numbers not like 202-KH/BDVTU', () => {
    expect(planIssues(plan202({ deadlines: { assessment: '2024-11-31' } })).map((i) => i.path)).toEqual([['deadlines', 'assessment']]);
    expect(planIssues(plan202({ issuedOn: '06/9/2024' })).map((i) => i.path)).toEqual([['issuedOn']]);
    expect(planIssues(plan202({ number: '202/BDVTU' })).map((i) => i.path)).toEqual([['number']]);
  });
});
