import { randomInt, randomUUID } from 'node:crypto';
import { bacNinh2025Tree } from '../../domain/samples/bac-ninh-2025';
import { addDays, vietnamDateOf } from '../../domain/schedule';
import { eventually } from '../helpers/campaign';
import { plan202 } from '../fixtures/plans';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { followOperation } from '../helpers/http';

/** Reports and steering over HTTP, with tokens of each role, against the real servers. */
describe('HTTP reports and steering: scope, idempotency, refusals', () => {
  let danvan: DanvanUnderTest;
  let baseUrl: string;
  const tokens: Record<string, string> = {};

  const tree = bacNinh2025Tree();
  const [communeA, communeB] = tree.filter((u) => u.kind === 'commune') as [(typeof tree)[0], (typeof tree)[0]];
  const cellA = tree.find((u) => u.parent === communeA.code)!;
  const cellB = tree.find((u) => u.parent === communeB.code)!;
  const today = vietnamDateOf(new Date());
  const plan = plan202({
    number: `${randomInt(1_000, 99_999)}-KH/BDVTU`,
    issuer: { unitCode: 'BN', name: 'Ban Dân vận Tỉnh ủy Bắc Ninh' },
    year: Number(today.slice(0, 4)),
    issuedOn: addDays(today, -20),
    window: { opensOn: addDays(today, -10), closesOn: addDays(today, 20) },
  });
  const campaignId = `BN-${plan.year}-${plan.number.replace('/', '-')}`;

  const call = (method: string, path: string, token: string | undefined, body?: unknown, key: string | null = randomUUID(), language?: string) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(language ? { 'accept-language': language } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const unitPath = (unitCode: string, rest = '') => `/v1/campaigns/${campaignId}/units/${unitCode}${rest}`;
  const session = { heldOn: today, membersPresent: 14, membersTotal: 15 };

  beforeAll(async () => {
    danvan = await startDanvan('reports');
    baseUrl = danvan.baseUrl;
    tokens.admin = await danvan.token({ sub: 'admin-bn', role: 'admin' });
    tokens.viewer = await danvan.token({ sub: 'viewer-bn', role: 'viewer' });
    tokens.reporterA = await danvan.token({ sub: 'bt-a', role: 'reporter', unit: communeA.code });
    tokens.council = await danvan.token({ sub: 'hd-bn', role: 'council', unit: 'BN' });
  });

  afterAll(async () => {
    await danvan?.stop();
  });

  it('issues and deploys over HTTP; the window is open, so the campaign moves to in-progress', async () => {
    expect((await call('POST', '/v1/campaigns', tokens.admin, { plan, tree: { sample: 'bac-ninh-2025' } })).status).toBe(201);
    const deployed = await call('POST', `/v1/campaigns/${campaignId}/deploy`, tokens.admin, { reason: 'triển khai' });
    expect(deployed.status).toBe(202);
    const { href } = (await deployed.json()) as { href: string };
    const { last } = await followOperation(async (path) => {
      const answer = await call('GET', path, tokens.admin);
      return { status: answer.status, body: (await answer.json()) as Record<string, any> };
    }, href);
    // The window is already open: by the time every unit workflow runs, the clock may have moved the phase on.
    expect(last).toMatchObject({ status: 'succeeded', result: { phase: expect.stringMatching(/^(deployed|in-progress)$/), deployedAt: expect.any(String) } });
    await eventually(
      async () => ((await (await call('GET', unitPath(communeA.code), tokens.admin)).json()) as { phase: string }).phase,
      (phase) => phase === 'in-progress',
    );
  });

  it('takes a reporter’s study session for a chi bộ of their commune, once per idempotency key', async () => {
    const key = randomUUID();
    const first = await call('POST', unitPath(cellA.code, '/study-sessions'), tokens.reporterA, session, key);
    expect(first.status).toBe(201);
    const answer = await first.json();
    expect(answer).toEqual({ kind: 'study-session', unitCode: cellA.code, late: false });
    const again = await call('POST', unitPath(cellA.code, '/study-sessions'), tokens.reporterA, session, key);
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(answer);
    const other = await call('POST', unitPath(cellA.code, '/study-sessions'), tokens.reporterA, { ...session, membersPresent: 13 }, key);
    expect(other.status).toBe(409);
    expect(((await other.json()) as { type: string }).type).toMatch(/idempotency-conflict$/);
    const unit = (await (await call('GET', unitPath(cellA.code), tokens.reporterA)).json()) as { units: Array<{ code: string; studySession?: unknown }> };
    expect(unit.units).toEqual([expect.objectContaining({ code: cellA.code, studySession: expect.objectContaining({ membersPresent: 14 }) })]);
  });

  it('takes a catalogue activity from a commune reporter, and refuses a bad one naming the field, changing nothing', async () => {
    const inspection = { activity: 'inspection-supervision', heldOn: today, measures: { count: 14, partyOrganisations: 18, partyMembers: 11 } };
    const accepted = await call('POST', unitPath(communeA.code, '/activities'), tokens.reporterA, inspection);
    expect(accepted.status).toBe(201);
    expect(await accepted.json()).toEqual({ kind: 'activity', unitCode: communeA.code, id: 'A1', late: false });
    // The commune's totals and its ledger, which holds its chi bộ too: what a refused report must leave as it was.
    const state = async () => {
      const snapshot = (await (await call('GET', unitPath(communeA.code), tokens.reporterA)).json()) as { progress: { activities?: unknown }; units: unknown };
      return { activities: snapshot.progress.activities, units: snapshot.units };
    };
    const before = await state();
    expect(before.activities).toEqual({ 'inspection-supervision': { reports: 1, measures: inspection.measures } });

    // [what, unit, body, status, the field the problem names]: schema faults are 400s, catalogue and calendar rules 422s.
    const refusals: Array<[string, string, unknown, number, string]> = [
      ['an unknown activity', communeA.code, { ...inspection, activity: 'trong-cay' }, 400, 'body.activity'],
      ['a kind a chi bộ does not report', cellA.code, { ...inspection, activity: 'documents-issued', measures: { count: 3 } }, 422, 'unitCode'],
      ['an unknown measure', communeA.code, { ...inspection, measures: { ...inspection.measures, sheep: 2 } }, 400, 'body.measures.sheep'],
      ['a measure of another kind', communeA.code, { ...inspection, measures: { ...inspection.measures, houses: 2 } }, 422, 'report.measures.houses'],
      ['a negative measure', communeA.code, { ...inspection, measures: { ...inspection.measures, partyMembers: -11 } }, 400, 'body.measures.partyMembers'],
      ['an absurd measure', communeA.code, { ...inspection, measures: { ...inspection.measures, count: 14_000_000 } }, 400, 'body.measures.count'],
      ['a day in the future', communeA.code, { ...inspection, heldOn: addDays(today, 3) }, 422, 'report.heldOn'],
      ['a day that does not exist', communeA.code, { ...inspection, heldOn: '2024-02-30' }, 400, 'body.heldOn'],
    ];
    for (const [what, unit, body, status, field] of refusals) {
      const refused = await call('POST', unitPath(unit, '/activities'), tokens.reporterA, body);
      const problem = (await refused.json()) as { errors?: Array<{ field: string; reason: string }> };
      expect({
        what,
        status: refused.status,
        type: refused.headers.get('content-type'),
        fields: problem.errors?.map((e) => e.field),
        reasons: problem.errors?.every((e) => e.reason.length > 0),
      }).toEqual({
        what,
        status,
        type: expect.stringContaining('application/problem+json'),
        fields: [field],
        reasons: true,
      });
    }
    expect(await state()).toEqual(before);
  });

  it('refuses what a reporter may not do: another commune (403), reads outside their scope (403), no token (401)', async () => {
    expect((await call('POST', unitPath(cellB.code, '/study-sessions'), tokens.reporterA, session)).status).toBe(403);
    expect((await call('GET', unitPath(communeB.code), tokens.reporterA)).status).toBe(403);
    expect((await call('GET', unitPath(communeB.code), tokens.viewer)).status).toBe(200);
    expect((await call('POST', unitPath(cellA.code, '/study-sessions'), undefined, session)).status).toBe(401);
    expect((await call('POST', `/v1/campaigns/${campaignId}/deploy`, tokens.reporterA, {})).status).toBe(403);
  });

  it('answers refusals as problem details: 400 without Idempotency-Key, 404 unknown unit or campaign, 422 a domain rule, 409 an illegal move', async () => {
    const noKey = await call('POST', unitPath(cellA.code, '/study-sessions'), tokens.admin, session, null);
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe('headers.idempotency-key');
    expect((await call('POST', unitPath('BN-NOWHERE', '/study-sessions'), tokens.admin, session)).status).toBe(404);
    expect((await call('GET', `/v1/campaigns/BN-${plan.year}-1-KH-BDVTU/units/BN`, tokens.admin)).status).toBe(404);

    const commune = await call('POST', unitPath(communeA.code, '/study-sessions'), tokens.admin, session);
    expect(commune.status).toBe(422);
    expect(commune.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await commune.json()) as { title: string; detail: string; errors: Array<{ field: string; value: unknown; reason: string }> };
    expect(problem.title).toBe('Vi phạm quy tắc nghiệp vụ');
    expect(problem.detail).toMatch(/không thuộc diện báo cáo/);
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'unitCode', value: communeA.code, reason: problem.detail })]);
    const inEnglish = (await (
      await call('POST', unitPath(communeA.code, '/study-sessions'), tokens.admin, session, randomUUID(), 'en')
    ).json()) as typeof problem;
    expect(inEnglish).toMatchObject({ title: 'Refused by a domain rule', detail: expect.stringMatching(/study-session reports come from chi bộ/) });

    const skip = await call('POST', `/v1/campaigns/${campaignId}/phase`, tokens.admin, { to: 'closed', reason: 'đóng sớm' }, randomUUID(), 'en');
    expect(skip.status).toBe(409);
    expect(((await skip.json()) as { detail: string }).detail).toBe('from in-progress the next phase is assessment, not closed');

    const impossible = await call('POST', unitPath(cellA.code, '/study-sessions'), tokens.admin, { ...session, membersPresent: 40, membersTotal: 30 });
    expect(impossible.status).toBe(400);
  });

  it('lets the council assess only in the assessment phase, and admins extend deadlines', async () => {
    const model = await call('POST', unitPath(communeA.code, '/models'), tokens.reporterA, {
      name: 'Dân vận khéo trong chuyển đổi số',
      field: 'political-system',
      registeredOn: today,
    });
    expect(model.status).toBe(201);
    const { id } = (await model.json()) as { id: string };
    const early = await call('POST', unitPath(communeA.code, `/models/${id}/assessment`), tokens.council, { action: 'assess', score: 90, remarks: 'Tốt' });
    expect(early.status).toBe(409);
    expect(
      (await call('POST', unitPath(communeA.code, `/models/${id}/assessment`), tokens.reporterA, { action: 'assess', score: 90, remarks: 'Tốt' })).status,
    ).toBe(403);

    const extensionKey = randomUUID();
    const extendBy = (days: number) =>
      call(
        'POST',
        `/v1/campaigns/${campaignId}/deadlines/dialogues/extension`,
        tokens.admin,
        { to: addDays(plan.window.closesOn, days), reason: 'mưa lũ' },
        extensionKey,
      );
    const extended = await extendBy(3);
    expect(extended.status).toBe(200);
    // The same key again: the first answer, no second extension; the same key for another date: refused.
    expect((await extendBy(3)).status).toBe(200);
    const otherDate = await extendBy(5);
    expect(otherDate.status).toBe(409);
    expect(await otherDate.json()).toMatchObject({
      type: expect.stringMatching(/idempotency-conflict$/),
      errors: [{ field: 'headers.idempotency-key', value: extensionKey }],
    });
    expect(((await extended.json()) as { deadlines: Record<string, string> }).deadlines.dialogues).toBe(addDays(plan.window.closesOn, 3));
    const after = (await (await call('GET', `/v1/campaigns/${campaignId}`, tokens.admin)).json()) as { deadlines: Record<string, string> };
    expect(after.deadlines.dialogues).toBe(addDays(plan.window.closesOn, 3));

    expect((await call('POST', `/v1/campaigns/${campaignId}/phase`, tokens.admin, { to: 'assessment', reason: 'thẩm định' })).status).toBe(200);
    await eventually(
      async () => ((await (await call('GET', unitPath(communeA.code), tokens.admin)).json()) as { phase: string }).phase,
      (phase) => phase === 'assessment',
    );
    const assessed = await call('POST', unitPath(communeA.code, `/models/${id}/assessment`), tokens.council, { action: 'assess', score: 90, remarks: 'Tốt' });
    expect(assessed.status).toBe(201);
    expect(await assessed.json()).toMatchObject({ id, stage: 'assessed' });
  });

  it('takes the resolution of a petition still open after closing, then refuses reports once nothing is left open', async () => {
    const recorded = await call('POST', unitPath(communeA.code, '/petitions'), tokens.reporterA, {
      kind: 'kien-nghi',
      content: 'Đề nghị lắp đặt hệ thống chiếu sáng tuyến đường liên thôn',
      receivedOn: today,
    });
    expect(recorded.status).toBe(201);
    const { id } = (await recorded.json()) as { id: string };
    for (const to of ['commendation', 'closed']) {
      expect((await call('POST', `/v1/campaigns/${campaignId}/phase`, tokens.admin, { to, reason: 'kết thúc' })).status).toBe(200);
    }
    const resolve = () => call('PATCH', unitPath(communeA.code, `/petitions/${id}`), tokens.reporterA, { resolvedOn: today, outcome: 'UBND xã đã lắp đặt' });
    const resolved = await resolve();
    expect(resolved.status).toBe(201);
    expect(await resolved.json()).toMatchObject({ id, status: 'resolved' });
    const snapshot = (await (await call('GET', `/v1/campaigns/${campaignId}`, tokens.admin)).json()) as { phase: string };
    expect(snapshot.phase).toBe('closed');
    // Nothing open any more: the commune's workflow finishes, and a report to it is told the campaign is over.
    const late = await eventually(
      async () => {
        const answer = await resolve();
        return { status: answer.status, body: (await answer.json()) as { type: string; detail: string } };
      },
      (answer) => answer.body.type.endsWith('campaign-finished'),
      60_000,
    );
    expect(late).toMatchObject({ status: 409, body: { detail: expect.stringContaining('mọi kiến nghị đã được giải quyết') } });
  });
});
