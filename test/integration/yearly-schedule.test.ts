import { randomInt, randomUUID } from 'node:crypto';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { Principal } from '../../api/auth';
import { KICK_OFF_EXAMPLES } from '../../api/examples';
import { scheduleIdFor } from '../../api/schedule-routes';
import { parseEvent } from '../../domain/events';
import { campaignIdFor } from '../../domain/plan';
import { vietnamDateOf } from '../../domain/schedule';
import { nextWindowYear } from '../../domain/templates';
import { TOPICS } from '../../domain/topics';
import { loadTemplate } from '../../infra/templates';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { consumeUntil } from '../helpers/kafka';

/**
 * The yearly kick-off against the real servers: a schedule made over HTTP, listed and paused; run now (as its day
 * would run it), it drafts next year's plan, tells the commission on Kafka, and the draft is issued over HTTP into a
 * campaign, or discarded. The documented examples of these routes are sent as they are, but for the commission's
 * code and the plan number, which each run makes its own (schedules and campaigns outlive a run on a shared server).
 */
describe('the yearly kick-off over HTTP, Temporal Schedules and Kafka', () => {
  let danvan: DanvanUnderTest;
  const admin: Principal = { sub: 'admin-bg', role: 'admin' };
  const viewer: Principal = { sub: 'bao-cao-vien', role: 'viewer' };

  // Bắc Giang's commission, under a code of this run's own.
  const unitCode = `BG-K${randomInt(10_000, 99_999)}`;
  const example = KICK_OFF_EXAMPLES.schedule[0]!;
  const issuer = { ...example.issuer, unitCode };
  const monthId = scheduleIdFor('thang-dan-van', unitCode);
  const yearId = scheduleIdFor('dan-van-kheo', unitCode);
  const tree = [
    { code: unitCode, name: 'Tỉnh Bắc Giang', kind: 'province' },
    { code: `${unitCode}-THANG`, name: 'Thị trấn Thắng', kind: 'commune', parent: unitCode },
    { code: `${unitCode}-THANG-CB01`, name: 'Chi bộ Tổ dân phố số 1', kind: 'party-cell', parent: `${unitCode}-THANG` },
  ];

  beforeAll(async () => {
    danvan = await startDanvan('yearly-schedule');
  });

  afterAll(async () => {
    for (const id of [monthId, yearId])
      await danvan?.temporal.client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
    await danvan?.stop();
  });

  async function call(method: string, path: string, body?: unknown, as: Principal = admin) {
    const response = await fetch(`${danvan.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await danvan.token(as)}`,
        ...(body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
  }

  const scheduleExists = (id: string) =>
    danvan.temporal.client.schedule
      .getHandle(id)
      .describe()
      .then(
        () => true,
        (error: unknown) => {
          if (error instanceof ScheduleNotFoundError) return false;
          throw error;
        },
      );
  const listed = async () => (await call('GET', '/v1/schedules')).body.items as Array<Record<string, any>>;
  const openDrafts = async () => (await call('GET', '/v1/drafts')).body.items as Array<Record<string, any>>;
  /** What the schedule's day would do, now. */
  const runNow = (scheduleId: string) => danvan.temporal.client.schedule.getHandle(scheduleId).trigger();

  it('refuses a bad schedule with 400 naming the field, creating nothing', async () => {
    const cases: Array<[unknown, string, unknown]> = [
      [{ ...example, issuer, template: 'thang-dan-van-2' }, 'body.template', 'thang-dan-van-2'],
      [{ ...example, issuer, draftAhead: 0 }, 'body.draftAhead', 0],
      [{ ...example, issuer: { ...issuer, unitCode: 'BG K' } }, 'body.issuer.unitCode', 'BG K'],
    ];
    for (const [body, field, value] of cases) {
      const answer = await call('POST', '/v1/schedules', body);
      expect({ field, status: answer.status }).toEqual({ field, status: 400 });
      expect(answer.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, value })]));
    }
    expect(await scheduleExists(monthId)).toBe(false);
    expect((await call('GET', '/v1/schedules', undefined, viewer)).status).toBe(403);
  });

  it('creates the schedule, answers the same request with it again, and lists it with its next run', async () => {
    const created = await call('POST', '/v1/schedules', { ...example, issuer });
    expect(created.status).toBe(201);
    // 08:00 in Vietnam on 01/9, thirty days before October, in each of the next three years.
    const now = new Date();
    const first = Date.parse(`${now.getUTCFullYear()}-09-01T01:00:00.000Z`) > now.getTime() ? now.getUTCFullYear() : now.getUTCFullYear() + 1;
    const nextRuns = [first, first + 1, first + 2].map((y) => `${y}-09-01T01:00:00.000Z`);
    expect(created.body).toMatchObject({
      scheduleId: monthId,
      template: 'thang-dan-van',
      issuer,
      draftAhead: 30,
      draftsOn: '09-01',
      paused: false,
      created: true,
    });
    expect(created.body.nextActionTimes).toEqual(nextRuns);

    const again = await call('POST', '/v1/schedules', { ...example, issuer });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ scheduleId: monthId, created: false });

    const inList = await eventually(listed, (items) => items.some((s) => s.scheduleId === monthId));
    expect(inList.find((s) => s.scheduleId === monthId)).toMatchObject({
      draftsOn: '09-01',
      paused: false,
      nextActionTimes: nextRuns,
    });
  });

  it("run now, drafts next October's plan, tells the commission on Kafka, and issues it into a campaign over HTTP", async () => {
    const year = nextWindowYear(loadTemplate('thang-dan-van'), new Date());
    const draftId = `${unitCode}-${year}-thang-dan-van`;
    await runNow(monthId);

    const drafts = await eventually(openDrafts, (items) => items.some((d) => d.draftId === draftId));
    expect(drafts.find((d) => d.draftId === draftId)).toMatchObject({ template: 'thang-dan-van', year, issuer, expiresAt: `${year}-10-31T17:00:00.000Z` });

    // The commission is told: plan.drafted on the campaign topic and the notification topic, keyed by the draft.
    for (const topic of [TOPICS.campaignEvents, TOPICS.reminders]) {
      const [record] = await consumeUntil(topic, (received) => received.length >= 1, { filter: (m) => m.key === draftId });
      const parsed = parseEvent(JSON.parse(record!.value!));
      expect(parsed).toMatchObject({ ok: true, name: 'plan.drafted', version: 1 });
      expect(parsed.ok && parsed.event).toMatchObject({
        subject: unitCode,
        campaignid: draftId,
        data: { draftId, plan: { year, window: { opensOn: `${year}-10-01` } } },
      });
    }

    const state = await call('GET', `/v1/drafts/${draftId}`);
    expect(state.body).toMatchObject({ status: 'open', draft: { plan: { title: `Triển khai các hoạt động "Tháng Dân vận" năm ${year}`, issuer } } });

    // The year is the draft's own, and a plan from it is checked as any plan is, naming the field of this request.
    const number = `${randomInt(100, 99_999)}-KH/BDVTU`;
    const issuedOn = vietnamDateOf(new Date());
    const body = { ...KICK_OFF_EXAMPLES.issueDraft[0]!, plan: { ...KICK_OFF_EXAMPLES.issueDraft[0]!.plan, number, issuedOn }, tree };
    const otherYear = await call('POST', `/v1/drafts/${draftId}/issue`, { ...body, plan: { ...body.plan, year: year + 1 } });
    expect(otherYear.status).toBe(400);
    expect(otherYear.body.errors).toEqual([expect.objectContaining({ field: 'body.plan.year', value: year + 1 })]);
    const badDeadline = await call('POST', `/v1/drafts/${draftId}/issue`, { ...body, plan: { ...body.plan, deadlines: { assessment: `${year}-02-30` } } });
    expect(badDeadline.status).toBe(400);
    expect(badDeadline.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.plan.deadlines.assessment' })]));
    expect((await call('GET', `/v1/drafts/${draftId}`)).body.status).toBe('open');

    const campaignId = campaignIdFor({ number, issuer, year });
    const issued = await call('POST', `/v1/drafts/${draftId}/issue`, body);
    expect(issued).toMatchObject({ status: 201, body: { campaignId, created: true } });
    const campaign = await call('GET', `/v1/campaigns/${campaignId}`);
    expect(campaign).toMatchObject({
      status: 200,
      body: { campaignId, phase: 'issued', plan: { number, issuedOn, year, window: { opensOn: `${year}-10-01`, closesOn: `${year}-10-31` } } },
    });
    expect((await call('GET', `/v1/drafts/${draftId}`)).body).toMatchObject({ status: 'issued', issued: { campaignId, number, issuedOn, by: admin.sub } });

    // Sent again it is answered with the campaign; under another number it is refused, the draft being issued.
    expect(await call('POST', `/v1/drafts/${draftId}/issue`, body)).toMatchObject({ status: 200, body: { campaignId, created: false } });
    const another = await call('POST', `/v1/drafts/${draftId}/issue`, { ...body, plan: { ...body.plan, number: `${randomInt(100, 99_999)}-KH/BDVTU` } });
    expect(another).toMatchObject({ status: 409, body: { type: `${danvan.baseUrl}/problems/draft-closed` } });
    await eventually(openDrafts, (items) => !items.some((d) => d.draftId === draftId));
  });

  it('discards a draft, saying why, and issues nothing from it afterwards', async () => {
    expect((await call('POST', '/v1/schedules', { template: 'dan-van-kheo', issuer, draftAhead: 45 })).status).toBe(201);
    const year = nextWindowYear(loadTemplate('dan-van-kheo'), new Date());
    const draftId = `${unitCode}-${year}-dan-van-kheo`;
    await runNow(yearId);
    await eventually(openDrafts, (items) => items.some((d) => d.draftId === draftId));

    const discarded = await call('POST', `/v1/drafts/${draftId}/discard`, KICK_OFF_EXAMPLES.discardDraft[0]);
    expect(discarded).toMatchObject({
      status: 200,
      body: { status: 'discarded', discarded: { reason: KICK_OFF_EXAMPLES.discardDraft[0]!.reason, by: admin.sub } },
    });
    expect((await call('POST', `/v1/drafts/${draftId}/discard`, KICK_OFF_EXAMPLES.discardDraft[0])).body.status).toBe('discarded');
    const issue = await call('POST', `/v1/drafts/${draftId}/issue`, { plan: { number: '205-KH/BDVTU', issuedOn: vietnamDateOf(new Date()) }, tree });
    expect(issue).toMatchObject({ status: 409, body: { errors: [{ field: 'draftId', value: draftId }] } });
    expect((await call('GET', `/v1/campaigns/${campaignIdFor({ number: '205-KH/BDVTU', issuer, year })}`)).status).toBe(404);
    expect((await call('POST', '/v1/drafts/BG-2025-khong-co/discard', { reason: 'không có' })).status).toBe(404);
  });

  it('pauses and resumes a schedule with a note, and lists it paused meanwhile', async () => {
    const paused = await call('POST', `/v1/schedules/${monthId}/pause`, KICK_OFF_EXAMPLES.pause[0]);
    expect(paused).toMatchObject({ status: 200, body: { scheduleId: monthId, paused: true, note: `${KICK_OFF_EXAMPLES.pause[0]!.reason} (${admin.sub})` } });
    await eventually(listed, (items) => items.find((s) => s.scheduleId === monthId)?.paused === true);

    const resumed = await call('POST', `/v1/schedules/${monthId}/unpause`, KICK_OFF_EXAMPLES.unpause[0]);
    expect(resumed).toMatchObject({ status: 200, body: { paused: false, note: `${KICK_OFF_EXAMPLES.unpause[0]!.reason} (${admin.sub})` } });
    expect((await call('POST', `/v1/schedules/yearly-thang-dan-van-KHONG-CO/pause`, { reason: 'không có' })).status).toBe(404);
  });
});
