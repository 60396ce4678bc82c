import { randomInt } from 'node:crypto';
import type { Principal } from '../../api/auth';
import { checkRecord } from '../../analytics/consumer';
import { openProjection } from '../../analytics/projection';
import { projectionSink } from '../../analytics/projection-sink';
import { campaignReport } from '../../analytics/report';
import { campaignIdFor } from '../../domain/plan';
import { addDays, formatVietnameseDate, vietnamDateOf } from '../../domain/schedule';
import { TOPICS } from '../../domain/topics';
import { districtTree, plan202, plan205 } from '../fixtures/plans';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { apiClient, deployAndFollow } from '../helpers/http';
import { readTopicToEnd } from '../helpers/kafka';

/**
 * Plans implementing plans, on the real servers: the province issues its plan, Huyện Hiệp Hòa issues its own plan
 * implementing it over HTTP, a chi bộ of the district reports, and the province's snapshot lists the district's
 * campaign with its figures; the projection, fed the events read back from Kafka, reports it under the province.
 */

const today = vietnamDateOf(new Date());
// Windows open today, so reports are taken in real time; fresh numbers keep reruns on long-lived servers apart.
const open = { year: Number(addDays(today, -10).slice(0, 4)), window: { opensOn: addDays(today, -10), closesOn: addDays(today, 20) } };
const province = plan202({ ...open, number: `${randomInt(1_000, 99_999)}-KH/BDVTU`, issuedOn: addDays(today, -20) });
const provinceId = campaignIdFor(province);
const district = plan205({ ...open, number: `${randomInt(1_000, 99_999)}-KH/BDVHU`, issuedOn: addDays(today, -15), implements: { campaignId: provinceId } });
const districtId = campaignIdFor(district);
const hiepHoa = districtTree('BG-HH');
const cells = hiepHoa.filter((u) => u.kind === 'party-cell');
const cell = cells[0]!;

const admin: Principal = { sub: 'admin-bg', role: 'admin' };
const reporter: Principal = { sub: 'bt-xa-hiep-hoa', role: 'reporter', unit: cell.parent! };

let danvan: DanvanUnderTest;
let call: ReturnType<typeof apiClient>['call'];
beforeAll(async () => {
  danvan = await startDanvan('implementing');
  ({ call } = apiClient(danvan));
});
afterAll(async () => {
  await danvan?.stop();
});

it('issues a district plan naming its province plan, whole or from a template, and says whether that plan runs on this server', async () => {
  const issued = await call('POST', '/v1/campaigns', admin, { plan: province, tree: { sample: 'bac-giang' } });
  expect(issued).toMatchObject({ status: 201, body: { campaignId: provinceId } });
  expect(issued.body).not.toHaveProperty('implements');

  const implementing = await call('POST', '/v1/campaigns', admin, { plan: district, tree: hiepHoa });
  expect(implementing).toMatchObject({ status: 201, body: { campaignId: districtId, created: true, implements: { campaignId: provinceId, found: true } } });

  // A plan implementing one of another province's server is taken all the same.
  const elsewhere = `HN-${open.year}-${randomInt(1_000, 99_999)}-KH-BDVTU`;
  const fromTemplate = await call('POST', '/v1/campaigns', admin, {
    template: 'thang-dan-van',
    plan: {
      number: `${randomInt(1_000, 99_999)}-KH/BDVHU`,
      issuer: { unitCode: 'BG-LN', name: 'Ban Dân vận Huyện ủy Lục Nam' },
      issuedOn: addDays(today, -15),
      year: open.year,
      implements: { campaignId: elsewhere },
    },
    tree: districtTree('BG-LN'),
  });
  expect(fromTemplate).toMatchObject({ status: 201, body: { implements: { campaignId: elsewhere, found: false } } });

  const itself = await call('POST', '/v1/campaigns', admin, { plan: { ...province, implements: { campaignId: provinceId } }, tree: { sample: 'bac-giang' } });
  expect(itself.status).toBe(400);
  expect(itself.body.errors).toEqual([
    {
      field: 'body.plan.implements.campaignId',
      value: provinceId,
      reason: `Kế hoạch không thể thực hiện chính nó: ${provinceId} là chiến dịch của chính kế hoạch này`,
    },
  ]);
});

it("lists the district's campaign in the province's snapshot, with the figures its own snapshot has", async () => {
  await deployAndFollow(call, districtId, admin, { reason: 'triển khai kế hoạch của Huyện ủy' });
  await eventually(
    async () => (await call('GET', `/v1/campaigns/${districtId}`, admin)).body.phase,
    (phase) => phase === 'in-progress',
  );
  const session = { heldOn: today, membersPresent: 19, membersTotal: 21 };
  expect((await call('POST', `/v1/campaigns/${districtId}/units/${cell.code}/study-sessions`, reporter, session)).status).toBe(201);

  const snapshot = await eventually(
    async () => (await call('GET', `/v1/campaigns/${provinceId}`, { sub: 'viewer-bg', role: 'viewer' })).body,
    (body) => body.implementedBy?.campaigns[0]?.progress?.studySessions.done === 1,
  );
  expect(snapshot.implementedBy).toEqual({
    count: 1,
    campaigns: [
      {
        campaignId: districtId,
        planNumber: district.number,
        issuer: district.issuer,
        year: open.year,
        phase: 'in-progress',
        progress: expect.objectContaining({ studySessions: expect.objectContaining({ done: 1, required: cells.length, membersPresent: 19 }) }),
      },
    ],
  });
  // The district's own snapshot names the plan it implements, and lists none implementing it.
  const own = (await call('GET', `/v1/campaigns/${districtId}`, admin)).body;
  expect(own.plan.implements).toEqual({ campaignId: provinceId });
  expect(own.implementedBy).toEqual({ count: 0, campaigns: [] });
});

it("reports the district's plan under the province's, from the events read back from Kafka", async () => {
  const records = await eventually(
    () => readTopicToEnd(TOPICS.campaignEvents, (m) => m.key === provinceId || m.key === districtId),
    (found) => found.some((m) => m.key === districtId && m.value!.includes('"vn.danvan.study-session.reported.v1"')),
  );
  const events = records.map((m) => {
    const checked = checkRecord({ key: Buffer.from(m.key!), value: Buffer.from(m.value!) });
    if (!checked.ok) throw new Error(checked.reason);
    return checked.event;
  });
  const opened = openProjection(':memory:');
  if (!opened.ok) throw new Error(opened.error.message);
  const projection = opened.value;
  try {
    await projectionSink(projection)(events, { topic: TOPICS.campaignEvents, partition: 0, firstOffset: '0', lastOffset: '0' });
    expect(projection.implementedBy(provinceId)).toEqual([districtId]);
    const report = campaignReport(projection, provinceId);
    if (!report.ok) throw new Error(report.error.message);
    expect(report.value.split('\n\n').at(-1)).toBe(
      `Các kế hoạch triển khai: Kế hoạch số ${district.number} ngày ${formatVietnameseDate(district.issuedOn)} của Ban Dân vận Huyện ủy Hiệp Hòa ` +
        `(đang thực hiện): 1/${cells.length} chi bộ sinh hoạt chuyên đề (0,8%); chưa tổ chức hội nghị đối thoại nào.`,
    );
  } finally {
    projection.close();
  }
});
