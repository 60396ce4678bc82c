import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { Principal } from '../../api/auth';
import { mintToken } from '../../api/auth';
import { DASHBOARD_IMPORT_MAP_HASH } from '../../api/dashboard-routes';
import { CATALOGUE } from '../../domain/catalogue';
import { DEFAULT_OBLIGATIONS } from '../../domain/obligations';
import { campaignIdFor } from '../../domain/plan';
import { percent, type Progress } from '../../domain/progress';
import { bacNinh2025Tree } from '../../domain/samples/bac-ninh-2025';
import { addDays, formatVietnameseDate, formatVietnameseNumber, vietnamDateOf } from '../../domain/schedule';
import { CHROMIUM_INSTALL_COMMAND, ensureChromium, findChromium } from '../../stack/chromium';
import type { CampaignSnapshot, NodeSnapshot } from '../../workflows/messages';
import { planOpenToday } from '../fixtures/plans';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { launchBrowser, screenshot, scrollsSideways } from '../helpers/browser';
import { eventually } from '../helpers/campaign';
import { apiClient } from '../helpers/http';

/**
 * The dashboard in a real browser: headless Chromium from Debian's package driven by playwright-core, against the
 * real stack. A Bắc Ninh campaign (province → commune → chi bộ, as since 7/2025) is issued and deployed over HTTP,
 * its communes and chi bộ report over HTTP, and every page is read as a person reads it: the figures shown must be
 * the API's own snapshot, written as Vietnamese writes numbers and dates.
 */

const n = formatVietnameseNumber;
const tree = bacNinh2025Tree();
const today = vietnamDateOf(new Date());
const yesterday = addDays(today, -1);
// The dialogues were due three days ago, so the communes that held none are overdue, and the pages say how late; besides
// the two of every "Tháng Dân vận", each commune owes two information conferences (a catalogue activity) by the window's end.
const plan = planOpenToday(today, {
  issuer: { unitCode: 'BN', name: 'Ban Dân vận Tỉnh ủy Bắc Ninh' },
  obligations: [
    ...DEFAULT_OBLIGATIONS.map((o) => ({ ...o, owedBy: [...o.owedBy] })),
    { activity: 'information-conference', owedBy: ['commune'], target: 2, deadline: 'information-conferences' },
  ],
  deadlines: { dialogues: addDays(today, -3) },
});
const campaignId = campaignIdFor(plan);
const campaignPath = `/v1/campaigns/${campaignId}`;
const unitPath = (unit: string, rest = '') => `${campaignPath}/units/${unit}${rest}`;

const KINH_BAC = 'BN-KINHBAC';
const VO_CUONG = 'BN-VOCUONG';
const TU_SON = 'BN-TUSON';
const cellsOf = (commune: string) => tree.filter((u) => u.parent === commune).map((u) => u.code);

const admin: Principal = { sub: 'admin-bn', role: 'admin' };
const viewer: Principal = { sub: 'theo-doi-bn', role: 'viewer' };
const reporterOf = (commune: string): Principal => ({ sub: `bt-${commune.toLowerCase()}`, role: 'reporter', unit: commune });
const councilOf = (commune: string): Principal => ({ sub: `hoi-dong-${commune.toLowerCase()}`, role: 'council', unit: commune });

/** How late the dialogues are today, as the pages count it: whole days since the deadline day, in Vietnam. */
const dialoguesLate = () => (Date.parse(vietnamDateOf(new Date())) - Date.parse(plan.deadlines!.dialogues!)) / 86_400_000;

let danvan: DanvanUnderTest;
let browser: Browser;
let call: ReturnType<typeof apiClient>['call'];
let report: ReturnType<typeof apiClient>['report'];
/** Kinh Bắc's model, which the council assesses at the end. */
let kinhBacModel: string;

/**
 * Deploys as an administrator, whichever answer the route gives: 200 with the snapshot once every unit runs, or 202
 * with an operation, polled at its Location until it is done.
 */
async function deploy(): Promise<void> {
  const headers = { authorization: `Bearer ${await danvan.token(admin)}` };
  const response = await fetch(`${danvan.baseUrl}${campaignPath}/deploy`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify({ reason: 'Triển khai Kế hoạch đến các xã, phường' }),
  });
  if (response.status === 200) return;
  expect({ status: response.status, location: response.headers.get('location') }).toEqual({ status: 202, location: expect.any(String) });
  const operation = new URL(response.headers.get('location')!, danvan.baseUrl);
  const done = await eventually(
    async () => (await (await fetch(operation, { headers })).json()) as { status?: string },
    (answer) => answer.status !== 'running',
    120_000,
  );
  expect(done).toMatchObject({ status: 'succeeded' });
}

beforeAll(async () => {
  danvan = await startDanvan('dashboard');
  ({ call, report } = apiClient(danvan));
  browser = await launchBrowser();

  expect((await call('POST', '/v1/campaigns', admin, { plan, tree: { sample: 'bac-ninh-2025' } })).status).toBe(201);
  await deploy();
  await eventually(
    async () => (await call('GET', campaignPath, admin)).body.phase,
    (phase) => phase === 'in-progress',
  );

  // The communes report side by side, as their reporters would; each one's reports in order.
  // Kinh Bắc: three chi bộ met, its dialogue came late, petitions (one resolved), a model, a conference of 4.819.
  const kinhBac = async () => {
    const by = reporterOf(KINH_BAC);
    for (const [k, cell] of cellsOf(KINH_BAC).slice(0, 3).entries())
      await report(unitPath(cell, '/study-sessions'), by, { heldOn: addDays(today, -1 - k), membersPresent: 18 - k, membersTotal: 20 });
    await report(unitPath(KINH_BAC, '/dialogues'), by, { heldOn: yesterday, topic: 'Đối thoại về chỉnh trang đô thị và vệ sinh môi trường', attendance: 1250 });
    const petition = await report(unitPath(KINH_BAC, '/petitions'), by, { kind: 'kien-nghi', content: 'Sửa chữa đường khu phố 2', receivedOn: yesterday });
    await report(unitPath(KINH_BAC, `/petitions/${petition.id}`), by, { resolvedOn: today, outcome: 'Đã đưa vào kế hoạch sửa chữa' }, undefined, 'PATCH');
    await report(unitPath(KINH_BAC, '/petitions'), by, { kind: 'khieu-nai', content: 'Khiếu nại về bồi thường giải phóng mặt bằng', receivedOn: today });
    const model = { name: 'Dân vận khéo trong xây dựng đô thị văn minh', field: 'culture-society', registeredOn: yesterday };
    kinhBacModel = (await report(unitPath(KINH_BAC, '/models'), by, model)).id;
    await report(unitPath(KINH_BAC, '/activities'), by, { activity: 'information-conference', heldOn: yesterday, measures: { count: 50, attendance: 4819 } });
    await report(unitPath(cellsOf(KINH_BAC)[0]!, '/activities'), by, {
      activity: 'propaganda',
      heldOn: yesterday,
      measures: { count: 2, newsItems: 12, articles: 3, banners: 20, posts: 41 },
    });
  };
  // Võ Cường: two chi bộ and a model in the economy; no dialogue, so it is overdue.
  const voCuong = async () => {
    const by = reporterOf(VO_CUONG);
    for (const cell of cellsOf(VO_CUONG).slice(0, 2))
      await report(unitPath(cell, '/study-sessions'), by, { heldOn: yesterday, membersPresent: 9, membersTotal: 11 });
    await report(unitPath(VO_CUONG, '/models'), by, { name: 'Hỗ trợ hộ kinh doanh chuyển đổi số', field: 'economy', registeredOn: yesterday });
  };
  // Từ Sơn: its dialogue, late like Kinh Bắc's, and a support drive.
  const tuSon = async () => {
    const by = reporterOf(TU_SON);
    await report(unitPath(TU_SON, '/dialogues'), by, { heldOn: today, topic: 'Lắng nghe ý kiến Nhân dân về đất đai', attendance: 312 });
    await report(unitPath(TU_SON, '/activities'), by, {
      activity: 'support-drive',
      heldOn: yesterday,
      measures: { count: 1, houses: 3, amountVnd: 150_000_000 },
    });
  };
  await Promise.all([kinhBac(), voCuong(), tuSon()]);

  // Every report reaches the root (children report up at most every 2 s): from here on the figures stand still.
  await eventually(
    async () => (await call('GET', campaignPath, admin)).body.progress as Progress,
    (p) =>
      p.studySessions.done === 5 &&
      p.dialogues.done === 2 &&
      p.petitions['khieu-nai'].recorded === 1 &&
      p.petitions['kien-nghi'].resolved === 1 &&
      p.models.economy.registered === 1 &&
      p.activities?.['support-drive']?.reports === 1 &&
      p.activities?.propaganda?.reports === 1,
  );
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await danvan?.stop();
});

/** A page with its errors collected: a script that failed or a policy that refused something fails the test. */
async function openPage(viewport = { width: 1280, height: 900 }, mobile = false): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, locale: 'vi-VN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Chromium logs every 4xx answer to fetch as an error; the refusals tested here are meant.
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) errors.push(message.text());
  });
  return { context, page, errors };
}

async function signIn(page: Page, principal: Principal, next = '/dashboard'): Promise<void> {
  await page.goto(`${danvan.baseUrl}/dashboard/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByTestId('token-input').fill(await danvan.token(principal));
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL((url) => url.pathname + url.search === next);
}

/**
 * The campaigns the page lists are those the API lists for the same filters (the first page), one row each; other
 * suites may issue campaigns meanwhile on the shared server, so both are read again until they agree.
 */
async function expectListedAsTheApi(page: Page, query: string): Promise<string[]> {
  const shown = () => page.getByTestId('campaign-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-campaign-id')!));
  const listed = async () =>
    ((await call('GET', `/v1/campaigns?${query}&pageSize=20`, viewer)).body.items as Array<{ campaignId: string }>).map((c) => c.campaignId);
  await page.getByTestId('refreshed-at').filter({ hasText: 'Cập nhật lúc' }).waitFor();
  const [onPage, fromApi] = await eventually(
    async () => [await shown(), await listed()],
    ([a, b]) => JSON.stringify(a) === JSON.stringify(b),
    15_000,
  );
  expect(onPage).toEqual(fromApi);
  if (onPage.length === 0) await page.getByTestId('list-empty').waitFor();
  return onPage;
}

async function text(at: Page | Locator, testid: string): Promise<string> {
  return ((await at.getByTestId(testid).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Waits for a unit's page with the figures of its first load on it. */
async function unitPageOf(page: Page, unitCode: string): Promise<void> {
  await page.locator(`[data-testid=unit-page][data-unit-code="${unitCode}"]`).waitFor();
  await page.getByTestId('refreshed-at').filter({ hasText: 'Cập nhật lúc' }).waitFor();
}

const pct = (done: number, required: number) => `${String(percent(done, required)).replace('.', ',')}%`;
const overdueOf = (p: Progress) => p.studySessions.overdue + p.dialogues.overdue + Object.values(p.obligations ?? {}).reduce((s, t) => s + t.overdue, 0);

/** The figures a page prints from a progress, as Vietnamese writes them, by their data-testid. */
function expectedFigures(p: Progress): Record<string, string> {
  const figures: Record<string, string> = {};
  for (const [id, tally] of [
    ['study-sessions', p.studySessions],
    ['dialogues', p.dialogues],
    ...Object.entries(p.obligations ?? {}).map(([activity, t]) => [`obligation-${activity}`, t] as const),
  ] as const) {
    figures[`${id}-done`] = n(tally.done);
    figures[`${id}-required`] = n(tally.required);
    figures[`${id}-percent`] = pct(tally.done, tally.required);
    figures[`${id}-late`] = n(tally.late);
    figures[`${id}-overdue`] = n(tally.overdue);
  }
  figures['study-sessions-members-present'] = n(p.studySessions.membersPresent);
  figures['study-sessions-members-total'] = n(p.studySessions.membersTotal);
  figures['dialogues-conferences'] = n(p.dialogues.conferences);
  figures['dialogues-attendance'] = n(p.dialogues.attendance);
  figures['reminders-sent'] = n(p.reminders.sent);
  figures['reminders-escalations'] = n(p.reminders.escalations);
  figures['overdue-count'] = n(overdueOf(p));
  for (const [kind, { recorded, resolved }] of Object.entries(p.petitions)) {
    figures[`petition-${kind}-recorded`] = n(recorded);
    figures[`petition-${kind}-resolved`] = n(resolved);
    figures[`petition-${kind}-open`] = n(recorded - resolved);
  }
  for (const [field, stages] of Object.entries(p.models)) for (const [stage, count] of Object.entries(stages)) figures[`model-${field}-${stage}`] = n(count);
  for (const [level, count] of Object.entries(p.honours?.recognized ?? {})) figures[`honours-recognized-${level}`] = n(count ?? 0);
  if (p.honours) figures['honours-awaiting'] = n(p.honours.awaitingDecision);
  for (const kind of CATALOGUE) {
    const totals = p.activities?.[kind.id];
    if (!totals || totals.reports === 0) continue;
    figures[`activity-${kind.id}-name`] = kind.vi;
    figures[`activity-${kind.id}-reports`] = n(totals.reports);
    for (const measure of kind.measures) figures[`activity-${kind.id}-${measure}`] = n(totals.measures[measure] ?? 0);
  }
  return figures;
}

/** Every figure of the page next to the snapshot's, so a mismatch names them all at once. */
async function expectFiguresOf(page: Page, snapshot: NodeSnapshot): Promise<void> {
  const expected = expectedFigures(snapshot.progress);
  const shown: Record<string, string> = {};
  for (const testid of Object.keys(expected)) shown[testid] = await text(page, testid);
  expect(shown).toEqual(expected);

  const children: Record<string, string[]> = {};
  for (const row of await page.getByTestId('child-row').all())
    children[(await row.getAttribute('data-unit-code'))!] = [
      await text(row, 'child-study-sessions'),
      await text(row, 'child-dialogues'),
      await text(row, 'child-overdue'),
    ];
  expect(children).toEqual(
    Object.fromEntries(
      snapshot.children.map((c) => [
        c.unitCode,
        [
          `${n(c.progress.studySessions.done)}/${n(c.progress.studySessions.required)}`,
          `${n(c.progress.dialogues.done)}/${n(c.progress.dialogues.required)}`,
          n(overdueOf(c.progress)),
        ],
      ]),
    ),
  );

  // How late: the dialogues were due three days ago, and no other deadline has passed.
  const late = `quá hạn ${dialoguesLate()} ngày`;
  const overdue = await Promise.all(
    (await page.getByTestId('overdue-row').all()).map(async (row) => [
      await row.getAttribute('data-unit-code'),
      await row.getAttribute('data-obligation'),
      await text(row, 'overdue-days'),
    ]),
  );
  expect(overdue).toEqual(snapshot.overdueUnits.map((u) => [u.code, u.obligation, late]));
}

describe('the dashboard, in Chromium, against the real stack', () => {
  it('refuses a bad token at sign-in and a token that stops working, both in Vietnamese', async () => {
    const { context, page, errors } = await openPage();
    await page.goto(`${danvan.baseUrl}/dashboard`);
    await page.waitForURL((url) => url.pathname === '/dashboard/sign-in');

    await page.getByTestId('token-input').fill('khong-phai-ma-truy-cap');
    await page.getByTestId('sign-in-submit').click();
    expect(await text(page, 'sign-in-error')).toMatch(/^Mã truy cập không được chấp nhận\. Mã truy cập bị từ chối/);
    await page.getByTestId('token-input').fill(await mintToken(randomUUID() + randomUUID(), admin));
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('sign-in-error').filter({ hasText: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' }).waitFor();
    expect(await page.evaluate<string | null>("sessionStorage.getItem('danvan.token')")).toBeNull();
    await screenshot(page, 'sign-in-refused');

    // Signed in, then the token stops being accepted (here: replaced by a forged one): the next refresh ends the session.
    await signIn(page, admin, '/dashboard');
    await page.getByTestId('campaign-filters').waitFor();
    await page.evaluate(`sessionStorage.setItem('danvan.token', ${JSON.stringify(await mintToken(randomUUID() + randomUUID(), admin))})`);
    await page.waitForURL((url) => url.pathname === '/dashboard/sign-in', { timeout: 15_000 });
    expect(await text(page, 'sign-in-notice')).toMatch(/^Phiên làm việc đã hết hạn hoặc mã truy cập không còn hợp lệ; hãy đăng nhập lại\./);
    expect(new URL(page.url()).searchParams.get('next')).toBe('/dashboard');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lists the campaigns, filtered by year, phase, issuer and province', async () => {
    const { context, page, errors } = await openPage();
    await signIn(page, viewer);
    await page.getByTestId('filter-year').fill(String(plan.year));
    await page.getByTestId('filter-phase').selectOption('in-progress');
    await page.getByTestId('filter-issuer').fill('BDVTU');
    await page.getByTestId('filter-province').fill('BN');
    // A refresh while someone types keeps what they typed: the list re-renders under the form.
    await Promise.all([page.waitForResponse((r) => r.url().includes('/v1/campaigns') && r.ok()), page.getByTestId('refresh').click()]);
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)))');
    expect(await Promise.all(['filter-year', 'filter-phase', 'filter-issuer', 'filter-province'].map((id) => page.getByTestId(id).inputValue()))).toEqual([
      String(plan.year),
      'in-progress',
      'BDVTU',
      'BN',
    ]);
    await page.getByTestId('filter-submit').click();
    await page.waitForURL((url) => url.search === `?year=${plan.year}&phase=in-progress&issuer=BDVTU&province=BN`);
    const row = page.locator(`[data-testid=campaign-row][data-campaign-id="${campaignId}"]`);
    await row.waitFor();
    expect([await text(row, 'campaign-link'), await text(row, 'campaign-year'), await text(row, 'campaign-phase')]).toEqual([
      plan.number,
      String(plan.year),
      'tổ chức thực hiện',
    ]);
    await expectListedAsTheApi(page, `year=${plan.year}&phase=in-progress&issuer=BDVTU&province=BN`);
    await screenshot(page, 'campaigns');

    await page.getByTestId('filter-phase').selectOption('closed');
    await page.getByTestId('filter-submit').click();
    await page.waitForURL((url) => url.searchParams.get('phase') === 'closed');
    expect(await expectListedAsTheApi(page, `year=${plan.year}&phase=closed&issuer=BDVTU&province=BN`)).not.toContain(campaignId);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the campaign overview with the API snapshot’s figures, written the Vietnamese way', async () => {
    const { context, page, errors } = await openPage();
    await signIn(page, admin);
    await page.locator(`[data-testid=campaign-row][data-campaign-id="${campaignId}"]`).getByTestId('campaign-link').click();
    await unitPageOf(page, 'BN');
    const snapshot = (await call('GET', campaignPath, admin)).body as CampaignSnapshot;

    // Not a vacuous comparison: the reports above are on the page, as the seed documents write them.
    expect(snapshot.progress.activities?.['information-conference']?.measures.attendance).toBe(4819);
    expect(await text(page, 'activity-information-conference-attendance')).toBe('4.819');
    expect(await text(page, 'activity-support-drive-amountVnd')).toBe('150.000.000');
    expect(snapshot.overdueUnits.length).toBeGreaterThan(0);
    await expectFiguresOf(page, snapshot);

    expect(await text(page, 'unit-name')).toBe('Tỉnh Bắc Ninh');
    expect(await text(page, 'phase')).toBe('tổ chức thực hiện');
    expect(await text(page, 'window')).toBe(`${formatVietnameseDate(plan.window.opensOn)} – ${formatVietnameseDate(plan.window.closesOn)}`);
    const dialogues = page.locator('[data-testid=deadline-row][data-deadline=dialogues]');
    expect([await text(dialogues, 'deadline-date'), await text(dialogues, 'deadline-status')]).toEqual([
      formatVietnameseDate(snapshot.deadlines.dialogues!),
      `đã qua ${dialoguesLate()} ngày`,
    ]);
    expect(await page.locator('[data-testid=phase-step-in-progress][aria-current=step]').count()).toBe(1);
    await screenshot(page, 'campaign-overview', { file: 'dashboard-campaign-overview' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('drills down province → commune → chi bộ, each page with its own figures', async () => {
    const { context, page, errors } = await openPage();
    await signIn(page, admin, `/dashboard/campaigns/${campaignId}`);
    await unitPageOf(page, 'BN');

    await page.locator(`[data-testid=child-row][data-unit-code="${KINH_BAC}"]`).getByTestId('child-link').click();
    await unitPageOf(page, KINH_BAC);
    expect(new URL(page.url()).pathname).toBe(`/dashboard/campaigns/${campaignId}/units/${KINH_BAC}`);
    expect(await text(page, 'unit-name')).toBe('Phường Kinh Bắc');
    await expectFiguresOf(page, (await call('GET', unitPath(KINH_BAC), admin)).body as NodeSnapshot);
    const cells = await page.getByTestId('leaf-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-unit-code')));
    expect(cells).toEqual(cellsOf(KINH_BAC));
    await screenshot(page, 'unit-commune', { file: 'dashboard-unit-page' });

    const cell = cellsOf(KINH_BAC)[0]!;
    await page.locator(`[data-testid=leaf-row][data-unit-code="${cell}"]`).getByTestId('leaf-link').click();
    await unitPageOf(page, cell);
    expect(await page.getByTestId('unit-page').getAttribute('data-leaf')).toBe('true');
    const record = ((await call('GET', unitPath(cell), admin)).body as NodeSnapshot).units[0]!;
    const session = record.studySession!;
    expect(await text(page, 'record-study-session')).toBe(
      `Tổ chức ngày ${formatVietnameseDate(session.heldOn)}; ${n(session.membersPresent)}/${n(session.membersTotal)} đảng viên dự; ` +
        `báo cáo ngày ${formatVietnameseDate(vietnamDateOf(new Date(session.reportedAt)))}, ${session.late ? 'trễ hạn' : 'đúng hạn'}`,
    );
    expect(await text(page, 'activity-propaganda-posts')).toBe('41');
    // The trail clicked through, back up to the commune.
    expect(await page.getByTestId('breadcrumbs').getByRole('link').allTextContents()).toEqual([`Kế hoạch số ${plan.number}`, 'Phường Kinh Bắc']);
    await screenshot(page, 'unit-chi-bo');
    await page.getByTestId('breadcrumbs').getByText('Phường Kinh Bắc').click();
    await unitPageOf(page, KINH_BAC);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a report sent over HTTP while the page is open, at the next refresh', async () => {
    const { context, page, errors } = await openPage();
    await signIn(page, viewer, `/dashboard/campaigns/${campaignId}/units/${VO_CUONG}`);
    await unitPageOf(page, VO_CUONG);
    const before = (await call('GET', unitPath(VO_CUONG), admin)).body as NodeSnapshot;
    expect(await text(page, 'study-sessions-done')).toBe(n(before.progress.studySessions.done));
    const firstRefresh = await text(page, 'refreshed-at');

    const cell = cellsOf(VO_CUONG)[2]!;
    await report(unitPath(cell, '/study-sessions'), reporterOf(VO_CUONG), { heldOn: today, membersPresent: 10, membersTotal: 12 });
    await eventually(
      () => text(page, 'study-sessions-done'),
      (shown) => shown === n(before.progress.studySessions.done + 1),
      30_000,
    );
    expect(await text(page, 'refreshed-at')).not.toBe(firstRefresh);
    expect(await text(page.locator(`[data-testid=leaf-row][data-unit-code="${cell}"]`), 'leaf-study-session')).toBe(
      `${formatVietnameseDate(today)} · 10/12 đảng viên dự`,
    );
    await expectFiguresOf(page, (await call('GET', unitPath(VO_CUONG), admin)).body as NodeSnapshot);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('fits a phone’s width (360 px) on every page, without scrolling sideways', async () => {
    const { context, page, errors } = await openPage({ width: 360, height: 740 }, true);
    await page.goto(`${danvan.baseUrl}/dashboard/sign-in`);
    await page.getByTestId('sign-in-form').waitFor();
    const wide: string[] = [];
    if (await scrollsSideways(page)) wide.push('sign-in');
    await screenshot(page, 'phone-sign-in');
    await signIn(page, admin);
    await page.getByTestId('campaign-row').first().waitFor();
    if (await scrollsSideways(page)) wide.push('campaigns');
    await screenshot(page, 'phone-campaigns');
    for (const [name, unit, docs] of [
      ['overview', undefined, { file: 'dashboard-phone', firstScreen: true }],
      ['commune', KINH_BAC, undefined],
      ['chi-bo', cellsOf(KINH_BAC)[0]!, undefined],
    ] as const) {
      await page.goto(`${danvan.baseUrl}/dashboard/campaigns/${campaignId}${unit ? `/units/${unit}` : ''}`);
      await unitPageOf(page, unit ?? 'BN');
      if (await scrollsSideways(page)) wide.push(name);
      await screenshot(page, `phone-${name}`, docs);
    }
    expect(wide).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a reporter their own commune, and refuses them the province', async () => {
    const { context, page, errors } = await openPage();
    await signIn(page, reporterOf(VO_CUONG));
    await page.locator(`[data-testid=campaign-row][data-campaign-id="${campaignId}"]`).getByTestId('campaign-link').click();
    await unitPageOf(page, VO_CUONG);
    expect(await text(page, 'unit-name')).toBe('Phường Võ Cường');
    // Nothing above their own unit is offered, and asked for anyway it is refused with the API's reason.
    expect(await page.getByTestId('breadcrumbs').getByRole('link').count()).toBe(0);
    await page.goto(`${danvan.baseUrl}/dashboard/campaigns/${campaignId}`);
    expect(await page.getByTestId('load-error').textContent()).toMatch(/chỉ được làm việc cho đơn vị đó và các đơn vị cấp dưới/);
    expect(errors).toEqual([]);
    await context.close();
  });

  // Last: it moves the campaign on to assessment, which ends the reporting the tests above rely on.
  it('follows a model through assessment: by field and stage, and by the level that recognized it', async () => {
    const { context, page, errors } = await openPage();
    await signIn(page, admin, `/dashboard/campaigns/${campaignId}`);
    await unitPageOf(page, 'BN');
    expect((await call('POST', `${campaignPath}/phase`, admin, { to: 'assessment', reason: 'Kết thúc thời gian báo cáo; thẩm định mô hình' })).status).toBe(
      200,
    );
    const council = councilOf(KINH_BAC);
    const model = unitPath(KINH_BAC, `/models/${kinhBacModel}/assessment`);
    await report(model, council, { action: 'assess', score: 88, remarks: 'Mô hình thiết thực, được Nhân dân đồng tình' });
    await report(model, council, { action: 'recognize', remarks: 'Công nhận mô hình "Dân vận khéo" cấp xã' });

    await eventually(
      () => text(page, 'honours-recognized-commune'),
      (shown) => shown === '1',
      30_000,
    );
    expect(await text(page, 'phase')).toBe('đánh giá, thẩm định');
    expect(await page.getByTestId('honours').textContent()).toContain('Mô hình được công nhận theo cấp: cấp xã');
    expect([await text(page, 'models-registered'), await text(page, 'models-recognized'), await text(page, 'model-culture-society-recognized')]).toEqual([
      '2',
      '1',
      '1',
    ]);
    await expectFiguresOf(page, (await call('GET', campaignPath, admin)).body as CampaignSnapshot);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('formats numbers, dates and percentages in the browser exactly as domain/ does', async () => {
    const { context, page, errors } = await openPage();
    await page.goto(`${danvan.baseUrl}/dashboard/sign-in`);
    await page.getByTestId('sign-in-form').waitFor();
    const numbers = [
      0,
      7,
      999,
      1000,
      4819,
      62_362,
      1_000_000,
      10_000_000_000_000,
      2.9,
      -4819,
      ...fc.sample(fc.integer({ min: 0, max: 2 ** 52 }), { numRuns: 200, seed: 17 }),
    ];
    const dates = [
      '2024-09-06',
      '2024-10-15',
      '1930-10-15',
      ...fc
        .sample(fc.date({ min: new Date('1930-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }), { numRuns: 100, seed: 17 })
        .map((d) => d.toISOString().slice(0, 10)),
    ];
    const fractions = [
      [0, 0],
      [1, 3],
      [2, 3],
      [325, 325],
      [314, 325],
      ...fc.sample(fc.tuple(fc.nat(100_000), fc.integer({ min: 1, max: 100_000 })), { numRuns: 100, seed: 17 }),
    ];
    const instants = [
      '2024-10-31T16:59:59.999Z',
      '2024-10-31T17:00:00.000Z',
      ...fc
        .sample(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), { numRuns: 100, seed: 17 })
        .map((d) => d.toISOString()),
    ];
    const inBrowser = await page.evaluate<Record<string, string[]>>(
      `import('/dashboard/app/format.js').then((f) => ({
        numbers: ${JSON.stringify(numbers)}.map((x) => f.formatNumber(x)),
        dates: ${JSON.stringify(dates)}.map((x) => f.formatDate(x)),
        percents: ${JSON.stringify(fractions)}.map(([done, required]) => f.formatPercent(done, required)),
        days: ${JSON.stringify(instants)}.map((x) => f.vietnamDateOf(new Date(x))),
      }))`,
    );
    expect(inBrowser).toEqual({
      numbers: numbers.map(formatVietnameseNumber),
      dates: dates.map(formatVietnameseDate),
      percents: fractions.map(([done, required]) => pct(done!, required!)),
      days: instants.map((x) => vietnamDateOf(new Date(x))),
    });
    expect(inBrowser.numbers!.slice(0, 5)).toEqual(['0', '7', '999', '1.000', '4.819']);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('what the API serves for the dashboard', () => {
  it('serves its pages under the strict CSP, the import map allowed by its hash alone, and no file but its own', async () => {
    const page = await fetch(`${danvan.baseUrl}/dashboard/campaigns/${campaignId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const importMap = /<script type="importmap">(.*?)<\/script>/.exec(html)![1]!;
    expect(page.headers.get('content-security-policy')).toContain(`script-src 'self' ${DASHBOARD_IMPORT_MAP_HASH}`);
    expect(DASHBOARD_IMPORT_MAP_HASH).toBe(`'sha256-${createHash('sha256').update(importMap).digest('base64')}'`);
    expect(html).not.toMatch(/<script(?! type="importmap")(?![^>]*\bsrc=)[^>]*>/);

    const preact = await fetch(`${danvan.baseUrl}/dashboard/vendor/preact.js`);
    expect([preact.status, preact.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(await preact.text()).toBe(fs.readFileSync(require.resolve('preact'), 'utf8'));
    const again = await fetch(`${danvan.baseUrl}/dashboard/vendor/preact.js`, { headers: { 'if-none-match': preact.headers.get('etag')! } });
    expect(again.status).toBe(304);

    for (const url of [
      '/dashboard/app/tsconfig.json',
      '/dashboard/app/api-types.d.ts',
      '/dashboard/app/..%2F..%2Fpackage.json',
      '/dashboard/vendor/preact/package.json',
    ])
      expect({ url, status: (await fetch(`${danvan.baseUrl}${url}`)).status }).toEqual({ url, status: 404 });
  });

  it('answers GET /v1/me with who the token speaks for and what it may do', async () => {
    expect((await call('GET', '/v1/me', reporterOf(VO_CUONG))).body).toEqual({
      sub: 'bt-bn-vocuong',
      role: 'reporter',
      unit: VO_CUONG,
      scopedToUnit: true,
      actions: expect.arrayContaining(['campaign:list', 'unit:read', 'report:study-session']),
    });
    const me = (await call('GET', '/v1/me', viewer)).body;
    expect(me).toMatchObject({ sub: 'theo-doi-bn', role: 'viewer', scopedToUnit: false });
    expect(me.actions).not.toContain('campaign:deploy');
    expect((await call('GET', `${campaignPath}/plan`, reporterOf(VO_CUONG))).body).toMatchObject({
      number: plan.number,
      deadlines: { dialogues: plan.deadlines!.dialogues },
    });
  });
});

describe('finding Chromium (stack/chromium.ts)', () => {
  it("finds Debian's chromium on PATH, and a binary DANVAN_CHROMIUM names", async () => {
    expect(findChromium({ PATH: process.env.PATH })).toMatch(/\/chromium$/);
    expect(await ensureChromium({ env: { PATH: process.env.PATH } })).toMatch(/\/chromium$/);
    const named = findChromium({ PATH: process.env.PATH })!;
    expect(findChromium({ PATH: '', DANVAN_CHROMIUM: named })).toBe(named);
  });

  it('refuses, naming the command that installs it, when it is missing and this user may not install it', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-no-chromium-'));
    try {
      await expect(ensureChromium({ env: { PATH: empty }, uid: 1000 })).rejects.toThrow(`sudo sh -c '${CHROMIUM_INSTALL_COMMAND}'`);
      const notABinary = path.join(empty, 'chromium.txt');
      fs.writeFileSync(notABinary, 'not a browser');
      expect(() => findChromium({ PATH: '', DANVAN_CHROMIUM: notABinary })).toThrow(`DANVAN_CHROMIUM=${notABinary} is not an executable file`);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
