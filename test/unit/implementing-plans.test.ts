import { ServiceError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { FastifyBaseLogger } from 'fastify';
import { implementedBy, IMPLEMENTING_LIST_LIMIT } from '../../api/implementing';
import { openProjection, type Projection } from '../../analytics/projection';
import { campaignReport } from '../../analytics/report';
import type { Result } from '../../analytics/result';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { planSchema } from '../../domain/schemas';
import { emptyProgress } from '../../domain/progress';
import type { CampaignSnapshot } from '../../workflows/messages';
import { campaignSearchAttributes } from '../../workflows/search-attributes';
import { CampaignStream, Timeline, vn } from '../helpers/campaign-stream';
import { districtTree, plan202, plan205 } from '../fixtures/plans';

const PROVINCE = 'BG-2024-202-KH-BDVTU';
const HIEP_HOA = 'BG-HH-2024-205-KH-BDVHU';

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The issues a plan is refused with, as field path and message. */
function refusals(plan: unknown): Array<{ path: string; message: string }> {
  const parsed = planSchema.safeParse(plan);
  return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('a plan naming the plan it implements', () => {
  it('keeps the campaign id of the plan it implements; a plan that implements none has no such field', () => {
    expect(planSchema.parse(plan205()).implements).toEqual({ campaignId: PROVINCE });
    expect(planSchema.parse(plan202())).not.toHaveProperty('implements');
  });

  it('cannot implement itself', () => {
    expect(refusals(plan202({ implements: { campaignId: PROVINCE } }))).toEqual([
      { path: 'implements.campaignId', message: `a plan cannot implement itself: ${PROVINCE} is this plan's own campaign` },
    ]);
  });

  it('implements a plan of its own year or an earlier one (a programme of several years), never of a later one', () => {
    expect(refusals(plan205({ implements: { campaignId: 'BG-2021-15-KH-BDVTU' } }))).toEqual([]);
    expect(refusals(plan205({ implements: { campaignId: 'BG-2025-12-KH-BDVTU' } }))).toEqual([
      {
        path: 'implements.campaignId',
        message: "BG-2025-12-KH-BDVTU is a plan of 2025, after this plan's year 2024; a plan implements one of its own year or an earlier one",
      },
    ]);
    // The year is read from the end of the id: a unit code may hold dashes and digits of its own.
    expect(refusals(plan205({ implements: { campaignId: 'HN-2024-2026-3-KH-BDVTU' } }))).toEqual([
      expect.objectContaining({ path: 'implements.campaignId', message: expect.stringContaining('is a plan of 2026') }),
    ]);
  });

  it('names the plan by its campaign id, not by its number', () => {
    expect(refusals(plan205({ implements: { campaignId: '202-KH/BDVTU' } }))).toEqual([
      { path: 'implements.campaignId', message: 'expected a campaign id like BG-2024-202-KH-BDVTU' },
    ]);
  });

  it('lists the campaign by the plan it implements; a plan that implements none sets the same attributes as before', () => {
    const names = (plan: ReturnType<typeof plan202>) =>
      Object.fromEntries(campaignSearchAttributes(planSchema.parse(plan), 'issued').map(({ key, value }) => [key.name, value]));
    expect(names(plan202())).toEqual({
      DanvanPhase: 'issued',
      DanvanYear: 2024,
      DanvanIssuer: 'BDVTU',
      DanvanProvince: 'BG',
      DanvanPlanNumber: '202-KH/BDVTU',
    });
    expect(names(plan205())).toMatchObject({ DanvanIssuer: 'BDVHU', DanvanProvince: 'BG-HH', DanvanImplements: PROVINCE });
  });
});

describe('the report of a plan lists the plans implementing it', () => {
  const province = new CampaignStream(plan202(), bacGiangTree());
  const hiepHoa = new CampaignStream(plan205(), districtTree('BG-HH'));
  // Issued, not deployed yet: it owes nothing so far.
  const lucNam = new CampaignStream(
    plan205({ number: '211-KH/BDVHU', issuer: { unitCode: 'BG-LN', name: 'Ban Dân vận Huyện ủy Lục Nam' }, issuedOn: '2024-09-20' }),
    districtTree('BG-LN'),
  );
  // Another province's plan implementing a plan of its own: not one of Bắc Giang's.
  const elsewhere = new CampaignStream(
    plan205({ issuer: { unitCode: 'BN-TS', name: 'Ban Dân vận Huyện ủy Tiên Du' }, implements: { campaignId: 'BN-2024-202-KH-BDVTU' } }),
    [{ code: 'BN-TS', name: 'Huyện Tiên Du', kind: 'district' }],
  );
  const cells = hiepHoa.index.subtree('BG-HH').filter((u) => u.kind === 'party-cell');
  const communes = hiepHoa.index.subtree('BG-HH').filter((u) => u.kind === 'commune');

  const t = new Timeline();
  t.add(vn('2024-09-06', 9), (at) => province.issue(at));
  t.add(vn('2024-09-10', 8), (at) => province.deploy(at));
  t.add(vn('2024-09-13', 9), (at) => hiepHoa.issue(at));
  t.add(vn('2024-09-16', 8), (at) => hiepHoa.deploy(at));
  t.add(vn('2024-09-20', 9), (at) => lucNam.issue(at));
  t.add(vn('2024-09-20', 9), (at) => elsewhere.issue(at));
  for (const stream of [province, hiepHoa]) t.add(vn('2024-10-01', 0), (at) => stream.moveTo('in-progress', at));
  cells.slice(0, 40).forEach((cell, i) => {
    const heldOn = `2024-10-${String(2 + (i % 20)).padStart(2, '0')}`;
    t.add(vn(heldOn, 19), (at) => hiepHoa.submit({ kind: 'study-session', unitCode: cell.code, report: { heldOn, membersPresent: 20, membersTotal: 22 } }, at));
  });
  [137, 152, 96].forEach((attendance, i) => {
    const heldOn = `2024-10-${String(10 + i).padStart(2, '0')}`;
    t.add(vn(heldOn, 15), (at) =>
      hiepHoa.submit({ kind: 'dialogue', unitCode: communes[i]!.code, report: { heldOn, topic: 'Giải phóng mặt bằng, đất đai', attendance } }, at),
    );
  });
  t.add(vn('2024-10-15', 9), (at) =>
    hiepHoa.submit(
      {
        kind: 'model-registration',
        unitCode: communes[0]!.code,
        report: { name: 'Mô hình "Dân vận khéo" trong hiến đất làm đường', field: 'culture-society', registeredOn: '2024-10-15' },
      },
      at,
    ),
  );
  t.play();

  const projection: Projection = value(openProjection(':memory:'));
  afterAll(() => projection.close());
  // The streams arrive interleaved, the district's before the province's: the link does not depend on the order.
  value(projection.apply([...hiepHoa.events, ...elsewhere.events, ...lucNam.events, ...province.events]));
  const asOf = vn('2024-10-25', 12);

  it('names each implementing plan as a report names a plan, with its phase and key figures from its own events', () => {
    expect(projection.implementedBy(PROVINCE)).toEqual(['BG-HH-2024-205-KH-BDVHU', 'BG-LN-2024-211-KH-BDVHU']);
    const report = value(campaignReport(projection, PROVINCE, { asOf }));
    // The figures the district's own workflows would show: 40 of its 121 chi bộ, 3 conferences, 1 model.
    expect(hiepHoa.progress(asOf).studySessions).toMatchObject({ done: 40, required: 121 });
    const paragraph =
      'Các kế hoạch triển khai: ' +
      'Kế hoạch số 205-KH/BDVHU ngày 13/9/2024 của Ban Dân vận Huyện ủy Hiệp Hòa (đang thực hiện): 40/121 chi bộ sinh hoạt chuyên đề (33%); ' +
      '3 hội nghị đối thoại với 385 lượt người tham dự; đăng ký 1 mô hình "Dân vận khéo", công nhận 0 mô hình. ' +
      'Kế hoạch số 211-KH/BDVHU ngày 20/9/2024 của Ban Dân vận Huyện ủy Lục Nam (đã ban hành kế hoạch): chưa có số liệu báo cáo.';
    expect(report.split('\n\n').at(-1)).toBe(paragraph);
  });

  it('counts each implementing plan over the same period, without the ratios only the whole campaign has', () => {
    const report = value(campaignReport(projection, PROVINCE, { asOf, period: '2024-Q4' }));
    expect(report.split('\n\n').at(-1)).toMatch(
      /^Trong quý IV năm 2024, các kế hoạch triển khai: Kế hoạch số 205-KH\/BDVHU [^:]+: 40 chi bộ sinh hoạt chuyên đề; 3 hội nghị đối thoại với 385 lượt người tham dự; đăng ký 1 mô hình/,
    );
  });

  it('leaves them out of a unit’s report and out of the report of a plan nothing implements', () => {
    expect(value(campaignReport(projection, PROVINCE, { asOf, unit: 'BG-HH' }))).not.toContain('Các kế hoạch triển khai');
    expect(value(campaignReport(projection, HIEP_HOA, { asOf }))).not.toContain('Các kế hoạch triển khai');
    expect(projection.implementedBy(HIEP_HOA)).toEqual([]);
  });
});

describe('the snapshot’s list of implementing campaigns (api/implementing.ts), on a stand-in for Temporal', () => {
  const plans = Array.from({ length: 3 }, (_, i) =>
    planSchema.parse(plan205({ number: `${205 + i}-KH/BDVHU`, issuer: { unitCode: `BG-D${3 - i}`, name: `Ban Dân vận Huyện ủy số ${3 - i}` } })),
  );
  const listed = (plan: (typeof plans)[number]) => ({
    workflowId: `campaign:${plan.issuer.unitCode}-2024-${plan.number.replace('/', '-')}`,
    typedSearchAttributes: new TypedSearchAttributes(campaignSearchAttributes(plan, 'deployed')),
  });
  const progress = { ...emptyProgress(), studySessions: { required: 10, done: 4, late: 0, overdue: 0, membersPresent: 80, membersTotal: 90 } };
  const warnings: unknown[] = [];
  const log = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as FastifyBaseLogger;

  /** Lists `executions` for any query; `count` answers `total`; a campaign's snapshot answers unless its id is in `silent`. */
  function temporal(executions: unknown[] | Error, opts: { total?: number; silent?: string[] } = {}): Client {
    const queries: string[] = [];
    return {
      queries,
      withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
      workflow: {
        list: ({ query }: { query: string }) => {
          queries.push(query);
          return (async function* () {
            if (executions instanceof Error) throw executions;
            yield* executions;
          })();
        },
        count: async () => ({ count: opts.total ?? 0 }),
        getHandle: (workflowId: string) => ({
          query: async (): Promise<Partial<CampaignSnapshot>> => {
            if (opts.silent?.some((id) => workflowId.endsWith(id))) throw new Error('deadline exceeded');
            const plan = plans.find((p) => workflowId.endsWith(p.number.replace('/', '-')))!;
            return { plan, phase: 'in-progress', progress };
          },
        }),
      },
    } as unknown as Client;
  }

  it('lists them by campaign id with their own snapshot’s phase and figures, and as listed when one does not answer', async () => {
    const answer = await implementedBy(temporal(plans.map(listed), { silent: ['206-KH-BDVHU'] }), PROVINCE, log);
    expect(answer).toEqual({
      count: 3,
      campaigns: [
        { campaignId: 'BG-D1-2024-207-KH-BDVHU', planNumber: '207-KH/BDVHU', issuer: plans[2]!.issuer, year: 2024, phase: 'in-progress', progress },
        { campaignId: 'BG-D2-2024-206-KH-BDVHU', planNumber: '206-KH/BDVHU', issuer: { unitCode: 'BG-D2' }, year: 2024, phase: 'deployed', progress: null },
        { campaignId: 'BG-D3-2024-205-KH-BDVHU', planNumber: '205-KH/BDVHU', issuer: plans[0]!.issuer, year: 2024, phase: 'in-progress', progress },
      ],
    });
  });

  it('asks for the latest run of each campaign workflow naming this campaign, and counts them all when the list is cut', async () => {
    const client = temporal(
      Array.from({ length: IMPLEMENTING_LIST_LIMIT + 20 }, () => listed(plans[0]!)),
      { total: 120 },
    );
    const answer = await implementedBy(client, PROVINCE, log);
    expect({ count: answer?.count, listed: answer?.campaigns.length }).toEqual({ count: 120, listed: IMPLEMENTING_LIST_LIMIT });
    expect((client as unknown as { queries: string[] }).queries).toEqual([
      `WorkflowType = 'campaignWorkflow' AND DanvanImplements = '${PROVINCE}' AND ExecutionStatus != 'ContinuedAsNew'`,
    ]);
  });

  it('leaves the list out, with a warning naming the search attribute, when the server cannot list by it', async () => {
    const refused = new ServiceError('Failed to list workflows', { cause: new Error('3 INVALID_ARGUMENT: invalid search attribute: DanvanImplements') });
    expect(await implementedBy(temporal(refused), PROVINCE, log)).toBeUndefined();
    expect(JSON.stringify(warnings.at(-1))).toContain('is the search attribute DanvanImplements registered?');
  });
});
