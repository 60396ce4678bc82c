import writeXlsxFile from 'write-excel-file/node';
import { CATALOGUE, MEASURES, type ActivityKind } from '../domain/catalogue';
import { LEVEL_NAMES_VI } from '../domain/honours';
import { planObligations, type PlanObligation } from '../domain/obligations';
import { modelTotals, type Progress } from '../domain/progress';
import { PETITION_KINDS } from '../domain/reports';
import { PETITION_NAMES_VI, reportDocument, reportText, type ReportDocument, type ReportFigures, type UnitFigures } from './report';

/**
 * The report and its figures as files: the Vietnamese report (a ReportDocument) as a printable HTML page, and the
 * figures per unit as CSV and XLSX, one row per unit under the chosen one and a total row, with Vietnamese headers.
 * Pure functions of what they are given, so the projection and the workflows' snapshots print alike.
 */

/** The formats a report is printed in: the report's words (text, html), or the figures per unit (csv, xlsx). */
export const REPORT_FORMATS = ['text', 'html', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The figures as a grid: text in the first three columns (code, name, level), numbers after them. */
export interface FiguresTable {
  headers: string[];
  rows: Array<[string, string, string, ...number[]]>;
}

interface Column {
  header: string;
  value: (p: Progress) => number;
}

const capitalized = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** The four families with figures of their own, the same for every plan. */
const FAMILY_COLUMNS: readonly Column[] = [
  { header: 'Chi bộ đã sinh hoạt chuyên đề', value: (p) => p.studySessions.done },
  { header: 'Chi bộ phải sinh hoạt chuyên đề', value: (p) => p.studySessions.required },
  { header: 'Chi bộ báo cáo sinh hoạt chuyên đề sau thời hạn', value: (p) => p.studySessions.late },
  { header: 'Chi bộ quá hạn chưa sinh hoạt chuyên đề', value: (p) => p.studySessions.overdue },
  { header: 'Đảng viên dự sinh hoạt chuyên đề', value: (p) => p.studySessions.membersPresent },
  { header: 'Đảng viên của các chi bộ đã sinh hoạt', value: (p) => p.studySessions.membersTotal },
  { header: 'Đơn vị đã tổ chức đối thoại', value: (p) => p.dialogues.done },
  { header: 'Đơn vị phải tổ chức đối thoại', value: (p) => p.dialogues.required },
  { header: 'Đơn vị báo cáo đối thoại sau thời hạn', value: (p) => p.dialogues.late },
  { header: 'Đơn vị quá hạn chưa đối thoại', value: (p) => p.dialogues.overdue },
  { header: 'Hội nghị đối thoại', value: (p) => p.dialogues.conferences },
  { header: 'Lượt người dự hội nghị đối thoại', value: (p) => p.dialogues.attendance },
  ...PETITION_KINDS.flatMap((kind): Column[] => [
    { header: `${capitalized(PETITION_NAMES_VI[kind])} đã tiếp nhận`, value: (p) => p.petitions[kind].recorded },
    { header: `${capitalized(PETITION_NAMES_VI[kind])} đã giải quyết`, value: (p) => p.petitions[kind].resolved },
  ]),
  { header: 'Mô hình "Dân vận khéo" đăng ký', value: (p) => modelTotals(p).registered },
  { header: 'Mô hình được công nhận', value: (p) => modelTotals(p).recognized },
  { header: 'Mô hình được khen thưởng', value: (p) => modelTotals(p).commended },
  { header: 'Lượt nhắc nhở', value: (p) => p.reminders.sent },
  { header: 'Lượt báo cáo cấp trên đơn vị quá hạn', value: (p) => p.reminders.escalations },
];

/** An obligation to report a catalogue activity: how many units met it, of how many owing it. */
function obligationColumns(o: PlanObligation, kind: ActivityKind): Column[] {
  return [
    { header: `${kind.vi}: đơn vị đã hoàn thành`, value: (p) => p.obligations?.[o.activity]?.done ?? 0 },
    { header: `${kind.vi}: đơn vị phải hoàn thành`, value: (p) => p.obligations?.[o.activity]?.required ?? 0 },
  ];
}

/** A catalogue activity: its reports and each of its measures, added up. */
function activityColumns(kind: ActivityKind): Column[] {
  return [
    { header: `${kind.vi}: số báo cáo`, value: (p) => p.activities?.[kind.id]?.reports ?? 0 },
    ...kind.measures.map((measure) => ({
      header: `${kind.vi}: ${MEASURES[measure].vi}`,
      value: (p: Progress) => p.activities?.[kind.id]?.measures[measure] ?? 0,
    })),
  ];
}

/**
 * The figures per unit under the chosen one in code order, then the chosen unit's total, named "Tổng cộng". Every plan
 * has the families' columns; a catalogue activity has its own when the plan owes it or any row reported it, in
 * catalogue order.
 */
export function figuresTable(plan: { obligations?: readonly PlanObligation[] | undefined }, rows: readonly UnitFigures[], total: UnitFigures): FiguresTable {
  const owed = planObligations(plan);
  const activities = CATALOGUE.filter(
    (kind) => owed.some((o) => o.activity === kind.id) || [...rows, total].some((row) => (row.figures.activities?.[kind.id]?.reports ?? 0) > 0),
  );
  const columns = [
    ...FAMILY_COLUMNS,
    ...activities.flatMap((kind) => {
      const obligation = owed.find((o) => o.activity === kind.id);
      return [...(obligation ? obligationColumns(obligation, kind) : []), ...activityColumns(kind)];
    }),
  ];
  const line = (row: UnitFigures, name: string): FiguresTable['rows'][number] => [
    row.code,
    name,
    row.kind ? LEVEL_NAMES_VI[row.kind] : '',
    ...columns.map((column) => column.value(row.figures)),
  ];
  return {
    headers: ['Mã đơn vị', 'Tên đơn vị', 'Cấp', ...columns.map((column) => column.header)],
    rows: [
      ...[...rows].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)).map((row) => line(row, row.name ?? '')),
      line(total, `Tổng cộng: ${total.name ?? total.code}`),
    ],
  };
}

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled; numbers are written plain. */
function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** UTF-8 with a byte order mark, without which Excel reads the Vietnamese as Windows-1252; CRLF line ends, as RFC 4180 has them. */
export function figuresCsv(table: FiguresTable): string {
  return `\uFEFF${[table.headers, ...table.rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** Excel's limit on a sheet name is 31 characters. */
export const FIGURES_SHEET_NAME = 'Số liệu theo đơn vị';

/** One sheet: a bold header row that stays in view, numbers stored as numbers. */
export function figuresXlsx(table: FiguresTable): Promise<Buffer> {
  const header = table.headers.map((value) => ({ value, fontWeight: 'bold' as const, wrap: true }));
  const rows = table.rows.map((row) => row.map((value) => (typeof value === 'number' ? { value, type: Number } : { value, type: String })));
  return writeXlsxFile([header, ...rows], {
    sheet: FIGURES_SHEET_NAME,
    stickyRowsCount: 1,
    columns: table.headers.map((_, i) => ({ width: i === 1 ? 32 : 14 })),
  }).toBuffer();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Official documents' look: Times New Roman, justified paragraphs, A4 with the wider binding margin on the left. Where
 * it is missing (or a metric twin without Vietnamese stands in, as on Linux), serif faces that carry Vietnamese come
 * before the browser's own fallback, which would set the accented letters in a sans face.
 */
const PAGE_STYLE = [
  'body{margin:0;font:14pt/1.5 "Times New Roman","Noto Serif","DejaVu Serif",serif;color:#000;background:#fff}',
  'main{max-width:48rem;margin:0 auto;padding:2rem 1.5rem}',
  'h1{font-size:15pt;font-weight:bold;text-align:center;margin:0 0 1.5rem}',
  'p{margin:0 0 .75rem;text-align:justify;text-indent:1.25cm}',
  '@page{size:A4;margin:2cm 2cm 2cm 3cm}',
  '@media print{main{max-width:none;padding:0}}',
].join('');

/** The report as a complete page in Vietnamese, every text escaped, with nothing to fetch: it prints as it is. */
export function reportHtml(document: ReportDocument): string {
  return [
    '<!doctype html>',
    '<html lang="vi">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(document.headline)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(document.headline)}</h1>`,
    ...document.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A report in one format: the words as text (ending in a line break) or a page, the figures as CSV or an XLSX workbook. */
export async function renderReport(format: ReportFormat, report: ReportFigures): Promise<string | Buffer> {
  switch (format) {
    case 'text':
      return `${reportText(reportDocument(report.facts))}\n`;
    case 'html':
      return reportHtml(reportDocument(report.facts));
    case 'csv':
      return figuresCsv(figuresTable(report.facts.state.plan ?? {}, report.rows, report.total));
    case 'xlsx':
      return figuresXlsx(figuresTable(report.facts.state.plan ?? {}, report.rows, report.total));
  }
}
