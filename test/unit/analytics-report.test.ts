import { openProjection, type Projection } from '../../analytics/projection';
import type { ProjectedEvent } from '../../analytics/projected-event';
import { campaignReport } from '../../analytics/report';
import type { Result } from '../../analytics/result';
import { MODEL_FIELDS, type ModelField } from '../../domain/models';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { formatVietnameseNumber } from '../../domain/schedule';
import { CampaignStream, Timeline, vn } from '../helpers/campaign-stream';
import { plan202 } from '../fixtures/plans';

const CAMPAIGN = 'BG-2024-202-KH-BDVTU';

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** `total` split into `parts` positive, uneven amounts: attendances that add up to a figure from the seeds. */
function split(total: number, parts: number): number[] {
  const amounts = Array.from({ length: parts - 1 }, (_, i) => 60 + ((i * 37) % 73));
  const last = total - amounts.reduce((a, b) => a + b, 0);
  if (last < 1) throw new Error(`cannot split ${total} into ${parts}`);
  return [...amounts, last];
}

/**
 * The figures the seed reports print, played through the domain's rules on the Bắc Giang sample: every one of the
 * 325 chi bộ holds its study session, the 30 communes hold 50 dialogue conferences with 4.819 attendances, 37
 * kiến nghị are received and 30 resolved, 891 "Dân vận khéo" models are registered and 514 recognized.
 */
function seedCampaign(): CampaignStream {
  const stream = new CampaignStream(plan202(), bacGiangTree());
  const t = new Timeline();
  const communes = bacGiangTree()
    .filter((u) => u.kind === 'commune')
    .map((u) => u.code);
  const cells = bacGiangTree()
    .filter((u) => u.kind === 'party-cell')
    .map((u) => u.code);
  const models: Array<{ unitCode: string; modelId: string }> = [];
  const petitions: Array<{ unitCode: string; petitionId: string }> = [];
  const day = (month: number, d: number) => `2024-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

  t.add(vn('2024-09-06', 9), (at) => stream.issue(at));
  t.add(vn('2024-09-10', 8), (at) => stream.deploy(at));
  for (let j = 0; j < 891; j++) {
    const unitCode = communes[j % communes.length] as string;
    const field = MODEL_FIELDS[j % MODEL_FIELDS.length] as ModelField;
    t.add(vn(day(9, 11 + (j % 19)), 9), (at) => {
      const { id } = stream.submit(
        { kind: 'model-registration', unitCode, report: { name: `Mô hình "Dân vận khéo" số ${j + 1}`, field, registeredOn: day(1 + (j % 8), 10) } },
        at,
      );
      models.push({ unitCode, modelId: id as string });
    });
  }
  for (let j = 0; j < 37; j++) {
    const unitCode = communes[(j * 7) % communes.length] as string;
    t.add(vn(day(9, 12 + (j % 18)), 14), (at) => {
      const { id } = stream.submit(
        {
          kind: 'petition',
          unitCode,
          report: { kind: 'kien-nghi', content: 'Kiến nghị về ô nhiễm môi trường tại cụm công nghiệp', receivedOn: day(9, 12 + (j % 18)) },
        },
        at,
      );
      petitions.push({ unitCode, petitionId: id as string });
    });
  }
  t.add(vn('2024-10-01', 0), (at) => stream.moveTo('in-progress', at));
  cells.forEach((unitCode, k) => {
    const heldOn = day(10, 2 + (k % 28));
    const membersTotal = 18 + ((k * 5) % 29);
    t.add(vn(heldOn, 19), (at) =>
      stream.submit({ kind: 'study-session', unitCode, report: { heldOn, membersPresent: membersTotal - (k % 3), membersTotal } }, at),
    );
  });
  // Every commune holds one conference, twenty of them a second one on 27/10.
  split(4819, 50).forEach((attendance, i) => {
    const unitCode = communes[i % communes.length] as string;
    const heldOn = i < communes.length ? day(10, 3 + (i % 20)) : '2024-10-27';
    t.add(vn(heldOn, 15, i % 60), (at) =>
      stream.submit({ kind: 'dialogue', unitCode, report: { heldOn, topic: 'Môi trường, quản lý đất đai và tài nguyên', attendance } }, at),
    );
  });
  t.add(vn('2024-10-24', 8), (at) => stream.remind('study-sessions', 'before', 7, at));
  t.add(vn('2024-10-24', 8), (at) => stream.remind('dialogues', 'before', 7, at));
  t.add(vn('2024-10-28', 8), (at) => stream.remind('study-sessions', 'before', 3, at));
  t.add(vn('2024-10-25', 10), (at) =>
    petitions
      .slice(0, 30)
      .forEach(({ unitCode, petitionId }) =>
        stream.submit({ kind: 'petition-resolution', unitCode, petitionId, report: { resolvedOn: '2024-10-25', outcome: 'Đã kiểm tra, xử lý' } }, at),
      ),
  );
  t.add(vn('2024-11-01', 0), (at) => stream.moveTo('assessment', at));
  t.add(vn('2024-11-05', 9), (at) =>
    models.slice(0, 600).forEach(({ unitCode, modelId }, i) => {
      stream.submit({ kind: 'model-assessment', unitCode, modelId, report: { action: 'assess', score: 70 + (i % 30), remarks: 'Đạt yêu cầu' } }, at);
      if (i < 514) stream.submit({ kind: 'model-assessment', unitCode, modelId, report: { action: 'recognize', remarks: 'Công nhận' } }, at);
      else if (i < 574) stream.submit({ kind: 'model-assessment', unitCode, modelId, report: { action: 'reject', reason: 'Chưa rõ hiệu quả' } }, at);
    }),
  );
  t.add(vn('2024-11-16', 0), (at) => stream.moveTo('commendation', at));
  t.add(vn('2024-11-20', 9), (at) =>
    models.slice(0, 120).forEach(({ unitCode, modelId }, i) => {
      stream.submit({ kind: 'model-commendation', unitCode, modelId, report: { action: 'commend', form: 'Giấy khen của Ban Thường vụ Huyện ủy' } }, at);
      if (i < 25)
        stream.submit({ kind: 'model-commendation', unitCode, modelId, report: { action: 'propose-upward', remarks: 'Đề nghị Tỉnh ủy khen thưởng' } }, at);
    }),
  );
  t.add(vn('2024-12-01', 0), (at) => stream.close(at));
  t.play();
  return stream;
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
    expect(report).toContain('tiếp nhận 37 kiến nghị, đã giải quyết 30');
    expect(report).toContain(
      'đăng ký 891 mô hình "Dân vận khéo", công nhận 514 mô hình, không công nhận 60 mô hình; 317 mô hình đang chờ đánh giá, thẩm định; khen thưởng 120 mô hình, đề xuất cấp trên công nhận 25 mô hình',
    );
    expect(report).toContain('Theo lĩnh vực: kinh tế 223, văn hóa - xã hội 223, quốc phòng - an ninh 223, xây dựng hệ thống chính trị 222.');
  });

  it('counts members and reminders from the projection, with the thousands separator', () => {
    const s = expected.studySessions;
    expect(s.membersTotal).toBeGreaterThan(1000);
    expect(report).toContain(`với ${formatVietnameseNumber(s.membersPresent)}/${formatVietnameseNumber(s.membersTotal)} đảng viên tham dự`);
    expect(formatVietnameseNumber(s.membersTotal)).toMatch(/^\d{1,3}\.\d{3}$/);
    expect(expected.reminders.sent).toBeGreaterThan(0);
    expect(report).toContain(`Hệ thống đã gửi ${formatVietnameseNumber(expected.reminders.sent)} lượt nhắc nhở đến các đơn vị chưa hoàn thành.`);
    expect(report).not.toMatch(/quá hạn|sau thời hạn|chưa đầy đủ/);
  });

  it('an unknown campaign is an error value naming it', () => {
    expect(campaignReport(projection, 'BN-2025-12-KH-BDVTU')).toEqual({
      ok: false,
      error: expect.objectContaining({ field: 'campaignId', value: 'BN-2025-12-KH-BDVTU' }),
    });
  });
});

describe('a campaign still under way', () => {
  /** Xã Bắc Lý's chi bộ: two report on time, one late, the rest not at all; the dialogue is late; a reminder and an escalation went out. */
  const stream = new CampaignStream(plan202(), bacGiangTree());
  const communes = ['BG-HH-BACLY'];
  const cells = stream.index.children('BG-HH-BACLY').map((u) => u.code);
  stream.issue(vn('2024-09-06', 9));
  stream.deploy(vn('2024-09-10', 8));
  stream.moveTo('in-progress', vn('2024-10-01', 0));
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
    { kind: 'dialogue', unitCode: communes[0] as string, report: { heldOn: '2024-11-02', topic: 'Quản lý đất đai', attendance: 1204 } },
    vn('2024-11-02', 16),
  );
  const asOf = vn('2024-11-03', 12);
  const report = value(campaignReport(projectionOf(stream.events), CAMPAIGN, { asOf }));
  const expected = stream.progress(asOf);

  it('says who reported late and who is overdue, with the deadline in dd/m/yyyy', () => {
    expect(report).toContain(`có 3/325 chi bộ (${String(Math.floor((3 * 1000) / 325) / 10).replace('.', ',')}%) tổ chức sinh hoạt chuyên đề`);
    expect(report).toContain('1 chi bộ tổ chức sau thời hạn (31/10/2024)');
    expect(report).toContain(`${formatVietnameseNumber(expected.studySessions.overdue)} chi bộ đã quá hạn nhưng chưa tổ chức`);
    expect(report).toContain('tổ chức 1 hội nghị đối thoại với 1.204 lượt người tham dự');
    expect(report).toContain('1 xã, phường, thị trấn tổ chức sau thời hạn (31/10/2024)');
    expect(report).toContain('29 xã, phường, thị trấn đã quá hạn nhưng chưa tổ chức');
    expect(report).toContain(`báo cáo cấp trên ${formatVietnameseNumber(expected.reminders.escalations)} lượt đơn vị quá hạn`);
    expect(report).toContain('Giai đoạn: đánh giá, thẩm định;');
    expect(report).toContain('số liệu tính đến ngày 03/11/2024.');
    expect(report).toContain('Chưa tiếp nhận kiến nghị, khiếu nại, tố cáo nào.');
    expect(report).toContain('Chưa có mô hình "Dân vận khéo" nào được đăng ký.');
  });

  it('before the plan and the whole unit list have arrived, it says the figures are partial', () => {
    const early = stream.events.filter((e) => e.name !== 'campaign.issued' && !(e.name === 'unit.deployed' && e.subject.startsWith('BG-YT')));
    const text = value(campaignReport(projectionOf(early), CAMPAIGN));
    expect(text.split('\n')[0]).toBe('Kết quả thực hiện "Tháng Dân vận" — chiến dịch BG-2024-202-KH-BDVTU (chưa nhận được kế hoạch ban hành)');
    const withPlan = value(campaignReport(projectionOf(stream.events.filter((e) => !(e.name === 'unit.deployed' && e.subject.startsWith('BG-YT')))), CAMPAIGN));
    expect(withPlan).toMatch(/Lưu ý: số liệu chưa đầy đủ, mới nhận danh sách \d+\/325 chi bộ, \d+\/30 xã, phường, thị trấn được triển khai\./);
  });
});
