import type { Payload } from '@temporalio/common';
import { GZIP_ENCODING, GZIP_THRESHOLD_BYTES, gzipCodec } from '../../infra/codec';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';

/**
 * The API's remote codec for the Temporal UI: the UI posts payloads as proto3 JSON and shows what comes back, so a
 * gzipped national tree reads as JSON there. Behind the API's tokens; CORS only for the configured UI origin.
 */
describe('POST /v1/codec/decode and /encode (Temporal remote codec)', () => {
  const UI = 'http://127.0.0.1:8080';
  let danvan: DanvanUnderTest;
  const tokens: Record<string, string> = {};
  const wire = (p: Payload) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data!).toString('base64'),
  });
  const call = (op: string, token: string | undefined, body: unknown, origin?: string) =>
    fetch(`${danvan.baseUrl}/v1/codec/${op}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-namespace': 'default',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(origin ? { origin } : {}),
      },
      body: JSON.stringify(body),
    });

  // A unit list well past the threshold: what a campaign's input looks like once the workers' codec gzipped it.
  const json = JSON.stringify({ units: Array.from({ length: 400 }, (_, i) => ({ code: `BG-HH-X${i}`, name: `Xã số ${i}`, kind: 'commune' })) });
  const plain: Payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(json) };

  beforeAll(async () => {
    danvan = await startDanvan('codec', {}, { codecCorsOrigins: [UI] });
    tokens.admin = await danvan.token({ sub: 'admin-codec', role: 'admin' });
    tokens.viewer = await danvan.token({ sub: 'viewer-codec', role: 'viewer' });
    tokens.reporter = await danvan.token({ sub: 'reporter-codec', role: 'reporter', unit: 'BG-HH-THANG' });
  });
  afterAll(() => danvan?.stop());

  it('decodes what the workers gzipped back to the JSON it was, and leaves small payloads as they are', async () => {
    expect(Buffer.byteLength(json)).toBeGreaterThan(GZIP_THRESHOLD_BYTES);
    const [gzipped] = await gzipCodec.encode([plain]);
    expect(Buffer.from(gzipped!.metadata!.encoding!).toString()).toBe(GZIP_ENCODING);
    const small: Payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"Thị trấn Thắng"') };
    const answer = await call('decode', tokens.viewer, { payloads: [wire(gzipped!), wire(small)] });
    expect(answer.status).toBe(200);
    const { payloads } = (await answer.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    expect(payloads.map((p) => Buffer.from(p.metadata.encoding!, 'base64').toString())).toEqual(['json/plain', 'json/plain']);
    expect(Buffer.from(payloads[0]!.data, 'base64').toString()).toBe(json);
    expect(payloads[1]).toEqual(wire(small));
  });

  it('encodes as the workers do, for an administrator only', async () => {
    const encoded = await call('encode', tokens.admin, { payloads: [wire(plain)] });
    expect(encoded.status).toBe(200);
    const { payloads } = (await encoded.json()) as { payloads: Array<{ metadata: Record<string, string> }> };
    expect(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString()).toBe(GZIP_ENCODING);
    expect((await call('encode', tokens.viewer, { payloads: [wire(plain)] })).status).toBe(403);
  });

  it('refuses no token (401), a reporter (403) and a malformed payload (400)', async () => {
    expect((await call('decode', undefined, { payloads: [] })).status).toBe(401);
    expect((await call('decode', tokens.reporter, { payloads: [] })).status).toBe(403);
    const bad = await call('decode', tokens.admin, { payloads: [{ data: 'not base64!' }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [expect.objectContaining({ field: expect.stringContaining('payloads.0.data') })] });
  });

  it('answers the UI origin’s preflight and calls with CORS headers, and no other origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${danvan.baseUrl}/v1/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-namespace' },
      });
    const allowed = await preflight(UI);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const fromUi = await call('decode', tokens.viewer, { payloads: [] }, UI);
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(UI);
    expect((await call('decode', tokens.viewer, { payloads: [] }, 'http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    // Nothing else under /v1 answers a preflight or skips its token for one.
    expect(
      (await fetch(`${danvan.baseUrl}/v1/campaigns`, { method: 'OPTIONS', headers: { origin: UI } })).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });
});
