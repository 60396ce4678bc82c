import { randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { buildApp } from '../../api/app';
import { mintToken } from '../../api/auth';
import { createLogger } from '../../infra/logger';
import { connectTestTemporal } from '../helpers/temporal';

/** The HTTP surface itself: the spec it serves, and the error classes no route may answer with a 500. */
describe('HTTP surface: OpenAPI document and error classes', () => {
  const secret = randomUUID() + randomUUID();
  let temporal: { client: Client; connection: Connection; nativeConnection: NativeConnection };
  let app: Awaited<ReturnType<typeof buildApp>>;
  let admin: string;

  beforeAll(async () => {
    temporal = await connectTestTemporal();
    app = await buildApp({ temporal: temporal.client, taskQueue: 'unused', jwtSecret: secret, logger: createLogger('silent'), readiness: {} });
    admin = await mintToken(secret, { sub: 'admin', role: 'admin' });
  });

  afterAll(async () => {
    await app?.close();
    await temporal?.nativeConnection.close();
    await temporal?.connection.close();
  });

  it('serves an OpenAPI 3.1 document describing every route, with bearer security on /v1', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>> };
    expect(spec.openapi).toBe('3.1.0');
    const documented = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    for (const expected of [
      'POST /v1/campaigns',
      'GET /v1/campaigns',
      'GET /v1/campaigns/{campaignId}',
      'POST /v1/campaigns/{campaignId}/deploy',
      'POST /v1/campaigns/{campaignId}/phase',
      'POST /v1/campaigns/{campaignId}/deadlines/{deadline}/extension',
      'GET /v1/campaigns/{campaignId}/units/{unitCode}',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/study-sessions',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/dialogues',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/petitions',
      'PATCH /v1/campaigns/{campaignId}/units/{unitCode}/petitions/{petitionId}',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/models',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/models/{modelId}/assessment',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/models/{modelId}/commendation',
      'GET /healthz',
      'GET /readyz',
    ]) {
      expect(documented).toContain(expected);
    }
    for (const [path, methods] of Object.entries(spec.paths)) {
      if (path.startsWith('/v1/')) for (const operation of Object.values(methods)) expect(operation.security).toEqual([{ bearer: [] }]);
    }
  });

  it.each([
    ['malformed JSON', { 'content-type': 'application/json' }, '{"plan": ', 400],
    ['a text/plain body', { 'content-type': 'text/plain' }, 'kế hoạch', 415],
    ['an oversized body', { 'content-type': 'application/json' }, JSON.stringify({ plan: 'x'.repeat(2_000_000) }), 413],
  ])('answers %s with a 4xx problem, never a 500', async (_what, headers, payload, status) => {
    const response = await app.inject({ method: 'POST', url: '/v1/campaigns', headers: { ...headers, authorization: `Bearer ${admin}`, 'idempotency-key': randomUUID() }, payload });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status, title: expect.any(String) });
  });

  it.each([
    ['no token', undefined, 401],
    ['a token signed with another secret', 'other', 401],
    ['alg none', 'none', 401],
  ])('refuses %s with 401', async (_what, kind, status) => {
    let token: string | undefined;
    if (kind === 'other') token = await mintToken(randomUUID() + randomUUID(), { sub: 'x', role: 'admin' });
    if (kind === 'none') token = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'admin', iss: 'danvan', aud: 'danvan-api' })).toString('base64url')}.`;
    const response = await app.inject({ method: 'GET', url: '/v1/campaigns', headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect(response.statusCode).toBe(status);
  });
});
