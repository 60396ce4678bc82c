import { describeValue } from '../domain/describe-value';
import type { Text } from './problems';

/**
 * Why a value failed its schema, in both languages. zod writes English: its own words for the common issue kinds,
 * or the schema's message (`expected a plan number like 202-KH/BDVTU`). The Vietnamese is written here from the
 * issue's kind and parameters, so every kind reads in Vietnamese whatever message the schema chose; a refinement
 * may give its own Vietnamese as `params.vi` (domain/schemas.ts does for the ones reporters meet).
 */

/** A schema failure as fastify-type-provider-zod reports it: the zod issue's code as `keyword`, the rest of it in `params`. */
export interface ValidationIssue {
  keyword: string;
  message?: string | undefined;
  params: Record<string, unknown>;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'chuỗi ký tự',
  number: 'số',
  int: 'số nguyên',
  bigint: 'số nguyên',
  boolean: 'true hoặc false',
  object: 'đối tượng JSON',
  array: 'danh sách',
  date: 'ngày',
  null: 'null',
  undefined: 'để trống',
};

const FORMAT_NAMES: Record<string, string> = {
  url: 'một URL',
  email: 'một địa chỉ email',
  uuid: 'một UUID',
  date: 'một ngày dạng YYYY-MM-DD',
  datetime: 'một thời điểm ISO 8601',
  base64: 'một chuỗi base64',
  base64url: 'một chuỗi base64url',
};

const quote = (value: unknown) => (typeof value === 'string' ? `"${value}"` : String(value));

/** The example an English message gives (`… like 202-KH/BDVTU`, `… e.g. 2024-09-06`), to show in Vietnamese too. */
function exampleIn(message: string | undefined): string | undefined {
  return /\b(?:like|e\.g\.) ("[^"]+"|\S+)/.exec(message ?? '')?.[1]?.replace(/[,.;]$/, '');
}

function bound(issue: ValidationIssue, big: boolean): string {
  const limit = String(big ? issue.params.maximum : issue.params.minimum);
  const inclusive = issue.params.inclusive !== false;
  switch (issue.params.origin) {
    case 'string':
      return big ? `dài tối đa ${limit} ký tự` : `dài ít nhất ${limit} ký tự`;
    case 'array':
    case 'set':
      return big ? `có tối đa ${limit} phần tử` : `có ít nhất ${limit} phần tử`;
    case 'date':
      return big ? `không được sau ${limit}` : `không được trước ${limit}`;
    default:
      if (big) return inclusive ? `phải nhỏ hơn hoặc bằng ${limit}` : `phải nhỏ hơn ${limit}`;
      return inclusive ? `phải lớn hơn hoặc bằng ${limit}` : `phải lớn hơn ${limit}`;
  }
}

function vietnamese(issue: ValidationIssue, value: unknown): string {
  const own = (issue.params.params as { vi?: unknown } | undefined)?.vi;
  if (typeof own === 'string') return own;
  const p = issue.params;
  switch (issue.keyword) {
    case 'invalid_type': {
      const expected = TYPE_NAMES[String(p.expected)] ?? String(p.expected);
      return value === undefined ? `bắt buộc (${expected}) nhưng không có` : `phải là ${expected}, nhận được ${describeValue(value)}`;
    }
    case 'too_small':
      return bound(issue, false);
    case 'too_big':
      return bound(issue, true);
    case 'invalid_value': {
      const values = Array.isArray(p.values) ? p.values : [];
      return values.length === 1 ? `phải là ${quote(values[0])}` : `phải là một trong: ${values.map(quote).join(', ')}`;
    }
    case 'invalid_format': {
      const example = exampleIn(issue.message);
      if (p.format === 'regex' || p.format === undefined)
        return example ? `sai định dạng, ví dụ đúng: ${example}` : `sai định dạng (phải khớp mẫu ${String(p.pattern)})`;
      if (p.format === 'starts_with') return `phải bắt đầu bằng "${String(p.prefix)}"`;
      if (p.format === 'ends_with') return `phải kết thúc bằng "${String(p.suffix)}"`;
      if (p.format === 'includes') return `phải chứa "${String(p.includes)}"`;
      return `phải là ${FORMAT_NAMES[String(p.format)] ?? String(p.format)}${example ? `, ví dụ ${example}` : ''}`;
    }
    case 'unrecognized_keys':
      return 'trường không có trong lược đồ, không được phép gửi';
    case 'not_multiple_of':
      return `phải là bội số của ${String(p.divisor)}`;
    case 'invalid_union': {
      // The one union a request meets with its own message is the plan template's: it lists the shipped templates.
      const templates = /^expected a shipped plan template: (.+), or no template and the plan given whole$/.exec(issue.message ?? '')?.[1];
      return templates ? `phải là một mẫu kế hoạch có sẵn: ${templates}, hoặc không có template và gửi cả kế hoạch` : 'không khớp dạng nào được chấp nhận';
    }
    case 'invalid_key':
      return 'có khóa không hợp lệ';
    case 'invalid_element':
      return 'có phần tử không hợp lệ';
    default: {
      const example = exampleIn(issue.message);
      return example ? `không hợp lệ, ví dụ đúng: ${example}` : 'không thỏa điều kiện của trường này';
    }
  }
}

/** Why `value` failed: zod's (or the schema's) English, and the Vietnamese for the same issue. */
export function issueReason(issue: ValidationIssue, value: unknown): Text {
  return { en: issue.message ?? 'invalid', vi: vietnamese(issue, value) };
}
