import fs from 'node:fs';
import path from 'node:path';
import { randomInt, randomUUID } from 'node:crypto';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CLOUDEVENTS_CONTENT_TYPE, parseEvent, type DanvanEvent, type EventType } from '../../domain/events';
import { bacNinh2025Tree } from '../../domain/samples/bac-ninh-2025';
import { addDays, vietnamDateOf } from '../../domain/schedule';
import { TOPICS } from '../../domain/topics';
import { eventually } from '../helpers/campaign';
import { nameOf, readTopicToEnd, type Received } from '../helpers/kafka';
import { plan202 } from '../fixtures/plans';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';

/**
 * The contract as a consumer meets it: a campaign driven over HTTP through every kind of report a deployed
 * campaign accepts, then its records read back from Kafka and checked against nothing but the published
 * contract: the record layout, and the JSON Schema file each event's type names, validated by ajv.
 */
describe('event contract on the wire: CloudEvents records validate against the published schemas', () => {
  let danvan: DanvanUnderTest;
  let baseUrl: string;
  const tokens = { admin: '', reporter: '', council: '' };

  const tree = bacNinh2025Tree();
  const commune = tree.find((u) => u.kind === 'commune')!;
  const cell = tree.find((u) => u.parent === commune.code)!;
  const today = vietnamDateOf(new Date());
  const plan = plan202({
    number: `${randomInt(1_000, 99_999)}-KH/BDVTU`,
    issuer: { unitCode: 'BN', name: 'Ban Dân vận Tỉnh ủy Bắc Ninh' },
    year: Number(today.slice(0, 4)),
    issuedOn: addDays(today, -20),
    window: { opensOn: addDays(today, -10), closesOn: addDays(today, 20) },
  });
  const campaignId = `BN-${plan.year}-${plan.number.replace('/', '-')}`;

  const call = async (method: string, urlPath: string, token: string, body: unknown): Promise<{ id?: string }> => {
    const response = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${method} ${urlPath}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id?: string };
  };
  const unitPath = (unitCode: string, rest: string) => `/v1/campaigns/${campaignId}/units/${unitCode}${rest}`;
  const phaseOf = async (unitCode: string) => {
    const response = await fetch(`${baseUrl}/v1/campaigns/${campaignId}/units/${unitCode}`, { headers: { authorization: `Bearer ${tokens.admin}` } });
    return ((await response.json()) as { phase: string }).phase;
  };

  beforeAll(async () => {
    danvan = await startDanvan('event-contract');
    baseUrl = danvan.baseUrl;
    tokens.admin = await danvan.token({ sub: 'admin-bn', role: 'admin' });
    tokens.reporter = await danvan.token({ sub: 'bt-kinhbac', role: 'reporter', unit: commune.code });
    tokens.council = await danvan.token({ sub: 'hd-bn', role: 'council', unit: 'BN' });
  });

  afterAll(async () => {
    await danvan?.stop();
  });

  it('takes every kind of report a deployed campaign accepts, over HTTP', async () => {
    await call('POST', '/v1/campaigns', tokens.admin, { plan, tree: { sample: 'bac-ninh-2025' } });
    await call('POST', `/v1/campaigns/${campaignId}/deploy`, tokens.admin, { reason: 'triển khai Kế hoạch' });
    await eventually(
      () => phaseOf(commune.code),
      (phase) => phase === 'in-progress',
    );

    await call('POST', unitPath(cell.code, '/study-sessions'), tokens.reporter, { heldOn: today, membersPresent: 17, membersTotal: 19 });
    await call('POST', unitPath(commune.code, '/dialogues'), tokens.reporter, {
      heldOn: today,
      topic: 'Ô nhiễm môi trường tại cụm công nghiệp; thu hồi đất làm đường vành đai',
      attendance: 142,
    });
    const petition = await call('POST', unitPath(commune.code, '/petitions'), tokens.reporter, {
      kind: 'kien-nghi',
      content: 'Đề nghị lắp đèn chiếu sáng tuyến đường khu phố',
      receivedOn: today,
    });
    await call('PATCH', unitPath(commune.code, `/petitions/${petition.id}`), tokens.reporter, {
      resolvedOn: today,
      outcome: 'UBND phường đã lắp đặt 24 bộ đèn chiếu sáng',
    });
    const model = await call('POST', unitPath(commune.code, '/models'), tokens.reporter, {
      name: 'Dân vận khéo trong chuyển đổi số',
      field: 'political-system',
      registeredOn: today,
    });
    await call('POST', `/v1/campaigns/${campaignId}/deadlines/dialogues/extension`, tokens.admin, { to: addDays(plan.window.closesOn, 5), reason: 'mưa lũ' });
    await call('POST', `/v1/campaigns/${campaignId}/phase`, tokens.admin, { to: 'assessment', reason: 'kết thúc báo cáo' });
    await eventually(
      () => phaseOf(commune.code),
      (phase) => phase === 'assessment',
    );
    await call('POST', unitPath(commune.code, `/models/${model.id}/assessment`), tokens.council, {
      action: 'assess',
      score: 88,
      remarks: 'Mô hình hiệu quả, dễ nhân rộng',
    });
  });

  const EXPECTED: EventType[] = [
    'campaign.issued',
    'campaign.phase-changed',
    'unit.deployed',
    'study-session.reported',
    'dialogue.reported',
    'petition.recorded',
    'petition.resolved',
    'model.registered',
    'deadline.extended',
    'model.assessed',
  ];

  // Selected by content, not by key, so that the key itself is under test.
  const ofThisCampaign = (m: Received) => m.value?.includes(`"campaignid":"${campaignId}"`) ?? false;

  it('publishes every record keyed by campaign id, with the CloudEvents content type, valid against the schema its type names', async () => {
    const records = await eventually(
      () => readTopicToEnd(TOPICS.campaignEvents, ofThisCampaign),
      (all) => EXPECTED.every((name) => all.some((m) => nameOf(JSON.parse(m.value!) as DanvanEvent) === name)),
    );
    const reminders = await readTopicToEnd(TOPICS.reminders, ofThisCampaign);

    const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
    const validators = new Map<string, ValidateFunction>();
    const validatorFor = (type: string): ValidateFunction => {
      let validate = validators.get(type);
      if (!validate) {
        const file = path.resolve(__dirname, '..', '..', 'schemas', 'events', `${type}.json`);
        validate = ajv.compile(JSON.parse(fs.readFileSync(file, 'utf8')) as object);
        validators.set(type, validate);
      }
      return validate;
    };

    for (const record of [...records, ...reminders]) {
      expect(record.key).toBe(campaignId);
      expect(record.headers).toEqual({ 'content-type': CLOUDEVENTS_CONTENT_TYPE });
      const event = JSON.parse(record.value!) as DanvanEvent;
      const validate = validatorFor(event.type);
      expect({ type: event.type, valid: validate(event), errors: validate.errors ?? [] }).toEqual({ type: event.type, valid: true, errors: [] });
      expect(parseEvent(event)).toMatchObject({ ok: true });
    }

    // Delivery is at least once: a redelivered record repeats an id with identical content; distinct events never share one.
    const byId = new Map<string, string>();
    for (const record of records) {
      const { id } = JSON.parse(record.value!) as DanvanEvent;
      expect(byId.get(id) ?? record.value).toBe(record.value);
      byId.set(id, record.value!);
    }
    const events = [...byId.values()].map((value) => JSON.parse(value) as DanvanEvent);
    expect(new Set(events.map((e) => `${e.source}#${e.sequence}`)).size).toBe(events.length);

    // Each source's events arrive in order, gap-free from 1: one campaign's records share one partition.
    const bySource = new Map<string, number[]>();
    for (const e of events) bySource.set(e.source, [...(bySource.get(e.source) ?? []), e.sequence]);
    for (const sequences of bySource.values()) expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect([...bySource.keys()].sort()).toEqual(
      [`urn:danvan:campaign:${campaignId}`, ...tree.filter((u) => u.kind === 'commune').map((u) => `urn:danvan:unit:${campaignId}:${u.code}`)].sort(),
    );
    expect(new Set(records.map((r) => r.partition)).size).toBe(1);

    const reported = events.find((e) => nameOf(e) === 'study-session.reported')!;
    expect(reported).toMatchObject({
      id: `${campaignId}/${commune.code}/${reported.sequence}`,
      subject: cell.code,
      campaignid: campaignId,
      data: { membersPresent: 17, membersTotal: 19, late: false, submittedBy: 'bt-kinhbac' },
    });
  });
});
