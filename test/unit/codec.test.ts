import { defaultPayloadConverter } from '@temporalio/common';
import { generateNationalTree } from '../../domain/samples/national';
import { emptyProgress } from '../../domain/progress';
import { GZIP_ENCODING, gzipCodec } from '../../infra/codec';

describe('gzip payload codec', () => {
  const encodingOf = (p: { metadata?: Record<string, Uint8Array> | null }) => Buffer.from(p.metadata!.encoding!).toString();

  it('shrinks a national campaign input below Temporal’s 2 MB payload limit and restores it exactly', async () => {
    const input = { campaignId: 'VN-2025-1-KH-BDVTW', tree: generateNationalTree() };
    const payload = defaultPayloadConverter.toPayload(input);
    expect(payload.data!.byteLength).toBeGreaterThan(2 * 1024 * 1024);
    const [encoded] = await gzipCodec.encode([payload]);
    expect(encodingOf(encoded!)).toBe(GZIP_ENCODING);
    expect(encoded!.data!.byteLength).toBeLessThan(512 * 1024);
    const [decoded] = await gzipCodec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(input);
  });

  it("compresses a province's progress report with its 500 overdue units, which every province sends up to the campaign", async () => {
    const report = {
      unitCode: 'P13',
      progress: emptyProgress(),
      finished: false,
      overdueUnits: Array.from({ length: 500 }, (_, i) => ({ code: `P13-X${1000 + (i % 60)}-CB${String(i).padStart(2, '0')}`, obligation: 'study-sessions' })),
    };
    const payload = defaultPayloadConverter.toPayload(report);
    const [encoded] = await gzipCodec.encode([payload]);
    expect(encodingOf(encoded!)).toBe(GZIP_ENCODING);
    expect(encoded!.data!.byteLength).toBeLessThan(payload.data!.byteLength / 4);
    const [decoded] = await gzipCodec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(report);
  });

  it('leaves small payloads and payloads of other encodings (recorded histories) as they are', async () => {
    const small = defaultPayloadConverter.toPayload({ phase: 'issued' });
    expect(await gzipCodec.encode([small])).toEqual([small]);
    expect(await gzipCodec.decode([small])).toEqual([small]);
    expect(encodingOf(small)).toBe('json/plain');
  });
});
