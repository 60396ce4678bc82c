import { z } from 'zod';
import { languageOf, localise, PROBLEM_TYPES, problem } from '../../api/problems';
import { issueReason } from '../../api/validation-text';
import { planNumberSchema, studySessionSchema } from '../../domain/schemas';

/** Vietnamese letters English never has: a reason in English must have none of them. */
const VIETNAMESE = /[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]/i;

/** Every issue a schema reports, as fastify-type-provider-zod hands it to the error handler, with its reason in both languages. */
function reasonsOf(schema: z.ZodType, input: unknown) {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected the input to fail');
  return parsed.error.issues.map(({ path, code, message, ...params }) => {
    let value: unknown = input;
    for (const key of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
    return { field: path.join('.'), ...issueReason({ keyword: code, message, params }, value) };
  });
}

describe('problem details in one language (Accept-Language)', () => {
  it.each([
    [undefined, 'vi'],
    ['', 'vi'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['vi-VN, en;q=0.8', 'vi'],
    ['fr-FR, en;q=0.5, vi;q=0.7', 'vi'],
    ['fr, de', 'vi'],
    ['en;q=0, vi;q=0.1', 'vi'],
    ['*', 'vi'],
  ])('Accept-Language %p answers in %s', (header, language) => {
    expect(languageOf(header)).toBe(language);
  });

  it('writes title, detail and every reason in the chosen language, the type a URL under the public base', () => {
    const p = problem(403, 'forbidden', { en: 'role viewer may not campaign:issue', vi: 'Vai trò viewer không được phép campaign:issue' }, [
      { field: 'role', value: 'viewer', reason: { en: 'read only', vi: 'chỉ được xem' } },
    ]).problem;
    expect(localise(p, 'vi', 'https://danvan.example.org', '/v1/campaigns')).toEqual({
      type: 'https://danvan.example.org/problems/forbidden',
      title: 'Không có quyền',
      status: 403,
      detail: 'Vai trò viewer không được phép campaign:issue',
      instance: '/v1/campaigns',
      errors: [{ field: 'role', value: 'viewer', reason: 'chỉ được xem' }],
    });
    expect(localise(p, 'en', 'http://127.0.0.1:3000')).toMatchObject({
      type: 'http://127.0.0.1:3000/problems/forbidden',
      title: 'Forbidden',
      detail: 'role viewer may not campaign:issue',
    });
    for (const { title, description } of Object.values(PROBLEM_TYPES)) {
      expect(title.en).not.toMatch(VIETNAMESE);
      expect(description.en).not.toMatch(VIETNAMESE);
      expect(`${title.vi} ${description.vi}`).toMatch(VIETNAMESE);
    }
  });
});

describe('schema errors in Vietnamese (api/validation-text.ts)', () => {
  const body = z.strictObject({
    plan: z.object({
      number: planNumberSchema,
      year: z.number().int().min(1930).max(2100),
      kind: z.enum(['thang-dan-van', 'dan-van-kheo']),
      title: z.string().min(3),
    }),
    tags: z.array(z.string()).max(1),
    site: z.url(),
  });

  it('translates the common issue kinds and keeps the field paths; the English stays zod’s or the schema’s', () => {
    const reasons = reasonsOf(body, {
      plan: { number: '202/BDVTU', year: 1900, kind: 'tet', title: 'x' },
      tags: ['a', 'b'],
      site: 'not a url',
      sheep: 3,
    });
    expect(reasons).toEqual([
      { field: 'plan.number', en: 'expected a plan number like 202-KH/BDVTU', vi: 'sai định dạng, ví dụ đúng: 202-KH/BDVTU' },
      { field: 'plan.year', en: expect.stringMatching(/>=1930/), vi: 'phải lớn hơn hoặc bằng 1930' },
      { field: 'plan.kind', en: expect.stringContaining('"thang-dan-van"|"dan-van-kheo"'), vi: 'phải là một trong: "thang-dan-van", "dan-van-kheo"' },
      { field: 'plan.title', en: expect.stringMatching(/>=3 characters/), vi: 'dài ít nhất 3 ký tự' },
      { field: 'tags', en: expect.stringMatching(/<=1 items/), vi: 'có tối đa 1 phần tử' },
      { field: 'site', en: 'Invalid URL', vi: 'phải là một URL' },
      { field: '', en: expect.stringContaining('sheep'), vi: 'trường không có trong lược đồ, không được phép gửi' },
    ]);
    expect(reasonsOf(body, { plan: {} })).toEqual(
      expect.arrayContaining([
        { field: 'plan.number', en: expect.stringContaining('expected string, received undefined'), vi: 'bắt buộc (chuỗi ký tự) nhưng không có' },
        { field: 'tags', en: expect.any(String), vi: 'bắt buộc (danh sách) nhưng không có' },
      ]),
    );
    expect(reasonsOf(body.shape.plan.shape.year, '2024')).toEqual([
      { field: '', en: 'Invalid input: expected number, received string', vi: 'phải là số, nhận được "2024"' },
    ]);
    for (const reason of [...reasons, ...reasonsOf(body, { plan: {} })]) expect(reason.vi).toMatch(VIETNAMESE);
  });

  it('uses a refinement’s own Vietnamese where the domain gives one', () => {
    expect(reasonsOf(studySessionSchema, { heldOn: '2024-02-30', membersPresent: 40, membersTotal: 30 })).toEqual([
      { field: 'heldOn', en: 'expected a calendar date YYYY-MM-DD, e.g. 2024-09-06', vi: 'phải là một ngày có thật dạng YYYY-MM-DD, ví dụ 2024-09-06' },
      { field: 'membersPresent', en: 'more members present than the chi bộ has', vi: 'số đảng viên có mặt nhiều hơn số đảng viên của chi bộ' },
    ]);
  });
});
