import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { openProjection, resetProjection, type Projection } from '../../analytics/projection';
import { campaignReport } from '../../analytics/report';
import type { ProjectedEvent, ProjectedEventOf } from '../../analytics/projected-event';
import type { Result } from '../../analytics/result';
import { SCHEMA_VERSION } from '../../analytics/schema.sql';
import { MODEL_FIELDS, type ModelField, type ModelStage } from '../../domain/models';
import { emptyProgress, modelTotals, sumProgress, type Progress } from '../../domain/progress';
import type { PetitionKind } from '../../domain/reports';
import type { ActivityReport } from '../../domain/schemas';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { CampaignStream, seededRandom, Timeline, vn } from '../helpers/campaign-stream';
import { plan202 } from '../fixtures/plans';

const CAMPAIGN = 'BG-2024-202-KH-BDVTU';
const DISTRICT = 'BG-HH';
const COMMUNE = 'BG-HH-BACLY';

/** An event without the fields every event of the story shares, still discriminated by name. */
type Unstamped = ProjectedEvent extends infer E ? (E extends ProjectedEvent ? Omit<E, 'id' | 'campaignId'> : never) : never;

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`);
  return result.value;
}

let dir: string;
const opened: Projection[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-analytics-'));
});
afterEach(() => {
  for (const p of opened.splice(0)) p.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
function freshFile(): string {
  return path.join(dir, `projection-${++files}.sqlite`);
}

function open(file = freshFile()): Projection {
  const p = value(openProjection(file));
  opened.push(p);
  return p;
}

function applied(p: Projection, events: readonly ProjectedEvent[]): number {
  return value(p.apply(events));
}

interface Checkpoint {
  at: Date;
  /** How many events had been published by then. */
  events: number;
  campaign: Progress;
  district: Progress;
  commune: Progress;
  overdue: Array<{ code: string; obligation: string }>;
}

/**
 * "Tháng Dân vận" 2024 in Bắc Giang under Kế hoạch 202-KH/BDVTU, played on the whole sample tree (3 districts,
 * 30 communes, 325 chi bộ): models registered in September, petitions, study sessions through October with some
 * late and some never held, dialogues with the deadline extended to 05/11 after storm Yagi, reminders before and
 * after each deadline, escalations, assessment, commendation, closure.
 */
function octoberStory(): { stream: CampaignStream; checkpoints: Record<'mid-october' | 'study-deadline-passed' | 'assessment' | 'closed', Checkpoint> } {
  const stream = new CampaignStream(plan202(), bacGiangTree());
  const t = new Timeline();
  const communes = stream.index
    .children(DISTRICT)
    .concat(stream.index.children('BG-LN'), stream.index.children('BG-YT'))
    .map((u) => u.code);
  const cells = communes.flatMap((c) => stream.index.children(c).map((u) => u.code));
  const models: Array<{ unitCode: string; modelId: string }> = [];
  const petitions: Array<{ unitCode: string; petitionId: string }> = [];

  t.add(vn('2024-09-06', 9), (at) => stream.issue(at));
  t.add(vn('2024-09-10', 8), (at) => stream.deploy(at));

  // "Dân vận khéo" models registered at the start of the year, reported once the plan is deployed.
  communes.forEach((unitCode, c) => {
    for (let m = 0; m <= c % 3; m++) {
      const field: ModelField = MODEL_FIELDS[(c + m) % MODEL_FIELDS.length] as ModelField;
      t.add(vn(`2024-09-${String(11 + (c % 15)).padStart(2, '0')}`, 9, m), (at) => {
        const { id } = stream.submit(
          {
            kind: 'model-registration',
            unitCode,
            report: { name: `Mô hình "Dân vận khéo" số ${m + 1} của ${unitCode}`, field, registeredOn: `2024-0${1 + (c % 8)}-15` },
          },
          at,
        );
        models.push({ unitCode, modelId: id as string });
      });
    }
  });
  // A chi bộ registers one as well: models belong to whichever unit reports them.
  t.add(vn('2024-09-20', 10), (at) => {
    const unitCode = cells[0] as string;
    const { id } = stream.submit(
      {
        kind: 'model-registration',
        unitCode,
        report: { name: 'Mô hình "Dân vận khéo" xây dựng khu dân cư văn minh', field: 'culture-society', registeredOn: '2024-02-20' },
      },
      at,
    );
    models.push({ unitCode, modelId: id as string });
  });

  // Petitions raised through September and October (kiến nghị, khiếu nại, tố cáo).
  communes.forEach((unitCode, c) => {
    if (c % 3 !== 0) return;
    const kind: PetitionKind = c % 9 === 0 ? 'khieu-nai' : c === 15 ? 'to-cao' : 'kien-nghi';
    t.add(vn(`2024-09-${String(12 + c / 3).padStart(2, '0')}`, 15), (at) => {
      const { id } = stream.submit(
        {
          kind: 'petition',
          unitCode,
          report: { kind, content: 'Đề nghị nâng cấp đường giao thông liên thôn', receivedOn: `2024-09-${String(12 + c / 3).padStart(2, '0')}` },
        },
        at,
      );
      petitions.push({ unitCode, petitionId: id as string });
    });
  });

  t.add(vn('2024-10-01', 0), (at) => stream.moveTo('in-progress', at));

  // Study sessions: most within October, every 25th chi bộ after the deadline, every 40th never.
  cells.forEach((unitCode, k) => {
    if (k % 40 === 7) return;
    const membersTotal = 15 + ((k * 7) % 31);
    const report = { heldOn: '', membersPresent: membersTotal - (k % 4), membersTotal };
    if (k % 25 === 3)
      t.add(vn(`2024-11-0${1 + (k % 3)}`, 9), (at) => stream.submit({ kind: 'study-session', unitCode, report: { ...report, heldOn: '2024-10-30' } }, at));
    else {
      const day = `2024-10-${String(2 + (k % 27)).padStart(2, '0')}`;
      t.add(vn(day, 20), (at) => stream.submit({ kind: 'study-session', unitCode, report: { ...report, heldOn: day } }, at));
    }
  });

  // Dialogues: three communes never hold one, one holds it on 03/11 (on time after the extension), one on 07/11 (late).
  communes.forEach((unitCode, c) => {
    if (c % 10 === 4) return;
    const attendance = 60 + ((c * 13) % 120);
    const day = c === 9 ? '2024-11-03' : c === 19 ? '2024-11-07' : `2024-10-${String(5 + (c % 20)).padStart(2, '0')}`;
    const topic = c % 2 === 0 ? 'Môi trường, đất đai và tài nguyên' : 'Giải phóng mặt bằng dự án đường vành đai';
    t.add(vn(day, 16), (at) => stream.submit({ kind: 'dialogue', unitCode, report: { heldOn: day, topic, attendance } }, at));
    if (c % 3 === 0)
      t.add(vn('2024-10-28', 16), (at) =>
        stream.submit({ kind: 'dialogue', unitCode, report: { heldOn: '2024-10-28', topic: 'An ninh trật tự', attendance: attendance + 17 } }, at),
      );
  });

  // Catalogue activities, each held on its own day: the districts' documents on 30/9 (last day of Q3) and their
  // inspections on 1/10 (first of Q4), so periods are cut at their edges; Xã Bắc Lý reports conferences twice.
  const activity = (unitCode: string, report: ActivityReport, at: Date = vn(report.heldOn, 17)) =>
    t.add(at, (when) => stream.submit({ kind: 'activity', unitCode, report }, when));
  activity('BG', { activity: 'documents-issued', heldOn: '2024-09-12', measures: { count: 7 } });
  ['BG-HH', 'BG-LN', 'BG-YT'].forEach((unitCode, d) => {
    activity(unitCode, { activity: 'documents-issued', heldOn: '2024-09-30', measures: { count: 40 + d } });
    activity(unitCode, {
      activity: 'inspection-supervision',
      heldOn: '2024-10-01',
      measures: { count: 4 + d, partyOrganisations: 6 + d, partyMembers: 3 + d },
    });
  });
  communes.forEach((unitCode, c) => {
    if (c % 4 === 0)
      activity(unitCode, {
        activity: 'information-conference',
        heldOn: `2024-10-${String(3 + c).padStart(2, '0')}`,
        measures: { count: 1, attendance: 80 + c },
      });
    if (c % 7 === 2)
      activity(unitCode, {
        activity: 'support-drive',
        heldOn: '2024-11-04',
        measures: { count: 1, houses: 2 + (c % 3), amountVnd: 120_000_000 + c * 5_000_000 },
        note: 'Xóa nhà tạm, nhà dột nát cho hộ nghèo',
      });
  });
  activity(COMMUNE, { activity: 'information-conference', heldOn: '2024-10-12', measures: { count: 1, attendance: 96 } });
  activity(COMMUNE, { activity: 'information-conference', heldOn: '2024-10-25', measures: { count: 2, attendance: 215 } });
  // Chi bộ report propaganda; a measure of 0 is reported as 0 and summed like any other.
  cells.forEach((unitCode, k) => {
    if (k % 50 === 5)
      activity(unitCode, {
        activity: 'propaganda',
        heldOn: '2024-10-14',
        measures: { count: 2, newsItems: 3 + (k % 4), articles: 1, banners: 4, posts: k % 3 === 0 ? 0 : 12 },
      });
  });

  // The clock: reminders 7, 3 and 1 days before, the escalation, then overdue reminders every 3 days.
  for (const [day, days] of [
    ['2024-10-24', 7],
    ['2024-10-28', 3],
    ['2024-10-30', 1],
  ] as const) {
    t.add(vn(day, 8), (at) => stream.remind('study-sessions', 'before', days, at));
  }
  t.add(vn('2024-10-24', 8), (at) => stream.remind('dialogues', 'before', 7, at));
  t.add(vn('2024-10-28', 8), (at) => stream.remind('dialogues', 'before', 3, at));
  t.add(vn('2024-10-28', 10), (at) => stream.extend('dialogues', '2024-11-05', at, 'Khắc phục hậu quả bão số 3 (Yagi)'));
  for (const [day, days] of [
    ['2024-10-29', 7],
    ['2024-11-02', 3],
    ['2024-11-04', 1],
  ] as const) {
    t.add(vn(day, 8), (at) => stream.remind('dialogues', 'before', days, at));
  }
  t.add(vn('2024-11-01', 0, 7), (at) => stream.escalate('study-sessions', at));
  t.add(vn('2024-11-06', 0, 11), (at) => stream.escalate('dialogues', at));
  for (let days = 3; days <= 30; days += 3) {
    t.add(new Date(vn('2024-10-31', 8).getTime() + days * 86_400_000), (at) => stream.remind('study-sessions', 'overdue', days, at));
    if (days <= 24) t.add(new Date(vn('2024-11-05', 8).getTime() + days * 86_400_000), (at) => stream.remind('dialogues', 'overdue', days, at));
  }

  // Assessment, then commendation: 2 of 3 models assessed, most recognized, some rejected; the best commended and proposed upward.
  t.add(vn('2024-11-06', 0), (at) => stream.moveTo('assessment', at));
  t.add(vn('2024-11-08', 9), (at) =>
    models.forEach(({ unitCode, modelId }, i) => {
      if (i % 3 === 2) return;
      stream.submit(
        { kind: 'model-assessment', unitCode, modelId, report: { action: 'assess', score: 60 + (i % 40), remarks: 'Hiệu quả, có khả năng nhân rộng' } },
        at,
      );
      if (i % 7 === 1) return;
      const step =
        i % 5 === 4
          ? { action: 'reject' as const, reason: 'Chưa có kết quả cụ thể' }
          : { action: 'recognize' as const, remarks: 'Công nhận mô hình "Dân vận khéo" năm 2024' };
      stream.submit({ kind: 'model-assessment', unitCode, modelId, report: step }, at);
    }),
  );
  t.add(vn('2024-11-16', 0), (at) => stream.moveTo('commendation', at));
  t.add(vn('2024-11-20', 9), (at) =>
    models.forEach(({ unitCode, modelId }, i) => {
      if (i % 3 === 2 || i % 7 === 1 || i % 5 === 4 || i % 2 === 1) return;
      stream.submit(
        { kind: 'model-commendation', unitCode, modelId, report: { action: 'commend', form: 'giay-khen', awardedBy: 'Ban Thường vụ Huyện ủy' } },
        at,
      );
      if (i % 4 === 0)
        stream.submit(
          { kind: 'model-commendation', unitCode, modelId, report: { action: 'propose-upward', remarks: 'Đề nghị Ban Dân vận Tỉnh ủy công nhận' } },
          at,
        );
    }),
  );
  // Petitions resolved along the way, all but the last two.
  t.add(vn('2024-10-15', 11), (at) =>
    petitions
      .slice(0, 4)
      .forEach(({ unitCode, petitionId }) =>
        stream.submit(
          { kind: 'petition-resolution', unitCode, petitionId, report: { resolvedOn: '2024-10-15', outcome: 'UBND xã đã bố trí kinh phí sửa chữa' } },
          at,
        ),
      ),
  );
  t.add(vn('2024-11-12', 11), (at) =>
    petitions
      .slice(4, -2)
      .forEach(({ unitCode, petitionId }) =>
        stream.submit(
          { kind: 'petition-resolution', unitCode, petitionId, report: { resolvedOn: '2024-11-12', outcome: 'Đã trả lời công dân bằng văn bản' } },
          at,
        ),
      ),
  );
  t.add(vn('2024-12-01', 0), (at) => stream.close(at));

  const checkpoints = {} as Record<'mid-october' | 'study-deadline-passed' | 'assessment' | 'closed', Checkpoint>;
  const checkpoint = (name: keyof typeof checkpoints, at: Date) =>
    t.add(at, () => {
      checkpoints[name] = {
        at,
        events: stream.events.length,
        campaign: stream.progress(at),
        district: stream.progress(at, DISTRICT),
        commune: stream.progress(at, COMMUNE),
        overdue: stream.overdueUnits(at),
      };
    });
  checkpoint('mid-october', vn('2024-10-20', 12));
  checkpoint('study-deadline-passed', vn('2024-11-02', 12));
  checkpoint('assessment', vn('2024-11-10', 12));
  checkpoint('closed', vn('2024-12-01', 0, 1));
  t.play();
  return { stream, checkpoints };
}

const story = octoberStory();
const { stream, checkpoints } = story;
const final = checkpoints.closed;

describe('the projection rebuilds the workflows’ figures (Kế hoạch 202-KH/BDVTU, Bắc Giang)', () => {
  it('the story has every kind of figure in it', () => {
    const mid = checkpoints['study-deadline-passed'].campaign;
    expect(mid.studySessions.required).toBe(325);
    expect(mid.studySessions.overdue).toBeGreaterThan(0);
    expect(mid.studySessions.late).toBeGreaterThan(0);
    expect(mid.dialogues.overdue).toBe(0); // extended to 05/11
    const assessment = checkpoints.assessment.campaign;
    expect(assessment.dialogues.overdue).toBe(3);
    expect(assessment.dialogues.late).toBe(1);
    expect(final.campaign.reminders.sent).toBeGreaterThan(0);
    expect(final.campaign.reminders.escalations).toBeGreaterThan(0);
    expect(Object.values(final.campaign.models).some((stages) => stages['proposed-upward'] > 0)).toBe(true);
    expect(Object.values(final.campaign.models).some((stages) => stages.rejected > 0)).toBe(true);
    expect(final.campaign.activities?.['documents-issued']).toEqual({ reports: 4, measures: { count: 130 } });
    expect(final.campaign.activities?.['inspection-supervision']).toEqual({ reports: 3, measures: { count: 15, partyOrganisations: 21, partyMembers: 12 } });
    expect(final.campaign.activities?.propaganda).toEqual({ reports: 7, measures: { count: 14, newsItems: 34, articles: 7, banners: 28, posts: 60 } });
    expect(final.commune.activities).toEqual({ 'information-conference': { reports: 2, measures: { count: 3, attendance: 311 } } });
    expect(stream.events.length).toBeGreaterThan(500);
  });

  it('has no activities until the first is reported, as the workflows leave them out until then', () => {
    const first = stream.events.findIndex((e) => e.name === 'activity.reported');
    const p = openAndApply(stream.events.slice(0, first));
    expect(value(p.figures(CAMPAIGN))).not.toHaveProperty('activities');
    applied(p, stream.events.slice(first, first + 1));
    expect(value(p.figures(CAMPAIGN)).activities).toEqual({ 'documents-issued': { reports: 1, measures: { count: 7 } } });
    expect(value(p.figures(CAMPAIGN, { unit: DISTRICT }))).not.toHaveProperty('activities');
  });

  it.each(Object.keys(checkpoints) as Array<keyof typeof checkpoints>)(
    'at the checkpoint "%s" the figures equal the workflows’ Progress field by field',
    (name) => {
      const cp = checkpoints[name];
      const p = open();
      expect(applied(p, stream.events.slice(0, cp.events))).toBe(cp.events);
      expect(value(p.figures(CAMPAIGN, { asOf: cp.at }))).toEqual(cp.campaign);
      expect(value(p.figures(CAMPAIGN, { unit: DISTRICT, asOf: cp.at }))).toEqual(cp.district);
      expect(value(p.figures(CAMPAIGN, { unit: COMMUNE, asOf: cp.at }))).toEqual(cp.commune);
      expect(value(p.figures(CAMPAIGN, { unit: 'BG', asOf: cp.at }))).toEqual(cp.campaign);
      expect(new Set(value(p.overdueUnits(CAMPAIGN, { asOf: cp.at })).map((u) => `${u.obligation}:${u.code}`))).toEqual(
        new Set(cp.overdue.map((u) => `${u.obligation}:${u.code}`)),
      );
    },
  );

  it('after closing, the figures equal what the campaign workflow published in campaign.closed', () => {
    const p = open();
    applied(p, stream.events);
    const closed = stream.events.find((e) => e.name === 'campaign.closed');
    expect(closed?.name === 'campaign.closed' && closed.data.figures).toEqual(value(p.figures(CAMPAIGN)));
  });

  it('knows the phase, the deadlines in force and that every unit has been listed', () => {
    const p = open();
    applied(p, stream.events.slice(0, checkpoints['study-deadline-passed'].events));
    const state = value(p.campaign(CAMPAIGN));
    expect(state.phase).toBe('in-progress');
    expect(state.plan?.number).toBe('202-KH/BDVTU');
    expect(state.deadlines).toEqual({ 'study-sessions': '2024-10-31', dialogues: '2024-11-05', assessment: '2024-11-15', commendation: '2024-11-30' });
    expect(state.units).toEqual({
      expected: { province: 1, district: 3, commune: 30, 'party-cell': 325 },
      known: { province: 1, district: 3, commune: 30, 'party-cell': 325 },
    });
    applied(p, stream.events);
    expect(value(p.campaign(CAMPAIGN)).phase).toBe('closed');
  });
});

/** Per-source order kept (one workflow's events stay in order on the campaign's partition), sources interleaved at random, with redeliveries. */
function interleave(sources: ProjectedEvent[][], random: () => number): ProjectedEvent[] {
  const queues = sources.map((s) => [...s]);
  const delivered: ProjectedEvent[] = [];
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    const queue = open[Math.floor(random() * open.length)] as ProjectedEvent[];
    delivered.push(queue.shift() as ProjectedEvent);
    // A publish retried after a timeout, or a consumer restarting from an older offset, re-sends what it had.
    if (random() < 0.05) delivered.push(...delivered.slice(Math.floor(random() * delivered.length)).slice(0, 1 + Math.floor(random() * 20)));
  }
  return delivered;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** Applies in batches of random sizes, as a consumer polls them. */
function applyInBatches(p: Projection, events: readonly ProjectedEvent[], random: () => number): number {
  let fresh = 0;
  for (let i = 0; i < events.length;) {
    const size = 1 + Math.floor(random() * 300);
    fresh += applied(p, events.slice(i, i + size));
    i += size;
  }
  return fresh;
}

function everything(p: Projection) {
  return {
    campaign: value(p.campaign(CAMPAIGN)),
    figures: value(p.figures(CAMPAIGN)),
    district: value(p.figures(CAMPAIGN, { unit: DISTRICT })),
    commune: value(p.figures(CAMPAIGN, { unit: COMMUNE })),
    overdue: value(p.overdueUnits(CAMPAIGN)),
  };
}

describe('order and redelivery do not change the figures', () => {
  const reference = (() => {
    const p = value(openProjection(':memory:'));
    applied(p, stream.events);
    const all = everything(p);
    p.close();
    return all;
  })();

  it('the reference in publication order equals the workflows’ final figures', () => {
    expect(reference.figures).toEqual(final.campaign);
  });

  it('any interleaving of the workflows’ streams, with redeliveries and any batch sizes, gives the same figures', () => {
    fc.assert(
      fc.property(fc.noShrink(fc.integer()), (seed) => {
        const random = seededRandom(seed);
        const p = value(openProjection(':memory:'));
        try {
          const delivered = interleave(stream.bySource(), random);
          expect(delivered.length).toBeGreaterThan(stream.events.length);
          expect(applyInBatches(p, delivered, random)).toBe(stream.events.length);
          expect(everything(p)).toEqual(reference);
        } finally {
          p.close();
        }
      }),
      { numRuns: 15 },
    );
  });

  it('even with no order at all, every event once or twice, the figures are the same', () => {
    fc.assert(
      fc.property(fc.noShrink(fc.integer()), (seed) => {
        const random = seededRandom(seed);
        const p = value(openProjection(':memory:'));
        try {
          const twice = stream.events.filter(() => random() < 0.3);
          expect(applyInBatches(p, shuffled([...stream.events, ...twice], random), random)).toBe(stream.events.length);
          expect(everything(p)).toEqual(reference);
        } finally {
          p.close();
        }
      }),
      { numRuns: 10 },
    );
  });

  it('a batch sent again applies nothing; duplicates within a batch count once', () => {
    const p = open();
    const batch = stream.events.slice(0, 400);
    expect(applied(p, batch)).toBe(400);
    expect(applied(p, batch)).toBe(0);
    const next = stream.events.slice(400, 450);
    expect(applied(p, [...next, ...next, ...batch.slice(0, 10)])).toBe(50);
    expect(value(p.figures(CAMPAIGN))).toEqual(value(openAndApply(stream.events.slice(0, 450)).figures(CAMPAIGN)));
  });
});

describe('activity reports apply once', () => {
  const reports = stream.events.filter((e) => e.name === 'activity.reported');

  it('applied twice, or published again under another id, they count once', () => {
    const p = openAndApply(stream.events);
    expect(applied(p, reports)).toBe(0);
    // A workflow that published a report again after a restart: same unit and report id, a new event id.
    const republished = reports.map((e) => ({ ...e, id: `${e.id}-again` }));
    expect(applied(p, republished)).toBe(reports.length);
    expect(value(p.figures(CAMPAIGN))).toEqual(final.campaign);
  });

  it('in any order, with the rest of the story', () => {
    const random = seededRandom(15);
    const p = openAndApply(shuffled([...reports, ...stream.events], random));
    expect(value(p.figures(CAMPAIGN)).activities).toEqual(final.campaign.activities);
  });
});

function openAndApply(events: readonly ProjectedEvent[]): Projection {
  const p = open();
  applied(p, events);
  return p;
}

/** The dated figures of a Progress: what a period counts (`required` is the tree's, `overdue` the whole campaign's). */
function dated(p: Progress) {
  const { required: _sr, overdue: _so, ...studySessions } = p.studySessions;
  const { required: _dr, overdue: _do, ...dialogues } = p.dialogues;
  return { ...p, studySessions, dialogues };
}

const PERIODS = {
  '2024-Q1': ['2024-01-01', '2024-03-31'],
  '2024-Q2': ['2024-04-01', '2024-06-30'],
  '2024-Q3': ['2024-07-01', '2024-09-30'],
  '2024-Q4': ['2024-10-01', '2024-12-31'],
} as const;

/** Activity totals added up afresh from the events held in [from, to] within `unit`: not the projection's SQL, not addActivities. */
function activitiesHeld(from: string, to: string, unit: string = stream.root): Progress['activities'] {
  const totals: NonNullable<Progress['activities']> = {};
  for (const e of stream.events) {
    if (e.name !== 'activity.reported' || e.data.heldOn < from || e.data.heldOn > to || !stream.index.isWithin(e.subject, unit)) continue;
    const t = (totals[e.data.activity] ??= { reports: 0, measures: {} });
    t.reports += 1;
    for (const [measure, amount] of Object.entries(e.data.measures)) t.measures[measure] = (t.measures[measure] ?? 0) + amount;
  }
  return Object.keys(totals).length > 0 ? totals : undefined;
}

const MODEL_STEP_EVENTS = ['model.assessed', 'model.recognized', 'model.rejected', 'model.commended', 'model.proposed-upward'] as const;
function isModelStep(e: ProjectedEvent): e is ProjectedEventOf<(typeof MODEL_STEP_EVENTS)[number]> {
  return (MODEL_STEP_EVENTS as readonly string[]).includes(e.name);
}

/** Models registered in [from, to], by field and by the stage their last step took them to. */
function modelsRegistered(from: string, to: string): Progress['models'] {
  const models = new Map<string, { field: ModelField; registeredOn: string; stage: ModelStage }>();
  for (const e of stream.events) {
    if (e.name === 'model.registered')
      models.set(`${e.subject}/${e.data.modelId}`, { field: e.data.field, registeredOn: e.data.registeredOn, stage: 'registered' });
    else if (isModelStep(e)) (models.get(`${e.subject}/${e.data.modelId}`) as { stage: ModelStage }).stage = e.data.to;
  }
  const counted = emptyProgress().models;
  for (const m of models.values()) if (m.registeredOn >= from && m.registeredOn <= to) counted[m.field][m.stage] += 1;
  return counted;
}

describe('figures by period and by unit', () => {
  const p = value(openProjection(':memory:'));
  afterAll(() => p.close());
  applied(p, stream.events);
  const at = { asOf: final.at };

  it('the year holds every fact of the story: its figures are the campaign’s, without overdue', () => {
    const year = value(p.figures(CAMPAIGN, { ...at, period: '2024' }));
    expect(final.campaign.studySessions.overdue).toBeGreaterThan(0);
    expect(year).toEqual({
      ...final.campaign,
      studySessions: { ...final.campaign.studySessions, overdue: 0 },
      dialogues: { ...final.campaign.dialogues, overdue: 0 },
      honours: { ...final.campaign.honours!, awaitingDecision: 0 },
    });
    expect(value(p.figures(CAMPAIGN, { unit: DISTRICT, period: '2024', ...at }))).toEqual({
      ...final.district,
      studySessions: { ...final.district.studySessions, overdue: 0 },
      dialogues: { ...final.district.dialogues, overdue: 0 },
      honours: { ...final.district.honours!, awaitingDecision: 0 },
    });
  });

  it('a year without facts counts nothing but what the units owe', () => {
    const before = value(p.figures(CAMPAIGN, { ...at, period: '2023' }));
    const nothing = emptyProgress();
    expect(before).toEqual({
      ...nothing,
      studySessions: { ...nothing.studySessions, required: 325 },
      dialogues: { ...nothing.dialogues, required: 30 },
    });
    expect(before).not.toHaveProperty('activities');
  });

  it.each(Object.entries(PERIODS))('%s counts the activities held in it, edges included, and the models registered in it', (period, [from, to]) => {
    const figures = value(p.figures(CAMPAIGN, { ...at, period }));
    expect(figures.activities).toEqual(activitiesHeld(from, to));
    expect(figures.models).toEqual(modelsRegistered(from, to));
    expect(value(p.figures(CAMPAIGN, { ...at, period, unit: DISTRICT })).activities).toEqual(activitiesHeld(from, to, DISTRICT));
  });

  it('30/9 is the last day of Q3 and 1/10 the first of Q4', () => {
    expect(value(p.figures(CAMPAIGN, { period: '2024-Q3' })).activities).toEqual({ 'documents-issued': { reports: 4, measures: { count: 130 } } });
    expect(value(p.figures(CAMPAIGN, { period: '2024-Q4' })).activities?.['inspection-supervision']?.reports).toBe(3);
  });

  it('sessions and dialogues by the day held, petitions by the day received, reminders by the day sent', () => {
    const q3 = value(p.figures(CAMPAIGN, { ...at, period: '2024-Q3' }));
    const q4 = value(p.figures(CAMPAIGN, { ...at, period: '2024-Q4' }));
    expect(q3.studySessions).toEqual({ required: 325, done: 0, late: 0, overdue: 0, membersPresent: 0, membersTotal: 0 });
    expect(q4.studySessions).toEqual({ ...final.campaign.studySessions, overdue: 0 });
    expect(q4.dialogues).toEqual({ ...final.campaign.dialogues, overdue: 0 });
    expect(q3.petitions).toEqual(final.campaign.petitions); // all received in September, resolved whenever
    expect(Object.values(q4.petitions).every((k) => k.recorded === 0)).toBe(true);
    expect(q3.reminders).toEqual({ sent: 0, escalations: 0 });
    expect(q4.reminders).toEqual(final.campaign.reminders);
  });

  it('halves are their quarters and the year its halves', () => {
    const figures = (period: string) => dated(value(p.figures(CAMPAIGN, { ...at, period })));
    const sum = (...periods: string[]) => dated(sumProgress(periods.map((period) => value(p.figures(CAMPAIGN, { ...at, period })))));
    expect(figures('2024-H1')).toEqual(sum('2024-Q1', '2024-Q2'));
    expect(figures('2024-H2')).toEqual(sum('2024-Q3', '2024-Q4'));
    expect(figures('2024')).toEqual(sum('2024-H1', '2024-H2'));
    expect(modelTotals(value(p.figures(CAMPAIGN, { period: '2024-H1' }))).registered).toBeGreaterThan(0);
  });
});

describe('the projection file', () => {
  it('is in WAL mode with a schema version, and an applied batch is there after a reopen', () => {
    const file = freshFile();
    const p = value(openProjection(file));
    applied(p, stream.events);
    p.close();
    const raw = new BetterSqlite3(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SCHEMA_VERSION }]);
    expect(raw.prepare('SELECT COUNT(*) AS n FROM seen_events').get()).toEqual({ n: stream.events.length });
    raw.close();
    const again = open(file);
    expect(value(again.figures(CAMPAIGN))).toEqual(final.campaign);
    expect(applied(again, stream.events)).toBe(0);
  });

  it('reset drops everything; replaying from the start gives identical figures', () => {
    const file = freshFile();
    const first = value(openProjection(file));
    applied(first, stream.events);
    const before = everything(first);
    first.close();
    const reset = value(resetProjection(file));
    opened.push(reset);
    expect(reset.campaign(CAMPAIGN)).toEqual({ ok: false, error: expect.objectContaining({ field: 'campaignId', value: CAMPAIGN }) });
    expect(applied(reset, stream.events)).toBe(stream.events.length);
    expect(everything(reset)).toEqual(before);
  });

  it('a file of another schema version is refused with the version, and reset rebuilds it', () => {
    const file = freshFile();
    const raw = new BetterSqlite3(file);
    raw.exec(
      `CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY); INSERT INTO schema_version VALUES (${SCHEMA_VERSION + 1}); CREATE TABLE figures_v2 (x)`,
    );
    raw.close();
    const refused = openProjection(file);
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ field: 'schema_version', value: SCHEMA_VERSION + 1 }) });
    expect(!refused.ok && refused.error.message).toContain('resetProjection');
    const rebuilt = value(resetProjection(file));
    opened.push(rebuilt);
    expect(applied(rebuilt, stream.events.slice(0, 10))).toBe(10);
    const check = new BetterSqlite3(file, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name = 'figures_v2'").all()).toEqual([]);
    check.close();
  });

  it('a file that is not a projection is an error naming the file', () => {
    const file = freshFile();
    fs.writeFileSync(file, 'Kế hoạch số 202-KH/BDVTU — không phải cơ sở dữ liệu '.repeat(100));
    expect(openProjection(file)).toEqual({ ok: false, error: expect.objectContaining({ field: 'file', value: file }) });
  });
});

describe('errors are values', () => {
  it('an unknown campaign or unit is named in the answer', () => {
    const p = openAndApply(stream.events);
    expect(p.figures('HN-2024-202-KH-BDVTU')).toEqual({ ok: false, error: expect.objectContaining({ field: 'campaignId', value: 'HN-2024-202-KH-BDVTU' }) });
    expect(p.figures(CAMPAIGN, { unit: 'BG-XX' })).toEqual({ ok: false, error: expect.objectContaining({ field: 'unit', value: 'BG-XX' }) });
    expect(p.overdueUnits(CAMPAIGN, { unit: 'BG-XX' }).ok).toBe(false);
  });

  it.each(['2024-Q5', '2024-H3', '2024-Q0', '24', '2024Q1', '2024-q3', ' 2024', '1900', 'quý III/2024'])('the period %p is an error naming it', (period) => {
    const p = openAndApply(stream.events);
    const answer = p.figures(CAMPAIGN, { period });
    expect(answer).toEqual({ ok: false, error: expect.objectContaining({ field: 'period', value: period }) });
    expect(!answer.ok && answer.error.message).toMatch(/2024-Q1|from 1930/);
    expect(p.lateness(CAMPAIGN, { period }).ok).toBe(false);
  });

  it('a batch with an unreadable event writes nothing and names the event, the field and the value', () => {
    const p = open();
    const bad = { ...stream.events[5], time: '31/10/2024' } as ProjectedEvent;
    const result = p.apply([...stream.events.slice(0, 5), bad]);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ field: 'events[5].time', value: '31/10/2024' }) });
    expect(!result.ok && result.error.message).toContain(stream.events[5]?.id);
    expect(p.campaign(CAMPAIGN).ok).toBe(false);
    const unknown = { ...stream.events[6], name: 'study-session.corrected' } as unknown as ProjectedEvent;
    expect(p.apply([unknown])).toEqual({ ok: false, error: expect.objectContaining({ field: 'events[0].name', value: 'study-session.corrected' }) });
    expect(applied(p, stream.events.slice(0, 5))).toBe(5);
  });
});

describe('Xã Bắc Lý by hand', () => {
  /** One commune with two chi bộ, told event by event, with the figures written out as a report would state them. */
  const C = 'BG-2024-202-KH-BDVTU';
  const ev = (seq: number, source: string, e: Unstamped): ProjectedEvent => ({ id: `${C}/${source}/${seq}`, campaignId: C, ...e }) as ProjectedEvent;
  const units = [
    { code: 'BG-HH-BACLY', name: 'Xã Bắc Lý', kind: 'commune' as const, parent: 'BG-HH', obligations: ['dialogue' as const] },
    { code: 'BG-HH-BACLY-CB01', name: 'Chi bộ thôn Đông', kind: 'party-cell' as const, parent: 'BG-HH-BACLY', obligations: ['study-session' as const] },
    { code: 'BG-HH-BACLY-CB02', name: 'Chi bộ thôn Tây', kind: 'party-cell' as const, parent: 'BG-HH-BACLY', obligations: ['study-session' as const] },
  ];
  const events: ProjectedEvent[] = [
    ev(1, 'BG-HH-BACLY', { name: 'unit.deployed', subject: 'BG-HH-BACLY', time: '2024-09-10T01:00:00.000Z', data: { units } }),
    ev(2, 'BG-HH-BACLY', {
      name: 'model.registered',
      subject: 'BG-HH-BACLY',
      time: '2024-09-12T02:00:00.000Z',
      data: {
        modelId: 'M1',
        name: 'Mô hình "Dân vận khéo" phát triển kinh tế vườn đồi',
        field: 'economy',
        registeredOn: '2024-03-15',
        submittedBy: 'bt-bacly',
      },
    }),
    ev(3, 'BG-HH-BACLY', {
      name: 'petition.recorded',
      subject: 'BG-HH-BACLY',
      time: '2024-09-20T02:00:00.000Z',
      data: { petitionId: 'P1', kind: 'kien-nghi', content: 'Đề nghị sửa chữa đường giao thông liên thôn', receivedOn: '2024-09-20', submittedBy: 'bt-bacly' },
    }),
    ev(4, 'BG-HH-BACLY', {
      name: 'study-session.reported',
      subject: 'BG-HH-BACLY-CB01',
      time: '2024-10-15T13:00:00.000Z',
      data: { heldOn: '2024-10-15', membersPresent: 18, membersTotal: 20, late: false, submittedBy: 'bt-cb01' },
    }),
    ev(5, 'BG-HH-BACLY', {
      name: 'dialogue.reported',
      subject: 'BG-HH-BACLY',
      time: '2024-10-19T09:00:00.000Z',
      data: { heldOn: '2024-10-19', topic: 'Môi trường, đất đai', attendance: 152, conference: 1, late: false, submittedBy: 'bt-bacly' },
    }),
    ev(6, 'BG-HH-BACLY', {
      name: 'reminder.sent',
      subject: 'BG-HH-BACLY',
      time: '2024-10-24T01:00:00.000Z',
      data: { deadline: 'study-sessions', deadlineDate: '2024-10-31', kind: 'before', days: 7, units: ['BG-HH-BACLY-CB02'] },
    }),
    ev(7, 'BG-HH-BACLY', {
      name: 'deadline.escalated',
      subject: 'BG-HH-BACLY',
      time: '2024-10-31T17:03:00.000Z',
      data: { deadline: 'study-sessions', deadlineDate: '2024-10-31', units: [{ code: 'BG-HH-BACLY-CB02', parent: 'BG-HH-BACLY' }] },
    }),
    ev(8, 'BG-HH-BACLY', {
      name: 'dialogue.reported',
      subject: 'BG-HH-BACLY',
      time: '2024-11-02T09:00:00.000Z',
      data: { heldOn: '2024-11-02', topic: 'An ninh trật tự', attendance: 97, conference: 2, late: true, submittedBy: 'bt-bacly' },
    }),
    ev(9, 'BG-HH-BACLY', {
      name: 'model.assessed',
      subject: 'BG-HH-BACLY',
      time: '2024-11-08T02:00:00.000Z',
      data: { modelId: 'M1', field: 'economy', from: 'registered', to: 'assessed', score: 86, remarks: 'Hiệu quả', submittedBy: 'hoi-dong' },
    }),
    ev(10, 'BG-HH-BACLY', {
      name: 'model.recognized',
      subject: 'BG-HH-BACLY',
      time: '2024-11-08T03:00:00.000Z',
      data: { modelId: 'M1', field: 'economy', from: 'assessed', to: 'recognized', remarks: 'Công nhận', submittedBy: 'hoi-dong' },
    }),
    ev(11, 'BG-HH-BACLY', {
      name: 'petition.resolved',
      subject: 'BG-HH-BACLY',
      time: '2024-11-10T02:00:00.000Z',
      data: { petitionId: 'P1', kind: 'kien-nghi', resolvedOn: '2024-11-10', outcome: 'Đã sửa chữa', submittedBy: 'bt-bacly' },
    }),
  ];

  it('gives the figures counted by hand, overdue judged at the given instant', () => {
    const p = openAndApply(events);
    const expected = emptyProgress();
    expected.studySessions = { required: 2, done: 1, late: 0, overdue: 1, membersPresent: 18, membersTotal: 20 };
    expected.dialogues = { required: 1, done: 1, late: 0, overdue: 0, conferences: 2, attendance: 249, lateConferences: 1 };
    expected.petitions['kien-nghi'] = { recorded: 1, resolved: 1 };
    expected.models.economy.recognized = 1;
    // The recognition's event names no level (it predates levels): the level is the kind the commune was deployed as.
    expected.honours = { recognized: { commune: 1 }, commended: {}, awaitingDecision: 0 };
    expected.reminders = { sent: 1, escalations: 1 };
    // No campaign.issued in this stream: the deadlines are unknown, so nothing can be judged overdue yet.
    expect(value(p.figures(C, { asOf: new Date('2024-11-20T00:00:00Z') }))).toEqual({ ...expected, studySessions: { ...expected.studySessions, overdue: 0 } });
    const withPlan = ev(1, 'BG', {
      name: 'campaign.issued',
      subject: 'BG',
      time: '2024-09-06T02:00:00.000Z',
      data: { plan: stream.plan, units: { province: 1, district: 1, commune: 1, 'party-cell': 2 } },
    });
    expect(applied(p, [withPlan])).toBe(1);
    expect(value(p.figures(C, { asOf: new Date('2024-11-20T00:00:00Z') }))).toEqual(expected);
    expect(value(p.figures(C, { asOf: new Date('2024-10-31T16:59:59.000Z') })).studySessions.overdue).toBe(0); // 31/10 23:59:59 in Vietnam
    expect(value(p.figures(C, { asOf: new Date('2024-10-31T17:00:00.000Z') })).studySessions.overdue).toBe(1);
    expect(value(p.overdueUnits(C))).toEqual([{ code: 'BG-HH-BACLY-CB02', obligation: 'study-session' }]);
    expect(value(p.figures(C, { unit: 'BG-HH-BACLY-CB01' })).studySessions).toEqual({
      required: 1,
      done: 1,
      late: 0,
      overdue: 0,
      membersPresent: 18,
      membersTotal: 20,
    });
    // BG-HH never announced itself, but Bắc Lý names it as parent: its subtree is known.
    expect(value(p.figures(C, { unit: 'BG-HH' }))).toEqual(expected);
  });

  it('a reminder is in the period of its Vietnam day: 00:30 on 1/10 is 17:30 UTC on 30/9, and in Q4', () => {
    const p = openAndApply([
      ...events,
      ev(12, 'BG-HH-BACLY', {
        name: 'reminder.sent',
        subject: 'BG-HH-BACLY',
        time: '2024-09-30T17:30:00.000Z',
        data: { deadline: 'study-sessions', deadlineDate: '2024-10-31', kind: 'before', days: 30, units: ['BG-HH-BACLY-CB02'] },
      }),
    ]);
    expect(value(p.figures(C, { period: '2024-Q3' })).reminders).toEqual({ sent: 0, escalations: 0 });
    expect(value(p.figures(C, { period: '2024-Q4' })).reminders).toEqual({ sent: 2, escalations: 1 });
  });

  it('names a unit as unit.deployed listed it, or by its code alone while only its children have named it', () => {
    const p = openAndApply(events);
    expect(value(p.unit(C, 'BG-HH-BACLY'))).toEqual({ code: 'BG-HH-BACLY', name: 'Xã Bắc Lý', kind: 'commune' });
    expect(value(p.unit(C, 'BG-HH'))).toEqual({ code: 'BG-HH' });
    expect(p.unit(C, 'BG-XX')).toEqual({ ok: false, error: expect.objectContaining({ field: 'unit', value: 'BG-XX' }) });
  });

  it('a model is counted in the stage it is in now, whichever of its events arrives first', () => {
    const p = openAndApply([...events].reverse());
    expect(value(p.figures(C)).models.economy).toEqual({ registered: 0, assessed: 0, recognized: 1, rejected: 0, commended: 0, 'proposed-upward': 0 });
  });
});

describe('a plan that names its own obligations', () => {
  // Every district and commune owes two information conferences by 20/10; nobody owes a study session or a dialogue.
  const owedPlan = plan202({
    number: '303-KH/BDVTU',
    obligations: [{ activity: 'information-conference', owedBy: ['district', 'commune'], target: 2, deadline: 'information-conferences' }],
    deadlines: { 'information-conferences': '2024-10-20' },
  });
  const owned = new CampaignStream(owedPlan, bacGiangTree());
  const campaign = 'BG-2024-303-KH-BDVTU';
  const communes = owned.index.children(DISTRICT).map((u) => u.code);
  const conference = (unitCode: string, heldOn: string, count: number, at: Date) =>
    owned.submit({ kind: 'activity', unitCode, report: { activity: 'information-conference', heldOn, measures: { count, attendance: 80 * count } } }, at);
  owned.issue(vn('2024-09-06', 9));
  owned.deploy(vn('2024-09-10', 8));
  owned.moveTo('in-progress', vn('2024-10-01', 0));
  communes.forEach((unitCode, c) => {
    if (c % 3 === 0) conference(unitCode, '2024-10-12', 2, vn('2024-10-12', 15));
    else if (c % 3 === 1) conference(unitCode, '2024-10-12', 1, vn('2024-10-12', 15));
  });
  conference(DISTRICT, '2024-10-15', 3, vn('2024-10-15', 9));
  owned.escalate('information-conferences', vn('2024-10-21', 0));
  // Late: the second conference of two communes, after the deadline.
  conference(communes[1]!, '2024-10-22', 1, vn('2024-10-22', 9));
  conference(communes[4]!, '2024-10-23', 1, vn('2024-10-23', 9));
  const asOf = vn('2024-10-25', 12);

  it('counts required, done, late and overdue as the workflows do, for the campaign and a district', () => {
    const p = open();
    applied(p, owned.events);
    const figures = value(p.figures(campaign, { asOf }));
    expect(figures).toEqual(owned.progress(asOf));
    expect(figures.obligations?.['information-conference']).toMatchObject({ late: 2 });
    expect(figures.obligations?.['information-conference']?.overdue).toBeGreaterThan(0);
    expect(figures.studySessions.required).toBe(0);
    expect(value(p.figures(campaign, { asOf, unit: DISTRICT }))).toEqual(owned.progress(asOf, DISTRICT));
  });

  it('lists the units still short of their target as overdue, naming the activity', () => {
    const p = open();
    applied(p, owned.events);
    const listed = value(p.overdueUnits(campaign, { asOf }));
    expect(new Set(listed.map((u) => `${u.obligation}:${u.code}`))).toEqual(new Set(owned.overdueUnits(asOf).map((u) => `${u.obligation}:${u.code}`)));
    expect(listed.length).toBeGreaterThan(0);
  });

  it('the report tells the obligation’s tally and says nothing of study sessions or dialogues the plan does not ask for', () => {
    const p = open();
    applied(p, owned.events);
    const tally = value(p.figures(campaign, { asOf })).obligations!['information-conference']!;
    const text = value(campaignReport(p, campaign, { asOf }));
    expect(text).toContain(
      `Có ${tally.done}/${tally.required} đơn vị (${String(Math.floor((tally.done * 1000) / tally.required) / 10).replace('.', ',')}%) hoàn thành "Hội nghị quán triệt, thông tin chủ trương, chính sách đến Nhân dân" (ít nhất 2 lần); 2 đơn vị hoàn thành sau thời hạn (20/10/2024); ${tally.overdue} đơn vị đã quá hạn nhưng chưa hoàn thành.`,
    );
    expect(text).not.toMatch(/sinh hoạt chuyên đề|hội nghị đối thoại/);
  });
});
