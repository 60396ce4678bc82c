import type { ReportCommand } from '../../domain/ledger';
import { TREE, nameOf, sortNotices, useFastTier, vietnamTime, type CampaignUnderTest, type Notice } from './harness';

/**
 * The reminder clock, under the default policy (7, 3 and 1 days before each reporting deadline at 08:00, the
 * escalation as the deadline day ends, then every 3 days): only units that still owe the report are reminded, a
 * miss is escalated to the unit's parent and rolled up to the campaign, overdue reminders repeat until the unit
 * complies, and an extension re-plans every timer for the new date.
 */
describe('reminders and escalations (fast tier)', () => {
  const fast = useFastTier('reminders');

  const studySession = (unitCode: string, heldOn: string): ReportCommand => ({
    kind: 'study-session',
    unitCode,
    report: { heldOn, membersPresent: 17, membersTotal: 19 },
  });
  const dialogue = (unitCode: string, heldOn: string): ReportCommand => ({
    kind: 'dialogue',
    unitCode,
    report: { heldOn, topic: 'Giải phóng mặt bằng, bồi thường đất nông nghiệp', attendance: 132 },
  });

  const notice = (campaign: CampaignUnderTest, n: Omit<Notice, 'name' | 'deadlineDate'> & { deadlineDate?: string }): Notice => ({
    name: n.kind === 'escalation' ? 'deadline.escalated' : 'reminder.sent',
    deadlineDate: campaign.day('10-31'),
    ...n,
  });

  /** Reminders go out at 08:00 Vietnam time, spread over 20 minutes; escalations in the first 20 minutes after the deadline day. */
  const expectSentAtTheirHour = (campaign: CampaignUnderTest) => {
    for (const event of campaign.events()) {
      const name = nameOf(event);
      if (name !== 'reminder.sent' && name !== 'deadline.escalated') continue;
      const [hour, minute] = vietnamTime(event.time).slice(11).split(':').map(Number) as [number, number];
      expect({ id: event.id, hour, early: minute < 20 }).toEqual({ id: event.id, hour: name === 'reminder.sent' ? 8 : 0, early: true });
    }
  };

  fast.it('reminds only units that still owe a report, escalates the miss to the parent, and repeats until each complies', async (tier) => {
    const campaign = await tier.issue();
    const day = (d: string) => campaign.day(d);
    await campaign.advanceTo('09-10', 9);
    await campaign.deploy();

    await campaign.advanceTo('10-10');
    await campaign.eventually((s) => s.phase === 'in-progress', TREE.thang);
    await campaign.submit(studySession(TREE.thang1, day('10-09')));
    await campaign.submit(dialogue(TREE.thang, day('10-10')));
    await campaign.submit(studySession(TREE.bacly1, day('10-10')));

    // 24/10, seven days before: Thắng's second chi bộ, Bắc Lý's second chi bộ, and Bắc Lý's leaders for the dialogue.
    await campaign.advanceTo('10-24', 9);
    await campaign.eventuallyEvents((es) => es.filter((e) => nameOf(e) === 'reminder.sent').length >= 3);
    expect(sortNotices(campaign.notices())).toEqual(
      sortNotices([
        notice(campaign, { source: TREE.thang, deadline: 'study-sessions', kind: 'before', days: 7, units: [TREE.thang2], on: day('10-24') }),
        notice(campaign, { source: TREE.bacly, deadline: 'study-sessions', kind: 'before', days: 7, units: [TREE.bacly2], on: day('10-24') }),
        notice(campaign, { source: TREE.bacly, deadline: 'dialogues', kind: 'before', days: 7, units: [TREE.bacly], on: day('10-24') }),
      ]),
    );

    // Thắng's second chi bộ complies between reminders: it is not reminded again.
    await campaign.advanceTo('10-26');
    await campaign.submit(studySession(TREE.thang2, day('10-26')));

    // The deadline passes: each miss is escalated to the unit's parent, and the campaign sees it rolled up.
    await campaign.advanceTo('11-01', 9);
    const escalated = await campaign.eventually((s) => s.progress.reminders.escalations === 2 && s.overdueUnits.length === 2);
    expect(escalated.overdueUnits).toEqual(
      expect.arrayContaining([
        { code: TREE.bacly2, obligation: 'study-session' },
        { code: TREE.bacly, obligation: 'dialogue' },
      ]),
    );
    expect(escalated.progress.studySessions).toMatchObject({ required: 4, done: 3, overdue: 1 });
    const district = await campaign.eventually((s) => s.overdueUnits.length === 2, TREE.district);
    expect(district.progress.reminders.escalations).toBe(2);

    // Late reports end the overdue reminders, one obligation at a time.
    await campaign.advanceTo('11-05');
    expect(await campaign.submit(studySession(TREE.bacly2, day('11-04')))).toMatchObject({ late: true });
    await campaign.advanceTo('11-10');
    expect(await campaign.submit(dialogue(TREE.bacly, day('11-10')))).toMatchObject({ late: true });

    const final = await campaign.finish();
    expect(sortNotices(campaign.notices())).toEqual(
      sortNotices([
        notice(campaign, { source: TREE.thang, deadline: 'study-sessions', kind: 'before', days: 7, units: [TREE.thang2], on: day('10-24') }),
        ...(['study-sessions', 'dialogues'] as const).flatMap((deadline) => {
          const unit = deadline === 'study-sessions' ? TREE.bacly2 : TREE.bacly;
          return [
            notice(campaign, { source: TREE.bacly, deadline, kind: 'before', days: 7, units: [unit], on: day('10-24') }),
            notice(campaign, { source: TREE.bacly, deadline, kind: 'before', days: 3, units: [unit], on: day('10-28') }),
            notice(campaign, { source: TREE.bacly, deadline, kind: 'before', days: 1, units: [unit], on: day('10-30') }),
            notice(campaign, {
              source: TREE.bacly,
              deadline,
              kind: 'escalation',
              days: 0,
              units: [`${unit}→${deadline === 'study-sessions' ? TREE.bacly : TREE.district}`],
              on: day('11-01'),
            }),
            notice(campaign, { source: TREE.bacly, deadline, kind: 'overdue', days: 3, units: [unit], on: day('11-03') }),
          ];
        }),
        // The dialogue stays owed until 10/11: two more overdue reminders, then none.
        notice(campaign, { source: TREE.bacly, deadline: 'dialogues', kind: 'overdue', days: 6, units: [TREE.bacly], on: day('11-06') }),
        notice(campaign, { source: TREE.bacly, deadline: 'dialogues', kind: 'overdue', days: 9, units: [TREE.bacly], on: day('11-09') }),
      ]),
    );
    expectSentAtTheirHour(campaign);
    expect(final.progress.reminders).toEqual({ sent: 11, escalations: 2 });
    expect(final.overdueUnits).toEqual([]);
    campaign.expectWellFormedStream();
  });

  fast.it('re-plans the reminders when a deadline is extended: reminders for the new date, none left for the old', async (tier) => {
    const campaign = await tier.issue();
    const day = (d: string) => campaign.day(d);
    await campaign.advanceTo('09-10', 9);
    await campaign.deploy();

    // Every chi bộ and Thắng report early: only Bắc Lý's dialogue is owed.
    await campaign.advanceTo('10-10');
    await campaign.eventually((s) => s.phase === 'in-progress', TREE.bacly);
    for (const cell of [TREE.thang1, TREE.thang2, TREE.bacly1, TREE.bacly2]) await campaign.submit(studySession(cell, day('10-10')));
    await campaign.submit(dialogue(TREE.thang, day('10-10')));

    await campaign.advanceTo('10-29', 9);
    await campaign.eventuallyEvents((es) => es.filter((e) => nameOf(e) === 'reminder.sent').length >= 2);
    const extended = await campaign.extendDeadline({
      deadline: 'dialogues',
      to: day('11-10'),
      reason: 'Mưa lũ kéo dài, xã chưa tổ chức được hội nghị đối thoại',
    });
    expect(extended.deadlines.dialogues).toBe(day('11-10'));

    // Past the old deadline: no reminder one day before it, no escalation, and reporting is still open.
    await campaign.advanceTo('11-05', 9);
    const commune = await campaign.eventually((s) => s.deadlines.dialogues === day('11-10'), TREE.bacly);
    expect(commune.phase).toBe('in-progress');
    expect(commune.overdueUnits).toEqual([]);

    // The new deadline passes: escalated, and assessment starts when the new reporting deadline ends.
    await campaign.advanceTo('11-11', 9);
    await campaign.eventually((s) => s.phase === 'assessment' && s.progress.reminders.escalations === 1, TREE.bacly);
    await campaign.advanceTo('11-12');
    expect(await campaign.submit(dialogue(TREE.bacly, day('11-12')))).toMatchObject({ late: true });

    await campaign.finish();
    const dialogueNotice = (kind: Notice['kind'], days: number, on: string, deadlineDate: string) =>
      notice(campaign, {
        source: TREE.bacly,
        deadline: 'dialogues',
        kind,
        days,
        units: [kind === 'escalation' ? `${TREE.bacly}→${TREE.district}` : TREE.bacly],
        on: day(on),
        deadlineDate: day(deadlineDate),
      });
    expect(sortNotices(campaign.notices())).toEqual([
      dialogueNotice('before', 7, '10-24', '10-31'),
      dialogueNotice('before', 3, '10-28', '10-31'),
      dialogueNotice('before', 7, '11-03', '11-10'),
      dialogueNotice('before', 3, '11-07', '11-10'),
      dialogueNotice('before', 1, '11-09', '11-10'),
      dialogueNotice('escalation', 0, '11-11', '11-10'),
    ]);
    expectSentAtTheirHour(campaign);
    const moves = campaign.events().filter((e) => nameOf(e) === 'campaign.phase-changed');
    expect(moves.map((e) => [(e.data as { to: string }).to, vietnamTime(e.time).slice(0, 10)])).toEqual([
      ['deployed', day('09-10')],
      ['in-progress', day('10-01')],
      ['assessment', day('11-11')],
      ['commendation', day('11-16')],
      ['closed', day('12-01')],
    ]);
    campaign.expectWellFormedStream();
  });
});
