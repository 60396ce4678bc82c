import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { randomInt, randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import type { Principal } from '../../api/auth';
import { DEAD_LETTER_HEADERS, startEventConsumer, type BatchOrigin } from '../../analytics/consumer';
import { openProjection, type Projection } from '../../analytics/projection';
import { projectionSink } from '../../analytics/projection-sink';
import type { Result } from '../../analytics/result';
import { CLOUDEVENTS_CONTENT_TYPE, buildEvent, type DanvanEvent } from '../../domain/events';
import { MODEL_FIELDS, type ModelField, type ModelStage } from '../../domain/models';
import { campaignIdFor } from '../../domain/plan';
import { emptyProgress, modelTotals, percent, type Progress } from '../../domain/progress';
import type { PetitionKind } from '../../domain/reports';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { addDays, formatVietnameseNumber, vietnamDateOf } from '../../domain/schedule';
import { TOPICS } from '../../domain/topics';
import { createKafka } from '../../infra/kafka';
import { createLogger } from '../../infra/logger';
import { planOpenToday } from '../fixtures/plans';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { apiClient, deployAndFollow, inParallel } from '../helpers/http';
import { testKafkaBrokers } from '../helpers/env';
import { consumeUntil, nameOf, readCampaignEvents, readTopicToEnd, testKafka } from '../helpers/kafka';
import { spawnTs, spawnTsProcess, type Spawned } from '../helpers/processes';

/**
 * The reference consumer, end to end on the real servers. A Bắc Giang campaign (3 districts, 30 communes, 325 chi bộ)
 * is driven over HTTP while `npm run analytics` follows it; the consumer is stopped halfway and started again after
 * the campaign closed. Its projection must then equal, field by field, both the campaign workflow's own final
 * snapshot and the figures counted here while sending. Then: a rebuild from offset zero, records that fail
 * validation, duplicates on Kafka, a sink that fails once, typed handlers, and `danvan report` as a user runs it.
 */

const tree = bacGiangTree();
const communes = tree.filter((u) => u.kind === 'commune');
const cells = tree.filter((u) => u.kind === 'party-cell');
const communeOf = (unitCode: string) => tree.find((u) => u.code === unitCode)!.parent!;

const today = vietnamDateOf(new Date());
const plan = planOpenToday(today);
const campaignId = campaignIdFor(plan);
const campaignPath = `/v1/campaigns/${campaignId}`;
const unitPath = (unit: string, rest = '') => `${campaignPath}/units/${unit}${rest}`;

const admin: Principal = { sub: 'admin-bg', role: 'admin' };
const council: Principal = { sub: 'hoi-dong-bg', role: 'council', unit: 'BG' };
const reporterOf = (commune: string): Principal => ({ sub: `bt-${commune.toLowerCase()}`, role: 'reporter', unit: commune });

let danvan: DanvanUnderTest;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-analytics-'));
const db = path.join(dir, 'analytics.sqlite');
const group = `danvan-analytics-test-${randomUUID()}`;
const logger = createLogger('warn');
const running: Spawned[] = [];

let call: ReturnType<typeof apiClient>['call'];
let report: ReturnType<typeof apiClient>['report'];
beforeAll(async () => {
  danvan = await startDanvan('analytics');
  ({ call, report } = apiClient(danvan));
});

afterAll(async () => {
  await Promise.all(
    running.map(async (analytics) => {
      analytics.child.kill('SIGTERM');
      await analytics.exited;
    }),
  );
  await danvan?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Field by field, whatever objects hold the fields (SQLite rows have no Object prototype). */
function sameFigures(a: Progress, b: Progress): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** Reads the projection file while the consumer may be writing it (WAL lets a reader in), and closes it again. */
function withProjection<T>(read: (projection: Projection) => T, file = db): T {
  const projection = value(openProjection(file));
  try {
    return read(projection);
  } finally {
    projection.close();
  }
}

function appliedEvents(file = db, campaign = campaignId): number {
  const sqlite = new BetterSqlite3(file, { readonly: true });
  try {
    return (sqlite.prepare('SELECT COUNT(*) AS n FROM seen_events WHERE campaign_id = ?').get(campaign) as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

/** Whether `groupId` has committed, on every partition of the campaign topic, everything the topic holds now. */
async function caughtUp(groupId: string): Promise<boolean> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(TOPICS.campaignEvents);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [TOPICS.campaignEvents] });
    return ends.every((end) => end.high === end.low || committed!.partitions.find((p) => p.partition === end.partition)?.offset === end.high);
  } finally {
    await admin.disconnect();
  }
}

/** `npm run analytics` as an operator runs it, on the test broker and this suite's projection file; one process, so SIGTERM reaches it as sent. */
async function startAnalytics(...args: string[]): Promise<Spawned> {
  const analytics = spawnTsProcess('analytics/main.ts', ['--group', group, ...args], {
    KAFKA_BROKERS: testKafkaBrokers().join(','),
    DANVAN_ANALYTICS_DB: db,
    DANVAN_DATA_DIR: dir,
    LOG_LEVEL: 'info',
  });
  running.push(analytics);
  await analytics.waitFor(/"msg":"consuming"/, 60_000);
  return analytics;
}

async function stopAnalytics(analytics: Spawned): Promise<void> {
  analytics.child.kill('SIGTERM');
  const code = await analytics.exited;
  running.splice(running.indexOf(analytics), 1);
  expect({ code, stopped: /"msg":"stopped"/.test(analytics.output()) }).toEqual({ code: 0, stopped: true });
}

/** What the units reported, counted while sending: the figures both the workflow and the projection must arrive at. */
const expected: Progress = emptyProgress();
let final: { snapshot: Progress; closedAt: Date; events: DanvanEvent[] };

/** The campaign's events applied: distinct ids on the topic, however often each was delivered. */
async function distinctEvents(): Promise<number> {
  return new Set((await readCampaignEvents(TOPICS.campaignEvents, campaignId)).map((e) => e.id)).size;
}

const figuresAtClose = (file = db) => withProjection((p) => p.figures(campaignId, { asOf: final.closedAt }), file);

const reportedCells = cells.filter((_, k) => k % 13 !== 5);
const dialogueCommunes = communes.filter((_, c) => c % 10 !== 7);

describe('the reference consumer follows a whole Bắc Giang campaign', () => {
  it('drives the campaign over HTTP while `npm run analytics` runs, stopped halfway and started again after closing', async () => {
    const firstRun = await startAnalytics();

    expect((await call('POST', '/v1/campaigns', admin, { plan, tree: { sample: 'bac-giang' } })).status).toBe(201);
    await deployAndFollow(call, campaignId, admin, { reason: 'Triển khai Kế hoạch đến các huyện, xã, thị trấn' });
    await eventually(
      async () => (await call('GET', campaignPath, admin)).body.phase,
      (phase) => phase === 'in-progress',
    );
    expected.studySessions.required = cells.length;
    expected.dialogues.required = communes.length;

    // Study sessions: every chi bộ but every 13th, dated over the last nine days; the first dozen sent twice with the same key.
    const studySession = (k: number) => {
      const membersTotal = 12 + ((k * 7) % 25);
      return { heldOn: addDays(today, -(k % 9)), membersPresent: membersTotal - (k % 4), membersTotal };
    };
    const sessionKeys: string[] = [];
    const sessionAnswers: Array<Record<string, unknown>> = [];
    const sendSessions = (from: number, to: number) =>
      inParallel(reportedCells.slice(from, to), 8, async (cell, i) => {
        const session = studySession(from + i);
        sessionKeys[from + i] = randomUUID();
        sessionAnswers[from + i] = await report(unitPath(cell.code, '/study-sessions'), reporterOf(communeOf(cell.code)), session, sessionKeys[from + i]);
        expected.studySessions.done += 1;
        expected.studySessions.membersPresent += session.membersPresent;
        expected.studySessions.membersTotal += session.membersTotal;
      });
    const half = Math.floor(reportedCells.length / 2);
    await sendSessions(0, half);

    // Halfway: the consumer has applied some of the campaign, then stops gracefully (SIGTERM) and the campaign goes on without it.
    await eventually(
      async () => appliedEvents(),
      (n) => n > 0,
      60_000,
    );
    await stopAnalytics(firstRun);
    const appliedAtStop = appliedEvents();
    await sendSessions(half, reportedCells.length);

    const repeats = await Promise.all(
      reportedCells
        .slice(0, 12)
        .map((cell, k) => report(unitPath(cell.code, '/study-sessions'), reporterOf(communeOf(cell.code)), studySession(k), sessionKeys[k])),
    );
    expect(repeats).toEqual(sessionAnswers.slice(0, 12));

    // Dialogues: 27 of 30 communes, every fourth holding a second conference; three re-sent with their key.
    const dialogue = (c: number, conference: number) => ({
      heldOn: addDays(today, -(c % 7)),
      topic: conference === 1 ? 'Đất đai, môi trường và giải phóng mặt bằng' : 'An ninh trật tự ở khu dân cư',
      attendance: 80 + ((c * 17) % 150) + conference,
    });
    const dialogueKeys = new Map<string, string>();
    const dialogueAnswers = new Map<string, Record<string, unknown>>();
    await inParallel(
      dialogueCommunes.flatMap((commune) => {
        const c = communes.indexOf(commune);
        return c % 4 === 0 ? [[commune.code, c, 1] as const, [commune.code, c, 2] as const] : [[commune.code, c, 1] as const];
      }),
      8,
      async ([code, c, conference]) => {
        const body = dialogue(c, conference);
        const key = randomUUID();
        const answer = await report(unitPath(code, '/dialogues'), reporterOf(code), body, key);
        if (conference === 1) {
          dialogueKeys.set(code, key);
          dialogueAnswers.set(code, answer);
          expected.dialogues.done += 1;
        }
        expected.dialogues.conferences += 1;
        expected.dialogues.attendance += body.attendance;
      },
    );
    for (const commune of dialogueCommunes.slice(0, 3)) {
      expect(
        await report(unitPath(commune.code, '/dialogues'), reporterOf(commune.code), dialogue(communes.indexOf(commune), 1), dialogueKeys.get(commune.code)),
      ).toEqual(dialogueAnswers.get(commune.code));
    }

    // Petitions in every other commune; those in every fourth resolved. The first one re-sent with its key.
    const petitions: Array<{ commune: string; id: string; kind: PetitionKind; resolve: boolean }> = [];
    const petitionBody = (c: number) => ({
      kind: (c % 6 === 0 ? 'khieu-nai' : c % 10 === 4 ? 'to-cao' : 'kien-nghi') as PetitionKind,
      content: 'Đề nghị nâng cấp đường giao thông liên thôn',
      receivedOn: addDays(today, -3),
    });
    const firstPetitionKey = randomUUID();
    await inParallel(
      communes.filter((_, c) => c % 2 === 0),
      8,
      async (commune) => {
        const c = communes.indexOf(commune);
        const body = petitionBody(c);
        const answer = await report(unitPath(commune.code, '/petitions'), reporterOf(commune.code), body, c === 0 ? firstPetitionKey : undefined);
        petitions.push({ commune: commune.code, id: answer.id as string, kind: body.kind, resolve: c % 4 === 0 });
        expected.petitions[body.kind].recorded += 1;
      },
    );
    expect((await report(unitPath(communes[0]!.code, '/petitions'), reporterOf(communes[0]!.code), petitionBody(0), firstPetitionKey)).id).toBe(
      petitions.find((p) => p.commune === communes[0]!.code)!.id,
    );
    await inParallel(
      petitions.filter((p) => p.resolve),
      8,
      async (p) => {
        await report(
          unitPath(p.commune, `/petitions/${p.id}`),
          reporterOf(p.commune),
          { resolvedOn: today, outcome: 'UBND xã đã bố trí kinh phí sửa chữa' },
          undefined,
          'PATCH',
        );
        expected.petitions[p.kind].resolved += 1;
      },
    );

    // "Dân vận khéo" models: two in every third commune, in varied fields.
    const models: Array<{ commune: string; id: string; field: ModelField; stage: ModelStage }> = [];
    await inParallel(
      communes.filter((_, c) => c % 3 === 0).flatMap((commune) => [0, 1].map((m) => [commune, m] as const)),
      8,
      async ([commune, m]) => {
        const c = communes.indexOf(commune);
        const field = MODEL_FIELDS[(c + m) % MODEL_FIELDS.length]!;
        const answer = await report(unitPath(commune.code, '/models'), reporterOf(commune.code), {
          name: `Dân vận khéo số ${m + 1} của ${commune.name}`,
          field,
          registeredOn: addDays(today, -5),
        });
        models.push({ commune: commune.code, id: answer.id as string, field, stage: 'registered' });
      },
    );
    models.sort((a, b) => `${a.commune}/${a.id}`.localeCompare(`${b.commune}/${b.id}`));

    const moveTo = async (to: string) => {
      expect((await call('POST', `${campaignPath}/phase`, admin, { to, reason: `Chuyển sang giai đoạn ${to}` })).status).toBe(200);
      await eventually(
        async () => Promise.all([...new Set(models.map((m) => m.commune))].map(async (c) => (await call('GET', unitPath(c), admin)).body.phase)),
        (phases) => phases.every((p) => p === to),
      );
    };
    // The council scores four models in five; of those, one in six waits, one in four is rejected, the rest recognized.
    await moveTo('assessment');
    await inParallel(models, 8, async (model, i) => {
      if (i % 5 === 4) return;
      const assessment = unitPath(model.commune, `/models/${model.id}/assessment`);
      await report(assessment, council, { action: 'assess', score: 60 + i, remarks: 'Hiệu quả, có khả năng nhân rộng' });
      model.stage = 'assessed';
      if (i % 6 === 5) return;
      const rejected = i % 4 === 1;
      await report(
        assessment,
        council,
        rejected ? { action: 'reject', reason: 'Chưa có kết quả cụ thể' } : { action: 'recognize', remarks: 'Công nhận mô hình "Dân vận khéo"' },
      );
      model.stage = rejected ? 'rejected' : 'recognized';
    });
    // Every other recognized model is commended, and every fourth of those proposed upward.
    await moveTo('commendation');
    await inParallel(models, 8, async (model, i) => {
      if (model.stage !== 'recognized' || i % 2 !== 0) return;
      const commendation = unitPath(model.commune, `/models/${model.id}/commendation`);
      await report(commendation, admin, { action: 'commend', form: 'giay-khen', awardedBy: 'Ban Dân vận Tỉnh ủy' });
      model.stage = 'commended';
      if (i % 4 !== 0) return;
      await report(commendation, admin, { action: 'propose-upward', remarks: 'Đề nghị Ban Dân vận Trung ương biểu dương' });
      model.stage = 'proposed-upward';
    });
    for (const model of models) expected.models[model.field][model.stage] += 1;
    // Recognized at the commune; the commune's Giấy khen; proposals wait for the district council, which never sits here.
    const honoured = models.filter((m) => ['recognized', 'commended', 'proposed-upward'].includes(m.stage));
    const commended = honoured.filter((m) => m.stage !== 'recognized').length;
    expected.honours = {
      recognized: { commune: honoured.length },
      commended: { 'giay-khen': { commune: { model: commended } } },
      awaitingDecision: models.filter((m) => m.stage === 'proposed-upward').length,
    };
    expect((await call('POST', `${campaignPath}/phase`, admin, { to: 'closed', reason: 'Tổng kết "Tháng Dân vận"' })).status).toBe(200);

    // Started again on the same group while the workflows publish their last events: it resumes where it committed.
    const secondRun = await startAnalytics();

    // The workflow's own final figures, once every unit has rolled up.
    const snapshot = await eventually(
      async () => (await call('GET', campaignPath, admin)).body,
      (s) => s.phase === 'closed' && sameFigures(s.progress, expected),
      60_000,
    );
    const events = await eventually(
      () => readCampaignEvents(TOPICS.campaignEvents, campaignId),
      (all) => all.some((e) => nameOf(e) === 'campaign.closed'),
    );
    const closed = events.find((e) => nameOf(e) === 'campaign.closed')!;
    final = { snapshot: snapshot.progress as Progress, closedAt: new Date(closed.time), events };
    expect(final.snapshot).toEqual(expected);
    expect(closed.data).toEqual({ figures: expected });

    await eventually(
      async () => figuresAtClose(),
      (f) => f.ok && sameFigures(f.value, final.snapshot),
      90_000,
    );
    await eventually(
      () => caughtUp(group),
      (done) => done,
      60_000,
    );
    await stopAnalytics(secondRun);

    const distinct = await distinctEvents();
    expect({ appliedAtStop: appliedAtStop > 0 && appliedAtStop < distinct, applied: appliedEvents() }).toEqual({ appliedAtStop: true, applied: distinct });
    expect(value(figuresAtClose())).toEqual(final.snapshot);
    expect(value(figuresAtClose())).toEqual(expected);
    expect(value(withProjection((p) => p.campaign(campaignId))).phase).toBe('closed');
    // The scale the brief asks for: hundreds of events, and every kind of figure in them.
    expect(distinct).toBeGreaterThan(400);
    expect(modelTotals(expected)).toEqual({ registered: 20, recognized: 11, rejected: 2, commended: 8, proposedUpward: 4 });
  }, 300_000);
});

describe('the same figures whatever happens on the way', () => {
  let analytics: Spawned;

  afterAll(async () => {
    if (analytics && analytics.child.exitCode === null) await stopAnalytics(analytics);
  });

  it('`npm run analytics -- --rebuild` empties the projection and reads the topic again from offset zero', async () => {
    // A campaign no record on the topic speaks of: a rebuild that really starts from nothing loses it.
    const stray = campaignIdFor({ ...plan, number: `${randomInt(1_000, 99_999)}-KH/BDVTU`, issuer: { unitCode: 'HN', name: 'Ban Dân vận Thành ủy Hà Nội' } });
    withProjection((p) =>
      value(
        p.apply([
          {
            id: `${stray}/HN/1`,
            name: 'campaign.phase-changed',
            campaignId: stray,
            subject: 'HN',
            time: new Date().toISOString(),
            data: { from: 'issued', to: 'deployed', reason: 'thử', trigger: 'admin' },
          },
        ]),
      ),
    );
    expect(withProjection((p) => p.campaign(stray)).ok).toBe(true);

    analytics = await startAnalytics('--rebuild');
    expect(analytics.output()).toMatch(/"msg":"rebuilding the projection from offset zero"/);
    // While it runs, a second rebuild of the same group is refused before it touches anything.
    const refused = spawnTsProcess('analytics/main.ts', ['--group', group, '--rebuild'], {
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      DANVAN_ANALYTICS_DB: db,
      DANVAN_DATA_DIR: dir,
    });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toMatch(
      new RegExp(
        `^danvan analytics: groupId="${group}": consumer group ${group} has 1 running member\\(s\\) \\(state Stable\\); stop every consumer of the group first`,
        'm',
      ),
    );

    await eventually(
      async () => figuresAtClose(),
      (f) => f.ok && sameFigures(f.value, final.snapshot),
      90_000,
    );
    await eventually(
      () => caughtUp(group),
      (done) => done,
      60_000,
    );
    expect(value(figuresAtClose())).toEqual(expected);
    expect(appliedEvents()).toBe(await distinctEvents());
    expect(withProjection((p) => p.campaign(stray))).toMatchObject({ ok: false, error: { field: 'campaignId', value: stray } });
  }, 180_000);

  it('dead-letters records that fail validation, with the reason, and goes on with the records after them', async () => {
    const stray = campaignIdFor({ ...plan, number: `${randomInt(1_000, 99_999)}-KH/BDVTU`, issuer: { unitCode: 'HN', name: 'Ban Dân vận Thành ủy Hà Nội' } });
    const real = final.events.find((e) => nameOf(e) === 'study-session.reported')!;
    const moved = { ...real, campaignid: stray, id: real.id.replace(campaignId, stray) };
    const valid = buildEvent(
      'campaign.phase-changed',
      { campaignId: stray, workflowId: `campaign:${stray}`, sourceUnit: 'HN', subject: 'HN', sequence: 1, time: new Date() },
      { from: 'issued', to: 'deployed', reason: 'Triển khai kế hoạch', trigger: 'admin' },
    );
    const values = [
      '{"specversion":"1.0","id":"cut short',
      JSON.stringify({ ...moved, type: 'vn.danvan.study-session.reported.v7' }),
      JSON.stringify({ ...moved, data: { ...(real.data as object), membersPresent: 999, membersTotal: 20 } }),
      JSON.stringify(valid),
    ];
    // One key, so one partition, in this order: the valid event comes after the three bad ones.
    const producer = testKafka().producer();
    await producer.connect();
    const [sent] = await producer.send({
      topic: TOPICS.campaignEvents,
      acks: -1,
      messages: values.map((v) => ({ key: stray, value: v, headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } })),
    });
    await producer.disconnect();

    const dead = await consumeUntil(TOPICS.deadLetter, (received) => received.length >= 3, { filter: (m) => m.key === stray, timeoutMs: 60_000 });
    expect(
      dead.map((d) => ({
        key: d.key,
        value: d.value,
        contentType: d.headers['content-type'],
        topic: d.headers[DEAD_LETTER_HEADERS.topic],
        partition: d.headers[DEAD_LETTER_HEADERS.partition],
        offset: d.headers[DEAD_LETTER_HEADERS.offset],
      })),
    ).toEqual(
      values.slice(0, 3).map((v, i) => ({
        key: stray,
        value: v,
        contentType: CLOUDEVENTS_CONTENT_TYPE,
        topic: TOPICS.campaignEvents,
        partition: String(sent!.partition),
        offset: String(Number(sent!.baseOffset) + i),
      })),
    );
    expect(dead.map((d) => d.headers[DEAD_LETTER_HEADERS.reason])).toEqual([
      expect.stringMatching(/^value: expected a CloudEvent as JSON \(.+\), got "\{\\"specversion/),
      expect.stringMatching(/^type: version 7 of study-session\.reported is not released \(released: 1\)/),
      expect.stringMatching(/^vn\.danvan\.study-session\.reported\.v1: data\.membersPresent: more members present than the chi bộ has, got 999/),
    ]);
    await eventually(
      async () => withProjection((p) => p.campaign(stray)),
      (state) => state.ok && state.value.phase === 'deployed',
    );
    expect(value(figuresAtClose())).toEqual(expected);
  });

  it('drops duplicates delivered on Kafka: the same records produced again change no figure', async () => {
    const records = await readTopicToEnd(TOPICS.campaignEvents, (m) => m.key === campaignId);
    const again = records.filter((_, i) => i % 5 === 0);
    const producer = testKafka().producer();
    await producer.connect();
    await producer.send({ topic: TOPICS.campaignEvents, acks: -1, messages: again.map((r) => ({ key: r.key, value: r.value, headers: r.headers })) });
    await producer.disconnect();

    await eventually(
      () => caughtUp(group),
      (done) => done,
      60_000,
    );
    expect(again.length).toBeGreaterThan(80);
    expect(appliedEvents()).toBe(await distinctEvents());
    expect(value(figuresAtClose())).toEqual(expected);
    await stopAnalytics(analytics);
  });

  it('commits nothing of a batch whose sink throws: the batch is delivered again and the figures come out exact', async () => {
    const file = path.join(dir, 'failing-sink.sqlite');
    const projection = value(openProjection(file));
    const apply = projectionSink(projection);
    const groupId = `danvan-analytics-failing-sink-${randomUUID()}`;
    const delivered: BatchOrigin[] = [];
    let failed: BatchOrigin | undefined;
    const consumer = value(
      await startEventConsumer({
        kafka: createKafka({ brokers: testKafkaBrokers(), clientId: 'danvan-analytics-test', logger }),
        groupId,
        logger,
        signals: [],
        // Small batches, so the campaign arrives in many and one in the middle can fail.
        consumerConfig: { maxBytesPerPartition: 16_384 },
        sink: (events, origin) => {
          if (!failed && delivered.length === 3) {
            failed = origin;
            throw new Error('disk I/O error');
          }
          delivered.push(origin);
          apply(events, origin);
        },
      }),
    );
    try {
      await eventually(
        () => caughtUp(groupId),
        (done) => done,
        90_000,
      );
    } finally {
      await consumer.stop();
      await consumer.stopped;
    }
    expect(failed).toBeDefined();
    expect(delivered).toContainEqual(expect.objectContaining({ topic: failed!.topic, partition: failed!.partition, firstOffset: failed!.firstOffset }));
    expect(delivered.length).toBeGreaterThan(10);
    try {
      expect(value(projection.figures(campaignId, { asOf: final.closedAt }))).toEqual(expected);
    } finally {
      projection.close();
    }
    expect(appliedEvents(file)).toBe(await distinctEvents());
  }, 150_000);

  it('hands each event to the handler of its name, with its payload typed, each id once', async () => {
    const sessions = new Map<string, number>();
    const closings: Progress[] = [];
    const groupId = `danvan-analytics-handlers-${randomUUID()}`;
    const consumer = value(
      await startEventConsumer({
        kafka: createKafka({ brokers: testKafkaBrokers(), clientId: 'danvan-analytics-test', logger }),
        groupId,
        logger,
        signals: [],
        handlers: {
          'study-session.reported': (event) => {
            if (event.campaignid === campaignId) sessions.set(event.subject, (sessions.get(event.subject) ?? 0) + event.data.membersPresent);
          },
          'campaign.closed': (event) => {
            if (event.campaignid === campaignId) closings.push(event.data.figures);
          },
        },
      }),
    );
    try {
      await eventually(
        () => caughtUp(groupId),
        (done) => done,
        90_000,
      );
    } finally {
      await consumer.stop();
    }
    // The duplicates produced above were dropped by id: one session per chi bộ, one closing.
    expect(sessions.size).toBe(reportedCells.length);
    expect([...sessions.values()].reduce((sum, n) => sum + n, 0)).toBe(expected.studySessions.membersPresent);
    expect(closings).toEqual([expected]);
  }, 150_000);
});

describe('danvan report', () => {
  const cli = async (args: string[], env: Record<string, string> = {}) => {
    const run = spawnTs('bin/danvan.ts', args, { DANVAN_DATA_DIR: dir, ...env });
    const code = await run.exited;
    return { code, out: run.output() };
  };
  const n = formatVietnameseNumber;
  const pct = (done: number, required: number) => `${String(percent(done, required)).replace('.', ',')}%`;

  it('prints the Vietnamese summary of the campaign from the projection file, with its figures', async () => {
    const printed = await cli(['report', campaignId, '--db', db]);
    expect(printed.code).toBe(0);
    const s = expected.studySessions;
    const d = expected.dialogues;
    const m = modelTotals(expected);
    const kinds = { 'kien-nghi': 'kiến nghị', 'khieu-nai': 'khiếu nại', 'to-cao': 'tố cáo' } as const;
    const petitions = (Object.keys(kinds) as PetitionKind[])
      .filter((kind) => expected.petitions[kind].recorded > 0)
      .map(
        (kind) =>
          `${n(expected.petitions[kind].recorded)} ${kinds[kind]}, ${expected.petitions[kind].resolved > 0 ? `đã giải quyết ${n(expected.petitions[kind].resolved)}` : 'chưa giải quyết'}`,
      );
    // The plan's year is this year, after 7/2025: the commune level is named xã, phường, đặc khu.
    const phrases = [
      `Kết quả thực hiện Kế hoạch số ${plan.number}`,
      'Giai đoạn: đã kết thúc',
      `có ${n(s.done)}/${n(s.required)} chi bộ (${pct(s.done, s.required)}) tổ chức sinh hoạt chuyên đề bài báo "Dân vận" của Chủ tịch Hồ Chí Minh, với ${n(s.membersPresent)}/${n(s.membersTotal)} đảng viên tham dự (${pct(s.membersPresent, s.membersTotal)})`,
      `Người đứng đầu cấp ủy, chính quyền ${n(d.done)}/${n(d.required)} xã, phường, đặc khu (${pct(d.done, d.required)}) tổ chức hội nghị lắng nghe, đối thoại với Nhân dân; tổ chức ${n(d.conferences)} hội nghị đối thoại với ${n(d.attendance)} lượt người tham dự`,
      `Các cấp ủy, chính quyền tiếp nhận ${petitions.join('; ')}.`,
      `đăng ký ${n(m.registered)} mô hình "Dân vận khéo", công nhận ${n(m.recognized)} mô hình, không công nhận ${n(m.rejected)} mô hình; ${n(m.registered - m.recognized - m.rejected)} mô hình đang chờ đánh giá, thẩm định; khen thưởng ${n(m.commended)} mô hình, đề xuất cấp trên công nhận ${n(m.proposedUpward)} mô hình`,
      `Mô hình được công nhận theo cấp: cấp xã ${n(m.recognized)}. ${n(m.proposedUpward)} mô hình do cấp dưới đề xuất đang chờ hội đồng cấp trên xem xét. Khen thưởng: ${n(m.commended)} Giấy khen cấp xã (${n(m.commended)} mô hình).`,
      'Chưa phải nhắc nhở đơn vị nào.',
    ];
    for (const phrase of phrases) expect(printed.out).toContain(phrase);
    expect(printed.out).toContain('Số liệu từ bản tổng hợp các sự kiện của chiến dịch (projection)');
    // Without --db the report is the API's (GET …/report): this suite's API has no projection, so the workflows answer, in the same words.
    const viaApi = await cli(['report', campaignId], { DANVAN_ANALYTICS_DB: db, DANVAN_API_URL: danvan.baseUrl, DANVAN_TOKEN: await danvan.token(admin) });
    expect(viaApi.code).toBe(0);
    for (const phrase of phrases) expect(viaApi.out).toContain(phrase);
    expect(viaApi.out).toContain('Số liệu từ trạng thái trực tiếp của các workflow chiến dịch');
  });

  it('fails with one clear line for an unknown campaign or a missing file, and creates no file', async () => {
    const unknown = await cli(['report', 'BG-1999-1-KH-BDVTU', '--db', db]);
    expect(unknown).toEqual({
      code: 1,
      out: expect.stringMatching(/^danvan: campaignId="BG-1999-1-KH-BDVTU": no event of campaign BG-1999-1-KH-BDVTU has been applied to this projection/),
    });
    const missing = path.join(dir, 'missing.sqlite');
    expect(await cli(['report', campaignId, '--db', missing])).toEqual({
      code: 1,
      out: expect.stringMatching(/^danvan: no analytics projection at .*missing\.sqlite: run `npm run analytics`/),
    });
    expect(fs.existsSync(missing)).toBe(false);
  });
});
