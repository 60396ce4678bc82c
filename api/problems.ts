import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * RFC 9457 problem details, the one error shape of the API. `errors` names each offending field, the value
 * received and the reason, so a client can show the user what to fix. Every text exists in Vietnamese and English;
 * a response carries one language, chosen by `Accept-Language` (Vietnamese unless English is preferred).
 */

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A text in each language the API answers in. */
export type Text = Record<Language, string>;

export interface FieldProblem {
  field: string;
  value?: unknown;
  reason: Text;
}

export interface Problem {
  /** The last segment of its type URL: `<public base>/problems/<slug>`, a page the API serves (PROBLEM_TYPES). */
  slug: ProblemSlug;
  status: number;
  detail?: Text;
  errors?: FieldProblem[];
}

/** A problem as it goes on the wire: one language, the type a URL. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: Array<{ field: string; value?: unknown; reason: string }>;
}

export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail?.en ?? problem.slug);
    this.name = 'ProblemError';
  }
}

/** Every problem type the API answers with: its title, and what its page says. */
export const PROBLEM_TYPES = {
  'invalid-request': {
    title: { vi: 'Yêu cầu không hợp lệ', en: 'Invalid request' },
    description: {
      vi: 'Yêu cầu không khớp với lược đồ của nó: `errors` nêu từng trường, giá trị đã gửi và lý do. Không có gì bị thay đổi.',
      en: 'The request does not match its schema: `errors` names each field, the value sent and the reason. Nothing was changed.',
    },
  },
  'bad-request': {
    title: { vi: 'Yêu cầu không đọc được', en: 'Bad request' },
    description: {
      vi: 'Nội dung yêu cầu không đọc được: JSON hỏng, không phải JSON (415) hoặc quá lớn (413).',
      en: 'The request body cannot be read: malformed JSON, not JSON (415) or too large (413).',
    },
  },
  unauthenticated: {
    title: { vi: 'Cần xác thực', en: 'Authentication required' },
    description: { vi: 'Gửi tiêu đề Authorization: Bearer <mã truy cập>.', en: 'Send an Authorization: Bearer <token> header.' },
  },
  'invalid-token': {
    title: { vi: 'Mã truy cập không hợp lệ', en: 'Invalid token' },
    description: {
      vi: 'Mã truy cập bị từ chối: sai chữ ký, bên phát hành, đối tượng sử dụng, không có thời hạn hoặc thời hạn dài quá mức cho phép, hoặc thiếu vai trò và đơn vị của danvan.',
      en: "The token was refused: its signature, issuer or audience is wrong, it has no expiry or lives longer than allowed, or it lacks danvan's role and unit.",
    },
  },
  'token-expired': {
    title: { vi: 'Mã truy cập đã hết hạn', en: 'Token expired' },
    description: { vi: 'Mã truy cập đã hết hạn; hãy lấy mã mới.', en: 'The token has expired; get a new one.' },
  },
  forbidden: {
    title: { vi: 'Không có quyền', en: 'Forbidden' },
    description: {
      vi: 'Vai trò hoặc đơn vị của mã truy cập không được làm việc này.',
      en: "The token's role or unit may not do this.",
    },
  },
  'rate-limited': {
    title: { vi: 'Quá nhiều yêu cầu', en: 'Too many requests' },
    description: {
      vi: 'Người dùng này (hoặc địa chỉ này, khi chưa xác thực) đã gửi quá số yêu cầu cho phép trong khoảng thời gian; gửi lại sau số giây ở tiêu đề Retry-After.',
      en: 'This principal (or this address, when unauthenticated) sent more requests than allowed in the window; retry after the seconds in Retry-After.',
    },
  },
  'not-found': {
    title: { vi: 'Không tìm thấy', en: 'Not found' },
    description: { vi: 'Không có đường dẫn, chiến dịch hoặc đơn vị này.', en: 'No such route, campaign or unit.' },
  },
  'campaign-not-found': {
    title: { vi: 'Không tìm thấy chiến dịch', en: 'Campaign not found' },
    description: { vi: 'Không có chiến dịch với mã này.', en: 'No campaign has this id.' },
  },
  'unit-not-found': {
    title: { vi: 'Không tìm thấy đơn vị', en: 'Unit not found' },
    description: { vi: 'Đơn vị không thuộc cây đơn vị của chiến dịch.', en: "The unit is not part of the campaign's unit tree." },
  },
  'schedule-not-found': {
    title: { vi: 'Không tìm thấy lịch', en: 'Schedule not found' },
    description: { vi: 'Không có lịch hằng năm với mã này.', en: 'No yearly schedule has this id.' },
  },
  'operation-not-found': {
    title: { vi: 'Không tìm thấy thao tác', en: 'Operation not found' },
    description: {
      vi: 'Không có thao tác (ví dụ một lần triển khai) với mã này: mã không do API trả về, hoặc chiến dịch của nó không còn.',
      en: 'No operation (a deployment, say) has this id: the API never answered it, or its campaign is gone.',
    },
  },
  'draft-not-found': {
    title: { vi: 'Không tìm thấy dự thảo', en: 'Draft not found' },
    description: { vi: 'Không có dự thảo kế hoạch với mã này.', en: 'No drafted plan has this id.' },
  },
  'draft-closed': {
    title: { vi: 'Dự thảo đã đóng', en: 'Draft closed' },
    description: {
      vi: 'Dự thảo không còn chờ ban hành: đã được ban hành, đã huỷ hoặc đã hết hạn.',
      en: 'The draft no longer waits to be issued: it was issued, discarded or has expired.',
    },
  },
  'campaign-finished': {
    title: { vi: 'Chiến dịch đã kết thúc', en: 'Campaign finished' },
    description: {
      vi: 'Chiến dịch đã đóng và mọi kiến nghị đã được giải quyết; không nhận thêm báo cáo.',
      en: 'The campaign is closed and every petition it held is resolved; it takes no more reports.',
    },
  },
  invalid: {
    title: { vi: 'Vi phạm quy tắc nghiệp vụ', en: 'Refused by a domain rule' },
    description: {
      vi: 'Báo cáo hoặc thao tác trái với một quy tắc của kế hoạch (ngày trong tương lai, đơn vị không thuộc diện báo cáo…); `detail` nêu quy tắc.',
      en: 'The report or move breaks a rule of the plan (a future date, a unit that does not report this…); `detail` names the rule.',
    },
  },
  conflict: {
    title: { vi: 'Xung đột', en: 'Conflict' },
    description: { vi: 'Thao tác mâu thuẫn với trạng thái hiện tại.', en: 'The move conflicts with the current state.' },
  },
  'wrong-phase': {
    title: { vi: 'Sai giai đoạn', en: 'Wrong phase' },
    description: {
      vi: 'Chiến dịch không ở giai đoạn cho phép việc này, hoặc bước chuyển giai đoạn không hợp lệ.',
      en: 'The campaign is not in a phase that allows this, or the phase move is not allowed.',
    },
  },
  'idempotency-conflict': {
    title: { vi: 'Khóa chống trùng lặp đã dùng', en: 'Idempotency key reused' },
    description: {
      vi: 'Idempotency-Key này đã được dùng cho một yêu cầu khác; không có gì xảy ra.',
      en: 'This Idempotency-Key was already used for a different request; nothing happened.',
    },
  },
  'run-handover': {
    title: { vi: 'Đang chuyển lượt chạy', en: 'Run handover' },
    description: {
      vi: 'Workflow đang chuyển sang lượt chạy kế tiếp; gửi lại với cùng Idempotency-Key.',
      en: 'The workflow is handing over to its next run; retry with the same Idempotency-Key.',
    },
  },
  'temporarily-unavailable': {
    title: { vi: 'Tạm thời không phục vụ được', en: 'Temporarily unavailable' },
    description: {
      vi: 'Dịch vụ workflow đang bận hoặc không liên lạc được; gửi lại với cùng Idempotency-Key.',
      en: 'The workflow service is busy or unreachable; retry with the same Idempotency-Key.',
    },
  },
  'not-ready': {
    title: { vi: 'Chưa sẵn sàng', en: 'Not ready' },
    description: { vi: 'Một máy chủ mà API cần chưa trả lời.', en: 'A server the API needs does not answer.' },
  },
  internal: {
    title: { vi: 'Lỗi máy chủ', en: 'Internal error' },
    description: { vi: 'Máy chủ gặp lỗi; lỗi đã được ghi nhật ký.', en: 'The server failed; the error is logged.' },
  },
} as const satisfies Record<string, { title: Text; description: Text }>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;

export function isProblemSlug(slug: string): slug is ProblemSlug {
  return Object.hasOwn(PROBLEM_TYPES, slug);
}

export function problem(status: number, slug: ProblemSlug, detail?: Text, errors?: FieldProblem[]): ProblemError {
  return new ProblemError({ slug, status, ...(detail ? { detail } : {}), ...(errors ? { errors } : {}) });
}

export function campaignNotFound(campaignId: string): ProblemError {
  return problem(404, 'campaign-not-found', { en: `no campaign ${campaignId}`, vi: `Không có chiến dịch ${campaignId}` });
}

/** The path of a problem type's page under the public base URL. */
export function problemTypePath(slug: string): string {
  return `/problems/${slug}`;
}

/**
 * The language of a response: the supported one the client prefers most (`Accept-Language` with q-values;
 * `en-US` counts as `en`), Vietnamese when it names none of them.
 */
export function languageOf(acceptLanguage: string | undefined): Language {
  let best: { language: Language; q: number } | undefined;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const language = LANGUAGES.find((l) => range === l || range.startsWith(`${l}-`));
    if (!language) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (Number.isFinite(q) && q > 0 && (best === undefined || q > best.q)) best = { language, q };
  }
  return best?.language ?? 'vi';
}

export function localise(p: Problem, language: Language, publicBaseUrl: string, instance?: string): ProblemBody {
  return {
    type: `${publicBaseUrl}${problemTypePath(p.slug)}`,
    title: PROBLEM_TYPES[p.slug].title[language],
    status: p.status,
    ...(p.detail ? { detail: p.detail[language] } : {}),
    ...(instance !== undefined ? { instance } : {}),
    ...(p.errors ? { errors: p.errors.map(({ reason, ...e }) => ({ ...e, reason: reason[language] })) } : {}),
  };
}

export function sendProblem(reply: FastifyReply, p: Problem, publicBaseUrl: string): FastifyReply {
  const language = languageOf(reply.request.headers['accept-language']);
  return sendProblemBody(reply, localise(p, language, publicBaseUrl), language);
}

/** A problem already in the request's language (one answered by another route through `inject`), sent as this request's. */
export function sendProblemBody(
  reply: FastifyReply,
  body: ProblemBody,
  language: Language = languageOf(reply.request.headers['accept-language']),
): FastifyReply {
  // Added to what a route may have said varies already (the codec routes' Origin).
  const vary = reply.getHeader('vary');
  return reply
    .code(body.status)
    .type('application/problem+json')
    .header('content-language', language)
    .header('vary', vary ? `${String(vary)}, Accept-Language` : 'Accept-Language')
    .send({ ...body, instance: reply.request.url });
}

/** The headers a request forwards to a route it calls through `inject`, so the answer comes in its language. */
export function languageHeader(request: FastifyRequest): Record<string, string> {
  const value = request.headers['accept-language'];
  return value ? { 'accept-language': value } : {};
}
