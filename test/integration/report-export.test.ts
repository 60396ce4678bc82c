import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { startEventConsumer, type RunningConsumer } from '../../analytics/consumer';
import { openProjection, openProjectionReader, type Projection } from '../../analytics/projection';
import { projectionSink } from '../../analytics/projection-sink';
import type { Result } from '../../analytics/result';
import { buildApp } from '../../api/app';
import { hs256Verifier, type Principal } from '../../api/auth';
import { campaignIdFor } from '../../domain/plan';
import { emptyProgress, modelTotals, percent, type Progress } from '../../domain/progress';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { formatVietnameseNumber, vietnamDateOf } from '../../domain/schedule';
import { createKafka } from '../../infra/kafka';
import { createLogger } from '../../infra/logger';
import { planOpenToday } from '../fixtures/plans';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { testKafkaBrokers } from '../helpers/env';
import { apiClient, inParallel } from '../helpers/http';
import { spawnTs } from '../helpers/processes';
import { parseCsv, readXlsx } from '../helpers/report-files';

/**
 * `GET /v1/campaigns/{id}/report` on the real servers. A Bắc Giang campaign is driven over HTTP while the reference
 * consumer writes its projection; two APIs answer for it: one given the projection file (DANVAN_ANALYTICS_DB), one
 * without, which asks the workflows. Every format's figures must be the workflows' own snapshot's, from both sources,
 * and each answer must say which source it came from.
 */

const tree = bacGiangTree();
const childrenOf = (code: string) => tree.filter((u) => u.parent === code);
const today = vietnamDateOf(new Date());
const quarter = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
const plan = planOpenToday(today);
const campaignId = campaignIdFor(plan);
const campaignPath = `/v1/campaigns/${campaignId}`;

const admin: Principal = { sub: 'admin-report', role: 'admin' };
const reporterOf = (commune: string): Principal => ({ sub: `bt-${commune.toLowerCase()}`, role: 'reporter', unit: commune });
const council: Principal = { sub: 'hoi-dong-hh', role: 'council', unit: 'BG-HH' };

/** Reported below: Bắc Lý and Châu Minh (Hiệp Hòa) and one commune of Lục Nam, so every level has figures and blanks. */
const BACLY = 'BG-HH-BACLY';
const CHAUMINH = 'BG-HH-CHAUMINH';
const LUCNAM = childrenOf('BG-LN')[0]!.code;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-report-'));
const db = path.join(dir, 'analytics.sqlite');
const logger = createLogger('warn');

let danvan: DanvanUnderTest;
let live: Awaited<ReturnType<typeof buildApp>>;
let liveUrl: string;
let consumer: RunningConsumer | undefined;
let projection: Projection;
let call: ReturnType<typeof apiClient>['call'];
let report: ReturnType<typeof apiClient>['report'];

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`);
  return result.value;
}

beforeAll(async () => {
  projection = value(openProjection(db));
  consumer = value(
    await startEventConsumer({
      kafka: createKafka({ brokers: testKafkaBrokers(), clientId: 'danvan-report-test', logger }),
      groupId: `danvan-report-test-${randomUUID()}`,
      logger,
      signals: [],
      sink: projectionSink(projection),
    }),
  );
  danvan = await startDanvan('report-export', {}, { analyticsDb: db });
  ({ call, report } = apiClient(danvan));
  live = await buildApp({ temporal: danvan.temporal.client, taskQueue: danvan.taskQueue, verifyToken: hs256Verifier(danvan.secret), logger, readiness: {} });
  await live.listen({ host: '127.0.0.1', port: 0 });
  liveUrl = `http://127.0.0.1:${(live.server.address() as AddressInfo).port}`;
});

async function stopConsumer(): Promise<void> {
  const running = consumer;
  consumer = undefined;
  await running?.stop();
}

afterAll(async () => {
  await stopConsumer();
  projection?.close();
  await live?.close();
  await danvan?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
  text: string;
}

const tokens = new Map<string, string>();
/** A GET of a campaign's report (this suite's unless named) from one of the two APIs, as `principal`. */
async function get(base: string, query: string, principal: Principal = admin, headers: Record<string, string> = {}, campaign = campaignId): Promise<Answer> {
  let token = tokens.get(principal.sub);
  if (!token) tokens.set(principal.sub, (token = await danvan.token(principal)));
  const response = await fetch(`${base}/v1/campaigns/${campaign}/report${query}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body, text: body.toString('utf8') };
}
const fromProjection = (query: string, principal?: Principal, headers?: Record<string, string>) => get(danvan.baseUrl, query, principal, headers);
const fromWorkflows = (query: string, principal?: Principal, headers?: Record<string, string>) => get(liveUrl, query, principal, headers);

/** The columns this test reads, each from a snapshot's progress: what the CSV and XLSX must say. */
const CHECKED: Record<string, (p: Progress) => number> = {
  'Chi bộ đã sinh hoạt chuyên đề': (p) => p.studySessions.done,
  'Chi bộ phải sinh hoạt chuyên đề': (p) => p.studySessions.required,
  'Chi bộ quá hạn chưa sinh hoạt chuyên đề': (p) => p.studySessions.overdue,
  'Đảng viên dự sinh hoạt chuyên đề': (p) => p.studySessions.membersPresent,
  'Đảng viên của các chi bộ đã sinh hoạt': (p) => p.studySessions.membersTotal,
  'Đơn vị đã tổ chức đối thoại': (p) => p.dialogues.done,
  'Đơn vị phải tổ chức đối thoại': (p) => p.dialogues.required,
  'Hội nghị đối thoại': (p) => p.dialogues.conferences,
  'Lượt người dự hội nghị đối thoại': (p) => p.dialogues.attendance,
  'Kiến nghị đã tiếp nhận': (p) => p.petitions['kien-nghi'].recorded,
  'Kiến nghị đã giải quyết': (p) => p.petitions['kien-nghi'].resolved,
  'Khiếu nại đã tiếp nhận': (p) => p.petitions['khieu-nai'].recorded,
  'Mô hình "Dân vận khéo" đăng ký': (p) => modelTotals(p).registered,
  'Lượt nhắc nhở': (p) => p.reminders.sent,
  'Vận động hỗ trợ xóa nhà tạm, nhà dột nát, giúp đỡ người khó khăn: căn nhà': (p) => p.activities?.['support-drive']?.measures.houses ?? 0,
  'Vận động hỗ trợ xóa nhà tạm, nhà dột nát, giúp đỡ người khó khăn: đồng': (p) => p.activities?.['support-drive']?.measures.amountVnd ?? 0,
};

/**
 * Each row of a CSV (after its header) as code → the checked columns, read as numbers. The families' columns are
 * always there; an activity's ("kind: measure") only where the plan owes it or a row reported it, so one left out reads 0.
 */
function checkedCells(records: string[][]): Map<string, Record<string, number>> {
  const [headers, ...rows] = records;
  const index = Object.keys(CHECKED).map((header) => [header, headers!.indexOf(header)] as const);
  const missing = index.filter(([header, i]) => i < 0 && !header.includes(': ')).map(([header]) => header);
  if (missing.length > 0) throw new Error(`the CSV has no column ${missing.join(', ')}: ${headers!.join(' | ')}`);
  return new Map(
    rows.map((row) => [
      row[1]!.startsWith('Tổng cộng') ? 'total' : row[0]!,
      Object.fromEntries(index.map(([header, i]) => [header, i < 0 ? 0 : Number(row[i])])),
    ]),
  );
}

const expectedCells = (p: Progress) => Object.fromEntries(Object.entries(CHECKED).map(([header, read]) => [header, read(p)]));

function csvOf(answer: Answer): string[][] {
  expect({ status: answer.status, type: answer.headers.get('content-type') }).toEqual({ status: 200, type: 'text/csv; charset=utf-8; header=present' });
  expect([...answer.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parseCsv(answer.text.replace(/^\uFEFF/, ''));
}

/** Deploys down the whole tree: answered once every unit workflow runs, or accepted (202) with an operation followed until it has. */
async function deploy(id: string): Promise<void> {
  const answer = await call('POST', `/v1/campaigns/${id}/deploy`, admin, { reason: 'Triển khai Kế hoạch' });
  if (answer.status === 202) {
    const done = await eventually(
      async () => (await call('GET', answer.body.href as string, admin)).body,
      (operation) => operation.status !== 'running',
      120_000,
    );
    expect(done.status).toBe('succeeded');
  } else expect(answer.status).toBe(200);
  await eventually(
    async () => (await call('GET', `/v1/campaigns/${id}`, admin)).body.phase,
    (phase) => phase === 'in-progress',
  );
}

/** What the units reported, counted while sending. */
const sent = { sessions: 0, membersPresent: 0, conferences: 0, attendance: 0 };
let snapshot: { progress: Progress; children: Array<{ unitCode: string; progress: Progress }> };

describe('reports and exports over HTTP', () => {
  it('drives a campaign while the consumer follows it, until the projection and the workflows agree', async () => {
    expect((await call('POST', '/v1/campaigns', admin, { plan, tree: { sample: 'bac-giang' } })).status).toBe(201);
    await deploy(campaignId);

    const cells = [...childrenOf(BACLY), ...childrenOf(CHAUMINH).slice(0, 4), ...childrenOf(LUCNAM).slice(0, 3)];
    await inParallel(cells, 6, async (cell, k) => {
      const membersTotal = 15 + k;
      const body = { heldOn: today, membersPresent: membersTotal - (k % 3), membersTotal };
      await report(`${campaignPath}/units/${cell.code}/study-sessions`, reporterOf(cell.parent!), body);
      sent.sessions += 1;
      sent.membersPresent += body.membersPresent;
    });
    for (const [commune, attendance] of [
      [BACLY, 212],
      [CHAUMINH, 95],
      [LUCNAM, 143],
    ] as const) {
      await report(`${campaignPath}/units/${commune}/dialogues`, reporterOf(commune), { heldOn: today, topic: 'Đất đai, môi trường', attendance });
      sent.conferences += 1;
      sent.attendance += attendance;
    }
    const petition = await report(`${campaignPath}/units/${BACLY}/petitions`, reporterOf(BACLY), {
      kind: 'kien-nghi',
      content: 'Đề nghị nâng cấp đường giao thông liên thôn',
      receivedOn: today,
    });
    await report(`${campaignPath}/units/${CHAUMINH}/petitions`, reporterOf(CHAUMINH), { kind: 'khieu-nai', content: 'Khiếu nại về đền bù', receivedOn: today });
    await report(
      `${campaignPath}/units/${BACLY}/petitions/${String(petition.id)}`,
      reporterOf(BACLY),
      { resolvedOn: today, outcome: 'Đã sửa' },
      undefined,
      'PATCH',
    );
    await report(`${campaignPath}/units/${CHAUMINH}/models`, reporterOf(CHAUMINH), {
      name: 'Dân vận khéo "Đường làng, ngõ xóm"',
      field: 'economy',
      registeredOn: today,
    });
    await report(`${campaignPath}/units/${LUCNAM}/activities`, reporterOf(LUCNAM), {
      activity: 'support-drive',
      heldOn: today,
      measures: { count: 2, houses: 3, amountVnd: 150_000_000 },
    });

    const settled = await eventually(
      async () => (await call('GET', campaignPath, admin)).body,
      (s) =>
        s.progress.studySessions.done === sent.sessions &&
        s.progress.dialogues.conferences === sent.conferences &&
        s.progress.petitions['kien-nghi'].resolved === 1 &&
        modelTotals(s.progress).registered === 1 &&
        s.progress.activities?.['support-drive']?.reports === 1,
      60_000,
    );
    snapshot = settled as typeof snapshot;
    expect(snapshot.progress.studySessions).toMatchObject({ done: sent.sessions, membersPresent: sent.membersPresent, overdue: 0 });
    expect(snapshot.progress.dialogues).toMatchObject({ done: 3, conferences: 3, attendance: sent.attendance });
    expect(snapshot.progress.petitions).toEqual({
      ...emptyProgress().petitions,
      'kien-nghi': { recorded: 1, resolved: 1 },
      'khieu-nai': { recorded: 1, resolved: 0 },
    });
    // Field by field, whatever order each side built its objects in.
    await eventually(
      async () => JSON.parse(JSON.stringify(value(projection.figures(campaignId)))) as unknown,
      (figures) => isDeepStrictEqual(figures, snapshot.progress),
      90_000,
    );
  }, 300_000);

  it('answers the figures per district as CSV, from the projection and from the workflows alike, equal to the snapshot', async () => {
    const [projected, live] = await Promise.all([fromProjection('?format=csv'), fromWorkflows('', admin, { accept: 'text/csv' })]);
    const records = csvOf(projected);
    expect(csvOf(live)).toEqual(records);
    expect(records.slice(1).map((row) => row.slice(0, 3))).toEqual([
      ['BG-HH', 'Huyện Hiệp Hòa', 'cấp huyện'],
      ['BG-LN', 'Huyện Lục Nam', 'cấp huyện'],
      ['BG-YT', 'Huyện Yên Thế', 'cấp huyện'],
      ['BG', 'Tổng cộng: Tỉnh Bắc Giang', 'cấp tỉnh'],
    ]);
    const cells = checkedCells(records);
    for (const child of snapshot.children) expect({ [child.unitCode]: cells.get(child.unitCode) }).toEqual({ [child.unitCode]: expectedCells(child.progress) });
    expect(cells.get('total')).toEqual(expectedCells(snapshot.progress));
    expect(projected.headers.get('content-disposition')).toBe(`attachment; filename="bao-cao-${campaignId}.csv"`);
    expect(projected.headers.get('x-danvan-figures-source')).toBe('projection');
    expect(live.headers.get('x-danvan-figures-source')).toBe('workflow');
  });

  it('a unit’s figures are one row per unit directly under it and its total: communes under a district, chi bộ under a commune', async () => {
    const district = (await call('GET', `${campaignPath}/units/BG-HH`, admin)).body as typeof snapshot;
    const [projected, live] = await Promise.all([fromProjection('?format=csv&unit=BG-HH'), fromWorkflows('?format=csv&unit=BG-HH')]);
    const records = csvOf(projected);
    expect(csvOf(live)).toEqual(records);
    expect(records.slice(1, -1).map((row) => row[0])).toEqual(
      childrenOf('BG-HH')
        .map((u) => u.code)
        .sort(),
    );
    const cells = checkedCells(records);
    for (const child of district.children) expect({ [child.unitCode]: cells.get(child.unitCode) }).toEqual({ [child.unitCode]: expectedCells(child.progress) });
    expect(cells.get('total')).toEqual(expectedCells(district.progress));
    expect(projected.headers.get('content-disposition')).toBe(`attachment; filename="bao-cao-${campaignId}-BG-HH.csv"`);

    // Under a commune, the chi bộ its workflow tracks: counted by the workflows' own rule, equal to the projection's.
    const [cellsProjected, cellsLive] = await Promise.all([fromProjection(`?format=csv&unit=${BACLY}`), fromWorkflows(`?format=csv&unit=${BACLY}`)]);
    const cellRecords = csvOf(cellsProjected);
    expect(csvOf(cellsLive)).toEqual(cellRecords);
    const bacLy = (await call('GET', `${campaignPath}/units/${BACLY}`, admin)).body as typeof snapshot;
    const byCell = checkedCells(cellRecords);
    expect(byCell.size).toBe(childrenOf(BACLY).length + 1);
    for (const cell of childrenOf(BACLY)) expect(byCell.get(cell.code)!['Chi bộ đã sinh hoạt chuyên đề']).toBe(1);
    expect(byCell.get('total')).toEqual(expectedCells(bacLy.progress));
  });

  it('answers the same figures as an XLSX workbook: a Vietnamese sheet, numbers as numbers', async () => {
    const csv = csvOf(await fromProjection('?format=csv'));
    for (const answer of [
      await fromProjection('?format=xlsx'),
      await fromWorkflows('', admin, { accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
    ]) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="bao-cao-${campaignId}.xlsx"`);
      const [sheet] = readXlsx(answer.body);
      expect(sheet!.name).toBe('Số liệu theo đơn vị');
      expect(sheet!.rows).toEqual(csv.map((row, r) => (r === 0 ? row : row.map((cell, i) => (i < 3 ? cell : Number(cell))))));
      expect(sheet!.numeric.slice(1).every((kinds) => kinds.every((numeric, i) => numeric === i >= 3))).toBe(true);
    }
  });

  it('answers the Vietnamese report as text and as a printable page, the same words from both sources but the line saying which', async () => {
    const n = formatVietnameseNumber;
    const s = snapshot.progress.studySessions;
    const before = Date.now();
    const [projected, live, page] = await Promise.all([fromProjection(''), fromWorkflows('?format=text'), fromProjection('', admin, { accept: 'text/html' })]);
    const after = Date.now();
    for (const answer of [projected, live]) {
      expect({ status: answer.status, type: answer.headers.get('content-type') }).toEqual({ status: 200, type: 'text/plain; charset=utf-8' });
      expect(answer.text).toContain(`Kết quả thực hiện Kế hoạch số ${plan.number}`);
      expect(answer.text).toContain(
        `có ${n(s.done)}/${n(s.required)} chi bộ (${String(percent(s.done, s.required)).replace('.', ',')}%) tổ chức sinh hoạt chuyên đề`,
      );
      expect(answer.text).toContain(`tổ chức 3 hội nghị đối thoại với ${n(sent.attendance)} lượt người tham dự`);
      expect(answer.text).toContain('tiếp nhận 1 kiến nghị, đã giải quyết 1; 1 khiếu nại, chưa giải quyết');
      expect(answer.text).toContain('Tổ chức 02 đợt vận động, hỗ trợ xây mới, sửa chữa 03 căn nhà với tổng số tiền 150.000.000 đồng.');
    }
    const withoutSource = (text: string) => text.split('\n\n').filter((p) => !p.startsWith('Số liệu từ'));
    expect(withoutSource(live.text)).toEqual(withoutSource(projected.text));
    expect(projected.text).toMatch(
      /\n\nSố liệu từ bản tổng hợp các sự kiện của chiến dịch \(projection\), cập nhật đến \d\d:\d\d ngày \d\d\/\d{1,2}\/\d{4}\.\n\n/,
    );
    expect(live.text).toMatch(/\n\nSố liệu từ trạng thái trực tiếp của các workflow chiến dịch, tính đến \d\d:\d\d ngày \d\d\/\d{1,2}\/\d{4}\.\n\n/);

    // As of the projection's latest event of the campaign; the workflows' as of the query.
    const reader = value(openProjectionReader(db));
    try {
      expect(projected.headers.get('x-danvan-figures-as-of')).toBe(value(reader.campaign(campaignId)).lastEventAt);
    } finally {
      reader.close();
    }
    const liveAsOf = Date.parse(live.headers.get('x-danvan-figures-as-of')!);
    expect(liveAsOf >= before - 1 && liveAsOf <= after).toBe(true);

    expect({ status: page.status, type: page.headers.get('content-type') }).toEqual({ status: 200, type: 'text/html; charset=utf-8' });
    expect(page.text.startsWith('<!doctype html>\n<html lang="vi">')).toBe(true);
    expect(page.text).not.toMatch(/<script|<link|\bsrc=|\bhref=/i);
    const paragraphs = [...page.text.matchAll(/<(?:h1|p)>([^<]*)<\/(?:h1|p)>/g)].map(([, p]) =>
      p!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))),
    );
    expect(paragraphs).toEqual(projected.text.trimEnd().split('\n\n'));
  });

  it('counts a period from the projection; the workflows refuse it with a 422 naming `period`', async () => {
    const projected = await fromProjection(`?period=${quarter}&unit=BG-HH`);
    expect(projected.status).toBe(200);
    expect(projected.text).toMatch(new RegExp(`— Huyện Hiệp Hòa, quý [IV]+ năm ${today.slice(0, 4)}`));
    expect(projected.headers.get('content-disposition')).toBe(`inline; filename="bao-cao-${campaignId}-BG-HH-${quarter}.txt"`);
    const inPeriod = checkedCells(csvOf(await fromProjection(`?period=${quarter}&format=csv`))).get('total')!;
    // Every report is dated today: the quarter holds all of them.
    expect(inPeriod['Chi bộ đã sinh hoạt chuyên đề']).toBe(sent.sessions);
    expect(inPeriod['Lượt người dự hội nghị đối thoại']).toBe(sent.attendance);

    const refused = await fromWorkflows(`?period=${quarter}`, admin, { 'accept-language': 'en' });
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.text)).toMatchObject({
      status: 422,
      detail: expect.stringContaining('figures of a period need the analytics projection'),
      errors: [{ field: 'querystring.period', value: quarter, reason: 'needs the analytics projection' }],
    });
    expect(JSON.parse((await fromWorkflows(`?period=${quarter}`)).text)).toMatchObject({
      detail: expect.stringContaining('Số liệu theo kỳ báo cáo cần bản tổng hợp sự kiện (projection)'),
    });
  });

  it('lets a reporter read only their own subtree, from either source', async () => {
    for (const from of [fromProjection, fromWorkflows]) {
      expect((await from(`?unit=${BACLY}`, reporterOf(BACLY))).status).toBe(200);
      expect((await from(`?unit=${BACLY}-CB01&format=csv`, reporterOf(BACLY))).status).toBe(200);
      expect((await from(`?unit=BG-HH&format=csv`, council)).status).toBe(200);
      for (const [query, principal] of [
        [`?unit=${CHAUMINH}`, reporterOf(BACLY)],
        ['?unit=BG-HH', reporterOf(BACLY)],
        ['', reporterOf(BACLY)],
        [`?unit=${LUCNAM}&format=xlsx`, council],
      ] as const) {
        const refused = await from(query, principal);
        expect({ query, status: refused.status, type: JSON.parse(refused.text).type }).toEqual({
          query,
          status: 403,
          type: expect.stringMatching(/\/problems\/forbidden$/),
        });
      }
    }
  });

  it('refuses a malformed unit, period or format with a 400 naming the field and the value, in the language asked', async () => {
    const vi = await fromProjection('?period=2024-Q5');
    expect(vi.status).toBe(400);
    expect(JSON.parse(vi.text)).toMatchObject({
      errors: [{ field: 'querystring.period', value: '2024-Q5', reason: expect.stringContaining('một quý (2024-Q1 … 2024-Q4)') }],
    });
    const en = await fromWorkflows('?period=2024-Q5', admin, { 'accept-language': 'en' });
    expect(JSON.parse(en.text)).toMatchObject({
      errors: [{ field: 'querystring.period', value: '2024-Q5', reason: expect.stringContaining('expected a year (2024)') }],
    });
    expect(JSON.parse((await fromProjection('?unit=B%20G')).text)).toMatchObject({ status: 400, errors: [{ field: 'querystring.unit', value: 'B G' }] });
    expect(JSON.parse((await fromProjection('?format=pdf')).text)).toMatchObject({ status: 400, errors: [{ field: 'querystring.format', value: 'pdf' }] });
    const notAcceptable = await fromWorkflows('', admin, { accept: 'application/json' });
    expect(notAcceptable.status).toBe(406);
    expect(JSON.parse(notAcceptable.text)).toMatchObject({ errors: [{ field: 'headers.accept', value: 'application/json' }] });
  });

  it('answers 404 for a campaign or unit neither source knows', async () => {
    for (const base of [danvan.baseUrl, liveUrl]) {
      const missing = await get(base, '', admin, {}, 'BG-1999-1-KH-BDVTU');
      expect({ status: missing.status, type: JSON.parse(missing.text).type }).toEqual({
        status: 404,
        type: expect.stringMatching(/\/problems\/campaign-not-found$/),
      });
    }
    for (const from of [fromProjection, fromWorkflows]) {
      const answer = await from('?unit=BG-HH-NOWHERE');
      expect({ status: answer.status, type: JSON.parse(answer.text).type }).toEqual({
        status: 404,
        type: expect.stringMatching(/\/problems\/unit-not-found$/),
      });
    }
  });

  describe('danvan report', () => {
    const cli = async (args: string[], api: string) => {
      const run = spawnTs('bin/danvan.ts', args, { DANVAN_DATA_DIR: dir, DANVAN_API_URL: api, DANVAN_TOKEN: await danvan.token(admin) });
      const code = await run.exited;
      return { code, out: run.output() };
    };

    it('prints the report the endpoint answers, and writes CSV and XLSX files with --out', async () => {
      const text = await cli(['report', campaignId, '--unit', 'BG-HH'], liveUrl);
      expect(text.code).toBe(0);
      const api = await fromWorkflows('?unit=BG-HH');
      const withoutSource = (t: string) => t.split('\n\n').filter((p) => !p.startsWith('Số liệu từ'));
      expect(withoutSource(text.out)).toEqual(withoutSource(api.text));
      expect(text.out).toContain('Số liệu từ trạng thái trực tiếp của các workflow chiến dịch');

      const csvFile = path.join(dir, 'bao-cao.csv');
      const csv = await cli(['report', campaignId, '--out', csvFile], danvan.baseUrl);
      expect(csv).toEqual({
        code: 0,
        out: expect.stringMatching(new RegExp(`^wrote ${csvFile} \\(csv, figures from the projection as of \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)\\n$`)),
      });
      expect(fs.readFileSync(csvFile)).toEqual((await fromProjection('?format=csv')).body);

      const xlsxFile = path.join(dir, 'so-lieu.xlsx');
      expect((await cli(['report', campaignId, '--unit', BACLY, '--format', 'xlsx', '--out', xlsxFile], liveUrl)).code).toBe(0);
      expect(readXlsx(fs.readFileSync(xlsxFile))[0]!.rows).toEqual(readXlsx((await fromWorkflows(`?unit=${BACLY}&format=xlsx`)).body)[0]!.rows);
    });

    it('reads a projection file offline with --db, into the same files as the endpoint', async () => {
      const offline = await cli(['report', campaignId, '--db', db, '--format', 'csv'], 'http://127.0.0.1:9');
      expect(offline.code).toBe(0);
      expect(offline.out).toBe((await fromProjection('?format=csv')).text);
    });

    it('says in one line what the endpoint refused, and refuses to print a workbook to the terminal', async () => {
      expect(await cli(['report', campaignId, '--period', quarter], liveUrl)).toEqual({
        code: 1,
        out: expect.stringMatching(
          /^danvan: 422 Refused by a domain rule — figures of a period need the analytics projection.*\n {2}querystring\.period="\d{4}-Q\d": needs the analytics projection\n$/,
        ),
      });
      expect(await cli(['report', campaignId, '--format', 'xlsx'], liveUrl)).toEqual({
        code: 1,
        out: 'danvan: an xlsx workbook is binary: name the file to write with --out FILE\n',
      });
    });
  });

  it('answers a campaign the projection has not applied from the workflows, and says so', async () => {
    // The consumer stops: what is issued now reaches the topic but not the projection.
    await stopConsumer();
    const small = planOpenToday(today);
    const smallId = campaignIdFor(small);
    const smallTree = [
      { code: 'BG', name: 'Tỉnh Bắc Giang', kind: 'province' },
      { code: 'BG-THU', name: 'Xã Thử Nghiệm', kind: 'commune', parent: 'BG' },
      { code: 'BG-THU-CB01', name: 'Chi bộ thôn Một', kind: 'party-cell', parent: 'BG-THU' },
    ];
    expect((await call('POST', '/v1/campaigns', admin, { plan: small, tree: smallTree })).status).toBe(201);
    await deploy(smallId);
    const answer = await get(danvan.baseUrl, '?format=csv', admin, {}, smallId);
    expect(answer.headers.get('x-danvan-figures-source')).toBe('workflow');
    expect(
      csvOf(answer)
        .slice(1)
        .map((row) => row.slice(0, 3)),
    ).toEqual([
      ['BG-THU', 'Xã Thử Nghiệm', 'cấp xã'],
      ['BG', 'Tổng cộng: Tỉnh Bắc Giang', 'cấp tỉnh'],
    ]);
    const period = await get(danvan.baseUrl, `?period=${quarter}`, admin, { 'accept-language': 'en' }, smallId);
    expect({ status: period.status, detail: JSON.parse(period.text).detail }).toEqual({
      status: 422,
      detail: expect.stringContaining('figures of a period need the analytics projection, which has not applied this campaign or unit yet'),
    });
  });
});
