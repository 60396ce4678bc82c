import { checkRecord } from '../../analytics/consumer';
import { deadLetterCause } from '../../analytics/metrics';
import { buildEvent } from '../../domain/events';

/**
 * The `cause` label of danvan_analytics_dead_lettered_total, from the reasons the consumer really gives: one value per
 * kind of failure, the event type for a payload that fails its schema, and never a value found in the record.
 */
describe('the dead-letter cause', () => {
  const campaignId = 'BG-2024-202-KH-BDVTU';
  const event = buildEvent(
    'campaign.phase-changed',
    { campaignId, workflowId: `campaign:${campaignId}`, sourceUnit: 'BG', subject: 'BG', sequence: 1, time: new Date('2024-10-01T08:00:00+07:00') },
    { from: 'issued', to: 'deployed', reason: 'Triển khai kế hoạch', trigger: 'admin' },
  );
  const reasonOf = (key: string, value: unknown) => {
    const checked = checkRecord({ key: Buffer.from(key), value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)) });
    if (checked.ok) throw new Error('expected the record to be refused');
    return checked.reason;
  };

  it.each([
    ['a record that is not JSON', campaignId, '{"specversion":"1.0","id":"cut short', 'value'],
    ['a key that is not its campaign', 'HN-2024-1-KH-BDVTU', event, 'key'],
    ['JSON that is no object', campaignId, [1, 2], 'event'],
    ['a type not released', campaignId, { ...event, type: 'vn.danvan.campaign.phase-changed.v9' }, 'type'],
    ['a payload that fails its schema', campaignId, { ...event, data: { ...(event.data as object), to: 'somewhere' } }, 'vn.danvan.campaign.phase-changed.v1'],
  ])('%s', (_, key, value, cause) => {
    expect(deadLetterCause(reasonOf(key, value))).toBe(cause);
  });

  it('is `other` for a reason of any other shape, so the label stays within the event types', () => {
    expect(deadLetterCause('data.membersPresent: 999')).toBe('other');
    expect(deadLetterCause('no colon at all')).toBe('other');
  });
});
