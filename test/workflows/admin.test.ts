import { randomUUID } from 'node:crypto';
import { locateQuery, type CampaignSnapshot } from '../../workflows/messages';
import { TREE, nameOf, refusalOf, sourceUnitOf, stateOf, useFastTier, vietnamTime, type CampaignUnderTest } from './harness';

/**
 * The administrator's Updates on the campaign workflow: deploy, advancePhase, extendDeadline, each with what it
 * answers, what it publishes and what reaches the unit workflows; and each refusal, with its reason and a campaign
 * that did not move.
 */
describe('administrator Updates on the fast tier', () => {
  const fast = useFastTier('admin');

  /** Refused as a conflict with `message`, and the campaign's state is as it was. */
  const expectRefused = async (campaign: CampaignUnderTest, send: () => Promise<CampaignSnapshot>, message: RegExp, type = 'conflict') => {
    const before = stateOf(await campaign.snapshot());
    const refusal = await refusalOf(send());
    expect(refusal.type).toBe(type);
    expect(refusal.detail?.code).toBe(type);
    expect(refusal.message).toMatch(message);
    expect(stateOf(await campaign.snapshot())).toEqual(before);
    return refusal;
  };

  fast.it('deploys once, down the whole tree: one workflow per non-leaf unit, each announcing what its units owe', async (tier) => {
    const campaign = await tier.issue();
    await expectRefused(campaign, () => campaign.advancePhase({ to: 'in-progress' }), /from issued the next phase is deployed, not in-progress/);
    await expectRefused(campaign, () => campaign.deploy({ requestedBy: '' }), /requestedBy/, 'invalid');

    await campaign.advanceTo('09-10', 9);
    const deployed = await campaign.deploy();
    expect(deployed.phase).toBe('deployed');
    expect(vietnamTime(deployed.deployedAt!)).toBe(campaign.day('09-10 09:00'));
    expect(deployed.children.map((c) => [c.unitCode, c.name, c.kind])).toEqual([[TREE.district, 'Huyện Hiệp Hòa', 'district']]);
    for (const unit of [TREE.thang1, TREE.thang])
      expect((await campaign.handle.query(locateQuery, unit))?.owner).toBe(`unit:${campaign.campaignId}:${TREE.thang}`);
    const nodes = await campaign.snapshots();
    expect(Object.values(nodes).map((n) => [n.unitCode, n.phase])).toEqual(
      [TREE.province, TREE.district, TREE.thang, TREE.bacly].map((code) => [code, 'deployed']),
    );

    await expectRefused(campaign, () => campaign.deploy({ reason: 'triển khai lần hai' }), /already deployed; it is deployed once/);

    const events = await campaign.eventuallyEvents((es) => es.filter((e) => nameOf(e) === 'unit.deployed').length === 4);
    expect(events.filter((e) => nameOf(e) === 'campaign.phase-changed').map((e) => e.data)).toEqual([
      { from: 'issued', to: 'deployed', reason: 'deployed down the unit tree', trigger: 'admin' },
    ]);
    const announced = Object.fromEntries(
      events
        .filter((e) => nameOf(e) === 'unit.deployed')
        .map((e) => [
          sourceUnitOf(e),
          (e.data as { units: Array<{ code: string; obligations: string[] }> }).units.map((u) => `${u.code}:${u.obligations.join('+')}`),
        ]),
    );
    expect(announced).toEqual({
      [TREE.province]: [`${TREE.province}:`],
      [TREE.district]: [`${TREE.district}:`],
      [TREE.thang]: [`${TREE.thang}:dialogue`, `${TREE.thang1}:study-session`, `${TREE.thang2}:study-session`],
      [TREE.bacly]: [`${TREE.bacly}:dialogue`, `${TREE.bacly1}:study-session`, `${TREE.bacly2}:study-session`],
    });
    expect(events.filter((e) => nameOf(e) === 'campaign.issued')).toHaveLength(1);
    campaign.expectWellFormedStream();
  });

  fast.it('moves phases one step forward only, and the unit workflows follow an early move', async (tier) => {
    const campaign = await tier.issue();
    await campaign.advanceTo('09-10', 9);
    await campaign.deploy();
    await campaign.advanceTo('09-10', 14);

    await expectRefused(campaign, () => campaign.advancePhase({ to: 'assessment' }), /from deployed the next phase is in-progress, not assessment/);
    await expectRefused(campaign, () => campaign.advancePhase({ to: 'closed' }), /from deployed the next phase is in-progress, not closed/);
    await expectRefused(campaign, () => campaign.advancePhase({ to: 'issued' }), /already deployed; phases only move forward/);
    await expectRefused(campaign, () => campaign.advancePhase({ to: 'in-progress', reason: '  ' }), /reason: say why/, 'invalid');

    await campaign.advanceTo('09-25', 9);
    expect((await campaign.advancePhase({ to: 'in-progress', reason: 'Bắt đầu sớm theo chỉ đạo của Thường trực Tỉnh ủy' })).phase).toBe('in-progress');
    // Days before the window opens, so the move reached the commune by signal, not by its own clock.
    await campaign.eventually((s) => s.phase === 'in-progress', TREE.bacly);
    expect((await campaign.advancePhase({ to: 'assessment', reason: 'Kết thúc đợt báo cáo' })).phase).toBe('assessment');
    await expectRefused(campaign, () => campaign.advancePhase({ to: 'in-progress' }), /already assessment; phases only move forward/);
    await campaign.eventually((s) => s.phase === 'assessment', TREE.thang);

    const moves = (await campaign.eventuallyEvents((es) => es.filter((e) => nameOf(e) === 'campaign.phase-changed').length >= 3)).filter(
      (e) => nameOf(e) === 'campaign.phase-changed',
    );
    expect(moves.map((e) => [e.data, vietnamTime(e.time)])).toEqual([
      [{ from: 'issued', to: 'deployed', reason: 'deployed down the unit tree', trigger: 'admin' }, campaign.day('09-10 09:00')],
      [{ from: 'deployed', to: 'in-progress', reason: 'Bắt đầu sớm theo chỉ đạo của Thường trực Tỉnh ủy', trigger: 'admin' }, campaign.day('09-25 09:00')],
      [{ from: 'in-progress', to: 'assessment', reason: 'Kết thúc đợt báo cáo', trigger: 'admin' }, campaign.day('09-25 09:00')],
    ]);
  });

  fast.it('extends a deadline only later and in order, passes it down, and refuses the rest', async (tier) => {
    const campaign = await tier.issue();
    await campaign.advanceTo('09-10', 9);
    await campaign.deploy();
    await campaign.advanceTo('10-20', 9);
    const day = (d: string) => campaign.day(d);

    await expectRefused(
      campaign,
      () => campaign.extendDeadline({ deadline: 'dialogues', to: day('10-20') }),
      /dialogues is already .*; an extension must move it later/,
    );
    await expectRefused(campaign, () => campaign.extendDeadline({ deadline: 'dialogues', to: '10/11/2027' }), /to: expected a date YYYY-MM-DD/, 'invalid');
    await expectRefused(
      campaign,
      () => campaign.extendDeadline({ deadline: 'study-sessions', to: day('11-20') }),
      /would end before reporting does .*; extend assessment first/,
    );
    await expectRefused(
      campaign,
      () => campaign.extendDeadline({ deadline: 'assessment', to: day('12-05') }),
      /commendation deadline .* would end before assessment .*; extend commendation first/,
    );
    await expectRefused(campaign, () => campaign.extendDeadline({ deadline: 'dialogues', to: day('11-10'), reason: '' }), /reason: say why/, 'invalid');

    const extended = await campaign.extendDeadline({ deadline: 'dialogues', to: day('11-10'), reason: 'Mưa lũ kéo dài, nhiều xã chưa tổ chức được hội nghị' });
    expect(extended.deadlines).toEqual({ 'study-sessions': day('10-31'), dialogues: day('11-10'), assessment: day('11-15'), commendation: day('11-30') });
    const commune = await campaign.eventually((s) => s.deadlines.dialogues === day('11-10'), TREE.bacly);
    expect(commune.deadlines).toEqual(extended.deadlines);
    const event = (await campaign.eventuallyEvents((es) => es.some((e) => nameOf(e) === 'deadline.extended'))).find((e) => nameOf(e) === 'deadline.extended')!;
    expect(event.data).toEqual({ deadline: 'dialogues', from: day('10-31'), to: day('11-10'), reason: 'Mưa lũ kéo dài, nhiều xã chưa tổ chức được hội nghị' });

    // Past assessment, its deadline no longer moves.
    await campaign.advancePhase({ to: 'assessment' });
    await campaign.advancePhase({ to: 'commendation' });
    await expectRefused(
      campaign,
      () => campaign.extendDeadline({ deadline: 'assessment', to: day('11-25') }),
      /the assessment phase is over; its deadline can no longer move/,
    );
  });

  fast.it('answers a repeated request under the same idempotency key with no second effect, and refuses another request under it', async (tier) => {
    const campaign = await tier.issue();
    await campaign.advanceTo('09-10', 9);
    const deployKey = randomUUID();
    const deployed = await campaign.deploy({ idempotencyKey: deployKey });
    await campaign.advanceTo('09-10', 14);
    const settled = await campaign.snapshot();

    // Another administrator repeating the request: the key and what it asks for are the same.
    const again = await campaign.deploy({ idempotencyKey: deployKey, requestedBy: 'admin-bg-2' });
    expect(again.phase).toBe('deployed');
    expect(again.deployedAt).toBe(deployed.deployedAt);
    expect(stateOf(await campaign.snapshot())).toEqual(stateOf(settled));
    await expectRefused(
      campaign,
      () => campaign.deploy({ idempotencyKey: deployKey, reason: 'một yêu cầu khác' }),
      /idempotency key .* was already used for a different request/,
      'idempotency-conflict',
    );

    const extendKey = randomUUID();
    const request = { deadline: 'dialogues' as const, to: campaign.day('11-05'), reason: 'Mưa lũ', idempotencyKey: extendKey };
    expect((await campaign.extendDeadline(request)).deadlines.dialogues).toBe(campaign.day('11-05'));
    const once = await campaign.snapshot();
    expect((await campaign.extendDeadline(request)).deadlines.dialogues).toBe(campaign.day('11-05'));
    expect(stateOf(await campaign.snapshot())).toEqual(stateOf(once));
    const refusal = await expectRefused(
      campaign,
      () => campaign.extendDeadline({ ...request, to: campaign.day('11-08') }),
      /already used for a different request/,
      'idempotency-conflict',
    );
    expect(refusal.detail?.field).toBe('headers.idempotency-key');

    const extensions = (await campaign.eventuallyEvents((es) => es.some((e) => nameOf(e) === 'deadline.extended'))).filter(
      (e) => nameOf(e) === 'deadline.extended' || nameOf(e) === 'campaign.phase-changed',
    );
    expect(extensions.map(nameOf)).toEqual(['campaign.phase-changed', 'deadline.extended']);
  });
});
