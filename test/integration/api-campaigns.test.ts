import { planSchema } from '../../domain/schemas';
import { randomInt, randomUUID } from 'node:crypto';
import { mintToken } from '../../api/auth';
import { EXAMPLE_TEMPLATE_ISSUE } from '../../api/examples';
import type { Plan } from '../../domain/plan';
import { vietnamDateOf } from '../../domain/schedule';
import { CLOUDEVENTS_CONTENT_TYPE, parseEvent } from '../../domain/events';
import { plan202 } from '../fixtures/plans';
import { TOPICS } from '../../domain/topics';
import { campaignSnapshotQuery, campaignWorkflowId, extendDeadlineUpdate } from '../../workflows/messages';
import { campaignSearchAttributes } from '../../workflows/search-attributes';
import { SAMPLE_TREES } from '../../domain/samples';
import { consumeUntil } from '../helpers/kafka';
import { eventually } from '../helpers/campaign';
import { executeUpdate } from '../../infra/workflow-updates';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';

/**
 * The path every feature stands on, end to end against the real servers: an HTTP request starts the campaign
 * workflow, the workflow emits its event through the outbox activity, the event is read back from Kafka.
 */
describe('HTTP → campaign workflow → outbox activity → Kafka', () => {
  let danvan: DanvanUnderTest;
  let secret: string;
  let baseUrl: string;
  let adminToken: string;

  // Plan numbers restart every year; a random one keeps reruns against long-lived servers apart.
  const plan = planSchema.parse(plan202({ number: `${randomInt(1, 99_999)}-KH/BDVTU` }));
  const campaignId = `BG-2024-${plan.number.replace('/', '-')}`;
  const body = { plan, tree: { sample: 'bac-giang' } };

  beforeAll(async () => {
    danvan = await startDanvan('campaigns');
    ({ secret, baseUrl } = danvan);
    adminToken = await danvan.token({ sub: 'admin-bg', role: 'admin' });
  });

  afterAll(async () => {
    await danvan?.stop();
  });

  const post = (path: string, body: unknown, token = adminToken, key = randomUUID()) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
      body: JSON.stringify(body),
    });
  const exists = async (id: string) => (await fetch(`${baseUrl}/v1/campaigns/${id}`, { headers: { authorization: `Bearer ${adminToken}` } })).status === 200;

  const campaignEvents = (until: (received: number) => boolean) =>
    consumeUntil(TOPICS.campaignEvents, (received) => until(received.length), { filter: (m) => m.key === campaignId });

  it('issues a plan over HTTP and publishes campaign.issued to Kafka', async () => {
    const response = await post('/v1/campaigns', body);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ campaignId, workflowId: campaignWorkflowId(campaignId), created: true });

    const [message] = await campaignEvents((received) => received >= 1);
    expect(parseEvent(JSON.parse(message!.value!))).toMatchObject({ ok: true, name: 'campaign.issued', version: 1 });
    expect(JSON.parse(message!.value!)).toMatchObject({
      specversion: '1.0',
      id: `${campaignId}/BG/1`,
      source: `urn:danvan:${campaignWorkflowId(campaignId)}`,
      type: 'vn.danvan.campaign.issued.v1',
      subject: 'BG',
      campaignid: campaignId,
      sequence: 1,
      data: { plan, units: { province: 1, district: 3, commune: 30, 'party-cell': 325 } },
    });
    expect(message!.headers).toEqual({ 'content-type': CLOUDEVENTS_CONTENT_TYPE });
  });

  it('answers the same plan again with the existing campaign instead of a second one', async () => {
    const response = await post('/v1/campaigns', body);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ campaignId, created: false });
  });

  it('answers a retry under the same Idempotency-Key with the first answer, and refuses that key for anything else, starting nothing', async () => {
    const other = planSchema.parse(plan202({ number: `${randomInt(1, 99_999)}-KH/BDVTU` }));
    const otherId = `BG-2024-${other.number.replace('/', '-')}`;
    const key = randomUUID();
    const first = await post('/v1/campaigns', { plan: other, tree: { sample: 'bac-giang' } }, adminToken, key);
    expect(first.status).toBe(201);
    const retry = await post('/v1/campaigns', { plan: other, tree: { sample: 'bac-giang' } }, adminToken, key);
    expect(retry.status).toBe(201);
    expect(await retry.json()).toEqual(await first.json());

    const third = planSchema.parse(plan202({ number: `${randomInt(1, 99_999)}-KH/BDVTU` }));
    const reused = await post('/v1/campaigns', { plan: third, tree: { sample: 'bac-giang' } }, adminToken, key);
    expect(reused.status).toBe(409);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
    expect(await reused.json()).toMatchObject({
      type: expect.stringMatching(/idempotency-conflict$/),
      errors: [{ field: 'headers.idempotency-key', value: key }],
    });
    expect(await exists(`BG-2024-${third.number.replace('/', '-')}`)).toBe(false);

    const retitled = await post('/v1/campaigns', { plan: { ...other, title: `${other.title} (sửa đổi)` }, tree: { sample: 'bac-giang' } }, adminToken, key);
    expect(retitled.status).toBe(409);
    expect(((await retitled.json()) as { detail: string }).detail).toMatch(/một phiên bản khác của kế hoạch này/);
    expect(await exists(otherId)).toBe(true);

    const noKey = await fetch(`${baseUrl}/v1/campaigns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify(body),
    });
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe('headers.idempotency-key');
  });

  it('serves the snapshot from the workflow query', async () => {
    const response = await fetch(`${baseUrl}/v1/campaigns/${campaignId}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ campaignId, phase: 'issued', plan, eventsEmitted: 1, units: [expect.objectContaining({ code: 'BG' })] });
  });

  it('refuses a malformed plan with a problem naming the field and the value, and starts nothing', async () => {
    const response = await post('/v1/campaigns', { ...body, plan: { ...plan, number: '202/BDVTU' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { errors: Array<{ field: string; value: unknown; reason: string }> };
    expect(problem.errors).toEqual([
      expect.objectContaining({ field: 'body.plan.number', value: '202/BDVTU', reason: expect.stringContaining('202-KH/BDVTU') }),
    ]);
    const lookup = await fetch(`${baseUrl}/v1/campaigns/BG-2024-202-BDVTU`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(lookup.status).toBe(400);
  });

  it('refuses a missing token with 401 and a viewer issuing a plan with 403', async () => {
    const anonymous = await fetch(`${baseUrl}/v1/campaigns`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(anonymous.status).toBe(401);
    const viewer = await post('/v1/campaigns', body, await mintToken(secret, { sub: 'viewer', role: 'viewer' }));
    expect(viewer.status).toBe(403);
  });

  it('is listed over HTTP by its search attributes, a page at a time', async () => {
    const listed = new Set<string>();
    await eventually(
      async () => {
        listed.clear();
        let cursor: string | null = null;
        do {
          const url = `${baseUrl}/v1/campaigns?year=2024&province=BG&issuer=BDVTU&phase=issued&pageSize=2${cursor ? `&cursor=${cursor}` : ''}`;
          const page = (await (await fetch(url, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as {
            items: Array<{ campaignId: string; planNumber: string; phase: string }>;
            nextCursor: string | null;
          };
          expect(page.items.length).toBeLessThanOrEqual(2);
          for (const item of page.items) listed.add(item.campaignId);
          cursor = page.nextCursor;
        } while (cursor);
        return listed.has(campaignId);
      },
      (found) => found,
    );
    const wrongYear = (await (await fetch(`${baseUrl}/v1/campaigns?year=2023&province=BG`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as {
      items: Array<{ campaignId: string }>;
    };
    expect(wrongYear.items.map((i) => i.campaignId)).not.toContain(campaignId);
    const injected = await fetch(`${baseUrl}/v1/campaigns?province=${encodeURIComponent("BG' OR 1=1")}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(injected.status).toBe(400);
  });

  it('lists a campaign whose workflow continued as new once, not once per run', async () => {
    // Issued under a province of its own with one Update per run, so two deadline extensions hand the root over twice.
    const own = planSchema.parse(plan202({ number: `${randomInt(1, 99_999)}-KH/BDVTU` }));
    const ownId = `BG-2024-${own.number.replace('/', '-')}`;
    const handle = await danvan.temporal.client.workflow.start('campaignWorkflow', {
      workflowId: campaignWorkflowId(ownId),
      taskQueue: danvan.taskQueue,
      args: [{ campaignId: ownId, plan: own, tree: SAMPLE_TREES['bac-giang'](), limits: { maxUpdatesPerRun: 1 } }],
      typedSearchAttributes: campaignSearchAttributes(own, 'issued'),
    });
    const extensions = [
      { deadline: 'commendation', to: '2025-02-28' },
      { deadline: 'assessment', to: '2025-01-20' },
      { deadline: 'assessment', to: '2025-01-25' },
    ];
    for (const extension of extensions)
      await executeUpdate(handle, extendDeadlineUpdate, { args: [{ ...extension, reason: 'gia hạn', requestedBy: 'admin-bg' }] });
    expect((await handle.query(campaignSnapshotQuery)).run.number).toBeGreaterThanOrEqual(3);
    const listed = await eventually(
      async () => {
        const page = (await (
          await fetch(`${baseUrl}/v1/campaigns?year=2024&province=BG&pageSize=100`, { headers: { authorization: `Bearer ${adminToken}` } })
        ).json()) as {
          items: Array<{ campaignId: string; running: boolean }>;
        };
        return page.items.filter((i) => i.campaignId === ownId);
      },
      (rows) => rows.length > 0,
    );
    expect(listed).toEqual([expect.objectContaining({ campaignId: ownId, running: true })]);
  });

  describe('from a shipped plan template', () => {
    // The documented example, in this year and under a fresh number: Hai Bà Trưng's year-long "Dân vận khéo" emulation.
    const year = Number(vietnamDateOf(new Date()).slice(0, 4));
    const givens = (number = `${randomInt(1, 99_999)}-KH/BDVQU`) => ({ ...EXAMPLE_TEMPLATE_ISSUE.plan, number, issuedOn: `${year}-01-05`, year });
    const idOf = (plan: { number: string }) => `HN-HBT-${year}-${plan.number.replace('/', '-')}`;
    const fromTemplate = { ...EXAMPLE_TEMPLATE_ISSUE, plan: givens() };
    const key = randomUUID();

    it('issues the plan the template makes with what the commission gives', async () => {
      const response = await post('/v1/campaigns', fromTemplate, adminToken, key);
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ campaignId: idOf(fromTemplate.plan), workflowId: campaignWorkflowId(idOf(fromTemplate.plan)), created: true });

      const snapshot = (await (
        await fetch(`${baseUrl}/v1/campaigns/${idOf(fromTemplate.plan)}`, { headers: { authorization: `Bearer ${adminToken}` } })
      ).json()) as {
        plan: Plan;
      };
      expect(snapshot.plan).toMatchObject({ ...fromTemplate.plan, title: `Thực hiện phong trào thi đua "Dân vận khéo" năm ${year}` });
      expect(snapshot.plan.obligations?.map((o) => o.activity)).toEqual(['review-conference']);
      expect(snapshot.plan.deadlines).toEqual({ 'year-end-reviews': `${year}-12-15`, assessment: `${year}-12-31`, commendation: `${year + 1}-01-15` });
    });

    it('recognises the same request: a retry under its key gets the first answer, a new key the existing campaign', async () => {
      const retry = await post('/v1/campaigns', fromTemplate, adminToken, key);
      expect(retry.status).toBe(201);
      expect(await retry.json()).toMatchObject({ campaignId: idOf(fromTemplate.plan), created: true });
      const again = await post('/v1/campaigns', fromTemplate, adminToken);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ campaignId: idOf(fromTemplate.plan), created: false });
    });

    it('refuses a template that is not shipped, naming body.template and the shipped ones, and starts nothing', async () => {
      const plan = givens();
      for (const template of ['dan-van-kheo-2', './plans/templates/dan-van-kheo.json']) {
        const response = await post('/v1/campaigns', { ...fromTemplate, template, plan });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { errors: unknown[] }).errors).toEqual([
          { field: 'body.template', value: template, reason: expect.stringMatching(/dan-van-kheo, thang-dan-van/) },
        ]);
      }
      expect(await exists(idOf(plan))).toBe(false);
    });

    it('refuses a plan the overrides make invalid, naming the field, and starts nothing', async () => {
      const backwards = givens();
      const window = await post('/v1/campaigns', { ...fromTemplate, plan: { ...backwards, window: { opensOn: `${year}-12-31`, closesOn: `${year}-01-01` } } });
      expect(window.status).toBe(400);
      expect(((await window.json()) as { errors: unknown[] }).errors).toEqual([
        { field: 'body.plan.window.closesOn', value: `${year}-01-01`, reason: 'ngày kết thúc phải bằng hoặc sau ngày bắt đầu' },
      ]);
      expect(await exists(idOf(backwards))).toBe(false);

      // Valid alone, invalid with the template's reporting deadline: refused once the plan is made.
      const early = givens();
      const assessment = await post('/v1/campaigns', { ...fromTemplate, plan: { ...early, deadlines: { assessment: `${year}-12-01` } } });
      expect(assessment.status).toBe(400);
      expect(((await assessment.json()) as { errors: unknown[] }).errors).toEqual([
        { field: 'body.plan.deadlines.assessment', value: `${year}-12-01`, reason: expect.stringContaining(`trước hạn báo cáo (${year}-12-15)`) },
      ]);
      expect(await exists(idOf(early))).toBe(false);
    });
  });

  it('keeps a commune reporter out of the whole-campaign snapshot', async () => {
    const reporter = await mintToken(secret, { sub: 'bt-bacly', role: 'reporter', unit: 'BG-HH-BACLY' });
    const response = await fetch(`${baseUrl}/v1/campaigns/${campaignId}`, { headers: { authorization: `Bearer ${reporter}` } });
    expect(response.status).toBe(403);
  });
});
