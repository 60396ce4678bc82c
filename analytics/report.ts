import type { Phase } from '../domain/campaign';
import { MODEL_FIELDS, MODEL_STAGES, type ModelField } from '../domain/models';
import { modelTotals, percent, type Progress } from '../domain/progress';
import { PETITION_KINDS, type PetitionKind } from '../domain/reports';
import { formatVietnameseDate, formatVietnameseNumber, vietnamDateOf } from '../domain/schedule';
import type { UnitKind } from '../domain/units';
import type { CampaignState, FiguresOptions } from './figures';
import type { Projection } from './projection';
import { ok, type Result } from './result';

/**
 * A campaign's results in Vietnamese, phrased as the provinces' own reports phrase them ("50 hội nghị với 4.819
 * lượt người tham dự", "đăng ký 891 mô hình … công nhận 514 mô hình"), from the projection alone.
 */

const PHASE_VI: Record<Phase, string> = {
  issued: 'đã ban hành kế hoạch',
  deployed: 'đã triển khai',
  'in-progress': 'đang thực hiện',
  assessment: 'đánh giá, thẩm định',
  commendation: 'khen thưởng',
  closed: 'đã kết thúc',
};

const FIELD_VI: Record<ModelField, string> = {
  economy: 'kinh tế',
  'culture-society': 'văn hóa - xã hội',
  'defence-security': 'quốc phòng - an ninh',
  'political-system': 'xây dựng hệ thống chính trị',
};

const PETITION_VI: Record<PetitionKind, string> = { 'kien-nghi': 'kiến nghị', 'khieu-nai': 'khiếu nại', 'to-cao': 'tố cáo' };

/** The kinds that owe a report, as the reports name them. */
const OWING_KINDS: Array<[UnitKind, string]> = [
  ['party-cell', 'chi bộ'],
  ['commune', 'xã, phường, thị trấn'],
];

const n = formatVietnameseNumber;

/** 98.4 → "98,4%": Vietnamese writes a decimal comma. */
function pct(done: number, required: number): string {
  return `${String(percent(done, required)).replace('.', ',')}%`;
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function headline(state: CampaignState): string {
  const { plan } = state;
  if (!plan) return `Kết quả thực hiện "Tháng Dân vận" — chiến dịch ${state.campaignId} (chưa nhận được kế hoạch ban hành)`;
  return `Kết quả thực hiện Kế hoạch số ${plan.number} ngày ${formatVietnameseDate(plan.issuedOn)} của ${plan.issuer.name}: ${plan.title}`;
}

function status(state: CampaignState, asOf: Date): string {
  const parts: string[] = [];
  if (state.phase) parts.push(`giai đoạn: ${PHASE_VI[state.phase]}`);
  if (state.plan)
    parts.push(`thời gian thực hiện từ ${formatVietnameseDate(state.plan.window.opensOn)} đến ${formatVietnameseDate(state.plan.window.closesOn)}`);
  parts.push(`số liệu tính đến ngày ${formatVietnameseDate(vietnamDateOf(asOf))}`);
  return sentence(parts.join('; '));
}

/** Figures over a partial unit list would understate what is required: say so rather than print a false 100%. */
function completeness(state: CampaignState): string | undefined {
  const missing = OWING_KINDS.flatMap(([kind, name]) => {
    const expected = state.units.expected[kind];
    const known = state.units.known[kind] ?? 0;
    return expected !== undefined && known < expected ? [`${n(known)}/${n(expected)} ${name}`] : [];
  });
  return missing.length > 0 ? `Lưu ý: số liệu chưa đầy đủ, mới nhận danh sách ${missing.join(', ')} được triển khai.` : undefined;
}

function deadlineNote(date: string | undefined): string {
  return date ? ` (${formatVietnameseDate(date)})` : '';
}

function studySessions(p: Progress, state: CampaignState): string {
  const s = p.studySessions;
  if (s.required === 0) return 'Chưa nhận được danh sách chi bộ phải tổ chức sinh hoạt chuyên đề.';
  const clauses = [
    `trong "Tháng Dân vận", có ${n(s.done)}/${n(s.required)} chi bộ (${pct(s.done, s.required)}) tổ chức sinh hoạt chuyên đề bài báo "Dân vận" của Chủ tịch Hồ Chí Minh` +
      (s.membersTotal > 0 ? `, với ${n(s.membersPresent)}/${n(s.membersTotal)} đảng viên tham dự (${pct(s.membersPresent, s.membersTotal)})` : ''),
  ];
  if (s.late > 0) clauses.push(`${n(s.late)} chi bộ tổ chức sau thời hạn${deadlineNote(state.deadlines['study-sessions'])}`);
  if (s.overdue > 0) clauses.push(`${n(s.overdue)} chi bộ đã quá hạn nhưng chưa tổ chức`);
  return sentence(clauses.join('; '));
}

function dialogues(p: Progress, state: CampaignState): string {
  const d = p.dialogues;
  const clauses: string[] = [];
  if (d.required > 0)
    clauses.push(
      `người đứng đầu cấp ủy, chính quyền ${n(d.done)}/${n(d.required)} xã, phường, thị trấn (${pct(d.done, d.required)}) tổ chức hội nghị lắng nghe, đối thoại với Nhân dân`,
    );
  clauses.push(
    d.conferences > 0 ? `tổ chức ${n(d.conferences)} hội nghị đối thoại với ${n(d.attendance)} lượt người tham dự` : 'chưa tổ chức hội nghị đối thoại nào',
  );
  if (d.late > 0) clauses.push(`${n(d.late)} xã, phường, thị trấn tổ chức sau thời hạn${deadlineNote(state.deadlines.dialogues)}`);
  if (d.overdue > 0) clauses.push(`${n(d.overdue)} xã, phường, thị trấn đã quá hạn nhưng chưa tổ chức`);
  return sentence(clauses.join('; '));
}

function petitions(p: Progress): string {
  const parts = PETITION_KINDS.filter((kind) => p.petitions[kind].recorded > 0).map((kind) => {
    const { recorded, resolved } = p.petitions[kind];
    return `${n(recorded)} ${PETITION_VI[kind]}, ${resolved > 0 ? `đã giải quyết ${n(resolved)}` : 'chưa giải quyết'}`;
  });
  return parts.length > 0 ? `Các cấp ủy, chính quyền tiếp nhận ${parts.join('; ')}.` : 'Chưa tiếp nhận kiến nghị, khiếu nại, tố cáo nào.';
}

function models(p: Progress): string {
  const t = modelTotals(p);
  if (t.registered === 0) return 'Chưa có mô hình "Dân vận khéo" nào được đăng ký.';
  let text = `Các địa phương, đơn vị đăng ký ${n(t.registered)} mô hình "Dân vận khéo", công nhận ${n(t.recognized)} mô hình`;
  if (t.rejected > 0) text += `, không công nhận ${n(t.rejected)} mô hình`;
  const awaiting = t.registered - t.recognized - t.rejected;
  if (awaiting > 0) text += `; ${n(awaiting)} mô hình đang chờ đánh giá, thẩm định`;
  if (t.commended > 0) text += `; khen thưởng ${n(t.commended)} mô hình`;
  if (t.proposedUpward > 0) text += `, đề xuất cấp trên công nhận ${n(t.proposedUpward)} mô hình`;
  const byField = MODEL_FIELDS.map((field) => [field, MODEL_STAGES.reduce((sum, stage) => sum + p.models[field][stage], 0)] as const)
    .filter(([, count]) => count > 0)
    .map(([field, count]) => `${FIELD_VI[field]} ${n(count)}`);
  return `${text}. Theo lĩnh vực: ${byField.join(', ')}.`;
}

function reminders(p: Progress): string {
  const { sent, escalations } = p.reminders;
  if (sent === 0 && escalations === 0) return 'Chưa phải nhắc nhở đơn vị nào.';
  const parts: string[] = [];
  if (sent > 0) parts.push(`gửi ${n(sent)} lượt nhắc nhở đến các đơn vị chưa hoàn thành`);
  if (escalations > 0) parts.push(`báo cáo cấp trên ${n(escalations)} lượt đơn vị quá hạn`);
  return sentence(`hệ thống đã ${parts.join(' và ')}`);
}

/**
 * The report of one campaign. `asOf` is the instant figures are judged at (see FiguresOptions); by default the
 * campaign's stream time. An unknown campaign is an error value naming it.
 */
export function campaignReport(projection: Projection, campaignId: string, opts: FiguresOptions = {}): Result<string> {
  const state = projection.campaign(campaignId);
  if (!state.ok) return state;
  const asOf = opts.asOf ?? new Date(state.value.lastEventAt);
  const figures = projection.figures(campaignId, { asOf });
  if (!figures.ok) return figures;
  const p = figures.value;
  const note = completeness(state.value);
  const paragraphs = [
    headline(state.value),
    status(state.value, asOf),
    ...(note ? [note] : []),
    studySessions(p, state.value),
    dialogues(p, state.value),
    petitions(p),
    models(p),
    reminders(p),
  ];
  return ok(paragraphs.join('\n\n'));
}
