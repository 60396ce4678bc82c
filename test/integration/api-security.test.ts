import { randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { SignJWT, generateKeyPair } from 'jose';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { buildApp, type AppDeps } from '../../api/app';
import { hs256Verifier, jwksVerifier, mintToken, tokenSettingsOf } from '../../api/auth';
import { TOPICS } from '../../domain/topics';
import { parseEvent, type DanvanEvent } from '../../domain/events';
import { loadConfig } from '../../infra/config';
import { createLogger } from '../../infra/logger';
import { plan202 } from '../fixtures/plans';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { testKafkaBrokers, testTemporalAddress } from '../helpers/env';
import { freePort, processesMentioning, spawnTs } from '../helpers/processes';
import { readTopicToEnd } from '../helpers/kafka';
import { startJwksServer } from '../helpers/jwks';
import { connectTestTemporal } from '../helpers/temporal';

/** Vietnamese letters English never has. */
const VIETNAMESE = /[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]/i;

type App = Awaited<ReturnType<typeof buildApp>>;

/** The API's security points (#17 item 6), each against the real Temporal dev server; the last one also through Kafka. */
describe('API security', () => {
  const secret = randomUUID() + randomUUID();
  let temporal: { client: Client; connection: Connection; nativeConnection: NativeConnection };
  const apps: App[] = [];
  const appWith = async (deps: Partial<AppDeps> = {}) => {
    const app = await buildApp({
      temporal: temporal.client,
      taskQueue: 'unused',
      verifyToken: hs256Verifier(secret),
      logger: createLogger('silent'),
      readiness: {},
      ...deps,
    });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    temporal = await connectTestTemporal();
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await temporal?.nativeConnection.close();
    await temporal?.connection.close();
  });

  describe('authentication is decided by the matched route, not by the URL as written', () => {
    let app: App;
    beforeAll(async () => {
      app = await appWith();
    });

    it.each([
      ['GET', '/%761/campaigns/BG-2024-202-KH-BDVTU'],
      ['POST', '/%761/campaigns'],
      ['GET', '/%761/campaigns'],
      ['GET', '/v%31/campaigns'],
      ['GET', '//v1/campaigns'],
      ['GET', '/v1//campaigns'],
      ['GET', '/V1/campaigns'],
      ['POST', '//v1/campaigns'],
      ['POST', '/v1/codec/decode'],
      ['POST', '/%761/codec/decode'],
    ])('%s %s without a token: 401 or 404, never a handler, never a 500', async (method, url) => {
      const response = await app.inject({
        method: method as 'GET' | 'POST',
        url,
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        ...(method === 'POST' ? { payload: JSON.stringify({ plan: plan202(), tree: { sample: 'bac-giang' }, payloads: [] }) } : {}),
      });
      expect([401, 404]).toContain(response.statusCode);
      // Not campaign-not-found, nor a 400 or a 500: those come from a handler or its schema.
      expect(response.json()).toMatchObject({ type: expect.stringMatching(/\/problems\/(unauthenticated|not-found)$/) });
    });

    it('takes a token on an encoded path the same as on the plain one', async () => {
      const admin = await mintToken(secret, { sub: 'admin', role: 'admin' });
      const response = await app.inject({ method: 'GET', url: '/%761/campaigns?pageSize=1', headers: { authorization: `Bearer ${admin}` } });
      expect(response.statusCode).toBe(200);
    });
  });

  /** What compose runs: the API on its own, which has no development secret to invent. */
  describe('the standalone API (api/server.ts)', () => {
    let dataDir: string;
    beforeEach(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-standalone-'));
    });
    afterEach(() => {
      expect(processesMentioning(dataDir)).toEqual([]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    const servers = () => ({
      TEMPORAL_ADDRESS: testTemporalAddress(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      DANVAN_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });

    it('refuses to start with neither DANVAN_JWT_SECRET nor DANVAN_JWKS_URL, saying what to set', async () => {
      const run = spawnTs('api/server.ts', [], { ...servers(), API_PORT: String(await freePort()) });
      const exited = await Promise.race([run.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 60_000))]);
      if (exited === 'running') {
        run.child.kill('SIGKILL');
        await run.exited;
      }
      expect(exited).toBe(1);
      expect(run.output()).toContain('danvan api: invalid configuration');
      expect(run.output()).toContain('neither DANVAN_JWT_SECRET nor DANVAN_JWKS_URL is set: set DANVAN_JWKS_URL');
      expect(fs.existsSync(path.join(dataDir, 'dev-jwt-secret'))).toBe(false);
    });

    it('starts with a secret, and answers with its security headers', async () => {
      const port = await freePort();
      const run = spawnTs('api/server.ts', [], { ...servers(), API_PORT: String(port), DANVAN_JWT_SECRET: secret });
      try {
        const health = await eventually(
          () => fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined),
          (answer) => answer?.status === 200,
          90_000,
        );
        expect(health!.headers.get('x-content-type-options')).toBe('nosniff');
        const token = await mintToken(secret, { sub: 'admin', role: 'admin' });
        expect((await fetch(`http://127.0.0.1:${port}/v1/campaigns?pageSize=1`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
        expect((await fetch(`http://127.0.0.1:${port}/%761/campaigns`)).status).toBe(401);
      } finally {
        run.child.kill('SIGTERM');
        await run.exited;
      }
    });
  });

  /** Keycloak's shape: iss its realm URL, aud a list, the roles in realm_access.roles among the provider's own, the unit in a custom claim. */
  describe('issuer, audience and claim names from the configuration (an identity provider’s tokens)', () => {
    let jwks: Awaited<ReturnType<typeof startJwksServer>>;
    let issuer: string;
    let app: App;
    type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
    let signingKey: PrivateKey;
    const kid = 'realm-key';

    const keycloakToken = (claims: Record<string, unknown>, iss = issuer) =>
      new SignJWT({ typ: 'Bearer', azp: 'danvan-web', preferred_username: 'nguyenvana', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setSubject('4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f')
        .setIssuer(iss)
        .setAudience(['danvan-api', 'account'])
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(signingKey);
    const get = (token: string, url = '/v1/campaigns?pageSize=1') =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' } });

    beforeAll(async () => {
      jwks = await startJwksServer(kid);
      signingKey = jwks.signingKey;
      issuer = `${jwks.origin}/realms/danvan`;
      const config = loadConfig({
        DANVAN_JWKS_URL: `${issuer}/protocol/openid-connect/certs`,
        DANVAN_JWT_ISSUER: issuer,
        DANVAN_JWT_AUDIENCE: 'danvan-api',
        DANVAN_JWT_ROLE_CLAIM: 'realm_access.roles',
        DANVAN_JWT_UNIT_CLAIM: 'danvan_unit',
      });
      app = await appWith({ verifyToken: jwksVerifier(config.DANVAN_JWKS_URL!, tokenSettingsOf(config)) });
    });

    afterAll(() => jwks?.close());

    it('accepts the provider’s token, reading the role from the nested list and the unit from the custom claim', async () => {
      const viewer = await keycloakToken({ realm_access: { roles: ['offline_access', 'uma_authorization', 'viewer'] } });
      expect((await get(viewer)).statusCode).toBe(200);
      // A reporter is scoped to its unit: listing campaigns is allowed, issuing is not, and the refusal names the unit read from the token.
      const reporter = await keycloakToken({ realm_access: { roles: ['reporter'] }, danvan_unit: 'BG-HH-THANG' });
      expect((await get(reporter)).statusCode).toBe(200);
      const issue = await app.inject({
        method: 'POST',
        url: '/v1/campaigns',
        headers: { authorization: `Bearer ${reporter}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'accept-language': 'en' },
        payload: JSON.stringify({ plan: plan202(), tree: { sample: 'bac-giang' } }),
      });
      expect(issue.statusCode).toBe(403);
      expect(issue.json()).toMatchObject({ detail: 'role reporter may not campaign:issue' });
    });

    it('refuses another issuer, a token without a danvan role, one with two, and a reporter without its unit', async () => {
      const refusals = [
        [await keycloakToken({ realm_access: { roles: ['viewer'] } }, 'http://127.0.0.1:1/realms/other'), `the token's issuer (iss) is not ${issuer}`],
        [await keycloakToken({ realm_access: { roles: ['offline_access'] } }), 'claim realm_access.roles names no danvan role'],
        [await keycloakToken({ realm_access: { roles: ['admin', 'viewer'] } }), 'claim realm_access.roles names several danvan roles (admin, viewer)'],
        [await keycloakToken({ realm_access: { roles: ['reporter'] } }), 'a reporter token must name its unit in claim danvan_unit'],
        // The default claim name is not read once another is configured.
        [await keycloakToken({ role: 'admin' }), 'claim realm_access.roles names no danvan role'],
      ] as const;
      for (const [token, detail] of refusals) {
        const response = await get(token);
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ type: expect.stringMatching(/\/problems\/invalid-token$/), detail: expect.stringContaining(detail) });
      }
    });

    it('takes a flat claim with a name of its own, dots and all, as it is', async () => {
      const flat = await appWith({
        verifyToken: jwksVerifier(
          `${issuer}/protocol/openid-connect/certs`,
          tokenSettingsOf(loadConfig({ DANVAN_JWT_ISSUER: issuer, DANVAN_JWT_ROLE_CLAIM: 'https://danvan.example.org/role' })),
        ),
      });
      const token = await keycloakToken({ 'https://danvan.example.org/role': 'viewer' });
      expect((await flat.inject({ method: 'GET', url: '/v1/campaigns?pageSize=1', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    });
  });

  describe('rate limit per principal', () => {
    let app: App;
    beforeAll(async () => {
      app = await appWith({ rateLimit: { max: 5, windowSeconds: 60 } });
    });
    const list = (token: string | undefined, remoteAddress = '127.0.0.2') =>
      app.inject({ method: 'GET', url: '/v1/campaigns?pageSize=1', remoteAddress, headers: token ? { authorization: `Bearer ${token}` } : {} });

    it('answers the request past the limit with a 429 problem and Retry-After, counted per token subject', async () => {
      const admin = await mintToken(secret, { sub: 'busy-admin', role: 'admin' });
      for (let i = 0; i < 5; i++) expect((await list(admin, `127.0.0.${10 + i}`)).statusCode).toBe(200);
      const refused = await list(admin, '127.0.0.20');
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.json()).toMatchObject({ status: 429, type: expect.stringMatching(/\/problems\/rate-limited$/), title: 'Quá nhiều yêu cầu' });
      // Another principal from the same address has a budget of its own.
      expect((await list(await mintToken(secret, { sub: 'calm-viewer', role: 'viewer' }), '127.0.0.20')).statusCode).toBe(200);
    });

    it('counts requests without a token, or with a refused one, against the client address', async () => {
      for (let i = 0; i < 5; i++) expect((await list(i % 2 === 0 ? undefined : 'not.a.token', '127.0.0.3')).statusCode).toBe(401);
      expect((await list(undefined, '127.0.0.3')).statusCode).toBe(429);
      expect((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '127.0.0.3' })).statusCode).toBe(429);
      expect((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '127.0.0.4' })).statusCode).toBe(200);
    });

    it('has a generous default, configurable', () => {
      expect(loadConfig({})).toMatchObject({ DANVAN_RATE_LIMIT_MAX: 1000, DANVAN_RATE_LIMIT_WINDOW: 60 });
      expect(loadConfig({ DANVAN_RATE_LIMIT_MAX: '0', DANVAN_RATE_LIMIT_WINDOW: '10s' })).toMatchObject({
        DANVAN_RATE_LIMIT_MAX: 0,
        DANVAN_RATE_LIMIT_WINDOW: 10,
      });
    });
  });

  describe('security headers and CORS', () => {
    const uiOrigin = 'http://127.0.0.1:8080';
    let app: App;
    beforeAll(async () => {
      app = await appWith({ codecCorsOrigins: [uiOrigin] });
    });
    const preflight = (url: string, origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });

    it('sends the security headers on every answer', async () => {
      for (const url of ['/healthz', '/v1/campaigns', '/nowhere']) {
        const { headers } = await app.inject({ method: 'GET', url });
        expect(headers['content-security-policy']).toMatch(/default-src 'self'/);
        expect(headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
        expect(headers['x-content-type-options']).toBe('nosniff');
        expect(headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(headers['referrer-policy']).toBe('no-referrer');
        expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
        expect(headers['cross-origin-opener-policy']).toBe('same-origin');
      }
    });

    it('still renders /docs under its policy: every script and stylesheet it loads is its own, none inline', async () => {
      const page = await app.inject({ method: 'GET', url: '/docs/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
      const html = page.body;
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>\s*\S/);
      const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThanOrEqual(4);
      for (const asset of assets) {
        expect(asset).toMatch(/^(\.\/|\/docs\/)/);
        const url = asset.startsWith('./') ? `/docs/${asset.slice(2)}` : asset;
        const response = await app.inject({ method: 'GET', url });
        expect({ asset, status: response.statusCode }).toEqual({ asset, status: 200 });
      }
      const initializer = assets.find((asset) => asset.endsWith('swagger-initializer.js'))!;
      expect((await app.inject({ method: 'GET', url: `/docs/${initializer.replace(/^(\.\/|\/docs\/)/, '')}` })).body).toContain('SwaggerUIBundle');
      expect((await app.inject({ method: 'GET', url: '/docs/json' })).json()).toMatchObject({ openapi: '3.1.0' });
    });

    it('answers a preflight with allow-origin only on the codec routes, only for the configured origins', async () => {
      const codec = await preflight('/v1/codec/decode', uiOrigin);
      expect(codec.statusCode).toBe(204);
      expect(codec.headers['access-control-allow-origin']).toBe(uiOrigin);
      expect((await preflight('/v1/codec/decode', 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
      for (const url of ['/v1/campaigns', '/v1/campaigns/BG-2024-202-KH-BDVTU', '/healthz', '/openapi.json']) {
        for (const origin of [uiOrigin, 'https://evil.example']) {
          const answer = await preflight(url, origin);
          expect({ url, origin, allowOrigin: answer.headers['access-control-allow-origin'] }).toEqual({ url, origin, allowOrigin: undefined });
        }
        const simple = await app.inject({ method: 'GET', url, headers: { origin: uiOrigin } });
        expect(simple.headers['access-control-allow-origin']).toBeUndefined();
      }
      // A refusal the browser may read still says that it varies by origin, and by language.
      const reporter = await mintToken(secret, { sub: 'bt-thang', role: 'reporter', unit: 'BG-HH-THANG' });
      const refused = await app.inject({
        method: 'POST',
        url: '/v1/codec/decode',
        headers: { origin: uiOrigin, authorization: `Bearer ${reporter}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ payloads: [] }),
      });
      expect(refused.statusCode).toBe(403);
      expect(refused.headers['access-control-allow-origin']).toBe(uiOrigin);
      expect(refused.headers.vary).toBe('Origin, Accept-Language');
      const none = await appWith();
      const unconfigured = await none.inject({
        method: 'OPTIONS',
        url: '/v1/codec/decode',
        headers: { origin: uiOrigin, 'access-control-request-method': 'POST' },
      });
      expect(unconfigured.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('problem details in one language, chosen by Accept-Language', () => {
    let app: App;
    let admin: string;
    beforeAll(async () => {
      app = await appWith();
      admin = await mintToken(secret, { sub: 'admin', role: 'admin' });
    });
    const issue = (acceptLanguage?: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/campaigns',
        headers: {
          authorization: `Bearer ${admin}`,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
          ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}),
        },
        payload: JSON.stringify({ plan: { ...plan202(), number: '202/BDVTU', year: '2024', title: '' }, tree: { sample: 'bac-giang' } }),
      });
    type Body = { title: string; detail: string; errors: Array<{ field: string; reason: string }> };
    const textsOf = (body: Body) => [body.title, body.detail, ...body.errors.map((e) => e.reason)];

    it('answers in Vietnamese by default: title, detail and the schema errors, the field paths as they are', async () => {
      for (const language of [undefined, 'vi-VN,vi;q=0.9', 'fr-FR,fr;q=0.9']) {
        const response = await issue(language);
        expect(response.statusCode).toBe(400);
        expect(response.headers['content-language']).toBe('vi');
        const body = response.json<Body>();
        expect(body).toMatchObject({ title: 'Yêu cầu không hợp lệ', detail: 'Nội dung của yêu cầu không hợp lệ' });
        expect(body.errors).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ field: 'body.plan.number', reason: 'sai định dạng, ví dụ đúng: 202-KH/BDVTU' }),
            expect.objectContaining({ field: 'body.plan.year', reason: 'phải là số, nhận được "2024"' }),
            expect.objectContaining({ field: 'body.plan.title', reason: expect.stringMatching(/^dài ít nhất \d+ ký tự$/) }),
          ]),
        );
        for (const text of textsOf(body)) expect(text).toMatch(VIETNAMESE);
      }
    });

    it('answers in English when the client prefers it, nothing Vietnamese in it', async () => {
      const response = await issue('en-GB,en;q=0.9,vi;q=0.5');
      expect(response.headers['content-language']).toBe('en');
      const body = response.json<Body>();
      expect(body).toMatchObject({ title: 'Invalid request', detail: 'the request body is invalid' });
      expect(body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'body.plan.number', reason: 'expected a plan number like 202-KH/BDVTU' })]),
      );
      for (const text of textsOf(body)) expect(text).not.toMatch(VIETNAMESE);
    });

    it('writes a refusal of the token in one language too', async () => {
      const vi = (await app.inject({ method: 'GET', url: '/v1/campaigns' })).json<{ title: string; detail: string }>();
      expect(vi).toMatchObject({ title: 'Cần xác thực', detail: 'Hãy gửi tiêu đề Authorization: Bearer <mã truy cập>' });
      const en = (await app.inject({ method: 'GET', url: '/v1/campaigns', headers: { 'accept-language': 'en' } })).json<{ title: string; detail: string }>();
      expect(en).toMatchObject({ title: 'Authentication required', detail: 'send Authorization: Bearer <token>' });
    });
  });

  /** What an answer or an event points at is there: the problem type pages and the events' schemas, under the configured base URL. */
  describe('problem types and event schemas resolve', () => {
    let danvan: DanvanUnderTest;
    beforeAll(async () => {
      danvan = await startDanvan('api-security');
    });
    afterAll(async () => {
      await danvan?.stop();
    });

    it('serves the page of a problem’s type at its URL, in the language asked for', async () => {
      const refused = (await (await fetch(`${danvan.baseUrl}/v1/campaigns`)).json()) as { type: string };
      expect(refused.type).toBe(`${danvan.baseUrl}/problems/unauthenticated`);
      const page = await fetch(refused.type);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('<h1>Cần xác thực</h1>');
      expect(await (await fetch(refused.type, { headers: { 'accept-language': 'en' } })).text()).toContain('<h1>Authentication required</h1>');
      expect((await fetch(`${danvan.baseUrl}/problems/no-such-problem`)).status).toBe(404);
    });

    it('serves the JSON Schema each event names as its dataschema, at that URL, and the event read from Kafka validates against it', async () => {
      const plan = plan202({ number: `${randomInt(1_000, 99_999)}-KH/BDVTU` });
      const admin = await danvan.token({ sub: 'admin-bg', role: 'admin' });
      const issued = await fetch(`${danvan.baseUrl}/v1/campaigns`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ plan, tree: { sample: 'bac-giang' } }),
      });
      expect(issued.status).toBe(201);
      const { campaignId } = (await issued.json()) as { campaignId: string };

      const [record] = await eventually(
        () => readTopicToEnd(TOPICS.campaignEvents, (m) => m.key === campaignId),
        (records) => records.length > 0,
      );
      const event = JSON.parse(record!.value!) as DanvanEvent;
      expect(event.type).toBe('vn.danvan.campaign.issued.v1');
      expect(event.dataschema).toBe(`${danvan.baseUrl}/schemas/events/vn.danvan.campaign.issued.v1.json`);
      expect(parseEvent(event)).toMatchObject({ ok: true });

      const served = await fetch(event.dataschema);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toContain('application/schema+json');
      const schema = (await served.json()) as { $id: string };
      expect(schema.$id).toBe(event.dataschema);
      const validate = addFormats(new Ajv2020({ allErrors: true, strict: true })).compile(schema);
      expect(validate(event) ? [] : validate.errors).toEqual([]);
      expect(validate({ ...event, data: { ...(event.data as object), plan: 'no plan' } })).toBe(false);

      expect((await fetch(`${danvan.baseUrl}/schemas/updates/submit.json`)).status).toBe(200);
      expect((await fetch(`${danvan.baseUrl}/schemas/events/vn.danvan.no-such.v1.json`)).status).toBe(404);
    });

    it('puts problem types and schemas under DANVAN_PUBLIC_BASE_URL when it is set', async () => {
      const base = 'https://danvan.example.org/api';
      expect(loadConfig({ DANVAN_PUBLIC_BASE_URL: `${base}/` }).DANVAN_PUBLIC_BASE_URL).toBe(base);
      const app = await appWith({ publicBaseUrl: base });
      expect((await app.inject({ method: 'GET', url: '/v1/campaigns' })).json()).toMatchObject({ type: `${base}/problems/unauthenticated` });
      expect((await app.inject({ method: 'GET', url: '/schemas/events/vn.danvan.unit.deployed.v1.json' })).json()).toMatchObject({
        $id: `${base}/schemas/events/vn.danvan.unit.deployed.v1.json`,
      });
    });
  });
});
