import { isoDateSchema, planNumberSchema, planSchema, utcInstantSchema } from '../../domain/schemas';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { buildEvent, buildEvents, defineEvent, eventContract, eventName, parseEvent, RELEASED_EVENTS, type DanvanEvent } from '../../domain/events';
import { campaignIdFor, issuerRootProblem } from '../../domain/plan';
import { plan202 } from '../fixtures/plans';

const plan = planSchema.parse(plan202());

describe('plan (domain/plan.ts)', () => {
  it.each(['202-KH/BDVTU', '205-KH/BDVQU', '12-KH/BDVHU'])('accepts the plan number %s', (number) => {
    expect(planNumberSchema.safeParse(number).success).toBe(true);
  });

  it.each(['202/BDVTU', 'KH-202/BDVTU', '0-KH/BDVTU', '202-KH/', '202-kh/bdvtu'])('refuses the plan number %s', (number) => {
    expect(planNumberSchema.safeParse(number).success).toBe(false);
  });

  it('derives the campaign id from issuing unit, year and number, so plans that reuse a number stay apart', () => {
    expect(campaignIdFor(plan)).toBe('BG-2024-202-KH-BDVTU');
    expect(campaignIdFor({ ...plan, issuer: { ...plan.issuer, unitCode: 'HN' } })).toBe('HN-2024-202-KH-BDVTU');
    expect(campaignIdFor({ ...plan, year: 2025 })).toBe('BG-2025-202-KH-BDVTU');
  });

  it('is issued to the tree whose root is its issuing unit', () => {
    const province = { code: 'BG', name: 'Tỉnh Bắc Giang', kind: 'province' as const };
    const commune = { code: 'BG-X1', name: 'Xã 1', kind: 'commune' as const, parent: 'BG' };
    expect(issuerRootProblem(plan, [province, commune])).toBeUndefined();
    expect(issuerRootProblem({ issuer: { ...plan.issuer, unitCode: 'BN' } }, [province, commune])).toBe('the issuing unit must be the root of the tree (BG)');
  });

  it('refuses an impossible issue date', () => {
    expect(planSchema.safeParse({ ...plan202(), issuedOn: '2024-02-30' }).success).toBe(false);
    expect(planSchema.safeParse({ ...plan202(), issuedOn: '06/9/2024' }).success).toBe(false);
  });
});

describe('calendar schemas (domain/calendar.ts)', () => {
  it('accepts real dates and UTC instants', () => {
    expect(isoDateSchema.safeParse('2024-02-29').success).toBe(true);
    expect(utcInstantSchema.safeParse('2024-10-31T16:59:59.000Z').success).toBe(true);
    expect(utcInstantSchema.safeParse('2024-10-31T16:59:59Z').success).toBe(true);
  });

  it('refuses dates that do not exist and instants that are not UTC', () => {
    expect(isoDateSchema.safeParse('2023-02-29').success).toBe(false);
    expect(utcInstantSchema.safeParse('2024-10-31T23:59:59+07:00').success).toBe(false);
    expect(utcInstantSchema.safeParse('2024-10-31T23:59:59').success).toBe(false);
    expect(utcInstantSchema.safeParse('2024-13-01T00:00:00Z').success).toBe(false);
  });
});

const campaignId = 'BG-2024-202-KH-BDVTU';
const fields = { campaignId, workflowId: `campaign:${campaignId}`, sourceUnit: 'BG', subject: 'BG', sequence: 1, time: new Date('2024-09-06T01:00:00Z') };
const issued = { plan, units: { province: 1, district: 3, commune: 30, 'party-cell': 325 } };

describe('CloudEvents of danvan (domain/events.ts)', () => {
  it('builds a CloudEvent whose id is fixed by campaign, source unit and sequence', () => {
    const event = buildEvent('campaign.issued', fields, issued);
    expect(event).toEqual({
      specversion: '1.0',
      id: 'BG-2024-202-KH-BDVTU/BG/1',
      source: 'urn:danvan:campaign:BG-2024-202-KH-BDVTU',
      type: 'vn.danvan.campaign.issued.v1',
      subject: 'BG',
      time: '2024-09-06T01:00:00.000Z',
      datacontenttype: 'application/json',
      dataschema: 'http://127.0.0.1:3000/schemas/events/vn.danvan.campaign.issued.v1.json',
      campaignid: 'BG-2024-202-KH-BDVTU',
      sequence: 1,
      data: issued,
    });
    expect(buildEvent('campaign.issued', fields, issued).id).toBe(event.id);
    expect(buildEvents('campaign.issued', fields, issued)).toEqual([event]);
  });

  it('refuses to build an event whose payload breaks its schema', () => {
    expect(() => buildEvent('campaign.phase-changed', fields, { from: 'issued', to: 'finished' as never, reason: 'x', trigger: 'admin' })).toThrow();
  });

  it('reads type names and versions', () => {
    expect(eventName('vn.danvan.study-session.reported.v1')).toEqual({ name: 'study-session.reported', version: 1 });
    expect(eventName('vn.danvan.model.proposed-upward.v12')).toEqual({ name: 'model.proposed-upward', version: 12 });
    expect(eventName('vn.danvan.campaign.vanished.v1')).toBeUndefined();
    expect(eventName('study-session.reported')).toBeUndefined();
    expect(eventName('vn.danvan.study-session.reported.v0')).toBeUndefined();
  });

  it('parses what it builds, with its name and version', () => {
    const event = buildEvent('campaign.issued', fields, issued);
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual({ ok: true, event, name: 'campaign.issued', version: 1 });
  });

  it('says why it refuses the rest, naming the field and the value', () => {
    const event = buildEvent('campaign.issued', fields, issued);
    expect(parseEvent('BG')).toEqual({ ok: false, reason: 'event: expected a JSON object, got "BG"' });
    expect(parseEvent({ ...event, type: undefined })).toEqual({ ok: false, reason: 'type: expected vn.danvan.<name>.v<N>, got nothing' });
    expect(parseEvent({ ...event, type: 'vn.danvan.campaign.vanished.v1' })).toEqual({
      ok: false,
      reason: 'type: unknown event type "vn.danvan.campaign.vanished.v1"',
    });
    expect(parseEvent({ ...event, type: 'campaign.issued' })).toEqual({ ok: false, reason: 'type: unknown event type "campaign.issued"' });
    expect(parseEvent({ ...event, type: 'vn.danvan.campaign.issued.v9' })).toEqual({
      ok: false,
      reason: 'type: version 9 of campaign.issued is not released (released: 1), got "vn.danvan.campaign.issued.v9"',
    });
    const badYear = parseEvent({ ...event, data: { ...issued, plan: { ...plan, year: 'năm 2024' } } });
    expect(badYear).toMatchObject({ ok: false, reason: expect.stringMatching(/^vn\.danvan\.campaign\.issued\.v1: data\.plan\.year: .*got "năm 2024"$/) });
    expect(parseEvent({ ...event, time: '2024-09-06T08:00:00+07:00' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('time: expected a UTC instant ending in Z, e.g. 2024-10-09T05:00:00.000Z, got "2024-09-06T08:00:00+07:00"'),
    });
    expect(parseEvent({ ...event, specversion: '0.3' })).toMatchObject({ ok: false, reason: expect.stringContaining('specversion: ') });
    expect(parseEvent({ ...event, id: undefined })).toMatchObject({ ok: false, reason: expect.stringContaining('id: ') });
    expect(parseEvent({ ...event, sequence: 2 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('id: expected BG-2024-202-KH-BDVTU/<unit>/2, the campaignid and sequence of the event, got "BG-2024-202-KH-BDVTU/BG/1"'),
    });
    expect(parseEvent({ ...event, dataschema: 'https://example.com/x.json' })).toMatchObject({ ok: false, reason: expect.stringContaining('dataschema: ') });
  });

  it('keeps activity.reported open to the catalogue: a kind or measure added later is an additive change under v1', () => {
    const thang = { ...fields, workflowId: `unit:${campaignId}:BG-HH-THANG`, sourceUnit: 'BG-HH-THANG', subject: 'BG-HH-THANG', sequence: 14 };
    const data = {
      reportId: 'A1',
      activity: 'inspection-supervision',
      heldOn: '2024-10-10',
      measures: { count: 14, partyOrganisations: 18, partyMembers: 11 },
      late: false,
      submittedBy: 'bt-thang',
    };
    const event = buildEvent('activity.reported', thang, data);
    expect(event).toMatchObject({ id: `${campaignId}/BG-HH-THANG/14`, type: 'vn.danvan.activity.reported.v1', subject: 'BG-HH-THANG', data });
    const later = { ...event, data: { ...data, activity: 'volunteer-drive', measures: { count: 3, volunteers: 120 } } };
    expect(parseEvent(JSON.parse(JSON.stringify(later)))).toMatchObject({ ok: true, name: 'activity.reported', version: 1 });
    expect(parseEvent({ ...event, data: { ...data, measures: { count: -14 } } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('data.measures.count'),
    });
  });

  it('publishes a breaking version side by side with the old one by a change of data alone', () => {
    // A hypothetical v2 of petition.resolved that names the outcome's category: v1 consumers keep theirs while they move.
    const v1 = z.object({ petitionId: z.string(), outcome: z.string() });
    const v2 = z.object({ petitionId: z.string(), outcome: z.object({ category: z.enum(['accepted', 'explained']), text: z.string() }) });
    const resolved = defineEvent({
      summary: 'A petition was resolved.',
      current: 2,
      versions: { 1: v1, 2: v2 },
      alsoPublished: { 1: (p) => ({ petitionId: p.petitionId, outcome: p.outcome.text }) },
    });
    const transition = eventContract({ 'petition.resolved': resolved });
    const events = transition.buildEvents(
      'petition.resolved',
      { ...fields, sequence: 7 },
      { petitionId: 'P1', outcome: { category: 'accepted', text: 'Đã sửa đường' } },
    );
    expect(events.map((e) => [e.id, e.type, e.sequence, e.dataschema])).toEqual([
      ['BG-2024-202-KH-BDVTU/BG/7/v2', 'vn.danvan.petition.resolved.v2', 7, 'http://127.0.0.1:3000/schemas/events/vn.danvan.petition.resolved.v2.json'],
      ['BG-2024-202-KH-BDVTU/BG/7', 'vn.danvan.petition.resolved.v1', 7, 'http://127.0.0.1:3000/schemas/events/vn.danvan.petition.resolved.v1.json'],
    ]);
    expect(events[1]!.data).toEqual({ petitionId: 'P1', outcome: 'Đã sửa đường' });
    expect(events.map((e) => transition.parseEvent(JSON.parse(JSON.stringify(e))))).toEqual([
      { ok: true, event: events[0], name: 'petition.resolved', version: 2 },
      { ok: true, event: events[1], name: 'petition.resolved', version: 1 },
    ]);
    expect(transition.released.map((e) => [e.type, e.published])).toEqual([
      ['vn.danvan.petition.resolved.v1', true],
      ['vn.danvan.petition.resolved.v2', true],
    ]);
    // A v2 id on a v1 event is refused: the suffix belongs to the version.
    expect(transition.parseEvent({ ...events[1], id: events[0]!.id })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('id: expected <campaignId>/<unit>/<sequence>'),
    });
  });
});

describe('recorded samples (schemas/samples/), one per released event version', () => {
  const dir = path.resolve(__dirname, '..', '..', 'schemas', 'samples');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));

  it('has a sample for every released version and none for anything else', () => {
    expect(files).toEqual(RELEASED_EVENTS.map((e) => `${e.type}.json`).sort());
  });

  it.each(files)('%s still parses and validates against its published JSON Schema', (file) => {
    const sample = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as DanvanEvent;
    expect(parseEvent(sample)).toEqual({ ok: true, event: sample, name: expect.any(String), version: expect.any(Number) });
    const schema = JSON.parse(fs.readFileSync(path.resolve(dir, '..', 'events', file), 'utf8')) as { $id: string };
    const validate = ajv.getSchema(schema.$id) ?? ajv.compile(schema);
    expect(validate.errors ?? []).toEqual([]);
    expect(validate(sample)).toBe(true);
    expect(sample.dataschema).toBe(schema.$id);
  });
});
