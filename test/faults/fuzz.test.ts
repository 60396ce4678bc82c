import { randomInt, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ISSUE_BODY_LIMIT_BYTES } from '../../api/app';
import { campaignIdFor } from '../../domain/plan';
import { bacNinh2025Tree } from '../../domain/samples/bac-ninh-2025';
import { addDays, vietnamDateOf } from '../../domain/schedule';
import { TOPICS } from '../../domain/topics';
import { bacNinhPlanOpenToday } from '../fixtures/plans';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { followOperation } from '../helpers/http';
import { testKafka } from '../helpers/kafka';
import { recordFault } from './table';

/**
 * Fuzzed requests against every write endpoint of a live campaign: each case is a valid request with one thing
 * made wrong (a type, a missing field, a huge or tricky string, an impossible date or number, an unknown id, an
 * oversized or malformed body, a missing header). Every answer must be a 4xx problem, and nothing may change:
 * the workflows' event counts and the topic's end offsets are compared before and after.
 */
const RUNS = 1_000;
const seed = Number(process.env.DANVAN_FUZZ_SEED ?? randomInt(1, 2 ** 31 - 1));

let danvan: DanvanUnderTest;
const tree = bacNinh2025Tree();
const communes = tree.filter((u) => u.kind === 'commune');
const commune = communes[0]!;
const cell = tree.find((u) => u.parent === commune.code)!;
const today = vietnamDateOf(new Date());
const plan = bacNinhPlanOpenToday(today);
const campaignId = campaignIdFor(plan);
let adminToken = '';

async function send(method: string, path: string, opts: { body?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${danvan.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...opts.headers },
    ...(opts.body !== undefined ? { body: opts.body } : {}),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.text() };
}

/** What kind of value each field holds, so the fuzzer knows what is wrong for it. */
type FieldKind = 'date' | 'int' | 'number' | 'text' | 'enum' | 'object';

interface Endpoint {
  name: string;
  method: 'POST' | 'PATCH';
  path: (ids: { campaignId: string; unit: string; id: string }) => string;
  ids: { unit: string; id: string };
  body: Record<string, unknown>;
  fields: Record<string, FieldKind>;
  /** Fields with a default: left out, the request is valid, so they are fuzzed only with wrong values. */
  optional?: string[];
  /** The largest body the route reads, when not the API's 1 MiB (api/app.ts). */
  bodyLimit?: number;
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'issue',
    method: 'POST',
    path: () => '/v1/campaigns',
    ids: { unit: '', id: '' },
    body: { plan, tree: { sample: 'bac-ninh-2025' } },
    bodyLimit: ISSUE_BODY_LIMIT_BYTES,
    fields: {
      'plan.number': 'text',
      'plan.issuedOn': 'date',
      'plan.year': 'int',
      'plan.window.opensOn': 'date',
      'plan.title': 'text',
      'tree.sample': 'enum',
      plan: 'object',
    },
  },
  {
    name: 'deploy',
    method: 'POST',
    path: (i) => `/v1/campaigns/${i.campaignId}/deploy`,
    ids: { unit: '', id: '' },
    body: { reason: 'triển khai lại' },
    fields: { reason: 'text' },
  },
  {
    name: 'phase',
    method: 'POST',
    path: (i) => `/v1/campaigns/${i.campaignId}/phase`,
    ids: { unit: '', id: '' },
    body: { to: 'assessment', reason: 'thẩm định' },
    fields: { to: 'enum', reason: 'text' },
  },
  {
    name: 'extension',
    method: 'POST',
    path: (i) => `/v1/campaigns/${i.campaignId}/deadlines/dialogues/extension`,
    ids: { unit: '', id: '' },
    body: { to: addDays(today, 25), reason: 'mưa lũ' },
    fields: { to: 'date', reason: 'text' },
  },
  {
    name: 'study session',
    method: 'POST',
    path: (i) => `/v1/campaigns/${i.campaignId}/units/${i.unit}/study-sessions`,
    ids: { unit: cell.code, id: '' },
    body: { heldOn: today, membersPresent: 14, membersTotal: 15 },
    fields: { heldOn: 'date', membersPresent: 'int', membersTotal: 'int' },
  },
  {
    name: 'dialogue',
    method: 'POST',
    path: (i) => `/v1/campaigns/${i.campaignId}/units/${i.unit}/dialogues`,
    ids: { unit: commune.code, id: '' },
    body: { heldOn: today, topic: 'Đối thoại về đất đai', attendance: 120 },
    fields: { heldOn: 'date', topic: 'text', attendance: 'int' },
  },
  {
    name: 'activity',
    method: 'POST',
    path: (i) => `/v1/campaigns/${i.campaignId}/units/${i.unit}/activities`,
    ids: { unit: commune.code, id: '' },
    body: { activity: 'inspection-supervision', heldOn: today, measures: { count: 14, partyOrganisations: 18, partyMembers: 11 } },
    // Only measures whose maximum is under the fuzzer's smallest "too big" integer, so that none of its values is valid.
    fields: { activity: 'enum', heldOn: 'date', measures: 'object', 'measures.count': 'int', 'measures.partyOrganisations': 'int' },
  },
  {
    name: 'petition',
    method: 'POST',
    path: (i) => `/v1/campaigns/${i.campaignId}/units/${i.unit}/petitions`,
    ids: { unit: commune.code, id: '' },
    body: { kind: 'kien-nghi', content: 'Đề nghị sửa đường', receivedOn: today },
    fields: { kind: 'enum', content: 'text', receivedOn: 'date' },
  },
  {
    name: 'petition resolution',
    method: 'PATCH',
    path: (i) => `/v1/campaigns/${i.campaignId}/units/${i.unit}/petitions/${i.id}`,
    ids: { unit: commune.code, id: 'P1' },
    body: { resolvedOn: today, outcome: 'Đã giải quyết' },
    fields: { resolvedOn: 'date', outcome: 'text' },
  },
  {
    name: 'model',
    method: 'POST',
    path: (i) => `/v1/campaigns/${i.campaignId}/units/${i.unit}/models`,
    ids: { unit: commune.code, id: '' },
    body: { name: 'Dân vận khéo', field: 'economy', registeredOn: today },
    fields: { name: 'text', field: 'enum', registeredOn: 'date' },
  },
  {
    name: 'assessment',
    method: 'POST',
    path: (i) => `/v1/campaigns/${i.campaignId}/units/${i.unit}/models/${i.id}/assessment`,
    ids: { unit: commune.code, id: 'M1' },
    body: { action: 'assess', score: 90, remarks: 'Tốt' },
    fields: { action: 'enum', score: 'number', remarks: 'text' },
  },
  {
    name: 'commendation',
    method: 'POST',
    path: (i) => `/v1/campaigns/${i.campaignId}/units/${i.unit}/models/${i.id}/commendation`,
    ids: { unit: commune.code, id: 'M1' },
    body: { action: 'commend', form: 'giay-khen', awardedBy: 'Ban Thường vụ Huyện ủy' },
    fields: { action: 'enum', form: 'enum', awardedBy: 'text' },
  },
  {
    name: 'commendation of a collective',
    method: 'POST',
    path: (i) => `/v1/campaigns/${i.campaignId}/units/${i.unit}/commendations`,
    ids: { unit: commune.code, id: '' },
    body: { recipient: { kind: 'collective', name: 'Chi bộ thôn Đông' }, form: 'giay-khen', awardedBy: 'Đảng ủy xã', awardedOn: today },
    fields: { recipient: 'object', 'recipient.kind': 'enum', 'recipient.name': 'text', form: 'enum', awardedBy: 'text', awardedOn: 'date' },
  },
  {
    name: 'yearly kick-off schedule',
    method: 'POST',
    path: () => '/v1/schedules',
    ids: { unit: '', id: '' },
    body: { template: 'thang-dan-van', issuer: { unitCode: 'BN', name: 'Ban Dân vận Tỉnh ủy Bắc Ninh' }, draftAhead: 30 },
    fields: { template: 'enum', issuer: 'object', 'issuer.unitCode': 'text', 'issuer.name': 'text', draftAhead: 'int' },
    optional: ['draftAhead'],
  },
];

/** Endpoints under a campaign's path, where an unknown campaign is a fault of its own. */
const inCampaign = (endpoint: Endpoint) => endpoint.path({ campaignId: '\u0000', unit: '', id: '' }).includes('\u0000');

/** Values that are wrong for a field of each kind, whatever the field's other rules. */
const wrongFor: Record<FieldKind, fc.Arbitrary<unknown>> = {
  date: fc.oneof(
    fc.constantFrom(
      '2024-02-30',
      '2024-13-01',
      '2023-02-29',
      '24-10-09',
      '2024-10-9',
      '09/10/2024',
      '2024‐10‐09',
      '２０２４-10-09',
      '2024-10-09T00:00:00Z',
      '',
      ' ',
      '2024-10-09\u0000',
      '\u202e90-01-4202',
    ),
    fc.integer(),
    fc.constant(null),
  ),
  int: fc.oneof(
    fc.integer({ max: -1 }),
    fc.integer({ min: 1_000_001 }),
    fc.double({ min: 0.01, max: 0.99, noNaN: true }).map((f) => 5 + f),
    fc.constantFrom('14', '', null, true, [], {}, 1e308),
  ),
  number: fc.oneof(
    fc.double({ min: -1e9, max: -0.0001, noNaN: true }),
    fc.double({ min: 100.0001, max: 1e9, noNaN: true }),
    fc.constantFrom('90', null, false, [90], 1e308),
  ),
  text: fc.oneof(
    fc.constantFrom('', '   ', null, 42, ['x'], { text: 'x' }),
    fc.integer({ min: 5_000, max: 200_000 }).map((n) => 'Dân vận '.repeat(Math.ceil(n / 8))),
  ),
  enum: fc.oneof(
    fc.constantFrom('ASSESSMENT', 'kiến-nghị', 'economy\u200b', 'economy ', '', 'closed; drop', null, 3),
    fc
      .string({ minLength: 1, maxLength: 30 })
      .filter(
        (s) =>
          !/^(deployed|in-progress|assessment|commendation|closed|issued|kien-nghi|khieu-nai|to-cao|economy|culture-society|defence-security|political-system|assess|recognize|reject|commend|propose-upward|bac-giang|bac-ninh-2025|national|documents-issued|inspection-supervision|review-conference|information-conference|listening-conference|training-conference|guidance-inspection|anniversary-event|propaganda|support-drive|huan-chuong|bang-khen|co-thi-dua|giay-khen|bieu-duong|collective|individual|thang-dan-van|dan-van-kheo)$/.test(
            s,
          ),
      ),
  ),
  object: fc.constantFrom(null, 'plan', 7, []),
};

function setPath(body: Record<string, unknown>, path: string, value: unknown, remove = false): Record<string, unknown> {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  if (remove) delete node[keys.at(-1)!];
  else node[keys.at(-1)!] = value;
  return copy;
}

type Case = { endpoint: Endpoint; fault: string; path?: string; body?: string; headers?: Record<string, string> };

const caseArbitrary: fc.Arbitrary<Case> = fc.constantFrom(...ENDPOINTS).chain((endpoint) => {
  const fields = Object.keys(endpoint.fields);
  const ok = JSON.stringify(endpoint.body);
  const kinds: fc.Arbitrary<Case>[] = [
    fc.constantFrom(...fields).chain((field) =>
      wrongFor[endpoint.fields[field]!].map((value) => ({
        endpoint,
        fault: `wrong ${endpoint.fields[field]} in ${field}`,
        body: JSON.stringify(setPath(endpoint.body, field, value)),
      })),
    ),
    fc
      .constantFrom(...fields.filter((field) => !endpoint.optional?.includes(field)))
      .map((field) => ({ endpoint, fault: `missing ${field}`, body: JSON.stringify(setPath(endpoint.body, field, undefined, true)) })),
    fc
      .constantFrom('{', '{"heldOn": ', '[', 'null', '"x"', '{"a":1}}', ok.slice(0, -1), `${ok}garbage`, '\u0000')
      .map((body) => ({ endpoint, fault: 'malformed JSON', body })),
    fc.integer({ min: 50_000, max: 550_000 }).map((n) => ({
      endpoint,
      fault: 'oversized body',
      body: JSON.stringify({ ...endpoint.body, padding: 'x'.repeat((endpoint.bodyLimit ?? 1_048_576) + n) }),
    })),
    fc.constant({ endpoint, fault: 'no Idempotency-Key', body: ok, headers: { 'idempotency-key': '' } }),
    fc
      .constantFrom('short', 'clé-ñandú-12345', ' '.repeat(10), 'x'.repeat(201))
      .map((key) => ({ endpoint, fault: 'bad Idempotency-Key', body: ok, headers: { 'idempotency-key': key } })),
    fc
      .constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x')
      .map((type) => ({ endpoint, fault: 'wrong content type', body: ok, headers: { 'content-type': type } })),
  ];
  if (inCampaign(endpoint)) {
    kinds.push(
      fc
        .constantFrom(
          `BN-${plan.year}-1-KH-BDVTU`,
          'BN-1999-77777-KH-BDVTU',
          'BN-2024-202-KH-bdvtu',
          '..%2F..%2Fetc',
          'BN-2024-202-KH-BDVTU%00',
          `${campaignId}%E2%80%8B`,
        )
        .map((id) => ({
          endpoint,
          fault: 'unknown or malformed campaign id',
          path: endpoint.path({ campaignId: id, ...endpoint.ids }),
          body: ok,
        })),
    );
  }
  if (endpoint.ids.unit) {
    kinds.push(
      fc
        .constantFrom('BN-NOWHERE', 'BG-HH-THANG', 'bn', '%20', 'BN-KINHBAC%E2%80%8B', 'a'.repeat(65))
        .map((unit) => ({ endpoint, fault: 'unknown unit', path: endpoint.path({ campaignId, unit, id: endpoint.ids.id }), body: ok })),
    );
  }
  if (endpoint.ids.id) {
    kinds.push(
      fc
        .constantFrom('P999', 'M999', 'P0x1', '1', 'M-1')
        .map((id) => ({ endpoint, fault: 'unknown id', path: endpoint.path({ campaignId, unit: endpoint.ids.unit, id }), body: ok })),
    );
  }
  return fc.oneof(...kinds);
});

/** What must not move: the events every workflow of the campaign has emitted, and the topic's end offsets. */
async function stateFingerprint() {
  const snapshot = await send('GET', `/v1/campaigns/${campaignId}`);
  const root = JSON.parse(snapshot.body) as {
    eventsEmitted: number;
    phase: string;
    deadlines: unknown;
    progress: unknown;
    children: Array<{ unitCode: string }>;
  };
  const units = await Promise.all(
    communes.map(
      async (c) =>
        (JSON.parse((await send('GET', `/v1/campaigns/${campaignId}/units/${c.code}`)).body) as { eventsEmitted: number; units: unknown }).eventsEmitted,
    ),
  );
  const admin = testKafka('danvan-fuzz').admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(TOPICS.campaignEvents);
  await admin.disconnect();
  const schedules = JSON.parse((await send('GET', '/v1/schedules')).body) as { items: unknown[] };
  return {
    root: { eventsEmitted: root.eventsEmitted, phase: root.phase, deadlines: root.deadlines, progress: root.progress },
    units,
    schedules: schedules.items,
    offsets: offsets.map((o) => `${o.partition}:${o.high}`).sort(),
  };
}

beforeAll(async () => {
  danvan = await startDanvan('fuzz');
  adminToken = await danvan.token({ sub: 'admin-fuzz', role: 'admin' });
  expect((await send('POST', '/v1/campaigns', { body: JSON.stringify({ plan, tree: { sample: 'bac-ninh-2025' } }) })).status).toBe(201);
  const deployed = await send('POST', `/v1/campaigns/${campaignId}/deploy`, { body: JSON.stringify({ reason: 'triển khai' }) });
  expect(deployed.status).toBe(202);
  const { last } = await followOperation(
    async (path) => {
      const answer = await send('GET', path);
      return { status: answer.status, body: JSON.parse(answer.body) as Record<string, any> };
    },
    (JSON.parse(deployed.body) as { href: string }).href,
  );
  expect(last.status).toBe('succeeded');
  await eventually(
    async () => JSON.parse((await send('GET', `/v1/campaigns/${campaignId}/units/${commune.code}`)).body).phase,
    (phase) => phase === 'in-progress',
  );
  // One petition and one model exist, so fuzzed ids can also hit real ones.
  expect(
    (
      await send('POST', `/v1/campaigns/${campaignId}/units/${commune.code}/petitions`, {
        body: JSON.stringify({ kind: 'kien-nghi', content: 'Đề nghị sửa đường', receivedOn: today }),
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await send('POST', `/v1/campaigns/${campaignId}/units/${commune.code}/models`, {
        body: JSON.stringify({ name: 'Dân vận khéo', field: 'economy', registeredOn: today }),
      })
    ).status,
  ).toBe(201);
  // Let the outboxes drain so the offsets taken before the fuzzing are final.
  await eventually(
    async () => JSON.parse((await send('GET', `/v1/campaigns/${campaignId}/units/${commune.code}`)).body).eventsPending,
    (pending) => pending === 0,
  );
  // And the figures reach the campaign root (a node reports to its parent at most every 2 s), so the root's figures taken before are final too.
  await eventually(
    async () =>
      JSON.parse((await send('GET', `/v1/campaigns/${campaignId}`)).body).progress as {
        petitions: Record<string, { recorded: number }>;
        models: Record<string, { registered: number }>;
      },
    (progress) => progress.petitions['kien-nghi']?.recorded === 1 && progress.models.economy?.registered === 1,
  );
});

afterAll(async () => {
  await danvan?.stop();
});

it(`answers ${RUNS} fuzzed requests to every write endpoint with a 4xx problem and changes nothing (seed ${seed})`, async () => {
  process.stdout.write(`fuzz seed ${seed} (DANVAN_FUZZ_SEED=${seed} repeats this run)\n`);
  const before = await stateFingerprint();
  const statuses: Record<string, number> = {};
  const byFault: Record<string, number> = {};
  let tried = 0;
  let escapes = 0;
  await fc.assert(
    fc.asyncProperty(caseArbitrary, async (c) => {
      const answer = await send(c.endpoint.method, c.path ?? c.endpoint.path({ campaignId, ...c.endpoint.ids }), {
        ...(c.body !== undefined ? { body: c.body } : {}),
        ...(c.headers ? { headers: c.headers } : {}),
      });
      tried += 1;
      statuses[String(answer.status)] = (statuses[String(answer.status)] ?? 0) + 1;
      byFault[c.fault.replace(/ in .*/, '')] = (byFault[c.fault.replace(/ in .*/, '')] ?? 0) + 1;
      const refused = answer.status >= 400 && answer.status < 500 && answer.type.includes('application/problem+json');
      if (!refused) escapes += 1;
      if (!refused) throw new Error(`${c.endpoint.name}: ${c.fault} answered ${answer.status} ${answer.type}: ${answer.body.slice(0, 300)}`);
    }),
    { numRuns: RUNS, seed, endOnFailure: true },
  );
  const after = await stateFingerprint();
  const unchanged = JSON.stringify(after) === JSON.stringify(before);
  const fiveHundreds = Object.entries(statuses)
    .filter(([s]) => s.startsWith('5'))
    .reduce((n, [, count]) => n + count, 0);
  recordFault({
    fault: 'fuzzed requests',
    how: `fast-check, seed ${seed}, every write endpoint`,
    mustHold: 'every one a 4xx problem+json; 0 state changes; 0 5xx',
    counts: {
      cases: tried,
      escapes,
      '5xx': fiveHundreds,
      'state changed': unchanged ? 0 : 1,
      ...Object.fromEntries(Object.entries(statuses).map(([s, n]) => [`HTTP ${s}`, n])),
    },
    held: escapes === 0 && unchanged && fiveHundreds === 0 && tried >= RUNS,
  });
  expect(after).toEqual(before);
  expect(tried).toBeGreaterThanOrEqual(RUNS);
});
