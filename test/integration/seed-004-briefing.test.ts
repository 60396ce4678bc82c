import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomInt, randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import type { Principal } from '../../api/auth';
import type { ActivityId } from '../../domain/catalogue';
import { campaignIdFor } from '../../domain/plan';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { addDays, vietnamDateOf } from '../../domain/schedule';
import { TOPICS } from '../../domain/topics';
import { plan202 } from '../fixtures/plans';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { testKafkaBrokers } from '../helpers/env';
import { apiClient, deployAndFollow, inParallel } from '../helpers/http';
import { readCampaignEvents } from '../helpers/kafka';
import { spawnTs, spawnTsProcess, type Spawned } from '../helpers/processes';

/**
 * Seed 004: the provincial commission's six-month briefing of the lowland cluster ("giao ban cụm đồng bằng công tác
 * dân vận 6 tháng đầu năm 2024"), every figure of its paragraph rebuilt from events. The three districts of the
 * Bắc Giang tree and their communes report catalogue activities and "Dân vận khéo" models over HTTP through the
 * half-year; `npm run analytics` reads the events back from Kafka into its projection, and `danvan report` prints,
 * for the half-year, the sentences of the briefing with its figures: 129 văn bản; 14 cuộc kiểm tra, giám sát đối với
 * 18 tổ chức đảng và 11 đảng viên; 06 hội nghị sơ kết, tổng kết; 50 hội nghị với 4.819 lượt người; 891 mô hình
 * đăng ký, 514 công nhận; 08 hội nghị với 905 lượt người tham gia; 25 cuộc kiểm tra, giám sát hướng dẫn nghiệp vụ
 * đối với 25 cấp ủy, tổ chức đảng và 05 đảng viên. The half-year is the last one already over, so every date lies
 * in the past whenever the suite runs.
 */

const tree = bacGiangTree();
const districts = tree.filter((u) => u.kind === 'district');
const communes = tree.filter((u) => u.kind === 'commune');

const today = vietnamDateOf(new Date());
const thisYear = Number(today.slice(0, 4));
const firstHalfOver = today.slice(5) >= '07-01';
const half = firstHalfOver
  ? { period: `${thisYear}-H1`, opensOn: `${thisYear}-01-01`, closesOn: `${thisYear}-06-30`, vi: `6 tháng đầu năm ${thisYear}` }
  : { period: `${thisYear - 1}-H2`, opensOn: `${thisYear - 1}-07-01`, closesOn: `${thisYear - 1}-12-31`, vi: `6 tháng cuối năm ${thisYear - 1}` };
/** A day of the half-year, `k` days after it opens (kept inside it). */
const inHalf = (k: number) => addDays(half.opensOn, k % 180);

const plan = plan202({
  number: `${randomInt(1_000, 99_999)}-KH/BDVTU`,
  year: Number(half.opensOn.slice(0, 4)),
  issuedOn: addDays(half.opensOn, -4),
  title: 'Chương trình công tác dân vận năm',
  window: { opensOn: half.opensOn, closesOn: addDays(today, 30) },
});
const campaignId = campaignIdFor(plan);
const campaignPath = `/v1/campaigns/${campaignId}`;
const unitPath = (unit: string, rest = '') => `${campaignPath}/units/${unit}${rest}`;

const admin: Principal = { sub: 'admin-bg', role: 'admin' };
const council: Principal = { sub: 'hoi-dong-bg', role: 'council', unit: 'BG' };
const reporterOf = (unit: string): Principal => ({ sub: `bt-${unit.toLowerCase()}`, role: 'reporter', unit });

/** What each district's commission reported in the half-year, summing to the briefing's figures. */
const DISTRICT_REPORTS: Array<Array<{ activity: ActivityId; measures: Record<string, number> }>> = [
  [
    { activity: 'documents-issued', measures: { count: 25 } },
    { activity: 'documents-issued', measures: { count: 15 } },
    { activity: 'inspection-supervision', measures: { count: 5, partyOrganisations: 7, partyMembers: 4 } },
    { activity: 'review-conference', measures: { count: 2 } },
    { activity: 'information-conference', measures: { count: 4, attendance: 500 } },
    { activity: 'training-conference', measures: { count: 3, participants: 340 } },
    { activity: 'guidance-inspection', measures: { count: 9, partyOrganisations: 9, partyMembers: 2 } },
  ],
  [
    { activity: 'documents-issued', measures: { count: 45 } },
    { activity: 'inspection-supervision', measures: { count: 6, partyOrganisations: 6, partyMembers: 5 } },
    { activity: 'review-conference', measures: { count: 2 } },
    { activity: 'information-conference', measures: { count: 4, attendance: 500 } },
    { activity: 'training-conference', measures: { count: 3, participants: 325 } },
    { activity: 'guidance-inspection', measures: { count: 8, partyOrganisations: 8, partyMembers: 2 } },
  ],
  [
    { activity: 'documents-issued', measures: { count: 44 } },
    { activity: 'inspection-supervision', measures: { count: 3, partyOrganisations: 5, partyMembers: 2 } },
    { activity: 'review-conference', measures: { count: 2 } },
    { activity: 'information-conference', measures: { count: 4, attendance: 500 } },
    { activity: 'training-conference', measures: { count: 2, participants: 240 } },
    { activity: 'guidance-inspection', measures: { count: 8, partyOrganisations: 8, partyMembers: 1 } },
  ],
];
/** Nineteen communes held two information conferences each: 38 more, with 3.319 more attendances. */
const communeConferences = communes.slice(0, 19).map((commune, i) => ({ commune, measures: { count: 2, attendance: 174 + (i === 0 ? 13 : 0) } }));
/** 891 models over the 30 communes, 514 of them recognized by the provincial council. */
const MODELS = 891;
const RECOGNIZED = 514;

let danvan: DanvanUnderTest;
let api: ReturnType<typeof apiClient>;
let analytics: Spawned | undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-seed-004-'));
const db = path.join(dir, 'analytics.sqlite');

beforeAll(async () => {
  danvan = await startDanvan('seed-004');
  api = apiClient(danvan);
});

afterAll(async () => {
  if (analytics && analytics.child.exitCode === null) {
    analytics.child.kill('SIGTERM');
    await analytics.exited;
  }
  await danvan?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function appliedEvents(): number {
  if (!fs.existsSync(db)) return 0;
  const sqlite = new BetterSqlite3(db, { readonly: true });
  try {
    return (sqlite.prepare('SELECT COUNT(*) AS n FROM seen_events WHERE campaign_id = ?').get(campaignId) as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

async function danvanReport(...args: string[]): Promise<{ code: number | null; out: string }> {
  const run = spawnTs('bin/danvan.ts', ['report', campaignId, '--db', db, ...args], { DANVAN_DATA_DIR: dir });
  const code = await run.exited;
  return { code, out: run.output() };
}

describe('seed 004: the six-month briefing of the lowland cluster, rebuilt from events read back from Kafka', () => {
  it('prints every figure of the briefing for the half-year, from `npm run analytics` and `danvan report`', async () => {
    expect((await api.call('POST', '/v1/campaigns', admin, { plan, tree: { sample: 'bac-giang' } })).status).toBe(201);
    await deployAndFollow(api.call, campaignId, admin, { reason: 'Triển khai Chương trình công tác dân vận' });
    await eventually(
      async () => (await api.call('GET', campaignPath, admin)).body.phase,
      (phase) => phase === 'in-progress',
    );

    // The districts' commissions, then the communes' information conferences, each report dated inside the half-year.
    const activities = [
      ...DISTRICT_REPORTS.flatMap((reports, d) => reports.map((r, k) => ({ unit: districts[d]!.code, ...r, heldOn: inHalf(d * 40 + k * 20) }))),
      ...communeConferences.map(({ commune, measures }, i) => ({
        unit: commune.code,
        activity: 'information-conference' as ActivityId,
        measures,
        heldOn: inHalf(i * 9),
      })),
    ];
    await inParallel(activities, 8, async ({ unit, activity, measures, heldOn }) => {
      await api.report(unitPath(unit, '/activities'), reporterOf(unit), { activity, heldOn, measures });
    });
    // Seven more documents after the half-year: in the campaign's figures, not in the briefing's.
    const afterHalf = addDays(half.closesOn, 1) <= today ? addDays(half.closesOn, 1) : today;
    await api.report(unitPath(districts[0]!.code, '/activities'), reporterOf(districts[0]!.code), {
      activity: 'documents-issued',
      heldOn: afterHalf,
      measures: { count: 7 },
    });

    // Models: registered by every commune through the half-year; the council recognizes the first 514.
    const models: Array<{ commune: string; id: string }> = [];
    const registrations = communes.flatMap((commune, c) => Array.from({ length: c < MODELS % communes.length ? 30 : 29 }, (_, m) => ({ commune, m })));
    expect(registrations).toHaveLength(MODELS);
    await inParallel(registrations, 16, async ({ commune, m }) => {
      const answer = await api.report(unitPath(commune.code, '/models'), reporterOf(commune.code), {
        name: `Mô hình "Dân vận khéo" số ${m + 1} của ${commune.name}`,
        field: m % 3 === 0 ? 'economy' : m % 3 === 1 ? 'culture-society' : 'defence-security',
        registeredOn: inHalf(m * 6),
      });
      models.push({ commune: commune.code, id: answer.id as string });
    });
    expect((await api.call('POST', `${campaignPath}/phase`, admin, { to: 'assessment', reason: 'Đánh giá, thẩm định mô hình' })).status).toBe(200);
    models.sort((a, b) => `${a.commune}/${a.id.padStart(5, '0')}`.localeCompare(`${b.commune}/${b.id.padStart(5, '0')}`));
    await inParallel(models.slice(0, RECOGNIZED), 16, async (model) => {
      const assessment = unitPath(model.commune, `/models/${model.id}/assessment`);
      await api.report(assessment, council, { action: 'assess', score: 85, remarks: 'Hiệu quả, có khả năng nhân rộng' });
      await api.report(assessment, council, { action: 'recognize', remarks: 'Công nhận mô hình "Dân vận khéo"' });
    });

    // The events, read back from Kafka by the reference consumer into its projection.
    analytics = spawnTsProcess('analytics/main.ts', ['--group', `danvan-seed-004-${randomUUID()}`], {
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      DANVAN_ANALYTICS_DB: db,
      DANVAN_DATA_DIR: dir,
      LOG_LEVEL: 'info',
    });
    const onTopic = new Set((await readCampaignEvents(TOPICS.campaignEvents, campaignId)).map((e) => e.id)).size;
    expect(onTopic).toBeGreaterThan(MODELS + 2 * RECOGNIZED + activities.length);
    await eventually(
      async () => appliedEvents(),
      (n) => n >= onTopic,
      120_000,
    );

    const briefing = await danvanReport('--period', half.period);
    expect(briefing.code).toBe(0);
    for (const phrase of [
      half.vi,
      'ban hành 129 văn bản',
      '14 cuộc kiểm tra, giám sát đối với 18 tổ chức đảng và 11 đảng viên',
      '06 hội nghị sơ kết, tổng kết',
      '50 hội nghị với 4.819 lượt người tham dự',
      'đăng ký 891 mô hình "Dân vận khéo", công nhận 514 mô hình',
      '08 hội nghị với 905 lượt người tham gia để quán triệt, tập huấn',
      '25 cuộc kiểm tra, giám sát để hướng dẫn nghiệp vụ công tác dân vận đối với 25 cấp ủy, tổ chức đảng và 05 đảng viên',
    ]) {
      expect(briefing.out.toLowerCase()).toContain(phrase.toLowerCase());
    }

    // The whole campaign counts the documents issued after the half-year too; one district counts only its own.
    expect((await danvanReport()).out).toContain('136 văn bản');
    const hiepHoa = await danvanReport('--period', half.period, '--unit', districts[0]!.code);
    expect(hiepHoa.code).toBe(0);
    expect(hiepHoa.out).toContain(districts[0]!.name);
    expect(hiepHoa.out).toContain('40 văn bản');
    expect(hiepHoa.out).toContain('05 cuộc kiểm tra, giám sát đối với 07 tổ chức đảng và 04 đảng viên');
  }, 600_000);
});
