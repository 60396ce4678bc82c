import { isoDateSchema, isoInstantSchema } from '../../domain/calendar';
import { buildEvent, parseEvent } from '../../domain/events';
import { campaignIdFor, planNumberSchema, planSchema } from '../../domain/plan';
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

  it('refuses an impossible issue date', () => {
    expect(planSchema.safeParse({ ...plan202(), issuedOn: '2024-02-30' }).success).toBe(false);
    expect(planSchema.safeParse({ ...plan202(), issuedOn: '06/9/2024' }).success).toBe(false);
  });
});

describe('calendar schemas (domain/calendar.ts)', () => {
  it('accepts real dates and instants with offsets', () => {
    expect(isoDateSchema.safeParse('2024-02-29').success).toBe(true);
    expect(isoInstantSchema.safeParse('2024-10-31T23:59:59+07:00').success).toBe(true);
    expect(isoInstantSchema.safeParse('2024-10-31T16:59:59.000Z').success).toBe(true);
  });

  it('refuses dates that do not exist and instants without an offset', () => {
    expect(isoDateSchema.safeParse('2023-02-29').success).toBe(false);
    expect(isoInstantSchema.safeParse('2024-10-31T23:59:59').success).toBe(false);
    expect(isoInstantSchema.safeParse('2024-13-01T00:00:00Z').success).toBe(false);
  });
});

describe('domain events (domain/events.ts)', () => {
  const fields = { campaignId: 'BG-2024-202-KH-BDVTU', source: 'campaign:BG-2024-202-KH-BDVTU', sourceUnit: 'BG', unitCode: 'BG', sequence: 1, occurredAt: new Date('2024-09-06T01:00:00Z') };

  it('builds an event whose id is fixed by campaign and sequence', () => {
    const event = buildEvent('campaign.issued', fields, { plan, units: { province: 1 } });
    expect(event).toEqual({
      id: 'BG-2024-202-KH-BDVTU/BG/1',
      source: 'campaign:BG-2024-202-KH-BDVTU',
      type: 'campaign.issued',
      schemaVersion: 1,
      campaignId: 'BG-2024-202-KH-BDVTU',
      unitCode: 'BG',
      sequence: 1,
      occurredAt: '2024-09-06T01:00:00.000Z',
      payload: { plan, units: { province: 1 } },
    });
    expect(buildEvent('campaign.issued', fields, { plan, units: { province: 1 } }).id).toBe(event.id);
  });

  it('refuses to build an event whose payload breaks its schema', () => {
    expect(() => buildEvent('campaign.phase-changed', fields, { from: 'issued', to: 'finished' as never, reason: 'x', trigger: 'admin' })).toThrow();
  });

  it('parses what it builds, and says why it refuses the rest', () => {
    const event = buildEvent('campaign.issued', fields, { plan, units: { province: 1 } });
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual({ ok: true, event });
    expect(parseEvent({ ...event, type: 'campaign.vanished' })).toEqual({ ok: false, reason: 'unknown event type "campaign.vanished"' });
    expect(parseEvent({ ...event, schemaVersion: 9 })).toEqual({ ok: false, reason: 'unknown schema version 9 of campaign.issued' });
    expect(parseEvent({ ...event, payload: { plan: { ...plan, year: 'năm 2024' } } })).toMatchObject({ ok: false, reason: expect.stringContaining('payload of campaign.issued') });
    expect(parseEvent({ ...event, occurredAt: 'hôm qua' })).toMatchObject({ ok: false, reason: expect.stringContaining('envelope') });
  });
});
