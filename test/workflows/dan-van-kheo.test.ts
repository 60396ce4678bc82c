import { checkRecord } from '../../analytics/consumer';
import { openProjection } from '../../analytics/projection';
import { projectionSink } from '../../analytics/projection-sink';
import { campaignReport } from '../../analytics/report';
import type { ReportCommand } from '../../domain/ledger';
import { planFromTemplate } from '../../domain/templates';
import { loadTemplate } from '../../infra/templates';
import { TREE, nameOf, useFastTier } from './harness';

/**
 * Seed 003's kind of plan: Kế hoạch số 205-KH/BDVQU, a year of the "Dân vận khéo" emulation movement, issued from
 * the shipped template. Models are registered in January, committees report their work through the year, communes
 * owe a year-end review; nobody owes a study session. The council recognizes models at the year's end and the
 * campaign closes after New Year, on the time-skipping server.
 */
describe('a "Dân vận khéo" year from its template (fast tier)', () => {
  const fast = useFastTier('dan-van-kheo');

  fast.it('takes registrations in January, owes only the year-end review, recognizes at year end and closes in January', async (tier) => {
    const template = loadTemplate('dan-van-kheo');
    const campaign = await tier.issue({
      // The year after the harness's campaign year: its January is still ahead of the server's clock.
      plan: (year) =>
        planFromTemplate(template, {
          number: '205-KH/BDVQU',
          issuer: { unitCode: TREE.province, name: 'Ban Dân vận Tỉnh ủy Bắc Giang' },
          issuedOn: `${year + 1}-01-05`,
          year: year + 1,
        }),
    });
    const day = (d: string) => campaign.day(d);
    await campaign.advanceTo('01-06', 9);
    await campaign.deploy();
    await campaign.eventually((s) => s.phase === 'in-progress', TREE.thang);

    // January: models registered at the start of the year, in the movement's fields.
    await campaign.advanceTo('01-09');
    const register = (unitCode: string, name: string, field: 'economy' | 'culture-society' | 'defence-security') =>
      campaign.submit({ kind: 'model-registration', unitCode, report: { name, field, registeredOn: day('01-08') } });
    expect(await register(TREE.thang, 'Khéo vận động hiến đất mở rộng ngõ, xóm', 'culture-society')).toMatchObject({ id: 'M1', stage: 'registered' });
    expect(await register(TREE.bacly, 'Tổ tự quản an ninh trật tự khu dân cư', 'defence-security')).toMatchObject({ id: 'M1' });

    // Through the year: committees' work each quarter; Thắng holds its year-end review, Bắc Lý does not.
    const activity = (unitCode: string, report: Extract<ReportCommand, { kind: 'activity' }>['report']) =>
      campaign.submit({ kind: 'activity', unitCode, report });
    await campaign.advanceTo('03-20');
    await activity(TREE.district, { activity: 'information-conference', heldOn: day('03-20'), measures: { count: 2, attendance: 260 } });
    await campaign.advanceTo('09-15');
    await activity(TREE.district, { activity: 'training-conference', heldOn: day('09-15'), measures: { count: 1, participants: 85 } });
    await campaign.advanceTo('12-05');
    expect(await activity(TREE.thang, { activity: 'review-conference', heldOn: day('12-05'), measures: { count: 1 } })).toMatchObject({ late: false });

    // After 15/12: Bắc Lý's missed review is escalated; assessment begins by itself.
    await campaign.advanceTo('12-17', 9);
    const assessing = await campaign.eventually((s) => s.phase === 'assessment' && s.overdueUnits.length === 1);
    expect(assessing.overdueUnits).toEqual([{ code: TREE.bacly, obligation: 'review-conference' }]);
    expect(assessing.progress.obligations).toEqual({ 'review-conference': { required: 2, done: 1, late: 0, overdue: 1 } });
    expect(assessing.progress.studySessions.required).toBe(0);
    expect(campaign.notices().every((n) => n.deadline === 'year-end-reviews' && n.source === TREE.bacly)).toBe(true);
    expect(
      campaign
        .notices()
        .filter((n) => n.kind === 'before')
        .map((n) => n.on),
    ).toEqual([day('12-08'), day('12-12'), day('12-14')]);

    // The council recognizes Thắng's model at the year's end; commendation runs into January; the campaign closes on 16/01.
    await campaign.eventually((s) => s.phase === 'assessment', TREE.thang);
    const step = (report: Extract<ReportCommand, { kind: 'model-assessment' }>['report']) =>
      campaign.submit({ kind: 'model-assessment', unitCode: TREE.thang, modelId: 'M1', report });
    await step({ action: 'assess', score: 91, remarks: 'Hiệu quả rõ, được Nhân dân đồng tình' });
    expect(await step({ action: 'recognize', remarks: 'Công nhận mô hình "Dân vận khéo" năm ' + campaign.year })).toMatchObject({ stage: 'recognized' });
    await campaign.advanceTo('+1:01-10');
    await campaign.eventually((s) => s.phase === 'commendation', TREE.district);

    // Thắng commends its model and proposes it upward: the district's council decides it there, at its own level.
    const honour = (report: Extract<ReportCommand, { kind: 'model-commendation' }>['report']) =>
      campaign.submit({ kind: 'model-commendation', unitCode: TREE.thang, modelId: 'M1', report });
    await honour({ action: 'commend', form: 'giay-khen', awardedBy: 'Đảng ủy thị trấn Thắng' });
    expect(await honour({ action: 'propose-upward', remarks: 'Đề nghị Huyện ủy công nhận mô hình tiêu biểu' })).toMatchObject({ stage: 'proposed-upward' });
    const queued = await campaign.eventually((s) => s.units.some((u) => u.models.length > 0), TREE.district);
    const proposal = queued.units.find((u) => u.code === TREE.district)!.models[0]!;
    expect(proposal).toMatchObject({ stage: 'assessed', score: 91, field: 'culture-society', origin: { unitCode: TREE.thang, modelId: 'M1' } });
    await campaign.eventually((s) => s.progress.honours?.awaitingDecision === 1);
    const decide = campaign.submit({
      kind: 'model-assessment',
      unitCode: TREE.district,
      modelId: proposal.id,
      report: { action: 'recognize', remarks: 'Công nhận mô hình "Dân vận khéo" cấp huyện' },
    });
    expect(await decide).toMatchObject({ unitCode: TREE.district, stage: 'recognized' });
    await campaign.submit({
      kind: 'commendation',
      unitCode: TREE.province,
      report: {
        recipient: { kind: 'collective', name: 'Ban Dân vận Huyện ủy Hiệp Hòa' },
        form: 'bang-khen',
        awardedBy: 'Ban Thường vụ Tỉnh ủy Bắc Giang',
        awardedOn: day('+1:01-10'),
      },
    });

    await campaign.advanceTo('+1:01-16', 9);
    const closed = await campaign.eventually((s) => s.phase === 'closed');
    // Counted once where it was registered; honoured at each level that decided it.
    expect(closed.progress.models).toMatchObject({ 'culture-society': { 'proposed-upward': 1 }, 'defence-security': { registered: 1 } });
    expect(closed.progress.honours).toEqual({
      recognized: { commune: 1, district: 1 },
      commended: { 'giay-khen': { commune: { model: 1 } }, 'bang-khen': { province: { collective: 1 } } },
      awaitingDecision: 0,
    });
    expect(closed.progress.activities).toMatchObject({
      'information-conference': { reports: 1, measures: { count: 2, attendance: 260 } },
      'training-conference': { reports: 1, measures: { count: 1, participants: 85 } },
    });
    const events = await campaign.eventuallyEvents((es) => es.some((e) => nameOf(e) === 'campaign.closed'));
    const moves = events.filter((e) => nameOf(e) === 'campaign.phase-changed').map((e) => `${(e.data as { to: string }).to}@${e.time.slice(0, 10)}`);
    expect(moves.map((m) => m.split('@')[0])).toEqual(['deployed', 'in-progress', 'assessment', 'commendation', 'closed']);
    const recognitions = events.filter((e) => nameOf(e) === 'model.recognized').map((e) => e.data);
    expect(recognitions).toEqual([
      expect.objectContaining({ modelId: 'M1', level: 'commune' }),
      expect.objectContaining({ modelId: proposal.id, level: 'district', origin: { unitCode: TREE.thang, modelId: 'M1' } }),
    ]);
    expect(events.find((e) => nameOf(e) === 'model.proposed-upward')?.data).toMatchObject({ proposedTo: TREE.district, level: 'commune' });
    campaign.expectWellFormedStream();

    // Quarterly reports from the same events, through the consumer's checks into the projection, as from Kafka.
    const projection = openProjection(':memory:');
    if (!projection.ok) throw new Error(projection.error.message);
    const consumed = events.map((e) => {
      const checked = checkRecord({ key: Buffer.from(e.campaignid), value: Buffer.from(JSON.stringify(e)) });
      if (!checked.ok) throw new Error(checked.reason);
      return checked.event;
    });
    await projectionSink(projection.value)(consumed, { topic: 'collected', partition: 0, firstOffset: '0', lastOffset: String(consumed.length - 1) });
    const quarter = (q: number) => {
      const report = campaignReport(projection.value, campaign.campaignId, { period: `${campaign.year}-Q${q}` });
      if (!report.ok) throw new Error(report.error.message);
      return report.value;
    };
    expect(quarter(1)).toContain(`quý I năm ${campaign.year}`);
    expect(quarter(1)).toContain(`Trong quý I năm ${campaign.year}, các địa phương, đơn vị đăng ký 2 mô hình "Dân vận khéo"`);
    expect(quarter(1)).toContain('tổ chức 02 hội nghị với 260 lượt người tham dự');
    expect(quarter(3)).toContain('tổ chức 01 hội nghị với 85 lượt người tham gia để quán triệt, tập huấn');
    expect(quarter(3)).not.toContain('260 lượt');
    expect(quarter(4)).toContain('tổ chức 01 hội nghị sơ kết, tổng kết');
    expect(quarter(4)).toContain(`Trong quý IV năm ${campaign.year}, mô hình được công nhận theo cấp: cấp xã 1.`);
    for (const q of [1, 2, 3, 4]) expect(quarter(q)).not.toContain('sinh hoạt chuyên đề');
    projection.value.close();
  });
});
