import { randomUUID } from 'node:crypto';
import type { ReportCommand } from '../../domain/ledger';
import { campaignWorkflowId, locateQuery, unitWorkflowId } from '../../workflows/messages';
import { TREE, nameOf, refusalOf, stateOf, useFastTier, type CampaignUnderTest } from './harness';

/**
 * Every report a unit can send, as the `submit` Update of the workflow that owns the unit: what it answers, what
 * the owner's snapshot and the campaign's roll-up then show, and the one event it publishes. Then every way a report
 * is refused: the failure's type and field, and a snapshot that did not move.
 */
describe('reports (submit Update) on the fast tier', () => {
  const fast = useFastTier('submissions');

  const studySession = (unitCode: string, heldOn: string, present = 18, total = 20): ReportCommand => ({
    kind: 'study-session',
    unitCode,
    report: { heldOn, membersPresent: present, membersTotal: total },
  });
  const dialogue = (unitCode: string, heldOn: string, attendance = 215): ReportCommand => ({
    kind: 'dialogue',
    unitCode,
    report: { heldOn, topic: 'Bảo vệ môi trường, quản lý đất đai ở khu dân cư', attendance },
  });

  /** The Update is refused with `expected`, and the owner's state (ledger, figures, events emitted) is as before. */
  const expectRefused = async (
    campaign: CampaignUnderTest,
    owner: string,
    send: () => Promise<unknown>,
    expected: { type: string; field?: string; message?: RegExp },
  ) => {
    const snapshotOf = () => campaign.workflowSnapshot(owner);
    const before = stateOf(await snapshotOf());
    const refusal = await refusalOf(send());
    expect(refusal.type).toBe(expected.type);
    expect(refusal.detail?.code).toBe(expected.type);
    if (expected.field !== undefined) expect(refusal.detail?.field).toBe(expected.field);
    if (expected.message) expect(refusal.message).toMatch(expected.message);
    expect(refusal.detail?.vi).toEqual(expect.any(String));
    expect(stateOf(await snapshotOf())).toEqual(before);
    return refusal;
  };

  fast.it('accepts every kind of report from the unit that owes it, answers with its result, and publishes it once', async (tier) => {
    const campaign = await tier.deployed();
    const day = (d: string) => campaign.day(d);

    // Deployed: models are registered and petitions recorded before the window opens.
    expect(
      await campaign.submit({
        kind: 'model-registration',
        unitCode: TREE.province,
        report: { name: 'Dân vận khéo trong xây dựng Đảng', field: 'political-system', registeredOn: day('09-10') },
      }),
    ).toEqual({
      kind: 'model-registration',
      unitCode: TREE.province,
      id: 'M1',
      stage: 'registered',
    });
    expect(
      await campaign.submit({
        kind: 'model-registration',
        unitCode: TREE.thang,
        report: { name: 'Hiến đất làm đường giao thông nông thôn', field: 'economy', registeredOn: day('03-02') },
      }),
    ).toMatchObject({ id: 'M1', stage: 'registered' });
    expect(
      await campaign.submit({
        kind: 'model-registration',
        unitCode: TREE.thang,
        report: { name: 'Khu dân cư không rác thải nhựa', field: 'culture-society', registeredOn: day('04-15') },
      }),
    ).toMatchObject({ id: 'M2', stage: 'registered' });
    expect(
      await campaign.submit({
        kind: 'petition',
        unitCode: TREE.bacly,
        report: { kind: 'kien-nghi', content: 'Đề nghị sửa đường liên thôn', receivedOn: day('09-10') },
      }),
    ).toEqual({ kind: 'petition', unitCode: TREE.bacly, id: 'P1', status: 'open' });

    // In progress (the clock opens the window on 01/10): study sessions, dialogues, resolutions.
    await campaign.advanceTo('10-09');
    await campaign.eventually((s) => s.phase === 'in-progress', TREE.thang);
    expect(await campaign.submit(studySession(TREE.thang1, day('10-08'), 25, 27))).toEqual({ kind: 'study-session', unitCode: TREE.thang1, late: false });
    expect(await campaign.submit(dialogue(TREE.thang, day('10-09'), 4819))).toEqual({ kind: 'dialogue', unitCode: TREE.thang, id: 'D1', late: false });
    expect(await campaign.submit(dialogue(TREE.thang, day('10-09'), 120))).toMatchObject({ id: 'D2', late: false });
    expect(
      await campaign.submit({
        kind: 'petition-resolution',
        unitCode: TREE.bacly,
        petitionId: 'P1',
        report: { resolvedOn: day('10-09'), outcome: 'Đã đưa vào kế hoạch sửa chữa năm sau' },
      }),
    ).toEqual({
      kind: 'petition-resolution',
      unitCode: TREE.bacly,
      id: 'P1',
      status: 'resolved',
    });

    // Assessment: the council scores, recognizes and rejects.
    await campaign.advancePhase({ to: 'assessment', reason: 'Kết thúc đợt báo cáo' });
    await campaign.eventually((s) => s.phase === 'assessment', TREE.thang);
    const step = (unitCode: string, modelId: string, report: Extract<ReportCommand, { kind: 'model-assessment' }>['report']) =>
      campaign.submit({ kind: 'model-assessment', unitCode, modelId, report });
    expect(await step(TREE.thang, 'M1', { action: 'assess', score: 92, remarks: 'Hội đồng thẩm định cấp huyện' })).toEqual({
      kind: 'model-assessment',
      unitCode: TREE.thang,
      id: 'M1',
      stage: 'assessed',
    });
    expect(await step(TREE.thang, 'M2', { action: 'assess', score: 61, remarks: 'Hội đồng thẩm định cấp huyện' })).toMatchObject({
      id: 'M2',
      stage: 'assessed',
    });
    expect(await step(TREE.thang, 'M1', { action: 'recognize', remarks: 'Công nhận mô hình "Dân vận khéo"' })).toMatchObject({ id: 'M1', stage: 'recognized' });
    expect(await step(TREE.thang, 'M2', { action: 'reject', reason: 'Chưa lan tỏa' })).toMatchObject({ id: 'M2', stage: 'rejected' });

    // Commendation: commended, then proposed one level up.
    await campaign.advancePhase({ to: 'commendation', reason: 'Hoàn thành thẩm định' });
    await campaign.eventually((s) => s.phase === 'commendation', TREE.thang);
    const honour = (report: Extract<ReportCommand, { kind: 'model-commendation' }>['report']) =>
      campaign.submit({ kind: 'model-commendation', unitCode: TREE.thang, modelId: 'M1', report });
    expect(await honour({ action: 'commend', form: 'giay-khen', awardedBy: 'Ban Thường vụ Huyện ủy Hiệp Hòa' })).toEqual({
      kind: 'model-commendation',
      unitCode: TREE.thang,
      id: 'M1',
      stage: 'commended',
    });
    expect(await honour({ action: 'propose-upward', remarks: 'Đề nghị Tỉnh ủy công nhận' })).toMatchObject({ id: 'M1', stage: 'proposed-upward' });

    // The owner's ledger, unit by unit.
    const thang = await campaign.ownerSnapshot(TREE.thang);
    expect(thang.unitCode).toBe(TREE.thang);
    const units = Object.fromEntries(thang.units.map((u) => [u.code, u]));
    expect(units[TREE.thang1]?.studySession).toMatchObject({ heldOn: day('10-08'), membersPresent: 25, membersTotal: 27, late: false });
    expect(units[TREE.thang2]?.studySession).toBeUndefined();
    expect(units[TREE.thang]?.dialogues.map((d) => d.attendance)).toEqual([4819, 120]);
    expect(units[TREE.thang]?.models.map((m) => [m.id, m.stage, m.score])).toEqual([
      ['M1', 'proposed-upward', 92],
      ['M2', 'rejected', 61],
    ]);
    expect((await campaign.ownerSnapshot(TREE.bacly)).units.find((u) => u.code === TREE.bacly)?.petitions).toEqual([
      expect.objectContaining({ id: 'P1', kind: 'kien-nghi', status: 'resolved', resolvedOn: day('10-09') }),
    ]);

    // The campaign's figures: its own ledger plus what the district rolled up from its communes.
    const rolledUp = await campaign.eventually(
      (s) => s.progress.dialogues.conferences === 2 && s.progress.petitions['kien-nghi'].resolved === 1 && s.progress.models.economy['proposed-upward'] === 1,
    );
    expect(rolledUp.progress.studySessions).toEqual({ required: 4, done: 1, late: 0, overdue: 0, membersPresent: 25, membersTotal: 27 });
    expect(rolledUp.progress.dialogues).toEqual({ required: 2, done: 1, late: 0, overdue: 0, conferences: 2, attendance: 4819 + 120, lateConferences: 0 });
    expect(rolledUp.progress.models).toMatchObject({
      'political-system': { registered: 1 },
      economy: { 'proposed-upward': 1 },
      'culture-society': { rejected: 1 },
    });

    // One event per accepted report, about the unit reported on, from the workflow that owns it, with who sent it.
    const reportEvents = (await campaign.eventuallyEvents((es) => es.some((e) => nameOf(e) === 'model.proposed-upward'))).filter(
      (e) => !['campaign.issued', 'campaign.phase-changed', 'unit.deployed'].includes(nameOf(e)),
    );
    expect(reportEvents.map((e) => `${e.source.replace(`urn:danvan:`, '')} ${nameOf(e)} ${e.subject}`).sort()).toEqual(
      [
        `${campaignWorkflowId(campaign.campaignId)} model.registered ${TREE.province}`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} model.registered ${TREE.thang}`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} model.registered ${TREE.thang}`,
        `${unitWorkflowId(campaign.campaignId, TREE.bacly)} petition.recorded ${TREE.bacly}`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} study-session.reported ${TREE.thang1}`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} dialogue.reported ${TREE.thang}`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} dialogue.reported ${TREE.thang}`,
        `${unitWorkflowId(campaign.campaignId, TREE.bacly)} petition.resolved ${TREE.bacly}`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} model.assessed ${TREE.thang}`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} model.assessed ${TREE.thang}`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} model.recognized ${TREE.thang}`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} model.rejected ${TREE.thang}`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} model.commended ${TREE.thang}`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} model.proposed-upward ${TREE.thang}`,
      ].sort(),
    );
    const session = reportEvents.find((e) => nameOf(e) === 'study-session.reported')!;
    expect(session.data).toEqual({
      heldOn: day('10-08'),
      membersPresent: 25,
      membersTotal: 27,
      late: false,
      submittedBy: `can-bo.${TREE.thang1.toLowerCase()}@bacgiang.dcs.vn`,
    });
    expect(reportEvents.find((e) => nameOf(e) === 'model.proposed-upward')!.data).toMatchObject({
      modelId: 'M1',
      field: 'economy',
      from: 'commended',
      to: 'proposed-upward',
      remarks: 'Đề nghị Tỉnh ủy công nhận',
    });
    campaign.expectWellFormedStream();
  });

  fast.it('marks a report after its deadline late, and still takes it', async (tier) => {
    const campaign = await tier.deployed();
    await campaign.advanceTo('11-03', 10);
    await campaign.eventually((s) => s.phase === 'assessment', TREE.bacly);
    expect(await campaign.submit(studySession(TREE.bacly2, campaign.day('11-02'), 12, 15))).toEqual({
      kind: 'study-session',
      unitCode: TREE.bacly2,
      late: true,
    });
    expect(await campaign.submit(dialogue(TREE.bacly, campaign.day('11-03'), 96))).toEqual({ kind: 'dialogue', unitCode: TREE.bacly, id: 'D1', late: true });
    const bacly = await campaign.ownerSnapshot(TREE.bacly);
    expect(bacly.progress.studySessions).toMatchObject({ required: 2, done: 1, late: 1, overdue: 1 });
    expect(bacly.progress.dialogues).toMatchObject({ required: 1, done: 1, late: 1, overdue: 0, lateConferences: 1 });
  });

  fast.it('refuses reports with the reason and the field, and changes nothing', async (tier) => {
    const campaign = await tier.deployed();
    const day = (d: string) => campaign.day(d);
    const thangWorkflow = unitWorkflowId(campaign.campaignId, TREE.thang);
    const baclyWorkflow = unitWorkflowId(campaign.campaignId, TREE.bacly);
    const rootWorkflow = campaignWorkflowId(campaign.campaignId);

    // Wrong phase: no study sessions before the window opens.
    await expectRefused(campaign, thangWorkflow, () => campaign.submit(studySession(TREE.thang1, day('09-10'))), {
      type: 'wrong-phase',
      message: /in-progress/,
    });

    // A unit the campaign does not have, and a unit sent to a workflow that does not own it.
    expect(await campaign.handle.query(locateQuery, 'BG-HH-KHONGCO')).toBeNull();
    await expectRefused(
      campaign,
      rootWorkflow,
      () =>
        campaign.submit(
          { kind: 'petition', unitCode: 'BG-HH-KHONGCO', report: { kind: 'kien-nghi', content: 'x', receivedOn: day('09-10') } },
          { to: rootWorkflow },
        ),
      {
        type: 'not-found',
        field: 'unitCode',
      },
    );
    await expectRefused(
      campaign,
      baclyWorkflow,
      () =>
        campaign.submit(
          { kind: 'petition', unitCode: TREE.thang, report: { kind: 'kien-nghi', content: 'x', receivedOn: day('09-10') } },
          { to: baclyWorkflow },
        ),
      {
        type: 'not-found',
        field: 'unitCode',
      },
    );

    // Shapes the schema refuses, each naming the field.
    const raw = (command: unknown) => campaign.submitRaw(thangWorkflow, { idempotencyKey: randomUUID(), submittedBy: 'can-bo@bacgiang.dcs.vn', command });
    await expectRefused(
      campaign,
      thangWorkflow,
      () => raw({ kind: 'petition', unitCode: TREE.thang, report: { kind: 'kien-nghi', content: 'Đề nghị', receivedOn: '10/9/2027' } }),
      { type: 'invalid', field: 'command.report.receivedOn' },
    );
    await expectRefused(
      campaign,
      thangWorkflow,
      () => raw({ kind: 'petition', unitCode: TREE.thang, report: { kind: 'phan-anh', content: 'Đề nghị', receivedOn: day('09-10') } }),
      { type: 'invalid', field: 'command.report.kind' },
    );
    await expectRefused(
      campaign,
      thangWorkflow,
      () => raw({ kind: 'model-registration', unitCode: TREE.thang, report: { name: 'Mô hình', field: 'economy' } }),
      { type: 'invalid', field: 'command.report.registeredOn' },
    );
    await expectRefused(
      campaign,
      thangWorkflow,
      () =>
        campaign.submitRaw(thangWorkflow, {
          submittedBy: 'x',
          command: { kind: 'petition', unitCode: TREE.thang, report: { kind: 'kien-nghi', content: 'x', receivedOn: day('09-10') } },
        }),
      {
        type: 'invalid',
        field: 'idempotencyKey',
      },
    );

    await campaign.advanceTo('10-10');
    await campaign.eventually((s) => s.phase === 'in-progress', TREE.thang);
    const sessionKey = randomUUID();
    const first = await campaign.submit(studySession(TREE.thang1, day('10-09')), { key: sessionKey });

    // Rules of the ledger: each refusal names its field.
    await expectRefused(campaign, thangWorkflow, () => campaign.submit(studySession(TREE.thang2, day('10-09'), 40, 30)), {
      type: 'invalid',
      field: 'report.membersPresent',
    });
    await expectRefused(campaign, thangWorkflow, () => campaign.submit(studySession(TREE.thang, day('10-09'))), {
      type: 'invalid',
      field: 'unitCode',
      message: /study-session reports come from chi bộ/,
    });
    await expectRefused(campaign, thangWorkflow, () => campaign.submit(studySession(TREE.thang2, day('10-11'))), {
      type: 'invalid',
      field: 'report.heldOn',
      message: /in the future/,
    });
    await expectRefused(campaign, thangWorkflow, () => campaign.submit(studySession(TREE.thang2, day('09-30'))), {
      type: 'invalid',
      field: 'report.heldOn',
      message: /before the campaign window opens/,
    });
    await expectRefused(campaign, thangWorkflow, () => campaign.submit(studySession(TREE.thang1, day('10-10'))), { type: 'conflict', field: 'unitCode' });
    await expectRefused(
      campaign,
      baclyWorkflow,
      () => campaign.submit({ kind: 'petition-resolution', unitCode: TREE.bacly, petitionId: 'P9', report: { resolvedOn: day('10-10'), outcome: 'x' } }),
      { type: 'not-found', field: 'petitionId' },
    );
    await expectRefused(
      campaign,
      thangWorkflow,
      () => campaign.submit({ kind: 'model-assessment', unitCode: TREE.thang, modelId: 'M1', report: { action: 'assess', score: 90, remarks: 'x' } }),
      { type: 'not-found', field: 'modelId' },
    );
    await campaign.submit({
      kind: 'model-registration',
      unitCode: TREE.thang,
      report: { name: 'Hiến đất làm đường', field: 'economy', registeredOn: day('10-10') },
    });
    await expectRefused(
      campaign,
      thangWorkflow,
      () => campaign.submit({ kind: 'model-assessment', unitCode: TREE.thang, modelId: 'M1', report: { action: 'assess', score: 90, remarks: 'x' } }),
      { type: 'wrong-phase', message: /assessment/ },
    );

    // The same key and the same report: the first answer, whether Temporal or the workflow recognises it, and no second effect.
    const emitted = (await campaign.ownerSnapshot(TREE.thang)).eventsEmitted;
    expect(await campaign.submit(studySession(TREE.thang1, day('10-09')), { key: sessionKey })).toEqual(first);
    expect(await campaign.submit(studySession(TREE.thang1, day('10-09')), { key: sessionKey, updateId: randomUUID() })).toEqual(first);
    expect((await campaign.ownerSnapshot(TREE.thang)).eventsEmitted).toBe(emitted);
    // The same key with another report: refused, whatever the report would otherwise have been.
    await expectRefused(campaign, thangWorkflow, () => campaign.submit(studySession(TREE.thang2, day('10-09')), { key: sessionKey }), {
      type: 'idempotency-conflict',
      field: 'idempotencyKey',
    });

    // Models may be registered only until the work is done.
    await campaign.advancePhase({ to: 'assessment', reason: 'Kết thúc đợt báo cáo' });
    await campaign.eventually((s) => s.phase === 'assessment', TREE.thang);
    await expectRefused(
      campaign,
      thangWorkflow,
      () => campaign.submit({ kind: 'model-registration', unitCode: TREE.thang, report: { name: 'Muộn', field: 'economy', registeredOn: day('10-10') } }),
      { type: 'wrong-phase' },
    );
    await expectRefused(
      campaign,
      thangWorkflow,
      () => campaign.submit({ kind: 'model-assessment', unitCode: TREE.thang, modelId: 'M1', report: { action: 'recognize', remarks: 'x' } }),
      { type: 'conflict', field: 'report.action' },
    );
    await expectRefused(
      campaign,
      thangWorkflow,
      () =>
        campaign.submit({
          kind: 'model-commendation',
          unitCode: TREE.thang,
          modelId: 'M1',
          report: { action: 'commend', form: 'giay-khen', awardedBy: 'Ban Thường vụ Huyện ủy' },
        }),
      { type: 'wrong-phase' },
    );

    // Nothing refused was published: only the one study session and the one model from this workflow.
    const fromThang = (await campaign.eventuallyEvents((es) => es.some((e) => nameOf(e) === 'model.registered')))
      .filter((e) => e.source === `urn:danvan:${thangWorkflow}`)
      .map(nameOf);
    expect(fromThang).toEqual(['unit.deployed', 'study-session.reported', 'model.registered']);
  });
});
