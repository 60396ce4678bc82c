import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT, decodeJwt } from 'jose';
import { DEFAULT_TOKEN_SETTINGS, devTokenTtl, hs256Verifier, mintToken, standaloneTokenVerifier, tokenSettingsOf } from '../../api/auth';
import { ProblemError } from '../../api/problems';
import { ConfigError, loadConfig } from '../../infra/config';

/** Tokens that never expire, or live for a month, are refused; development tokens live 12 h, and never longer than the API accepts. */
describe('token lifetime (DANVAN_TOKEN_MAX_LIFETIME)', () => {
  const secret = randomUUID() + randomUUID();
  const now = () => Math.floor(Date.now() / 1000);
  const signed = (claims: { iat?: number; exp?: number }) => {
    let jwt = new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setIssuer('danvan').setAudience('danvan-api');
    if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
    if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
    return jwt.sign(new TextEncoder().encode(secret));
  };
  const refusal = async (verify: ReturnType<typeof hs256Verifier>, token: string) => {
    const error = await verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProblemError);
    return (error as ProblemError).problem;
  };

  it('refuses a token without exp, which would never expire', async () => {
    const problem = await refusal(hs256Verifier(secret), await signed({ iat: now() }));
    expect(problem).toMatchObject({ status: 401, slug: 'invalid-token', detail: { en: expect.stringContaining('no expiry (exp)') } });
  });

  it('refuses a token that lives longer than the maximum (24 h by default), by exp - iat or, without iat, exp - now', async () => {
    const verify = hs256Verifier(secret);
    const month = await refusal(verify, await signed({ iat: now(), exp: now() + 30 * 86_400 }));
    expect(month.detail).toEqual({
      en: 'the token lives 30d, longer than the 1d allowed (DANVAN_TOKEN_MAX_LIFETIME)',
      vi: 'Mã truy cập có thời hạn 30d, dài hơn mức tối đa cho phép 1d (DANVAN_TOKEN_MAX_LIFETIME)',
    });
    await refusal(verify, await signed({ exp: now() + 2 * 86_400 }));
    // An iat set ahead does not shorten the lifetime: it counts from now.
    await refusal(verify, await signed({ iat: now() + 29 * 86_400, exp: now() + 30 * 86_400 }));
    await expect(verify(await signed({ iat: now(), exp: now() + 24 * 3600 }))).resolves.toEqual({ sub: 'admin', role: 'admin' });
    await expect(verify(await signed({ exp: now() + 3600 }))).resolves.toEqual({ sub: 'admin', role: 'admin' });
  });

  it('takes the maximum from the configuration', async () => {
    const settings = tokenSettingsOf(loadConfig({ DANVAN_TOKEN_MAX_LIFETIME: '90m' }));
    expect(settings.maxLifetimeSeconds).toBe(5400);
    const verify = hs256Verifier(secret, settings);
    await refusal(verify, await signed({ iat: now(), exp: now() + 2 * 3600 }));
    await expect(verify(await signed({ iat: now(), exp: now() + 3600 }))).resolves.toMatchObject({ role: 'admin' });
    expect(() => loadConfig({ DANVAN_TOKEN_MAX_LIFETIME: 'forever' })).toThrow(/DANVAN_TOKEN_MAX_LIFETIME="forever": expected a whole number and a unit/);
    expect(loadConfig({}).DANVAN_TOKEN_MAX_LIFETIME).toBe(86_400);
  });

  it('mints development tokens for 12 h, or the maximum when it is shorter', async () => {
    expect(devTokenTtl(loadConfig({}))).toBe(12 * 3600);
    expect(devTokenTtl(loadConfig({ DANVAN_TOKEN_MAX_LIFETIME: '2h' }))).toBe(2 * 3600);
    const claims = decodeJwt(await mintToken(secret, { sub: 'dev', role: 'viewer' }));
    expect(claims.exp! - claims.iat!).toBe(12 * 3600);
    await expect(hs256Verifier(secret, DEFAULT_TOKEN_SETTINGS)(await mintToken(secret, { sub: 'dev', role: 'viewer' }))).resolves.toEqual({
      sub: 'dev',
      role: 'viewer',
    });
  });

  describe('danvan token', () => {
    let dataDir: string;
    beforeAll(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-token-'));
    });
    afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    const danvanToken = (args: string[], env: Record<string, string> = {}) => {
      const result = spawnSync(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '..', '..', 'bin', 'danvan.ts'), 'token', ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), DANVAN_DATA_DIR: dataDir, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      });
      return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
    };

    it('mints for 12 h unless --ttl says otherwise, and refuses a --ttl past the maximum', () => {
      const plain = danvanToken(['admin']);
      expect(plain.status).toBe(0);
      const claims = decodeJwt(plain.stdout);
      expect(claims.exp! - claims.iat!).toBe(12 * 3600);

      const hour = danvanToken(['viewer', '--ttl', '1h']);
      expect(hour.status).toBe(0);
      expect(decodeJwt(hour.stdout)).toMatchObject({ role: 'viewer', exp: expect.any(Number) });

      const month = danvanToken(['admin', '--ttl', '30d']);
      expect(month.status).not.toBe(0);
      expect(month.stderr).toContain('--ttl 30d is longer than the 1d the API accepts (DANVAN_TOKEN_MAX_LIFETIME)');
      expect(danvanToken(['admin', '--ttl', '3h'], { DANVAN_TOKEN_MAX_LIFETIME: '2h' }).stderr).toContain('longer than the 2h the API accepts');
      expect(danvanToken(['admin', '--ttl', 'soon']).stderr).toContain('--ttl soon: expected a whole number and a unit');
    });
  });
});

/** The standalone API has no development secret to fall back on. */
describe('standaloneTokenVerifier', () => {
  it('refuses a configuration with neither DANVAN_JWT_SECRET nor DANVAN_JWKS_URL, saying what to set', () => {
    expect(() => standaloneTokenVerifier(loadConfig({}))).toThrow(ConfigError);
    expect(() => standaloneTokenVerifier(loadConfig({}))).toThrow(
      /neither DANVAN_JWT_SECRET nor DANVAN_JWKS_URL is set: set DANVAN_JWKS_URL .* or DANVAN_JWT_SECRET/,
    );
    expect(standaloneTokenVerifier(loadConfig({ DANVAN_JWT_SECRET: randomUUID() + randomUUID() }))).toEqual(expect.any(Function));
  });
});
