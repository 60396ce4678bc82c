/**
 * Every Vietnamese word the pages print that domain/ does not already name (those come from domain-names.js):
 * one place to read and correct them.
 */
import { formatNumber } from './format.js';

export const APP_TITLE = 'Theo dõi “Tháng Dân vận”';

export const SIGN_IN = {
  title: 'Đăng nhập',
  label: 'Mã truy cập',
  placeholder: 'Dán mã truy cập (token) vào đây',
  hint: 'Khi chạy thử, dùng mã quản trị mà lệnh npm start in ra ở dòng “admin token”. Mã chỉ được giữ trong thẻ trình duyệt này và mất khi đóng thẻ.',
  submit: 'Đăng nhập',
  checking: 'Đang kiểm tra…',
  empty: 'Hãy dán mã truy cập trước khi đăng nhập.',
  refused: 'Mã truy cập không được chấp nhận.',
  expired: 'Phiên làm việc đã hết hạn hoặc mã truy cập không còn hợp lệ; hãy đăng nhập lại.',
  signedOut: 'Đã đăng xuất.',
  unreachable: 'Không kết nối được máy chủ; hãy thử lại.',
};

export const COMMON = {
  signOut: 'Đăng xuất',
  loading: 'Đang tải…',
  refresh: 'Làm mới',
  /** @param {string} time */
  refreshedAt: (time) => `Cập nhật lúc ${time}`,
  /** @param {string} detail */
  loadFailed: (detail) => `Không tải được số liệu: ${detail}`,
  retrying: 'Trang sẽ tự thử lại.',
  notFound: 'Không có trang này.',
  up: 'Đơn vị cấp trên',
};

const ROLE_NAMES = /** @type {Record<string, string>} */ ({
  admin: 'quản trị',
  viewer: 'theo dõi',
  reporter: 'báo cáo',
  council: 'hội đồng thẩm định',
});

/**
 * @param {{ sub: string; role: string; unit?: string }} me
 */
export function whoIs(me) {
  return `${me.sub} (${ROLE_NAMES[me.role] ?? me.role}${me.unit ? `, đơn vị ${me.unit}` : ''})`;
}

export const LIST = {
  title: 'Các kế hoạch',
  year: 'Năm',
  phase: 'Giai đoạn',
  issuer: 'Cơ quan ban hành',
  issuerPlaceholder: 'VD: BDVTU',
  province: 'Tỉnh',
  provincePlaceholder: 'VD: BN',
  anyPhase: 'Tất cả',
  filter: 'Lọc',
  clear: 'Bỏ lọc',
  empty: 'Không có kế hoạch nào khớp bộ lọc.',
  more: 'Xem thêm',
  plan: 'Kế hoạch',
  started: 'Bắt đầu',
  stopped: 'đã dừng',
};

export const UNIT = {
  plan: 'Kế hoạch số',
  /** @param {string} date */
  issuedOn: (date) => `ngày ${date}`,
  window: 'Thời gian thực hiện',
  phase: 'Giai đoạn hiện tại',
  timeline: 'Tiến trình và thời hạn',
  today: 'Hôm nay',
  /** @param {number} n */
  daysLeft: (n) => `còn ${formatNumber(n)} ngày`,
  dueToday: 'hạn cuối hôm nay',
  /** @param {number} n */
  daysPast: (n) => `đã qua ${formatNumber(n)} ngày`,
  compliance: 'Kết quả thực hiện',
  children: 'Đơn vị trực thuộc',
  leaves: 'Chi bộ trực thuộc',
  overdue: 'Đơn vị quá hạn',
  /** @param {number} n */
  overdueMore: (n) => `và ${formatNumber(n)} đơn vị khác`,
  howLate: 'Quá hạn',
  /** @param {number} n */
  lateBy: (n) => `quá hạn ${formatNumber(n)} ngày`,
  /** @param {string} date */
  deadline: (date) => `hạn ${date}`,
  noOverdue: 'Không có đơn vị nào quá hạn.',
  reminders: 'Nhắc việc và báo cáo vượt cấp',
  remindersSent: 'Lượt nhắc việc đã gửi',
  escalations: 'Lượt báo cáo vượt cấp (quá hạn)',
  models: 'Mô hình, điển hình “Dân vận khéo”',
  field: 'Lĩnh vực',
  total: 'Tổng',
  registered: 'Đã đăng ký',
  recognized: 'Được công nhận',
  honours: 'Tôn vinh, khen thưởng',
  recognizedAt: 'Mô hình được công nhận theo cấp',
  awaiting: 'Mô hình cấp dưới đề nghị, chờ xét',
  petitions: 'Kiến nghị, khiếu nại, tố cáo',
  kind: 'Loại',
  recorded: 'Tiếp nhận',
  resolved: 'Đã giải quyết',
  open: 'Đang giải quyết',
  activities: 'Hoạt động theo kế hoạch',
  reports: 'Số báo cáo',
  noActivities: 'Chưa có báo cáo hoạt động nào.',
  unit: 'Đơn vị',
  owes: 'Nội dung',
  record: 'Hồ sơ của đơn vị',
  notReported: 'Chưa báo cáo',
  onTime: 'đúng hạn',
  late: 'trễ hạn',
  /** @param {string} date */
  heldOn: (date) => `Tổ chức ngày ${date}`,
  /** @param {string} date */
  reportedOn: (date) => `báo cáo ngày ${date}`,
  /** @param {number} present @param {number} total */
  members: (present, total) => `${formatNumber(present)}/${formatNumber(total)} đảng viên dự`,
  /** @param {number} n */
  score: (n) => `${formatNumber(n)} điểm`,
  /** @param {number} n */
  attendance: (n) => `${formatNumber(n)} lượt người tham dự`,
};

/** The figures of an obligation, and of the two every "Tháng Dân vận" plan makes owed. */
export const FIGURES = {
  late: 'Báo cáo trễ hạn',
  overdue: 'Quá hạn chưa báo cáo',
  pending: 'Chưa đến hạn',
  onTime: 'Đúng hạn',
  membersPresent: 'Đảng viên dự',
  membersTotal: 'Tổng số đảng viên',
  conferences: 'Số hội nghị',
  attendance: 'Lượt người tham dự',
};

/** What each obligation owes, by activity; catalogue activities are named by the catalogue. */
export const OBLIGATION_NAMES = /** @type {Record<string, string>} */ ({
  'study-session': 'Chi bộ sinh hoạt chuyên đề',
  dialogue: 'Hội nghị đối thoại với Nhân dân',
});

/** The deadlines that end phases; an obligation's deadline is named by what it owes. */
export const PHASE_DEADLINE_NAMES = /** @type {Record<string, string>} */ ({
  assessment: 'Hạn đánh giá, thẩm định',
  commendation: 'Hạn khen thưởng',
});

export const FIELD_NAMES = /** @type {Record<string, string>} */ ({
  economy: 'Kinh tế',
  'culture-society': 'Văn hóa - xã hội',
  'defence-security': 'Quốc phòng - an ninh',
  'political-system': 'Xây dựng hệ thống chính trị',
});

export const STAGE_NAMES = /** @type {Record<string, string>} */ ({
  registered: 'Đăng ký',
  assessed: 'Đã thẩm định',
  recognized: 'Công nhận',
  rejected: 'Không công nhận',
  commended: 'Khen thưởng',
  'proposed-upward': 'Đề nghị cấp trên',
});

export const PETITION_NAMES = /** @type {Record<string, string>} */ ({
  'kien-nghi': 'Kiến nghị',
  'khieu-nai': 'Khiếu nại',
  'to-cao': 'Tố cáo',
});
