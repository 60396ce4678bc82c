import { randomUUID } from 'node:crypto';
import type { ReportCommand } from '../../domain/ledger';
import { campaignWorkflowId, unitWorkflowId } from '../../workflows/messages';
import { TREE, refusalOf, sortNotices, stateOf, useFastTier } from './harness';

/**
 * Long-lived workflows hand over to a fresh run (continue-as-new) after `limits.maxUpdatesPerRun` Updates. Lowered to
 * two here, so handovers happen within a few reports: what a run promised must hold in the next one. A repeated
 * idempotency key answers the first result with no second effect, and a reminder still due is sent once, on time.
 * Every repeat goes with a fresh Update id (administrator Updates always do here; reports say so): Temporal's own
 * Update dedupe covers one run only, so the answer can only come from what the workflow carried over.
 */
describe('continue-as-new (fast tier)', () => {
  const fast = useFastTier('continue-as-new');
  const limits = { maxUpdatesPerRun: 2 };

  fast.it('the campaign hands over after its Update limit and still honours administrator and report keys of the run before', async (tier) => {
    const campaign = await tier.issue({ limits });
    await campaign.advanceTo('09-10', 9);
    const deployKey = randomUUID();
    const deployRequest = { idempotencyKey: deployKey, reason: 'triển khai Kế hoạch' };
    await campaign.deploy(deployRequest);
    const moveKey = randomUUID();
    const moveRequest = { to: 'in-progress' as const, reason: 'Các chi bộ đã sẵn sàng', idempotencyKey: moveKey };
    await campaign.advanceTo('09-25', 9);
    const firstRun = await campaign.runOf();
    await campaign.advancePhase(moveRequest);

    const second = await campaign.afterHandover(firstRun);
    expect(second.run.number).toBe(2);
    expect(second.phase).toBe('in-progress');
    expect(second.run.updates).toBe(0);

    // The same requests again: answered, nothing done twice. (The hour lets the unit workflows' reports of the move settle.)
    await campaign.advanceTo('09-25', 10);
    const settled = stateOf(await campaign.snapshot());
    expect((await campaign.deploy(deployRequest)).phase).toBe('in-progress');
    expect((await campaign.advancePhase(moveRequest)).phase).toBe('in-progress');
    expect(stateOf(await campaign.snapshot())).toEqual(settled);
    // Another request under a key the first run used: refused.
    expect((await refusalOf(campaign.deploy({ ...deployRequest, reason: 'triển khai lại' }))).type).toBe('idempotency-conflict');
    expect((await refusalOf(campaign.advancePhase({ ...moveRequest, to: 'assessment' }))).type).toBe('idempotency-conflict');
    expect(stateOf(await campaign.snapshot())).toEqual(settled);

    // Reports on the root's own unit count too: the second one hands over again.
    const modelKey = randomUUID();
    const register: ReportCommand = {
      kind: 'model-registration',
      unitCode: TREE.province,
      report: { name: 'Dân vận khéo trong cải cách hành chính', field: 'political-system', registeredOn: campaign.day('09-25') },
    };
    const secondRun = await campaign.runOf();
    const first = await campaign.submit(register, { key: modelKey });
    await campaign.submit({ ...register, report: { ...register.report, name: 'Dân vận khéo trong xây dựng nông thôn mới', field: 'economy' } });
    const third = await campaign.afterHandover(secondRun);
    // Run 2 took the two repeats answered from their keys (every accepted Update counts), run 3 these two reports.
    expect(third.run.number).toBe(4);
    expect(await campaign.submit(register, { key: modelKey, updateId: randomUUID() })).toEqual(first);
    const conflict = await refusalOf(
      campaign.submit({ ...register, report: { ...register.report, field: 'economy' } }, { key: modelKey, updateId: randomUUID() }),
    );
    expect(conflict.type).toBe('idempotency-conflict');
    expect(stateOf(await campaign.workflowSnapshot(campaignWorkflowId(campaign.campaignId)))).toEqual(stateOf(third));
    expect(third.units.find((u) => u.code === TREE.province)?.models.map((m) => m.id)).toEqual(['M1', 'M2']);

    // The event stream runs on across runs: each event once, numbered without a gap.
    await campaign.eventuallyEvents(
      (es) => es.filter((e) => e.source === `urn:danvan:${campaignWorkflowId(campaign.campaignId)}`).length === third.eventsEmitted,
    );
    campaign.expectWellFormedStream();
  });

  fast.it('a commune hands over between its reminders: each reminder sent once and on its day, report keys still known', async (tier) => {
    const campaign = await tier.issue({ limits });
    const day = (d: string) => campaign.day(d);
    const thang = unitWorkflowId(campaign.campaignId, TREE.thang);
    await campaign.advanceTo('09-10', 9);
    await campaign.deploy();

    // Two reports on 20/10: Thắng's workflow hands over before its first reminder is due.
    await campaign.advanceTo('10-20');
    await campaign.eventually((s) => s.phase === 'in-progress', TREE.thang);
    const firstRun = await campaign.runOf(TREE.thang);
    const sessionKey = randomUUID();
    const session: ReportCommand = { kind: 'study-session', unitCode: TREE.thang1, report: { heldOn: day('10-19'), membersPresent: 31, membersTotal: 33 } };
    const accepted = await campaign.submit(session, { key: sessionKey });
    await campaign.submit({ kind: 'dialogue', unitCode: TREE.thang, report: { heldOn: day('10-20'), topic: 'Xây dựng nông thôn mới', attendance: 260 } });
    const second = await campaign.afterHandover(firstRun, TREE.thang);
    expect(second.run.number).toBe(2);
    expect(second.units.find((u) => u.code === TREE.thang1)?.studySession).toMatchObject({ membersPresent: 31 });

    // The second run sends the 7-day reminder for the chi bộ that still owes its session.
    await campaign.advanceTo('10-24', 9);
    await campaign.eventually((s) => s.progress.reminders.sent === 1, TREE.thang);

    // Two more reports on 25/10: a third run, between the 7-day and the 3-day reminders.
    await campaign.advanceTo('10-25');
    const secondRun = await campaign.runOf(TREE.thang);
    const petition = await campaign.submit({
      kind: 'petition',
      unitCode: TREE.thang,
      report: { kind: 'khieu-nai', content: 'Khiếu nại về bồi thường giải phóng mặt bằng', receivedOn: day('10-25') },
    });
    await campaign.submit({
      kind: 'petition-resolution',
      unitCode: TREE.thang,
      petitionId: petition.id!,
      report: { resolvedOn: day('10-25'), outcome: 'Đã đối thoại, người dân đồng thuận' },
    });
    const third = await campaign.afterHandover(secondRun, TREE.thang);
    expect(third.run.number).toBe(3);

    // The first run's report key: the same report answers as it did; another report under it is refused.
    expect(await campaign.submit(session, { key: sessionKey, updateId: randomUUID() })).toEqual(accepted);
    const conflict = await refusalOf(
      campaign.submit({ ...session, report: { ...session.report, membersPresent: 30 } }, { key: sessionKey, updateId: randomUUID() }),
    );
    expect(conflict.type).toBe('idempotency-conflict');
    expect(stateOf(await campaign.workflowSnapshot(thang))).toEqual(stateOf(third));

    // The third run sends the 3-day reminder, once; the 7-day one is not sent again.
    await campaign.advanceTo('10-28', 9);
    await campaign.eventually((s) => s.progress.reminders.sent === 2, TREE.thang);
    await campaign.eventuallyEvents((es) => es.filter((e) => e.source === `urn:danvan:${thang}`).length === 7);
    const fromThang = campaign.notices().filter((n) => n.source === TREE.thang);
    expect(sortNotices(fromThang)).toEqual([
      {
        source: TREE.thang,
        name: 'reminder.sent',
        deadline: 'study-sessions',
        deadlineDate: day('10-31'),
        kind: 'before',
        days: 7,
        units: [TREE.thang2],
        on: day('10-24'),
      },
      {
        source: TREE.thang,
        name: 'reminder.sent',
        deadline: 'study-sessions',
        deadlineDate: day('10-31'),
        kind: 'before',
        days: 3,
        units: [TREE.thang2],
        on: day('10-28'),
      },
    ]);

    // It complies: the 1-day reminder on 30/10 is not sent.
    await campaign.advanceTo('10-29');
    await campaign.submit({ kind: 'study-session', unitCode: TREE.thang2, report: { heldOn: day('10-29'), membersPresent: 12, membersTotal: 12 } });
    await campaign.advanceTo('10-31', 9);
    const last = await campaign.workflowSnapshot(thang);
    expect(last.progress.reminders).toEqual({ sent: 2, escalations: 0 });
    expect(last.run.number).toBeGreaterThanOrEqual(3);
    campaign.expectWellFormedStream();
  });
});
