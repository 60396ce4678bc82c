import { openProjection, type Projection } from '../../analytics/projection';
import type { ProjectedEvent } from '../../analytics/projected-event';
import { campaignReport } from '../../analytics/report';
import { parsePeriod } from '../../analytics/period';
import type { Result } from '../../analytics/result';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { bacNinh2025Tree } from '../../domain/samples/bac-ninh-2025';
import { formatVietnameseNumber } from '../../domain/schedule';
import { CampaignStream, vn } from '../helpers/campaign-stream';
import { plan202 } from '../fixtures/plans';
import { SEED_CAMPAIGN, seedCampaign } from '../fixtures/seed-campaign';

const CAMPAIGN = SEED_CAMPAIGN;

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`);
  return result.value;
}

const opened: Projection[] = [];
afterAll(() => opened.forEach((p) => p.close()));

function projectionOf(events: readonly ProjectedEvent[]): Projection {
  const p = value(openProjection(':memory:'));
  opened.push(p);
  value(p.apply(events));
  return p;
}

describe('the Vietnamese campaign report', () => {
  const seed = seedCampaign();
  const projection = projectionOf(seed.events);
  const report = value(campaignReport(projection, CAMPAIGN));
  const expected = seed.progress(vn('2024-12-01', 0));

  it('heads with the plan: number, date in the seeds’ style, issuer and title', () => {
    expect(report.split('\n')[0]).toBe(
      'Kết quả thực hiện Kế hoạch số 202-KH/BDVTU ngày 06/9/2024 của Ban Dân vận Tỉnh ủy Bắc Giang: Triển khai các hoạt động "Tháng Dân vận" năm 2024',
    );
    expect(report).toContain('Giai đoạn: đã kết thúc; thời gian thực hiện từ 01/10/2024 đến 31/10/2024; số liệu tính đến ngày 01/12/2024.');
  });

  it('states the seed figures as the provinces write them', () => {
    expect(report).toContain('có 325/325 chi bộ (100%) tổ chức sinh hoạt chuyên đề bài báo "Dân vận" của Chủ tịch Hồ Chí Minh');
    expect(report).toContain('tổ chức 50 hội nghị đối thoại với 4.819 lượt người tham dự');
    expect(report).toContain('30/30 xã, phường, thị trấn (100%) tổ chức hội nghị lắng nghe, đối thoại với Nhân dân');
    expect(report).toContain(
      'tiếp nhận 37 kiến nghị, đã giải quyết 30. Còn 7 vụ việc chưa giải quyết xong, tiếp tục theo dõi giải quyết sau khi kết thúc kế hoạch.',
    );
    expect(report).toContain(
      'đăng ký 891 mô hình "Dân vận khéo", công nhận 514 mô hình, không công nhận 60 mô hình; 317 mô hình đang chờ đánh giá, thẩm định; khen thưởng 120 mô hình, đề xuất cấp trên công nhận 25 mô hình',
    );
    expect(report).toContain('Theo lĩnh vực: kinh tế 223, văn hóa - xã hội 223, quốc phòng - an ninh 223, xây dựng hệ thống chính trị 222.');
  });

  it('counts honours by level and by form, and the proposals still awaiting the council above', () => {
    expect(report).toContain(
      'Mô hình được công nhận theo cấp: cấp xã 514. 25 mô hình do cấp dưới đề xuất đang chờ hội đồng cấp trên xem xét. ' +
        'Khen thưởng: 120 Giấy khen cấp xã (120 mô hình).',
    );
    expect(value(projection.figures(CAMPAIGN, {})).honours).toEqual(expected.honours);
  });

  it('states the catalogue activities in catalogue order, one sentence each, right after the status', () => {
    const paragraph =
      'Ban hành 129 văn bản cụ thể hóa các chủ trương, nghị quyết về công tác dân vận. ' +
      'Tổ chức 14 cuộc kiểm tra, giám sát đối với 18 tổ chức đảng và 11 đảng viên. ' +
      'Tổ chức 06 hội nghị sơ kết, tổng kết.';
    expect(report.split('\n\n')[2]).toBe(paragraph);
    expect(report).toContain('14 cuộc kiểm tra, giám sát đối với 18 tổ chức đảng và 11 đảng viên');
    expect(report).toContain('06 hội nghị sơ kết, tổng kết');
    expect(report).not.toMatch(/đợt tuyên truyền|đợt vận động/);
  });

  it('of one district in one quarter: named in the headline, its own figures, counts without the campaign’s ratios', () => {
    const text = value(campaignReport(projection, CAMPAIGN, { unit: 'BG-HH', period: '2024-Q4' }));
    const figures = value(projection.figures(CAMPAIGN, { unit: 'BG-HH', period: '2024-Q4' }));
    expect(text.split('\n')[0]).toMatch(/: Triển khai các hoạt động "Tháng Dân vận" năm 2024 — Huyện Hiệp Hòa, quý IV năm 2024$/);
    expect(text).toContain('kỳ báo cáo: quý IV năm 2024 (từ 01/10/2024 đến 31/12/2024)');
    expect(text).toContain(
      'Trong quý IV năm 2024, ban hành 40 văn bản cụ thể hóa các chủ trương, nghị quyết về công tác dân vận. ' +
        'Tổ chức 05 cuộc kiểm tra, giám sát đối với 06 tổ chức đảng và 04 đảng viên. Tổ chức 04 hội nghị sơ kết, tổng kết.',
    );
    expect(figures.studySessions.done).toBeGreaterThan(100);
    expect(text).toContain(`Trong quý IV năm 2024, có ${formatVietnameseNumber(figures.studySessions.done)} chi bộ tổ chức sinh hoạt chuyên đề`);
    expect(text).toContain('Trong quý IV năm 2024, người đứng đầu cấp ủy, chính quyền 11 xã, phường, thị trấn tổ chức hội nghị lắng nghe');
    expect(text).toContain('Trong quý IV năm 2024, chưa tiếp nhận kiến nghị, khiếu nại, tố cáo nào.'); // all received in September
    expect(text).not.toMatch(/\d+\/\d+ (chi bộ|xã)|đã quá hạn nhưng/);
  });

  it('of the first half-year: the models registered then, no session, no activity', () => {
    const text = value(campaignReport(projection, CAMPAIGN, { period: '2024-H1' }));
    expect(text.split('\n')[0]).toMatch(/ — 6 tháng đầu năm 2024$/);
    // Registered on the 10th of months 1 to 8 in turn: 111 rounds of 8 and 3 more, six months of each round in H1.
    expect(text).toContain('Trong 6 tháng đầu năm 2024, các địa phương, đơn vị đăng ký 669 mô hình "Dân vận khéo"');
    expect(text).toContain('Trong 6 tháng đầu năm 2024, không có chi bộ nào tổ chức sinh hoạt chuyên đề');
    expect(text).not.toContain('văn bản');
  });

  it('a malformed period or an unknown unit is an error value naming it', () => {
    expect(campaignReport(projection, CAMPAIGN, { period: '2024-Q5' })).toEqual({
      ok: false,
      error: expect.objectContaining({ field: 'period', value: '2024-Q5' }),
    });
    expect(campaignReport(projection, CAMPAIGN, { unit: 'BG-XX' })).toEqual({ ok: false, error: expect.objectContaining({ field: 'unit', value: 'BG-XX' }) });
  });

  it('counts members and reminders from the projection, with the thousands separator', () => {
    const s = expected.studySessions;
    expect(s.membersTotal).toBeGreaterThan(1000);
    expect(report).toContain(`với ${formatVietnameseNumber(s.membersPresent)}/${formatVietnameseNumber(s.membersTotal)} đảng viên tham dự`);
    expect(formatVietnameseNumber(s.membersTotal)).toMatch(/^\d{1,3}\.\d{3}$/);
    expect(expected.reminders.sent).toBeGreaterThan(0);
    expect(report).toContain(`Hệ thống đã gửi ${formatVietnameseNumber(expected.reminders.sent)} lượt nhắc nhở đến các đơn vị chưa hoàn thành.`);
    expect(report).not.toMatch(/quá hạn|sau thời hạn|báo cáo chậm|chưa đầy đủ/);
  });

  it('an unknown campaign is an error value naming it', () => {
    expect(campaignReport(projection, 'BN-2025-12-KH-BDVTU')).toEqual({
      ok: false,
      error: expect.objectContaining({ field: 'campaignId', value: 'BN-2025-12-KH-BDVTU' }),
    });
  });
});

/** The Bắc Giang campaign of `plan`, issued on 06/9/2024, deployed on 10/9 and under way from 01/10. */
function underWay(plan = plan202()): CampaignStream {
  const stream = new CampaignStream(plan, bacGiangTree());
  stream.issue(vn('2024-09-06', 9));
  stream.deploy(vn('2024-09-10', 8));
  stream.moveTo('in-progress', vn('2024-10-01', 0));
  return stream;
}

describe('a campaign still under way', () => {
  /**
   * Xã Bắc Lý's chi bộ: two report on time; one meets on the deadline day and reports two days later, one meets
   * after the deadline; the rest not at all. Bắc Lý holds its dialogue late; Châu Minh holds it in time and
   * reports it late. A reminder and the escalations went out.
   */
  const stream = underWay();
  const communes = ['BG-HH-BACLY', 'BG-HH-CHAUMINH'];
  const cells = stream.index.children('BG-HH-BACLY').map((u) => u.code);
  stream.submit(
    { kind: 'study-session', unitCode: cells[0] as string, report: { heldOn: '2024-10-15', membersPresent: 18, membersTotal: 20 } },
    vn('2024-10-15', 20),
  );
  stream.submit(
    { kind: 'study-session', unitCode: cells[1] as string, report: { heldOn: '2024-10-16', membersPresent: 25, membersTotal: 25 } },
    vn('2024-10-16', 20),
  );
  stream.remind('study-sessions', 'before', 7, vn('2024-10-24', 8));
  stream.moveTo('assessment', vn('2024-11-01', 0));
  stream.escalate('study-sessions', vn('2024-11-01', 0, 5));
  stream.escalate('dialogues', vn('2024-11-01', 0, 5));
  stream.submit(
    { kind: 'study-session', unitCode: cells[2] as string, report: { heldOn: '2024-10-31', membersPresent: 30, membersTotal: 31 } },
    vn('2024-11-02', 9),
  );
  stream.submit(
    { kind: 'study-session', unitCode: cells[3] as string, report: { heldOn: '2024-11-01', membersPresent: 12, membersTotal: 14 } },
    vn('2024-11-02', 9, 30),
  );
  stream.submit(
    { kind: 'dialogue', unitCode: communes[0] as string, report: { heldOn: '2024-11-02', topic: 'Quản lý đất đai', attendance: 1204 } },
    vn('2024-11-02', 16),
  );
  stream.submit(
    { kind: 'dialogue', unitCode: communes[1] as string, report: { heldOn: '2024-10-30', topic: 'Giải phóng mặt bằng', attendance: 87 } },
    vn('2024-11-02', 17),
  );
  const asOf = vn('2024-11-03', 12);
  const report = value(campaignReport(projectionOf(stream.events), CAMPAIGN, { asOf }));
  const expected = stream.progress(asOf);

  it('says who held late, who only reported late and who is overdue, with the deadline in dd/m/yyyy', () => {
    expect(expected.studySessions.late).toBe(2);
    expect(expected.dialogues.late).toBe(2);
    expect(report).toContain(`có 4/325 chi bộ (${String(Math.floor((4 * 1000) / 325) / 10).replace('.', ',')}%) tổ chức sinh hoạt chuyên đề`);
    expect(report).toContain('; 1 chi bộ tổ chức sau thời hạn (31/10/2024); 1 chi bộ báo cáo chậm (tổ chức trong thời hạn, báo cáo sau ngày 31/10/2024); ');
    expect(report).toContain(`${formatVietnameseNumber(expected.studySessions.overdue)} chi bộ đã quá hạn nhưng chưa tổ chức`);
    expect(report).toContain('tổ chức 2 hội nghị đối thoại với 1.291 lượt người tham dự');
    expect(report).toContain(
      '; 1 xã, phường, thị trấn tổ chức sau thời hạn (31/10/2024); 1 xã, phường, thị trấn báo cáo chậm (tổ chức trong thời hạn, báo cáo sau ngày 31/10/2024); ',
    );
    expect(report).toContain('28 xã, phường, thị trấn đã quá hạn nhưng chưa tổ chức');
    expect(report).toContain(`báo cáo cấp trên ${formatVietnameseNumber(expected.reminders.escalations)} lượt đơn vị quá hạn`);
    expect(report).toContain('Giai đoạn: đánh giá, thẩm định;');
    expect(report).toContain('số liệu tính đến ngày 03/11/2024.');
    expect(report).toContain('Chưa tiếp nhận kiến nghị, khiếu nại, tố cáo nào.');
    expect(report).toContain('Chưa có mô hình "Dân vận khéo" nào được đăng ký.');
  });

  it('in a period, the late ones held in it are told apart the same way, and nothing is overdue', () => {
    const text = value(campaignReport(projectionOf(stream.events), CAMPAIGN, { asOf, period: '2024-Q4' }));
    expect(text).toContain(
      'Trong quý IV năm 2024, có 4 chi bộ tổ chức sinh hoạt chuyên đề bài báo "Dân vận" của Chủ tịch Hồ Chí Minh, với 85/90 đảng viên tham dự (94,4%); ' +
        '1 chi bộ tổ chức sau thời hạn (31/10/2024); 1 chi bộ báo cáo chậm (tổ chức trong thời hạn, báo cáo sau ngày 31/10/2024).',
    );
    expect(text).not.toContain('đã quá hạn nhưng chưa tổ chức');
  });

  it("names the topic the plan sets for the chi bộ's thematic session", () => {
    const topic = 'Chỉ thị số 49-CT/TW về tiếp tục đổi mới, nâng cao chất lượng, hiệu quả công tác dân vận';
    const own = underWay(plan202({ studyTopic: topic }));
    own.submit(
      { kind: 'study-session', unitCode: cells[0] as string, report: { heldOn: '2024-10-15', membersPresent: 18, membersTotal: 20 } },
      vn('2024-10-15', 20),
    );
    const text = value(campaignReport(projectionOf(own.events), CAMPAIGN));
    expect(text).toContain(`có 1/325 chi bộ (0,3%) tổ chức sinh hoạt chuyên đề ${topic}, với 18/20 đảng viên tham dự`);
  });

  it('before the plan and the whole unit list have arrived, it says the figures are partial', () => {
    const early = stream.events.filter((e) => e.name !== 'campaign.issued' && !(e.name === 'unit.deployed' && e.subject.startsWith('BG-YT')));
    const text = value(campaignReport(projectionOf(early), CAMPAIGN));
    expect(text.split('\n')[0]).toBe('Kết quả thực hiện "Tháng Dân vận" — chiến dịch BG-2024-202-KH-BDVTU (chưa nhận được kế hoạch ban hành)');
    const withPlan = value(campaignReport(projectionOf(stream.events.filter((e) => !(e.name === 'unit.deployed' && e.subject.startsWith('BG-YT')))), CAMPAIGN));
    expect(withPlan).toMatch(/Lưu ý: số liệu chưa đầy đủ, mới nhận danh sách \d+\/325 chi bộ, \d+\/30 xã, phường, thị trấn được triển khai\./);
  });
});

describe('a campaign of 2025, after thị trấn were abolished (7/2025)', () => {
  const stream = new CampaignStream(
    plan202({
      number: '15-KH/BDVTU',
      issuer: { unitCode: 'BN', name: 'Ban Dân vận Tỉnh ủy Bắc Ninh' },
      issuedOn: '2025-09-05',
      year: 2025,
      title: 'Triển khai các hoạt động "Tháng Dân vận" năm 2025',
      window: { opensOn: '2025-10-01', closesOn: '2025-10-31' },
    }),
    bacNinh2025Tree(),
  );
  const communes = bacNinh2025Tree().filter((u) => u.kind === 'commune');
  stream.issue(vn('2025-09-05', 9));
  stream.deploy(vn('2025-09-08', 8));
  stream.moveTo('in-progress', vn('2025-10-01', 0));
  stream.moveTo('assessment', vn('2025-11-01', 0));
  stream.submit(
    { kind: 'dialogue', unitCode: communes[0]?.code as string, report: { heldOn: '2025-10-31', topic: 'Sắp xếp đơn vị hành chính', attendance: 140 } },
    vn('2025-11-01', 8),
  );
  const report = value(campaignReport(projectionOf(stream.events), stream.campaignId));

  it('names the commune level xã, phường, đặc khu', () => {
    expect(communes).toHaveLength(10);
    expect(report).toContain('Người đứng đầu cấp ủy, chính quyền 1/10 xã, phường, đặc khu (10%) tổ chức hội nghị lắng nghe');
    expect(report).toContain('1 xã, phường, đặc khu báo cáo chậm (tổ chức trong thời hạn, báo cáo sau ngày 31/10/2025)');
    expect(report).toContain('9 xã, phường, đặc khu đã quá hạn nhưng chưa tổ chức');
    expect(report).not.toContain('thị trấn');
  });
});

describe('periods', () => {
  it.each([
    ['2024', '2024-01-01', '2024-12-31', 'năm 2024'],
    ['2024-H1', '2024-01-01', '2024-06-30', '6 tháng đầu năm 2024'],
    ['2024-H2', '2024-07-01', '2024-12-31', '6 tháng cuối năm 2024'],
    ['2024-Q1', '2024-01-01', '2024-03-31', 'quý I năm 2024'],
    ['2024-Q2', '2024-04-01', '2024-06-30', 'quý II năm 2024'],
    ['2024-Q3', '2024-07-01', '2024-09-30', 'quý III năm 2024'],
    ['2025-Q4', '2025-10-01', '2025-12-31', 'quý IV năm 2025'],
  ])('%s runs from %s to %s and reads "%s"', (text, from, to, vi) => {
    expect(parsePeriod(text)).toEqual({ ok: true, value: { text, from, to, vi } });
  });

  it.each([
    ['2024-H3', /H1 and H2/],
    ['2024-Q5', /2024-Q1 … 2024-Q4/],
    ['2024-06', /a quarter/],
    ['1929', /from 1930 to 2100/],
    ['', /a year \(2024\)/],
  ])('%p is refused, naming the field and the value', (text, reason) => {
    const answer = parsePeriod(text);
    expect(answer).toEqual({ ok: false, error: expect.objectContaining({ field: 'period', value: text }) });
    expect(!answer.ok && answer.error.message).toMatch(reason);
  });
});
