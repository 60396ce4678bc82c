import { randomInt, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Principal } from '../../api/auth';
import { EXAMPLE_PLAN, EXAMPLE_TEMPLATE_ISSUE } from '../../api/examples';
import { KICK_OFF_TAGS } from '../../api/schedule-routes';
import { campaignIdFor } from '../../domain/plan';
import { bacNinh2025Tree } from '../../domain/samples/bac-ninh-2025';
import { addDays, vietnamDateOf } from '../../domain/schedule';
import type { Unit } from '../../domain/units';
import { bacNinhPlanOpenToday } from '../fixtures/plans';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { followOperation } from '../helpers/http';

/**
 * Campaigns driven over HTTP only, as their users would: the walk-through the OpenAPI document shows, request by
 * request, and a whole campaign from plan to closing with a token for each role.
 */
let danvan: DanvanUnderTest;

beforeAll(async () => {
  danvan = await startDanvan('walkthrough');
});

afterAll(async () => {
  await danvan?.stop();
});

async function call(method: string, path: string, principal: Principal | undefined, body?: unknown) {
  const token = principal ? await danvan.token(principal) : undefined;
  const response = await fetch(`${danvan.baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
}

const admin: Principal = { sub: 'admin-tinh', role: 'admin' };
const councilOf = (province: string): Principal => ({ sub: `hoi-dong-${province.toLowerCase()}`, role: 'council', unit: province });
const viewer: Principal = { sub: 'bao-cao-vien', role: 'viewer' };
const reporterOf = (unit: string): Principal => ({ sub: `bt-${unit.toLowerCase()}`, role: 'reporter', unit });

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Moves every calendar date in a documented example by `days`, leaving everything else as documented. */
function shiftDates<T>(value: T, days: number): T {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return addDays(value, days) as T;
  if (Array.isArray(value)) return value.map((v) => shiftDates(v, days)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftDates(v, days)])) as T;
  return value;
}

interface Operation {
  method: string;
  path: string;
  tags?: string[];
  parameters?: Array<{ in: string; name: string; example?: string }>;
  requestBody?: { content: { 'application/json': { example?: unknown; examples?: Record<string, { value: unknown }> } } };
}

describe('the OpenAPI walk-through, request by request', () => {
  it('accepts every documented example in the order the document tells it', async () => {
    const spec = (await (await fetch(`${danvan.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
    };
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path }) as Operation),
    );
    // The yearly kick-off's examples are a story of their own, sent in test/integration/yearly-schedule.test.ts.
    const writes = operations.filter((op) => op.requestBody && !op.tags?.some((tag) => (KICK_OFF_TAGS as readonly string[]).includes(tag)));
    // One example is documented as `example`, several as named `examples`.
    const examplesOf = (op: Operation) => {
      const media = op.requestBody!.content['application/json'];
      return media.example !== undefined ? [media.example] : Object.values(media.examples ?? {}).map((e) => e.value);
    };
    expect(writes.filter((op) => examplesOf(op).length === 0).map((op) => `${op.method} ${op.path}`)).toEqual([]);

    // The examples are the 2024 campaign. Dates move so that its October window is open today, and the plan gets a
    // fresh number so reruns against long-lived servers stay apart; every other value is sent as documented.
    const today = vietnamDateOf(new Date());
    const shift = daysBetween(EXAMPLE_PLAN.window.opensOn, addDays(today, -14));
    const shiftedPlan = { ...shiftDates(EXAMPLE_PLAN, shift), number: `${randomInt(1_000, 99_999)}-KH/BDVTU` };
    shiftedPlan.year = Number(shiftedPlan.window.opensOn.slice(0, 4));
    const campaignId = campaignIdFor(shiftedPlan);

    const find = (method: string, suffix: string) => {
      const op = writes.find((o) => o.method === method && o.path.endsWith(suffix));
      if (!op) throw new Error(`no documented ${method} …${suffix}`);
      return op;
    };
    const urlOf = (op: Operation) =>
      op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        if (name === 'campaignId') return campaignId;
        const example = op.parameters?.find((p) => p.in === 'path' && p.name === name)?.example;
        if (example === undefined) throw new Error(`${op.method} ${op.path}: no example for path parameter ${name}`);
        return example;
      });
    const unitOf = (op: Operation) => op.parameters?.find((p) => p.name === 'unitCode')?.example;

    const sent = new Set<string>();
    const send = async (op: Operation, index: number, as: Principal) => {
      const example = examplesOf(op)[index];
      // The template example is a campaign of its own: sent as documented, under a fresh number.
      const body =
        op.path !== '/v1/campaigns'
          ? shiftDates(example, shift)
          : 'template' in (example as object)
            ? { ...EXAMPLE_TEMPLATE_ISSUE, plan: { ...EXAMPLE_TEMPLATE_ISSUE.plan, number: `${randomInt(1_000, 99_999)}-KH/BDVQU` } }
            : { ...(example as object), plan: shiftedPlan };
      const answer = await call(op.method, urlOf(op), as, body);
      expect({
        request: `${op.method} ${urlOf(op)} example ${index + 1}`,
        status: answer.status,
        problem: answer.status >= 300 ? answer.body : undefined,
      }).toEqual({
        request: `${op.method} ${urlOf(op)} example ${index + 1}`,
        status: op.path === '/v1/campaigns' || op.path.includes('/units/') ? 201 : op.path.endsWith('/deploy') ? 202 : 200,
        problem: undefined,
      });
      sent.add(`${op.method} ${op.path} #${index}`);
      return answer.body;
    };
    const sendAll = async (op: Operation, as: Principal) => {
      for (let i = 0; i < examplesOf(op).length; i++) await send(op, i, as);
    };
    const phaseOp = find('POST', '/phase');
    const commune = unitOf(find('POST', '/dialogues'))!;
    const movePhase = async (index: number) => {
      await send(phaseOp, index, admin);
      const wanted = (examplesOf(phaseOp)[index] as { to: string }).to;
      await eventually(
        async () => (await call('GET', `/v1/campaigns/${campaignId}/units/${commune}`, admin)).body.phase,
        (phase) => phase === wanted,
      );
    };

    await sendAll(find('POST', '/v1/campaigns'), admin);
    await sendAll(find('POST', '/deploy'), admin);
    await eventually(
      async () => (await call('GET', `/v1/campaigns/${campaignId}/units/${commune}`, admin)).body.phase,
      (phase) => phase === 'in-progress',
    );
    const reporter = reporterOf(commune);
    for (const suffix of ['/study-sessions', '/dialogues', '/activities', '/petitions', '/models']) await sendAll(find('POST', suffix), reporter);
    await sendAll(find('PATCH', '/petitions/{petitionId}'), reporter);
    await sendAll(find('POST', '/extension'), admin);
    await movePhase(0);
    await sendAll(find('POST', '/assessment'), councilOf(EXAMPLE_PLAN.issuer.unitCode));
    await movePhase(1);
    await sendAll(find('POST', '/commendation'), admin);
    await sendAll(find('POST', '/commendations'), admin);
    for (const op of ['decode', 'encode']) await sendAll(find('POST', `/v1/codec/${op}`), admin);
    await movePhase(2);

    const documented = writes.flatMap((op) => examplesOf(op).map((_e, i) => `${op.method} ${op.path} #${i}`));
    expect([...sent].sort()).toEqual(documented.sort());
    const final = (await call('GET', `/v1/campaigns/${campaignId}`, viewer)).body;
    expect(final).toMatchObject({
      phase: 'closed',
      progress: {
        dialogues: { conferences: 1, attendance: 157 },
        activities: { 'inspection-supervision': { reports: 1, measures: { count: 14, partyOrganisations: 18, partyMembers: 11 } } },
      },
    });
  });
});

describe('a whole campaign over HTTP, with a token for each role', () => {
  const tree = bacNinh2025Tree();
  const communes = tree.filter((u) => u.kind === 'commune');
  const cellsOf = (commune: Unit) => tree.filter((u) => u.parent === commune.code);
  const today = vietnamDateOf(new Date());
  const plan = bacNinhPlanOpenToday(today);
  const campaignId = campaignIdFor(plan);
  const campaignPath = `/v1/campaigns/${campaignId}`;
  const unitPath = (unit: string, rest = '') => `${campaignPath}/units/${unit}${rest}`;
  const heldOn = addDays(today, -2);

  it('goes from plan to closing, and every figure is what the units reported', async () => {
    expect((await call('POST', '/v1/campaigns', admin, { plan, tree: { sample: 'bac-ninh-2025' } })).status).toBe(201);
    const deployed = await call('POST', `${campaignPath}/deploy`, admin, { reason: 'triển khai' });
    expect(deployed.status).toBe(202);
    expect((await followOperation((path) => call('GET', path, viewer), deployed.body.href)).last.status).toBe('succeeded');
    await eventually(
      async () => (await call('GET', campaignPath, viewer)).body.phase,
      (phase) => phase === 'in-progress',
    );

    // Every chi bộ holds its session: the province's reporter reports for the first commune's chi bộ (a unit
    // below theirs), each other commune's reporter for its own.
    let membersPresent = 0;
    let membersTotal = 0;
    for (const [i, commune] of communes.entries()) {
      const as = i === 0 ? reporterOf('BN') : reporterOf(commune.code);
      for (const [j, cell] of cellsOf(commune).entries()) {
        const session = { heldOn, membersPresent: 10 + j, membersTotal: 12 + j };
        membersPresent += session.membersPresent;
        membersTotal += session.membersTotal;
        expect((await call('POST', unitPath(cell.code, '/study-sessions'), as, session)).status).toBe(201);
      }
    }
    // Seven communes hold their dialogue conference; one hears a kiến nghị it resolves and a khiếu nại still open.
    const dialogueCommunes = communes.slice(0, 7);
    let attendance = 0;
    for (const [i, commune] of dialogueCommunes.entries()) {
      attendance += 120 + i * 17;
      expect(
        (
          await call('POST', unitPath(commune.code, '/dialogues'), reporterOf(commune.code), {
            heldOn,
            topic: 'Đối thoại với Nhân dân về đất đai, môi trường',
            attendance: 120 + i * 17,
          })
        ).status,
      ).toBe(201);
    }
    const first = communes[0]!.code;
    const kienNghi = await call('POST', unitPath(first, '/petitions'), reporterOf(first), {
      kind: 'kien-nghi',
      content: 'Đề nghị lắp đèn chiếu sáng đường thôn',
      receivedOn: heldOn,
    });
    expect(kienNghi.status).toBe(201);
    expect(
      (
        await call('POST', unitPath(first, '/petitions'), reporterOf(first), {
          kind: 'khieu-nai',
          content: 'Khiếu nại về mức bồi thường đất',
          receivedOn: heldOn,
        })
      ).status,
    ).toBe(201);
    expect(
      (await call('PATCH', unitPath(first, `/petitions/${kienNghi.body.id}`), reporterOf(first), { resolvedOn: today, outcome: 'Đã lắp đặt 20 bóng đèn' }))
        .status,
    ).toBe(201);
    // Three communes register a "Dân vận khéo" model.
    const modelCommunes = communes.slice(0, 3);
    const modelIds: string[] = [];
    for (const commune of modelCommunes) {
      const model = await call('POST', unitPath(commune.code, '/models'), reporterOf(commune.code), {
        name: `Dân vận khéo ở ${commune.name}`,
        field: 'economy',
        registeredOn: heldOn,
      });
      expect(model.status).toBe(201);
      modelIds.push(model.body.id);
    }
    // A reporter cannot reach another commune, nor steer the campaign; a viewer cannot write.
    expect(
      (
        await call('POST', unitPath(cellsOf(communes[1]!)[0]!.code, '/study-sessions'), reporterOf(communes[2]!.code), {
          heldOn,
          membersPresent: 1,
          membersTotal: 2,
        })
      ).status,
    ).toBe(403);
    expect((await call('POST', `${campaignPath}/phase`, reporterOf(first), { to: 'assessment', reason: 'x' })).status).toBe(403);
    expect((await call('POST', unitPath(first, '/dialogues'), viewer, { heldOn, topic: 'x', attendance: 1 })).status).toBe(403);

    const cells = tree.filter((u) => u.kind === 'party-cell').length;
    await eventually(
      async () => (await call('GET', campaignPath, viewer)).body.progress,
      (progress) =>
        progress.studySessions.done === cells &&
        progress.dialogues.done === dialogueCommunes.length &&
        progress.models.economy.registered === modelCommunes.length,
    );
    const reported = (await call('GET', campaignPath, viewer)).body.progress;
    expect(reported.studySessions).toEqual({ required: cells, done: cells, late: 0, overdue: 0, membersPresent, membersTotal });
    expect(reported.dialogues).toMatchObject({
      required: communes.length,
      done: dialogueCommunes.length,
      conferences: dialogueCommunes.length,
      attendance,
      late: 0,
    });
    expect(reported.petitions).toEqual({
      'kien-nghi': { recorded: 1, resolved: 1 },
      'khieu-nai': { recorded: 1, resolved: 0 },
      'to-cao': { recorded: 0, resolved: 0 },
    });

    // The council assesses the three models, recognizes two and rejects one; the administrator commends both and
    // proposes one upward; then closes the campaign.
    const moveTo = async (to: string) => {
      expect((await call('POST', `${campaignPath}/phase`, admin, { to, reason: `chuyển sang ${to}` })).status).toBe(200);
      await eventually(
        async () => Promise.all(modelCommunes.map(async (c) => (await call('GET', unitPath(c.code), viewer)).body.phase)),
        (phases) => phases.every((p) => p === to),
      );
    };
    await moveTo('assessment');
    for (const [i, commune] of modelCommunes.entries()) {
      const path = unitPath(commune.code, `/models/${modelIds[i]}/assessment`);
      expect((await call('POST', path, councilOf('BN'), { action: 'assess', score: 80 + i, remarks: 'Hội đồng thẩm định' })).status).toBe(201);
      const decision = i < 2 ? { action: 'recognize', remarks: 'Công nhận' } : { action: 'reject', reason: 'Chưa lan tỏa' };
      expect((await call('POST', path, councilOf('BN'), decision)).status).toBe(201);
    }
    await moveTo('commendation');
    for (const [i, commune] of modelCommunes.slice(0, 2).entries()) {
      expect(
        (
          await call('POST', unitPath(commune.code, `/models/${modelIds[i]}/commendation`), admin, {
            action: 'commend',
            form: 'bang-khen',
            awardedBy: 'Ủy ban nhân dân tỉnh',
          })
        ).status,
      ).toBe(201);
    }
    expect(
      (
        await call('POST', unitPath(modelCommunes[0]!.code, `/models/${modelIds[0]}/commendation`), admin, {
          action: 'propose-upward',
          remarks: 'Đề nghị biểu dương toàn quốc',
        })
      ).status,
    ).toBe(201);
    expect((await call('POST', `${campaignPath}/phase`, admin, { to: 'closed', reason: 'Tổng kết Tháng Dân vận' })).status).toBe(200);

    // The two model communes report up on their own 2-second rhythms, so wait for the whole figure, not its first part.
    const expectedModels = { registered: 0, assessed: 0, recognized: 0, rejected: 1, commended: 1, 'proposed-upward': 1 };
    const closed = await eventually(
      async () => (await call('GET', campaignPath, viewer)).body,
      (snapshot) => snapshot.phase === 'closed' && isDeepStrictEqual(snapshot.progress.models.economy, expectedModels),
    );
    expect(closed.progress.models.economy).toEqual(expectedModels);
    expect(closed.progress.studySessions).toMatchObject({ done: cells, membersPresent, membersTotal });
    await eventually(
      async () => (await call('GET', `/v1/campaigns?phase=closed&province=BN`, viewer)).body.items.map((c: { campaignId: string }) => c.campaignId),
      (ids) => ids.includes(campaignId),
    );
  });
});
