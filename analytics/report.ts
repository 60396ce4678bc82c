import type { Phase } from '../domain/campaign';
import { activityClause, activityKind, CATALOGUE } from '../domain/catalogue';
import { HONOUR_FORM_NAMES_VI, HONOUR_FORMS, HONOUR_RECIPIENTS, LEVEL_NAMES_VI, RECIPIENT_NAMES_VI } from '../domain/honours';
import { MODEL_FIELDS, MODEL_STAGES, type ModelField } from '../domain/models';
import { planObligations } from '../domain/obligations';
import { modelTotals, percent, type Progress } from '../domain/progress';
import { PETITION_KINDS, type PetitionKind } from '../domain/reports';
import { formatVietnameseDate, formatVietnameseNumber, VIETNAM_UTC_OFFSET_HOURS, vietnamDateOf } from '../domain/schedule';
import { UNIT_KINDS, type Obligation, type UnitKind } from '../domain/units';
import { DEFAULT_STUDY_TOPIC } from '../domain/vocabulary';
import { deadlineOf, type CampaignState, type FiguresOptions, type LateSplit, type UnitRecord } from './figures';
import { parsePeriod, type Period } from './period';
import type { ProjectionReader } from './projection';
import { ok, type Result } from './result';

/**
 * A campaign's results in Vietnamese, phrased as the provinces' own reports phrase them ("50 hội nghị với 4.819
 * lượt người tham dự", "đăng ký 891 mô hình … công nhận 514 mô hình"): for the whole campaign or one unit's subtree,
 * over the whole campaign or one period (a quarter, a half-year, a year). The words are written once, into a
 * ReportDocument, from ReportFacts that the projection gathers (campaignReportFacts) or the API from the workflows'
 * snapshots; plain text (reportText) and HTML (analytics/report-formats.ts) print the same document.
 */

/** Where a report's figures come from: the analytics projection, or the workflows' snapshots queried live. */
export type FiguresSource = 'projection' | 'workflow';

/** A plan implementing the report's, with its own figures over the same period. */
export interface ImplementingPlan {
  state: CampaignState;
  figures: Progress;
}

/** Everything a report is written from, whichever source gathered it. */
export interface ReportFacts {
  state: CampaignState;
  /** The scope's figures: the campaign's, or the subtree's under `unit`; of the facts dated in `period` when there is one. */
  figures: Progress;
  /** The `late` figures split by the day held against the deadline; absent where the source keeps no dates (the workflows roll up counts). */
  lateness?: Record<Obligation, LateSplit>;
  /** The instant figures are judged at. */
  asOf: Date;
  unit?: UnitRecord;
  period?: Period;
  /** The plans implementing this one; a unit's report leaves them out (they are plans of their own, not part of its subtree). */
  implementing: readonly ImplementingPlan[];
  /** Said under the status when given: which source, and the time of its latest fact (the projection) or of the query (the workflows). */
  source?: { kind: FiguresSource; asOf: Date };
}

/** One row of the figures per unit: a unit's subtree, or the report's scope as a whole. */
export interface UnitFigures {
  code: string;
  /** Absent while the unit is known only as another unit's parent. */
  name?: string;
  kind?: UnitKind;
  figures: Progress;
}

/** What every format prints: the report's facts, the figures of each unit directly under its scope, and the scope's total. */
export interface ReportFigures {
  facts: ReportFacts;
  rows: UnitFigures[];
  total: UnitFigures;
}

/** A report before it is printed: the headline, then its paragraphs in order. */
export interface ReportDocument {
  headline: string;
  paragraphs: string[];
}

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

/** How a report names each kind of petition; the figures' column headers too (analytics/report-formats.ts). */
export const PETITION_NAMES_VI: Record<PetitionKind, string> = { 'kien-nghi': 'kiến nghị', 'khieu-nai': 'khiếu nại', 'to-cao': 'tố cáo' };

/** What one report covers, and the words for it. */
interface Context {
  state: CampaignState;
  asOf: Date;
  unit?: UnitRecord;
  period?: Period;
  /** How communes are named in the campaign's year: thị trấn were abolished from 7/2025, special zones (đặc khu) created. */
  communes: string;
}

const n = formatVietnameseNumber;

/** 98.4 → "98,4%": Vietnamese writes a decimal comma. */
function pct(done: number, required: number): string {
  return `${String(percent(done, required)).replace('.', ',')}%`;
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** A sentence about the period's facts only says so: "Trong quý III năm 2024, các cấp ủy …". */
function during(ctx: Context, text: string): string {
  return ctx.period ? `Trong ${ctx.period.vi}, ${text.charAt(0).toLowerCase()}${text.slice(1)}` : text;
}

function campaignYear(state: CampaignState): number {
  return state.plan?.year ?? Number(vietnamDateOf(new Date(state.lastEventAt)).slice(0, 4));
}

function communesOf(state: CampaignState): string {
  return campaignYear(state) >= 2025 ? 'xã, phường, đặc khu' : 'xã, phường, thị trấn';
}

function headline(ctx: Context): string {
  const { plan } = ctx.state;
  const title = plan
    ? `Kết quả thực hiện Kế hoạch số ${plan.number} ngày ${formatVietnameseDate(plan.issuedOn)} của ${plan.issuer.name}: ${plan.title}`
    : `Kết quả thực hiện "Tháng Dân vận" — chiến dịch ${ctx.state.campaignId} (chưa nhận được kế hoạch ban hành)`;
  const scope = [...(ctx.unit ? [ctx.unit.name ?? `đơn vị ${ctx.unit.code}`] : []), ...(ctx.period ? [ctx.period.vi] : [])];
  return scope.length > 0 ? `${title} — ${scope.join(', ')}` : title;
}

function status(ctx: Context): string {
  const { state, period } = ctx;
  const parts: string[] = [];
  if (state.phase) parts.push(`giai đoạn: ${PHASE_VI[state.phase]}`);
  if (state.plan)
    parts.push(`thời gian thực hiện từ ${formatVietnameseDate(state.plan.window.opensOn)} đến ${formatVietnameseDate(state.plan.window.closesOn)}`);
  if (period) parts.push(`kỳ báo cáo: ${period.vi} (từ ${formatVietnameseDate(period.from)} đến ${formatVietnameseDate(period.to)})`);
  parts.push(`số liệu tính đến ngày ${formatVietnameseDate(vietnamDateOf(ctx.asOf))}`);
  return sentence(parts.join('; '));
}

/** Figures over a partial unit list would understate what is required: say so rather than print a false 100%. */
function completeness(ctx: Context): string | undefined {
  const owing: Array<[UnitKind, string]> = [
    ['party-cell', 'chi bộ'],
    ['commune', ctx.communes],
  ];
  const missing = owing.flatMap(([kind, name]) => {
    const expected = ctx.state.units.expected[kind];
    const known = ctx.state.units.known[kind] ?? 0;
    return expected !== undefined && known < expected ? [`${n(known)}/${n(expected)} ${name}`] : [];
  });
  return missing.length > 0 ? `Lưu ý: số liệu chưa đầy đủ, mới nhận danh sách ${missing.join(', ')} được triển khai.` : undefined;
}

/** The catalogue activities reported, one sentence per kind in catalogue order; none reported, no paragraph. */
function activities(p: Progress, ctx: Context): string | undefined {
  const sentences = CATALOGUE.flatMap((kind) => {
    const totals = p.activities?.[kind.id];
    return totals && totals.reports > 0 ? [sentence(activityClause(kind, totals.measures))] : [];
  });
  return sentences.length > 0 ? during(ctx, sentences.join(' ')) : undefined;
}

/**
 * `late` means reported after the deadline; only a report held after the deadline day was also held late. The
 * others complied in time and are named apart, so a chi bộ that met on 31/10 and reported on 02/11 is not blamed.
 * Without the split (the workflows keep no dates of the units they roll up), all of them reported after the deadline.
 */
function lateClauses(split: LateSplit | undefined, late: number, units: string, deadline: string | undefined): string[] {
  const clauses: string[] = [];
  if (!split) {
    if (late > 0) clauses.push(`${n(late)} ${units} báo cáo sau thời hạn${deadline ? ` (${formatVietnameseDate(deadline)})` : ''}`);
    return clauses;
  }
  if (split.heldLate > 0) clauses.push(`${n(split.heldLate)} ${units} tổ chức sau thời hạn${deadline ? ` (${formatVietnameseDate(deadline)})` : ''}`);
  if (split.reportedLate > 0)
    clauses.push(
      `${n(split.reportedLate)} ${units} báo cáo chậm${deadline ? ` (tổ chức trong thời hạn, báo cáo sau ngày ${formatVietnameseDate(deadline)})` : ''}`,
    );
  return clauses;
}

/** Whether the campaign's plan makes this activity owed; before campaign.issued, assume the "Tháng Dân vận" two. */
function owes(ctx: Context, activity: string): boolean {
  return planObligations(ctx.state.plan ?? {}).some((o) => o.activity === activity);
}

/** The obligations to report a catalogue activity, one sentence each: how many units met their target, late, overdue. */
function obligations(p: Progress, ctx: Context): string | undefined {
  const sentences = planObligations(ctx.state.plan ?? {}).flatMap((o) => {
    const tally = p.obligations?.[o.activity];
    const kind = activityKind(o.activity);
    if (!tally || !kind || tally.required === 0) return [];
    const deadline = ctx.state.deadlines[o.deadline];
    const met = `hoàn thành "${kind.vi}"${o.target > 1 ? ` (ít nhất ${n(o.target)} lần)` : ''}`;
    const clauses = [
      ctx.period ? `${n(tally.done)} đơn vị ${met}` : `có ${n(tally.done)}/${n(tally.required)} đơn vị (${pct(tally.done, tally.required)}) ${met}`,
    ];
    if (tally.late > 0) clauses.push(`${n(tally.late)} đơn vị hoàn thành sau thời hạn${deadline ? ` (${formatVietnameseDate(deadline)})` : ''}`);
    if (tally.overdue > 0) clauses.push(`${n(tally.overdue)} đơn vị đã quá hạn nhưng chưa hoàn thành`);
    return [sentence(clauses.join('; '))];
  });
  return sentences.length > 0 ? during(ctx, sentences.join(' ')) : undefined;
}

function studySessions(p: Progress, late: LateSplit | undefined, ctx: Context): string | undefined {
  const s = p.studySessions;
  // A plan that owes no study session says nothing of them, unless some chi bộ held one all the same.
  if (s.required === 0 && !owes(ctx, 'study-session')) return s.done > 0 ? during(ctx, sentence(`${n(s.done)} chi bộ tổ chức sinh hoạt chuyên đề`)) : undefined;
  if (s.required === 0) return 'Chưa nhận được danh sách chi bộ phải tổ chức sinh hoạt chuyên đề.';
  const topic = `tổ chức sinh hoạt chuyên đề ${ctx.state.plan?.studyTopic ?? DEFAULT_STUDY_TOPIC}`;
  const members = s.membersTotal > 0 ? `, với ${n(s.membersPresent)}/${n(s.membersTotal)} đảng viên tham dự (${pct(s.membersPresent, s.membersTotal)})` : '';
  // Every chi bộ owes one session in the campaign: "x/y" and "quá hạn" only mean something over the whole of it.
  const held = ctx.period
    ? `trong ${ctx.period.vi}, ${s.done > 0 ? `có ${n(s.done)} chi bộ ${topic}` : `không có chi bộ nào ${topic}`}`
    : `trong "Tháng Dân vận", có ${n(s.done)}/${n(s.required)} chi bộ (${pct(s.done, s.required)}) ${topic}`;
  const clauses = [held + members, ...lateClauses(late, s.late, 'chi bộ', deadlineOf(ctx.state, 'study-session'))];
  if (s.overdue > 0) clauses.push(`${n(s.overdue)} chi bộ đã quá hạn nhưng chưa tổ chức`);
  return sentence(clauses.join('; '));
}

function dialogues(p: Progress, late: LateSplit | undefined, ctx: Context): string | undefined {
  const d = p.dialogues;
  if (!owes(ctx, 'dialogue') && d.conferences === 0) return undefined;
  const clauses: string[] = [];
  const conference = 'tổ chức hội nghị lắng nghe, đối thoại với Nhân dân';
  // One commune's report names it rather than counting "1 xã".
  const own = ctx.unit?.kind === 'commune' ? ctx.unit.name : undefined;
  if (own) {
    if (d.done > 0) clauses.push(`người đứng đầu cấp ủy, chính quyền ${own} ${conference}`);
  } else if (ctx.period) {
    if (d.done > 0) clauses.push(`người đứng đầu cấp ủy, chính quyền ${n(d.done)} ${ctx.communes} ${conference}`);
  } else if (d.required > 0) {
    clauses.push(`người đứng đầu cấp ủy, chính quyền ${n(d.done)}/${n(d.required)} ${ctx.communes} (${pct(d.done, d.required)}) ${conference}`);
  }
  clauses.push(
    d.conferences > 0 ? `tổ chức ${n(d.conferences)} hội nghị đối thoại với ${n(d.attendance)} lượt người tham dự` : 'chưa tổ chức hội nghị đối thoại nào',
  );
  clauses.push(...lateClauses(late, d.late, ctx.communes, deadlineOf(ctx.state, 'dialogue')));
  if (d.overdue > 0) clauses.push(`${own ?? `${n(d.overdue)} ${ctx.communes}`} đã quá hạn nhưng chưa tổ chức`);
  return during(ctx, sentence(clauses.join('; ')));
}

function petitions(p: Progress, ctx: Context): string {
  const parts = PETITION_KINDS.filter((kind) => p.petitions[kind].recorded > 0).map((kind) => {
    const { recorded, resolved } = p.petitions[kind];
    return `${n(recorded)} ${PETITION_NAMES_VI[kind]}, ${resolved > 0 ? `đã giải quyết ${n(resolved)}` : 'chưa giải quyết'}`;
  });
  if (parts.length === 0) return during(ctx, 'Chưa tiếp nhận kiến nghị, khiếu nại, tố cáo nào.');
  const open = PETITION_KINDS.reduce((sum, kind) => sum + p.petitions[kind].recorded - p.petitions[kind].resolved, 0);
  // A closed campaign keeps following what it holds open (workflows/node.ts), so the reader is told how many.
  const following =
    open === 0
      ? ''
      : ` Còn ${n(open)} vụ việc chưa giải quyết xong${ctx.state.phase === 'closed' ? ', tiếp tục theo dõi giải quyết sau khi kết thúc kế hoạch' : ''}.`;
  return during(ctx, `Các cấp ủy, chính quyền tiếp nhận ${parts.join('; ')}.${following}`);
}

function models(p: Progress, ctx: Context): string {
  const t = modelTotals(p);
  if (t.registered === 0) return during(ctx, 'Chưa có mô hình "Dân vận khéo" nào được đăng ký.');
  let text = `Các địa phương, đơn vị đăng ký ${n(t.registered)} mô hình "Dân vận khéo", công nhận ${n(t.recognized)} mô hình`;
  if (t.rejected > 0) text += `, không công nhận ${n(t.rejected)} mô hình`;
  const awaiting = t.registered - t.recognized - t.rejected;
  if (awaiting > 0) text += `; ${n(awaiting)} mô hình đang chờ đánh giá, thẩm định`;
  if (t.commended > 0) text += `; khen thưởng ${n(t.commended)} mô hình`;
  if (t.proposedUpward > 0) text += `, đề xuất cấp trên công nhận ${n(t.proposedUpward)} mô hình`;
  const byField = MODEL_FIELDS.map((field) => [field, MODEL_STAGES.reduce((sum, stage) => sum + p.models[field][stage], 0)] as const)
    .filter(([, count]) => count > 0)
    .map(([field, count]) => `${FIELD_VI[field]} ${n(count)}`);
  return during(ctx, `${text}. Theo lĩnh vực: ${byField.join(', ')}.`);
}

/** "Công nhận theo cấp: cấp xã 12, cấp huyện 3. Khen thưởng: 3 Bằng khen cấp tỉnh (2 tập thể, 1 cá nhân)…", from the top level down. */
function honours(p: Progress, ctx: Context): string | undefined {
  const h = p.honours;
  if (!h) return undefined;
  const sentences: string[] = [];
  const recognized = UNIT_KINDS.filter((level) => (h.recognized[level] ?? 0) > 0).map((level) => `${LEVEL_NAMES_VI[level]} ${n(h.recognized[level]!)}`);
  if (recognized.length > 0) sentences.push(`Mô hình được công nhận theo cấp: ${recognized.join(', ')}`);
  if (h.awaitingDecision > 0) sentences.push(`${n(h.awaitingDecision)} mô hình do cấp dưới đề xuất đang chờ hội đồng cấp trên xem xét`);
  const awards = HONOUR_FORMS.flatMap((form) =>
    UNIT_KINDS.flatMap((level) => {
      const byRecipient = h.commended[form]?.[level];
      if (!byRecipient) return [];
      const parts = HONOUR_RECIPIENTS.filter((r) => (byRecipient[r] ?? 0) > 0).map((r) => `${n(byRecipient[r]!)} ${RECIPIENT_NAMES_VI[r]}`);
      const total = HONOUR_RECIPIENTS.reduce((sum, r) => sum + (byRecipient[r] ?? 0), 0);
      return [`${n(total)} ${HONOUR_FORM_NAMES_VI[form]} ${LEVEL_NAMES_VI[level]} (${parts.join(', ')})`];
    }),
  );
  if (awards.length > 0) sentences.push(`Khen thưởng: ${awards.join('; ')}`);
  return during(ctx, sentences.map(sentence).join(' '));
}

/** One implementing plan's key figures, as the parent's report cites them: what it owes and its models; none yet, said so. */
function keyFigures(p: Progress, state: CampaignState, period: boolean): string {
  const clauses: string[] = [];
  const s = p.studySessions;
  const session = 'chi bộ sinh hoạt chuyên đề';
  if (!period && s.required > 0) clauses.push(`${n(s.done)}/${n(s.required)} ${session} (${pct(s.done, s.required)})`);
  else if (s.done > 0) clauses.push(`${n(s.done)} ${session}`);
  const d = p.dialogues;
  if (d.conferences > 0) clauses.push(`${n(d.conferences)} hội nghị đối thoại với ${n(d.attendance)} lượt người tham dự`);
  else if (!period && d.required > 0) clauses.push('chưa tổ chức hội nghị đối thoại nào');
  for (const o of planObligations(state.plan ?? {})) {
    const tally = p.obligations?.[o.activity];
    const kind = activityKind(o.activity);
    if (!tally || !kind) continue;
    if (!period && tally.required > 0) clauses.push(`${n(tally.done)}/${n(tally.required)} đơn vị hoàn thành "${kind.vi}"`);
    else if (tally.done > 0) clauses.push(`${n(tally.done)} đơn vị hoàn thành "${kind.vi}"`);
  }
  const t = modelTotals(p);
  if (t.registered > 0) clauses.push(`đăng ký ${n(t.registered)} mô hình "Dân vận khéo", công nhận ${n(t.recognized)} mô hình`);
  return clauses.length > 0 ? clauses.join('; ') : 'chưa có số liệu báo cáo';
}

/**
 * The plans implementing this one (a district's under its province's plan), each named as a report names a plan,
 * with its phase and key figures from its own events, over the same period. A unit's report leaves them out: they
 * are plans of their own, not part of the unit's subtree.
 */
function implementingPlans(implementing: readonly ImplementingPlan[], ctx: Context): string | undefined {
  if (ctx.unit) return undefined;
  const plans = implementing.flatMap(({ state, figures }) => {
    if (!state.plan) return [];
    const { plan, phase } = state;
    const named = `Kế hoạch số ${plan.number} ngày ${formatVietnameseDate(plan.issuedOn)} của ${plan.issuer.name}${phase ? ` (${PHASE_VI[phase]})` : ''}`;
    return [`${named}: ${keyFigures(figures, state, ctx.period !== undefined)}.`];
  });
  return plans.length > 0 ? during(ctx, `Các kế hoạch triển khai: ${plans.join(' ')}`) : undefined;
}

function reminders(p: Progress, ctx: Context): string {
  const { sent, escalations } = p.reminders;
  if (sent === 0 && escalations === 0) return during(ctx, 'Chưa phải nhắc nhở đơn vị nào.');
  const parts: string[] = [];
  if (sent > 0) parts.push(`gửi ${n(sent)} lượt nhắc nhở đến các đơn vị chưa hoàn thành`);
  if (escalations > 0) parts.push(`báo cáo cấp trên ${n(escalations)} lượt đơn vị quá hạn`);
  return during(ctx, sentence(`hệ thống đã ${parts.join(' và ')}`));
}

/** "Số liệu từ …, cập nhật đến 14:05 ngày 02/12/2026": the source of the figures and how fresh they are, in Vietnam time. */
function sourceSentence(source: NonNullable<ReportFacts['source']>): string {
  const clock = new Date(source.asOf.getTime() + VIETNAM_UTC_OFFSET_HOURS * 3_600_000).toISOString().slice(11, 16);
  const at = `${clock} ngày ${formatVietnameseDate(vietnamDateOf(source.asOf))}`;
  return source.kind === 'projection'
    ? `Số liệu từ bản tổng hợp các sự kiện của chiến dịch (projection), cập nhật đến ${at}.`
    : `Số liệu từ trạng thái trực tiếp của các workflow chiến dịch, tính đến ${at}.`;
}

/** The report's words, headline first, each paragraph left out when it has nothing to say. */
export function reportDocument(facts: ReportFacts): ReportDocument {
  const ctx: Context = {
    state: facts.state,
    asOf: facts.asOf,
    ...(facts.unit ? { unit: facts.unit } : {}),
    ...(facts.period ? { period: facts.period } : {}),
    communes: communesOf(facts.state),
  };
  const p = facts.figures;
  const paragraphs = [
    status(ctx),
    facts.source ? sourceSentence(facts.source) : undefined,
    completeness(ctx),
    activities(p, ctx),
    obligations(p, ctx),
    studySessions(p, facts.lateness?.['study-session'], ctx),
    dialogues(p, facts.lateness?.dialogue, ctx),
    petitions(p, ctx),
    models(p, ctx),
    honours(p, ctx),
    reminders(p, ctx),
    implementingPlans(facts.implementing, ctx),
  ];
  return { headline: headline(ctx), paragraphs: paragraphs.filter((text) => text !== undefined) };
}

/** The report as `danvan report` prints it: the headline and the paragraphs, a blank line between each. */
export function reportText(document: ReportDocument): string {
  return [document.headline, ...document.paragraphs].join('\n\n');
}

/**
 * What the projection knows for the report of one campaign; with `unit`, of that unit's subtree; with `period`
 * ("2024", "2024-H1", "2024-Q3"), of the facts dated in it (see FiguresOptions.period). `asOf` is the instant figures
 * are judged at, by default the campaign's stream time. An unknown campaign or unit, or a malformed period, is an
 * error value naming it.
 */
export function campaignReportFacts(projection: ProjectionReader, campaignId: string, opts: FiguresOptions = {}): Result<ReportFacts> {
  const state = projection.campaign(campaignId);
  if (!state.ok) return state;
  const period = opts.period === undefined ? undefined : parsePeriod(opts.period);
  if (period && !period.ok) return period;
  const unit = opts.unit === undefined ? undefined : projection.unit(campaignId, opts.unit);
  if (unit && !unit.ok) return unit;
  const asOf = opts.asOf ?? new Date(state.value.lastEventAt);
  const figures = projection.figures(campaignId, { ...opts, asOf });
  if (!figures.ok) return figures;
  const late = projection.lateness(campaignId, opts);
  if (!late.ok) return late;
  // reportDocument leaves the implementing plans out of a unit's report: no need to count them.
  const implementing = unit
    ? []
    : projection.implementedBy(campaignId).flatMap((id) => {
        const other = projection.campaign(id);
        const otherFigures = projection.figures(id, { ...(opts.asOf ? { asOf: opts.asOf } : {}), ...(opts.period ? { period: opts.period } : {}) });
        return other.ok && otherFigures.ok ? [{ state: other.value, figures: otherFigures.value }] : [];
      });
  return ok({
    state: state.value,
    figures: figures.value,
    lateness: late.value,
    asOf,
    ...(unit ? { unit: unit.value } : {}),
    ...(period ? { period: period.value } : {}),
    implementing,
  });
}

/** The report of one campaign from the projection, as text (see campaignReportFacts for the options). */
export function campaignReport(projection: ProjectionReader, campaignId: string, opts: FiguresOptions = {}): Result<string> {
  const facts = campaignReportFacts(projection, campaignId, opts);
  return facts.ok ? ok(reportText(reportDocument(facts.value))) : facts;
}

/**
 * The report's facts from the projection with the figures per unit under its scope (the unit, or the campaign's
 * issuing unit), each over the same period, in one read transaction; the source is the projection, as fresh as the
 * campaign's latest applied event. Refused as campaignReportFacts refuses.
 */
export function projectionReportFigures(
  projection: ProjectionReader,
  campaignId: string,
  opts: Pick<FiguresOptions, 'unit' | 'period'> = {},
): Result<ReportFigures> {
  return projection.snapshot((): Result<ReportFigures> => {
    const facts = campaignReportFacts(projection, campaignId, opts);
    if (!facts.ok) return facts;
    const { state } = facts.value;
    const scope = opts.unit ?? state.plan?.issuer.unitCode;
    const rows: UnitFigures[] = [];
    for (const child of scope === undefined ? [] : projection.children(campaignId, scope)) {
      const figures = projection.figures(campaignId, { ...(opts.period === undefined ? {} : { period: opts.period }), unit: child.code });
      if (!figures.ok) return figures;
      rows.push({ ...child, figures: figures.value });
    }
    // The scope is named once its own unit.deployed has arrived; before that (or before the plan) by its code or the campaign's.
    const named = scope === undefined ? undefined : projection.unit(campaignId, scope);
    const total: UnitFigures = { ...(named?.ok ? named.value : { code: scope ?? campaignId }), figures: facts.value.figures };
    return ok({ facts: { ...facts.value, source: { kind: 'projection', asOf: new Date(state.lastEventAt) } }, rows, total });
  });
}
