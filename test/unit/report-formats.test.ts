import { openProjection, type Projection } from '../../analytics/projection';
import { campaignReport, projectionReportFigures, reportDocument, reportText, type ReportFigures } from '../../analytics/report';
import { FIGURES_SHEET_NAME, figuresCsv, figuresTable, figuresXlsx, renderReport, reportHtml, type FiguresTable } from '../../analytics/report-formats';
import type { Result } from '../../analytics/result';
import { negotiateFormat, reportFileName } from '../../api/report-routes';
import { emptyProgress, modelTotals } from '../../domain/progress';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { CampaignStream, vn } from '../helpers/campaign-stream';
import { parseCsv, readXlsx } from '../helpers/report-files';
import { plan202 } from '../fixtures/plans';

const CAMPAIGN = 'BG-2024-202-KH-BDVTU';

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/**
 * Hiệp Hòa under way: Bắc Lý's chi bộ report (two of them after the deadline), Bắc Lý and Châu Minh hold their
 * dialogues, a petition and a model are recorded, an activity the plan does not owe is reported, escalations go out.
 */
function hiepHoa(): CampaignStream {
  const stream = new CampaignStream(plan202(), bacGiangTree());
  stream.issue(vn('2024-09-06', 9));
  stream.deploy(vn('2024-09-10', 8));
  stream.moveTo('in-progress', vn('2024-10-01', 0));
  const cells = stream.index.children('BG-HH-BACLY').map((u) => u.code);
  const session = (k: number, heldOn: string, at: Date) =>
    stream.submit({ kind: 'study-session', unitCode: cells[k]!, report: { heldOn, membersPresent: 18 + k, membersTotal: 21 + k } }, at);
  session(0, '2024-10-15', vn('2024-10-15', 20));
  session(1, '2024-10-16', vn('2024-10-16', 20));
  stream.submit(
    { kind: 'dialogue', unitCode: 'BG-HH-CHAUMINH', report: { heldOn: '2024-10-20', topic: 'Giải phóng mặt bằng', attendance: 87 } },
    vn('2024-10-20', 17),
  );
  stream.submit(
    { kind: 'petition', unitCode: 'BG-HH-BACLY', report: { kind: 'kien-nghi', content: 'Sửa đường liên thôn', receivedOn: '2024-10-18' } },
    vn('2024-10-18', 10),
  );
  stream.submit(
    {
      kind: 'model-registration',
      unitCode: 'BG-HH-BACLY',
      report: { name: 'Dân vận khéo trong xây dựng nông thôn mới', field: 'economy', registeredOn: '2024-10-05' },
    },
    vn('2024-10-05', 9),
  );
  stream.submit(
    {
      kind: 'activity',
      unitCode: 'BG-HH-CHAUMINH',
      report: { activity: 'support-drive', heldOn: '2024-10-12', measures: { count: 2, houses: 3, amountVnd: 150_000_000 } },
    },
    vn('2024-10-12', 15),
  );
  stream.moveTo('assessment', vn('2024-11-01', 0));
  stream.escalate('study-sessions', vn('2024-11-01', 0, 5));
  session(2, '2024-10-31', vn('2024-11-02', 9));
  session(3, '2024-11-01', vn('2024-11-02', 9, 30));
  return stream;
}

const opened: Projection[] = [];
afterAll(() => opened.forEach((p) => p.close()));

const stream = hiepHoa();
const projection = value(openProjection(':memory:'));
opened.push(projection);
value(projection.apply(stream.events));
const lastEventAt = new Date(value(projection.campaign(CAMPAIGN)).lastEventAt);
const hiepHoaFigures = value(projectionReportFigures(projection, CAMPAIGN, { unit: 'BG-HH' }));

describe('the figures per unit', () => {
  it('are one row per unit directly under the chosen one, each its subtree as the workflows count it, and its total', () => {
    const communes = stream.index.children('BG-HH').map((u) => u.code);
    expect(hiepHoaFigures.rows.map((row) => row.code).sort()).toEqual([...communes].sort());
    for (const row of hiepHoaFigures.rows)
      expect({ code: row.code, figures: row.figures }).toEqual({ code: row.code, figures: stream.progress(lastEventAt, row.code) });
    expect(hiepHoaFigures.total).toMatchObject({ code: 'BG-HH', name: 'Huyện Hiệp Hòa', kind: 'district', figures: stream.progress(lastEventAt, 'BG-HH') });
    expect(hiepHoaFigures.facts.source).toEqual({ kind: 'projection', asOf: lastEventAt });
  });

  const table = figuresTable(hiepHoaFigures.facts.state.plan!, hiepHoaFigures.rows, hiepHoaFigures.total);
  const column = (header: string) => {
    const index = table.headers.indexOf(header);
    if (index < 0) throw new Error(`no column "${header}" in ${table.headers.join(' | ')}`);
    return index;
  };
  const rowOf = (code: string) => table.rows.find((row) => row[0] === code)!;

  it('head each figure in Vietnamese, in code order, the total last; an activity reported gets its measures though the plan owes none', () => {
    expect(table.headers.slice(0, 3)).toEqual(['Mã đơn vị', 'Tên đơn vị', 'Cấp']);
    expect(table.rows.slice(0, -1).map((row) => row[0])).toEqual(hiepHoaFigures.rows.map((row) => row.code).sort());
    expect(table.rows.at(-1)!.slice(0, 3)).toEqual(['BG-HH', 'Tổng cộng: Huyện Hiệp Hòa', 'cấp huyện']);
    const bacLy = stream.progress(lastEventAt, 'BG-HH-BACLY');
    expect(rowOf('BG-HH-BACLY')[column('Chi bộ đã sinh hoạt chuyên đề')]).toBe(4);
    expect(rowOf('BG-HH-BACLY')[column('Chi bộ phải sinh hoạt chuyên đề')]).toBe(bacLy.studySessions.required);
    expect(rowOf('BG-HH-BACLY')[column('Chi bộ báo cáo sinh hoạt chuyên đề sau thời hạn')]).toBe(2);
    expect(rowOf('BG-HH-BACLY')[column('Kiến nghị đã tiếp nhận')]).toBe(1);
    expect(rowOf('BG-HH-BACLY')[column('Mô hình "Dân vận khéo" đăng ký')]).toBe(1);
    expect(rowOf('BG-HH-CHAUMINH')[column('Lượt người dự hội nghị đối thoại')]).toBe(87);
    expect(rowOf('BG-HH-CHAUMINH')[column('Vận động hỗ trợ xóa nhà tạm, nhà dột nát, giúp đỡ người khó khăn: đồng')]).toBe(150_000_000);
    expect(table.rows.at(-1)![column('Lượt báo cáo cấp trên đơn vị quá hạn')]).toBe(hiepHoaFigures.total.figures.reminders.escalations);
    // Not reported and not owed: no column.
    expect(table.headers.some((h) => h.startsWith('Tuyên truyền'))).toBe(false);
  });

  it('as CSV: UTF-8 with a byte order mark, RFC 4180 records, numbers plain, the same cells as the table', () => {
    const csv = figuresCsv(table);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.endsWith('\r\n')).toBe(true);
    const records = parseCsv(csv.slice(1));
    expect(records).toEqual([table.headers, ...table.rows.map((row) => row.map(String))]);
    // 150.000.000 in a report's words; a plain number for a machine.
    expect(csv).toContain(',150000000');
    expect(csv).not.toContain('150.000.000');
  });

  it('as CSV, quotes a field with a comma, a quote or a line break and doubles its quotes', () => {
    const awkward: FiguresTable = {
      headers: ['Mã đơn vị', 'Tên đơn vị', 'Cấp', 'Số'],
      rows: [
        ['X1', 'Xã "Bắc Lý", huyện Hiệp Hòa', 'cấp xã', 1],
        ['X2', 'dòng một\r\ndòng hai', '', 2],
        ['X3', 'không cần ngoặc', '', -3],
      ],
    };
    const csv = figuresCsv(awkward);
    expect(csv).toBe(
      '\uFEFFMã đơn vị,Tên đơn vị,Cấp,Số\r\nX1,"Xã ""Bắc Lý"", huyện Hiệp Hòa",cấp xã,1\r\nX2,"dòng một\r\ndòng hai",,2\r\nX3,không cần ngoặc,,-3\r\n',
    );
    expect(parseCsv(csv.slice(1))).toEqual([awkward.headers, ...awkward.rows.map((row) => row.map(String))]);
  });

  it('as XLSX: one sheet named in Vietnamese, the header row, numbers stored as numbers, the same cells as the CSV', async () => {
    const [sheet, ...others] = readXlsx(await figuresXlsx(table));
    expect(others).toEqual([]);
    expect(sheet!.name).toBe(FIGURES_SHEET_NAME);
    expect(sheet!.rows).toEqual([table.headers, ...table.rows]);
    for (const kinds of sheet!.numeric.slice(1)) expect(kinds).toEqual(table.headers.map((_, i) => i >= 3));
  });
});

describe('the report as a page', () => {
  it('is a complete Vietnamese page with every paragraph of the text, and fetches nothing', async () => {
    const text = value(campaignReport(projection, CAMPAIGN, { unit: 'BG-HH' }));
    const html = (await renderReport('html', hiepHoaFigures)) as string;
    expect(html.startsWith('<!doctype html>\n<html lang="vi">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|\bsrc=|\bhref=|url\(|@import/i);
    const paragraphs = [...html.matchAll(/<(?:h1|p)>([^<]*)<\/(?:h1|p)>/g)].map(([, p]) =>
      p!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))),
    );
    // The text report's paragraphs, with the source of the figures added under the status.
    const [headline, status, ...rest] = text.split('\n\n');
    expect(paragraphs).toEqual([
      headline,
      status,
      // The latest event: the chi bộ that met on 01/11 reported at 09:30 on 02/11.
      'Số liệu từ bản tổng hợp các sự kiện của chiến dịch (projection), cập nhật đến 09:30 ngày 02/11/2024.',
      ...rest,
    ]);
  });

  it('escapes every text it prints', () => {
    const html = reportHtml({ headline: 'Báo cáo <b>"A" & \'B\'</b>', paragraphs: ['<script>alert(1)</script>', 'x < y && y > z'] });
    expect(html).toContain('<title>Báo cáo &#60;b&#62;&#34;A&#34; &#38; &#39;B&#39;&#60;/b&#62;</title>');
    expect(html).toContain('<h1>Báo cáo &#60;b&#62;&#34;A&#34; &#38; &#39;B&#39;&#60;/b&#62;</h1>');
    expect(html).toContain('<p>&#60;script&#62;alert(1)&#60;/script&#62;</p>');
    expect(html).toContain('<p>x &#60; y &#38;&#38; y &#62; z</p>');
    expect(html).not.toContain('<script>');
  });
});

describe('the report’s words', () => {
  it('say where the figures come from and how fresh, in Vietnam time', () => {
    const facts = { ...hiepHoaFigures.facts };
    const at = new Date('2026-12-02T07:05:00Z');
    expect(reportDocument({ ...facts, source: { kind: 'projection', asOf: at } }).paragraphs[1]).toBe(
      'Số liệu từ bản tổng hợp các sự kiện của chiến dịch (projection), cập nhật đến 14:05 ngày 02/12/2026.',
    );
    expect(reportDocument({ ...facts, source: { kind: 'workflow', asOf: new Date('2026-12-01T17:30:00Z') } }).paragraphs[1]).toBe(
      'Số liệu từ trạng thái trực tiếp của các workflow chiến dịch, tính đến 00:30 ngày 02/12/2026.',
    );
  });

  it('without the split of the late figures (the workflows keep no dates), say how many reported after the deadline', () => {
    const { lateness: _split, ...facts } = hiepHoaFigures.facts;
    const text = reportText(reportDocument(facts));
    expect(text).toContain('; 2 chi bộ báo cáo sau thời hạn (31/10/2024)');
    expect(text).not.toContain('báo cáo chậm');
    expect(reportText(reportDocument(hiepHoaFigures.facts))).toContain(
      '; 1 chi bộ tổ chức sau thời hạn (31/10/2024); 1 chi bộ báo cáo chậm (tổ chức trong thời hạn, báo cáo sau ngày 31/10/2024)',
    );
  });

  it('as text, are the words of `danvan report` with the source line under the status', async () => {
    const text = (await renderReport('text', hiepHoaFigures)) as string;
    const plain = value(campaignReport(projection, CAMPAIGN, { unit: 'BG-HH' }));
    const [headline, status, source, ...rest] = text.trimEnd().split('\n\n');
    expect([headline, status, ...rest].join('\n\n')).toBe(plain);
    expect(source).toBe('Số liệu từ bản tổng hợp các sự kiện của chiến dịch (projection), cập nhật đến 09:30 ngày 02/11/2024.');
  });

  it('count an empty campaign as zeros, not as missing cells', () => {
    const empty: ReportFigures = { ...hiepHoaFigures, rows: [{ code: 'A', figures: emptyProgress() }], total: { code: 'T', figures: emptyProgress() } };
    const zeros = figuresTable({}, empty.rows, empty.total);
    expect(zeros.rows[0]!.slice(3).every((cell) => cell === 0)).toBe(true);
    expect(zeros.rows[1]!.slice(0, 3)).toEqual(['T', 'Tổng cộng: T', '']);
    expect(modelTotals(empty.total.figures).registered).toBe(0);
  });
});

describe('content negotiation and file names', () => {
  it.each([
    [undefined, 'text'],
    ['*/*', 'text'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'html'],
    ['text/csv', 'csv'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
    ['text/csv;q=0.5, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;q=0.9', 'xlsx'],
    ['text/html;q=0, text/plain', 'text'],
    ['application/json', undefined],
    ['image/png, text/html;q=0', undefined],
  ])('Accept: %s → %s', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });

  it('names the file after the campaign, the unit and the period given', () => {
    expect(reportFileName(CAMPAIGN, 'BG-HH', '2024-Q4', 'csv')).toBe('bao-cao-BG-2024-202-KH-BDVTU-BG-HH-2024-Q4.csv');
    expect(reportFileName(CAMPAIGN, undefined, undefined, 'xlsx')).toBe('bao-cao-BG-2024-202-KH-BDVTU.xlsx');
    expect(reportFileName(CAMPAIGN, undefined, '2024', 'text')).toBe('bao-cao-BG-2024-202-KH-BDVTU-2024.txt');
  });
});
