import { formatVietnameseNumber } from './calendar';
import type { UnitKind } from './vocabulary';

/**
 * The activity catalogue: every kind of work a plan can count beyond the four families with rules of their own
 * (study sessions, dialogues, petitions, models). Each kind names what it measures and which units may report
 * it, and carries the Vietnamese clause it adds to a report, written as the provinces write theirs ("Tổ chức 14
 * cuộc kiểm tra, giám sát đối với 18 tổ chức đảng và 11 đảng viên"). Plain data without zod: the workflows judge
 * reports by it, and a kind added here needs no code anywhere else.
 */

/** What an activity report can count, each with the unit a report writes after the number. */
export const MEASURES = {
  count: { vi: 'số lượng', max: 100_000 },
  attendance: { vi: 'lượt người tham dự', max: 10_000_000 },
  participants: { vi: 'lượt người tham gia', max: 10_000_000 },
  partyOrganisations: { vi: 'tổ chức đảng', max: 100_000 },
  partyMembers: { vi: 'đảng viên', max: 5_000_000 },
  houses: { vi: 'căn nhà', max: 1_000_000 },
  amountVnd: { vi: 'đồng', max: 10_000_000_000_000 },
  newsItems: { vi: 'tin', max: 1_000_000 },
  articles: { vi: 'bài viết', max: 1_000_000 },
  banners: { vi: 'băng rôn, khẩu hiệu', max: 1_000_000 },
  posts: { vi: 'bài đăng trên mạng xã hội', max: 10_000_000 },
} as const;
export type Measure = keyof typeof MEASURES;
export const MEASURE_IDS = Object.keys(MEASURES) as Measure[];

export interface ActivityKind {
  /** Stable id, used in reports, events and plans. */
  id: string;
  /** As plans name it. */
  vi: string;
  /** `count` first: how many were held or issued; every measure listed must be reported. */
  measures: readonly Measure[];
  /** The unit kinds whose committees or leaders carry it out. */
  reportedBy: readonly UnitKind[];
  /** The clause a report prints, with `{measure}` replaced by its total. */
  sentence: string;
}

const COMMITTEES: readonly UnitKind[] = ['national', 'province', 'district', 'commune'];
const EVERY_UNIT: readonly UnitKind[] = ['national', 'province', 'district', 'commune', 'party-cell'];

export const CATALOGUE = [
  {
    id: 'documents-issued',
    vi: 'Ban hành văn bản chỉ đạo, hướng dẫn',
    measures: ['count'],
    reportedBy: COMMITTEES,
    sentence: 'ban hành {count} văn bản cụ thể hóa các chủ trương, nghị quyết về công tác dân vận',
  },
  {
    id: 'inspection-supervision',
    vi: 'Kiểm tra, giám sát',
    measures: ['count', 'partyOrganisations', 'partyMembers'],
    reportedBy: COMMITTEES,
    sentence: 'tổ chức {count} cuộc kiểm tra, giám sát đối với {partyOrganisations} tổ chức đảng và {partyMembers} đảng viên',
  },
  {
    id: 'review-conference',
    vi: 'Hội nghị sơ kết, tổng kết',
    measures: ['count'],
    reportedBy: COMMITTEES,
    sentence: 'tổ chức {count} hội nghị sơ kết, tổng kết',
  },
  {
    id: 'information-conference',
    vi: 'Hội nghị quán triệt, thông tin chủ trương, chính sách đến Nhân dân',
    measures: ['count', 'attendance'],
    reportedBy: COMMITTEES,
    sentence: 'tổ chức {count} hội nghị với {attendance} lượt người tham dự',
  },
  {
    id: 'listening-conference',
    vi: 'Hội nghị tiếp xúc, lắng nghe, đối thoại với Nhân dân',
    measures: ['count', 'attendance'],
    reportedBy: COMMITTEES,
    sentence: 'người đứng đầu cấp ủy, chính quyền tổ chức {count} hội nghị tiếp xúc, đối thoại với {attendance} lượt người tham dự',
  },
  {
    id: 'training-conference',
    vi: 'Hội nghị quán triệt, tập huấn',
    measures: ['count', 'participants'],
    reportedBy: COMMITTEES,
    sentence: 'tổ chức {count} hội nghị với {participants} lượt người tham gia để quán triệt, tập huấn, triển khai các văn bản về công tác dân vận',
  },
  {
    id: 'guidance-inspection',
    vi: 'Kiểm tra, giám sát hướng dẫn nghiệp vụ',
    measures: ['count', 'partyOrganisations', 'partyMembers'],
    reportedBy: COMMITTEES,
    sentence:
      'tổ chức {count} cuộc kiểm tra, giám sát để hướng dẫn nghiệp vụ công tác dân vận đối với {partyOrganisations} cấp ủy, tổ chức đảng và {partyMembers} đảng viên',
  },
  {
    id: 'anniversary-event',
    vi: 'Hoạt động kỷ niệm, truyền thống',
    measures: ['count', 'attendance'],
    reportedBy: EVERY_UNIT,
    sentence: 'tổ chức {count} hoạt động kỷ niệm với {attendance} lượt người tham dự',
  },
  {
    id: 'propaganda',
    vi: 'Tuyên truyền',
    measures: ['count', 'newsItems', 'articles', 'banners', 'posts'],
    reportedBy: EVERY_UNIT,
    sentence: 'thực hiện {count} đợt tuyên truyền với {newsItems} tin, {articles} bài viết, {banners} băng rôn, khẩu hiệu và {posts} bài đăng trên mạng xã hội',
  },
  {
    id: 'support-drive',
    vi: 'Vận động hỗ trợ xóa nhà tạm, nhà dột nát, giúp đỡ người khó khăn',
    measures: ['count', 'houses', 'amountVnd'],
    reportedBy: EVERY_UNIT,
    sentence: 'tổ chức {count} đợt vận động, hỗ trợ xây mới, sửa chữa {houses} căn nhà với tổng số tiền {amountVnd} đồng',
  },
] as const satisfies readonly ActivityKind[];

export type ActivityId = (typeof CATALOGUE)[number]['id'];
export const ACTIVITY_IDS = CATALOGUE.map((kind) => kind.id) as ActivityId[];

const BY_ID = new Map<string, ActivityKind>(CATALOGUE.map((kind) => [kind.id, kind]));

export function activityKind(id: string): ActivityKind | undefined {
  return BY_ID.get(id);
}

/**
 * What is wrong with a report by the catalogue alone (the kind, which unit may report it, its measures), with the
 * field at fault; a report nothing is wrong with gets undefined.
 */
export function activityReportProblem(
  report: { activity: string; measures: Partial<Record<string, number>> },
  unit: { code: string; kind: UnitKind },
): { field: string; value: unknown; message: string; vi: string } | undefined {
  const kind = activityKind(report.activity);
  if (!kind)
    return {
      field: 'report.activity',
      value: report.activity,
      message: `unknown activity ${report.activity}; the catalogue has ${ACTIVITY_IDS.join(', ')}`,
      vi: `Loại hoạt động "${report.activity}" không có trong danh mục`,
    };
  if (!kind.reportedBy.includes(unit.kind))
    return {
      field: 'unitCode',
      value: unit.code,
      message: `unit ${unit.code} is a ${unit.kind}; a ${unit.kind} does not report ${kind.id}; it is reported by ${kind.reportedBy.join(', ')}`,
      vi: `Đơn vị cấp này không báo cáo hoạt động "${kind.vi}"`,
    };
  for (const [measure, value] of Object.entries(report.measures)) {
    if (!(kind.measures as readonly string[]).includes(measure))
      return {
        field: `report.measures.${measure}`,
        value,
        message: `${kind.id} does not measure ${measure}; it measures ${kind.measures.join(', ')}`,
        vi: `Hoạt động "${kind.vi}" không có chỉ tiêu này`,
      };
  }
  for (const measure of kind.measures) {
    const value = report.measures[measure];
    const { max, vi } = MEASURES[measure];
    const min = measure === 'count' ? 1 : 0;
    if (value === undefined) return { field: `report.measures.${measure}`, value, message: `${kind.id} needs ${measure}`, vi: `Thiếu chỉ tiêu "${vi}"` };
    if (!Number.isInteger(value) || value < min || value > max)
      return {
        field: `report.measures.${measure}`,
        value,
        message: `${measure} must be a whole number from ${min} to ${max}, got ${value}`,
        vi: `Chỉ tiêu "${vi}" phải là số nguyên từ ${min} đến ${max}`,
      };
  }
  return undefined;
}

/** Single figures are written with two digits, as the reports do: "06 hội nghị sơ kết", "05 đảng viên". */
function reportNumber(value: number): string {
  return value >= 0 && value < 10 ? `0${Math.trunc(value)}` : formatVietnameseNumber(value);
}

/** The clause of one activity kind for its totals, e.g. "tổ chức 06 hội nghị sơ kết, tổng kết". */
export function activityClause(kind: ActivityKind, totals: Partial<Record<string, number>>): string {
  return kind.sentence.replace(/\{(\w+)\}/g, (_, measure: string) => reportNumber(totals[measure] ?? 0));
}
