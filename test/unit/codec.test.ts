import { defaultPayloadConverter } from '@temporalio/common';
import { generateNationalTree } from '../../domain/samples/national';
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

  it('leaves small payloads and payloads of other encodings (recorded histories) as they are', async () => {
    const small = defaultPayloadConverter.toPayload({ phase: 'issued' });
    expect(await gzipCodec.encode([small])).toEqual([small]);
    expect(await gzipCodec.decode([small])).toEqual([small]);
    expect(encodingOf(small)).toBe('json/plain');
  });
});
