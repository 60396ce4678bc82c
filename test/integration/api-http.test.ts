import { randomUUID } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import { SignJWT, generateKeyPair } from 'jose';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { buildApp } from '../../api/app';
import { hs256Verifier, jwksVerifier, mintToken } from '../../api/auth';
import { createLogger } from '../../infra/logger';
import { startJwksServer } from '../helpers/jwks';
import { connectTestTemporal } from '../helpers/temporal';

/** The HTTP surface itself: the spec it serves, and the error classes no route may answer with a 500. */
describe('HTTP surface: OpenAPI document and error classes', () => {
  const secret = randomUUID() + randomUUID();
  let temporal: { client: Client; connection: Connection; nativeConnection: NativeConnection };
  let app: Awaited<ReturnType<typeof buildApp>>;
  let admin: string;

  beforeAll(async () => {
    temporal = await connectTestTemporal();
    app = await buildApp({ temporal: temporal.client, taskQueue: 'unused', verifyToken: hs256Verifier(secret), logger: createLogger('silent'), readiness: {} });
    admin = await mintToken(secret, { sub: 'admin', role: 'admin' });
  });

  afterAll(async () => {
    await app?.close();
    await temporal?.nativeConnection.close();
    await temporal?.connection.close();
  });

  it('serves an OpenAPI 3.1 document describing every route, with bearer security on /v1', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(spec.openapi).toBe('3.1.0');
    const documented = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    for (const expected of [
      'POST /v1/campaigns',
      'GET /v1/campaigns',
      'GET /v1/campaigns/{campaignId}',
      'POST /v1/campaigns/{campaignId}/deploy',
      'GET /v1/operations/{operationId}',
      'POST /v1/campaigns/{campaignId}/phase',
      'POST /v1/campaigns/{campaignId}/deadlines/{deadline}/extension',
      'GET /v1/campaigns/{campaignId}/units/{unitCode}',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/study-sessions',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/dialogues',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/activities',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/petitions',
      'PATCH /v1/campaigns/{campaignId}/units/{unitCode}/petitions/{petitionId}',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/models',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/models/{modelId}/assessment',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/models/{modelId}/commendation',
      'POST /v1/campaigns/{campaignId}/units/{unitCode}/commendations',
      'GET /healthz',
      'GET /readyz',
    ]) {
      expect(documented).toContain(expected);
    }
    for (const [path, methods] of Object.entries(spec.paths)) {
      if (path.startsWith('/v1/')) for (const operation of Object.values(methods)) expect(operation.security).toEqual([{ bearer: [] }]);
    }
  });

  it('serves a document that validates against the OpenAPI 3.1 specification', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    await expect(SwaggerParser.validate(spec)).resolves.toMatchObject({ openapi: '3.1.0' });
  });

  it.each([
    ['malformed JSON', { 'content-type': 'application/json' }, '{"plan": ', 400],
    ['a text/plain body', { 'content-type': 'text/plain' }, 'kế hoạch', 415],
    // Past the 32 MiB an issued plan may have (a national tree is 5 MB).
    ['an oversized body', { 'content-type': 'application/json' }, JSON.stringify({ plan: 'x'.repeat(34_000_000) }), 413],
  ])('answers %s with a 4xx problem, never a 500', async (_what, headers, payload, status) => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/campaigns',
      headers: { ...headers, authorization: `Bearer ${admin}`, 'idempotency-key': randomUUID() },
      payload,
    });
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
    if (kind === 'none')
      token = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'admin', iss: 'danvan', aud: 'danvan-api' })).toString('base64url')}.`;
    const response = await app.inject({ method: 'GET', url: '/v1/campaigns', headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect(response.statusCode).toBe(status);
  });
});

/** Production tokens: keys from the identity provider's JWKS (served here on 127.0.0.1), asymmetric algorithms only. */
describe('tokens verified against a JWKS (DANVAN_JWKS_URL)', () => {
  let temporal: { client: Client; connection: Connection; nativeConnection: NativeConnection };
  let app: Awaited<ReturnType<typeof buildApp>>;
  let jwks: Awaited<ReturnType<typeof startJwksServer>>;
  type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let signingKey: PrivateKey;
  const kid = 'danvan-test-key';

  const sign = (key: PrivateKey | Uint8Array, alg: string, claims: Record<string, unknown> = { role: 'admin' }) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg, kid })
      .setSubject('idp-admin')
      .setIssuer('danvan')
      .setAudience('danvan-api')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);
  const list = (token: string) => app.inject({ method: 'GET', url: '/v1/campaigns?pageSize=1', headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    jwks = await startJwksServer(kid);
    signingKey = jwks.signingKey;
    temporal = await connectTestTemporal();
    const url = `${jwks.origin}/.well-known/jwks.json`;
    app = await buildApp({ temporal: temporal.client, taskQueue: 'unused', verifyToken: jwksVerifier(url), logger: createLogger('silent'), readiness: {} });
  });

  afterAll(async () => {
    await app?.close();
    jwks?.close();
    await temporal?.nativeConnection.close();
    await temporal?.connection.close();
  });

  it('accepts a token signed by the provider’s key', async () => {
    expect((await list(await sign(signingKey, 'RS256'))).statusCode).toBe(200);
  });

  it('refuses an HS256 token, whatever its secret, and a token signed by another key', async () => {
    expect((await list(await sign(new TextEncoder().encode(randomUUID() + randomUUID()), 'HS256'))).statusCode).toBe(401);
    const other = await generateKeyPair('RS256');
    expect((await list(await sign(other.privateKey, 'RS256'))).statusCode).toBe(401);
  });

  it('refuses a provider-signed token without danvan’s claims', async () => {
    expect((await list(await sign(signingKey, 'RS256', { role: 'superuser' }))).statusCode).toBe(401);
  });
});
