import type { ReportCommand } from '../../domain/ledger';
import { TREE, nameOf, sortNotices, useFastTier, type Notice } from './harness';

/**
 * A plan that names its own obligation: the district and every commune owe two information conferences
 * (hội nghị thông tin chủ trương, chính sách đến Nhân dân) by 20/10, and nobody owes a study session or a dialogue.
 * The clock treats it as it treats study sessions: reminders 7, 3 and 1 days before to the units still short of
 * their target, the escalation when the day ends, overdue reminders after, a late report marked late, an extension
 * re-planning the reminders; then the campaign runs to its close and publishes the tally.
 */
describe('obligations a plan names (fast tier)', () => {
  const fast = useFastTier('obligations');

  const conferences = (unitCode: string, heldOn: string, count: number): ReportCommand => ({
    kind: 'activity',
    unitCode,
    report: { activity: 'information-conference', heldOn, measures: { count, attendance: 120 * count } },
  });

  fast.it('reminds, escalates and marks late by the plan’s own deadline, owes nothing else, and closes with the tally', async (tier) => {
    const campaign = await tier.issue({
      plan: (year) => ({
        obligations: [{ activity: 'information-conference', owedBy: ['district', 'commune'], target: 2, deadline: 'information-conferences' }],
        deadlines: { 'information-conferences': `${year}-10-20` },
      }),
    });
    const day = (d: string) => campaign.day(d);
    expect(campaign.plan.deadlines).toEqual({
      'information-conferences': day('10-20'),
      assessment: day('11-15'),
      commendation: day('11-30'),
    });
    await campaign.advanceTo('09-10', 9);
    await campaign.deploy();

    await campaign.advanceTo('10-12');
    await campaign.eventually((s) => s.phase === 'in-progress', TREE.thang);
    expect(await campaign.submit(conferences(TREE.thang, day('10-12'), 2))).toMatchObject({ id: 'A1', late: false });
    await campaign.submit(conferences(TREE.bacly, day('10-12'), 1));

    // 13/10, seven days before: the district (none held) and Bắc Lý (one of two); Thắng is done, chi bộ owe nothing.
    await campaign.advanceTo('10-13', 9);
    const notice = (source: string, kind: Notice['kind'], days: number, units: string[], on: string): Notice => ({
      name: kind === 'escalation' ? 'deadline.escalated' : 'reminder.sent',
      source,
      deadline: 'information-conferences',
      deadlineDate: day('10-20'),
      kind,
      days,
      units,
      on,
    });
    await campaign.eventuallyEvents((es) => es.filter((e) => nameOf(e) === 'reminder.sent').length >= 2);
    expect(sortNotices(campaign.notices())).toEqual(
      sortNotices([notice(TREE.district, 'before', 7, [TREE.district], day('10-13')), notice(TREE.bacly, 'before', 7, [TREE.bacly], day('10-13'))]),
    );

    // The deadline passes: both misses escalate, and the campaign lists them as owing the activity.
    await campaign.advanceTo('10-21', 9);
    const escalated = await campaign.eventually((s) => s.overdueUnits.length === 2);
    expect(escalated.overdueUnits).toEqual(
      expect.arrayContaining([
        { code: TREE.district, obligation: 'information-conference' },
        { code: TREE.bacly, obligation: 'information-conference' },
      ]),
    );
    expect(escalated.progress.obligations).toEqual({ 'information-conference': { required: 3, done: 1, late: 0, overdue: 2 } });
    expect(escalated.progress.studySessions).toMatchObject({ required: 0, overdue: 0 });
    expect(escalated.progress.dialogues).toMatchObject({ required: 0, overdue: 0 });

    // Bắc Lý's second conference, reported late, completes its target late; the district's deadline is extended.
    expect(await campaign.submit(conferences(TREE.bacly, day('10-21'), 1))).toMatchObject({ id: 'A2', late: true });
    await campaign.extendDeadline({ deadline: 'information-conferences', to: day('10-28') });
    await campaign.advanceTo('10-27', 9);
    await campaign.eventuallyEvents((es) =>
      es.some((e) => nameOf(e) === 'reminder.sent' && (e.data as { deadlineDate: string }).deadlineDate === day('10-28')),
    );
    const afterExtension = campaign.notices().filter((n) => n.deadlineDate === day('10-28'));
    // Extended on 21/10 after 08:00: the 7-day reminder's hour had passed, the 3- and 1-day reminders are due.
    expect(sortNotices(afterExtension)).toEqual(
      sortNotices(
        [notice(TREE.district, 'before', 3, [TREE.district], day('10-25')), notice(TREE.district, 'before', 1, [TREE.district], day('10-27'))].map((n) => ({
          ...n,
          deadlineDate: day('10-28'),
        })),
      ),
    );
    expect(await campaign.submit(conferences(TREE.district, day('10-27'), 2))).toMatchObject({ id: 'A1', late: false });

    // No one was ever reminded of a study session or a dialogue; the campaign closes with the tally.
    expect(campaign.notices().every((n) => n.deadline === 'information-conferences')).toBe(true);
    await campaign.advanceTo('12-01', 9);
    const closed = await campaign.eventually((s) => s.phase === 'closed');
    expect(closed.progress.obligations).toEqual({ 'information-conference': { required: 3, done: 3, late: 1, overdue: 0 } });
    const closing = await campaign.eventuallyEvents((es) => es.some((e) => nameOf(e) === 'campaign.closed'));
    expect(closing.find((e) => nameOf(e) === 'campaign.closed')!.data).toMatchObject({
      figures: { obligations: { 'information-conference': { required: 3, done: 3, late: 1, overdue: 0 } } },
    });
    const deployed = closing
      .filter((e) => nameOf(e) === 'unit.deployed')
      .flatMap((e) => (e.data as { units: Array<{ code: string; obligations: string[] }> }).units);
    expect(Object.fromEntries(deployed.map((u) => [u.code, u.obligations]))).toMatchObject({
      [TREE.province]: [],
      [TREE.district]: ['information-conference'],
      [TREE.thang]: ['information-conference'],
      [TREE.thang1]: [],
    });
    campaign.expectWellFormedStream();
  });
});
