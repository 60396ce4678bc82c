import { unitCodeSchema } from '../domain/schemas';
import { describeValue } from '../domain/describe-value';
import { SignJWT, createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { ConfigError, type Config } from '../infra/config';
import { formatDuration } from '../infra/duration';
import { resolveJwtSecret } from '../infra/secrets';
import { problem, type Text } from './problems';

export const ROLES = ['admin', 'council', 'reporter', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Who a request speaks for; a reporter speaks for one unit (and the units below it). */
export const principalSchema = z
  .object({
    sub: z.string().min(1),
    role: roleSchema,
    unit: unitCodeSchema.optional(),
  })
  .refine((p) => p.role !== 'reporter' || p.unit !== undefined, { message: 'a reporter token must name its unit', path: ['unit'] });

export type Principal = z.infer<typeof principalSchema>;

/**
 * What a token must say and where: the defaults are danvan's own tokens; an identity provider's are described by
 * DANVAN_JWT_ISSUER, DANVAN_JWT_AUDIENCE, DANVAN_JWT_ROLE_CLAIM and DANVAN_JWT_UNIT_CLAIM (infra/config.ts).
 */
export interface TokenSettings {
  issuer: string;
  audience: string;
  /** A claim name, or a dotted path into nested claims (`realm_access.roles`); a name that exists as it is wins. */
  roleClaim: string;
  unitClaim: string;
  /** The longest `exp - iat` accepted, in seconds: a token that lives longer is refused even before it expires. */
  maxLifetimeSeconds: number;
}

export const DEFAULT_TOKEN_SETTINGS: TokenSettings = {
  issuer: 'danvan',
  audience: 'danvan-api',
  roleClaim: 'role',
  unitClaim: 'unit',
  maxLifetimeSeconds: 24 * 3600,
};

/** How long `npm start`'s and `danvan token`'s development tokens live unless told otherwise (never past the maximum). */
export const DEV_TOKEN_TTL_SECONDS = 12 * 3600;

/** The development token's lifetime under `config`: 12 h, or the maximum lifetime when that is shorter. */
export function devTokenTtl(config: Pick<Config, 'DANVAN_TOKEN_MAX_LIFETIME'>): number {
  return Math.min(DEV_TOKEN_TTL_SECONDS, config.DANVAN_TOKEN_MAX_LIFETIME);
}

export function tokenSettingsOf(
  config: Pick<Config, 'DANVAN_JWT_ISSUER' | 'DANVAN_JWT_AUDIENCE' | 'DANVAN_JWT_ROLE_CLAIM' | 'DANVAN_JWT_UNIT_CLAIM' | 'DANVAN_TOKEN_MAX_LIFETIME'>,
): TokenSettings {
  return {
    issuer: config.DANVAN_JWT_ISSUER,
    audience: config.DANVAN_JWT_AUDIENCE,
    roleClaim: config.DANVAN_JWT_ROLE_CLAIM,
    unitClaim: config.DANVAN_JWT_UNIT_CLAIM,
    maxLifetimeSeconds: config.DANVAN_TOKEN_MAX_LIFETIME,
  };
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Sets a claim at its name, nesting objects along a dotted path, as an identity provider would write it. */
function setClaim(payload: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let node = payload;
  for (const segment of segments.slice(0, -1)) node = (node[segment] ??= {}) as Record<string, unknown>;
  node[segments.at(-1)!] = value;
}

function claimAt(payload: JWTPayload, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let node: unknown = payload;
  for (const segment of path.split('.'))
    node = node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>)[segment] : undefined;
  return node;
}

/** A development token signed with the shared secret, its claims where `settings` reads them; `ttl` as jose takes it ('12h') or seconds. */
export async function mintToken(
  secret: string,
  principal: Principal,
  ttl: string | number = DEV_TOKEN_TTL_SECONDS,
  settings: TokenSettings = DEFAULT_TOKEN_SETTINGS,
): Promise<string> {
  const { sub, role, unit } = principalSchema.parse(principal);
  const claims: Record<string, unknown> = {};
  setClaim(claims, settings.roleClaim, role);
  if (unit !== undefined) setClaim(claims, settings.unitClaim, unit);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(now)
    .setExpirationTime(typeof ttl === 'number' ? now + ttl : ttl)
    .sign(key(secret));
}

/** Checks a bearer token (signature, issuer, audience, expiry, lifetime) and reads danvan's principal from it; refusals are 401 problems. */
export type TokenVerifier = (token: string) => Promise<Principal>;

/** The embedded default: HS256 with a shared secret, and nothing else (so `alg: none` and key confusion fail). */
export function hs256Verifier(secret: string, settings: TokenSettings = DEFAULT_TOKEN_SETTINGS): TokenVerifier {
  return verifierWith(key(secret), ['HS256'], settings);
}

/** Production: keys from the identity provider's JWKS, asymmetric algorithms only; keys are fetched and cached by jose. */
export function jwksVerifier(url: string, settings: TokenSettings = DEFAULT_TOKEN_SETTINGS): TokenVerifier {
  return verifierWith(createRemoteJWKSet(new URL(url)), ['RS256', 'PS256', 'ES256', 'EdDSA'], settings);
}

const refused = (detail: Text) => problem(401, 'invalid-token', detail);

function verifierWith(keys: Uint8Array | JWTVerifyGetKey, algorithms: string[], settings: TokenSettings): TokenVerifier {
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys as Uint8Array, {
        algorithms,
        issuer: settings.issuer,
        audience: settings.audience,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw tokenProblem(error, settings) ?? error;
    }
    checkLifetime(payload, settings);
    return principalOf(payload, settings);
  };
}

function tokenProblem(error: unknown, settings: TokenSettings) {
  if (error instanceof joseErrors.JWTExpired)
    return problem(401, 'token-expired', { en: 'the token has expired; get a new one', vi: 'Mã truy cập đã hết hạn; hãy lấy mã mới' });
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'exp')
      return refused({ en: 'the token has no expiry (exp); tokens must expire', vi: 'Mã truy cập không có thời hạn (exp); mã truy cập phải có thời hạn' });
    if (error.claim === 'iss')
      return refused({ en: `the token's issuer (iss) is not ${settings.issuer}`, vi: `Bên phát hành (iss) của mã truy cập không phải ${settings.issuer}` });
    if (error.claim === 'aud')
      return refused({ en: `the token is not meant for ${settings.audience} (aud)`, vi: `Mã truy cập không dành cho ${settings.audience} (aud)` });
  }
  if (error instanceof joseErrors.JOSEError) return refused({ en: `the token was refused: ${error.code}`, vi: `Mã truy cập bị từ chối: ${error.code}` });
  return undefined;
}

/**
 * `exp - iat` (from now when `iat` is missing or still ahead) within the maximum: a token minted for 30 days is
 * refused on its first day, so one leaked is not good for a month.
 */
function checkLifetime(payload: JWTPayload, settings: TokenSettings): void {
  const now = Math.floor(Date.now() / 1000);
  const lifetime = payload.exp! - Math.min(payload.iat ?? now, now);
  if (lifetime > settings.maxLifetimeSeconds) {
    const lives = formatDuration(lifetime);
    const max = formatDuration(settings.maxLifetimeSeconds);
    throw refused({
      en: `the token lives ${lives}, longer than the ${max} allowed (DANVAN_TOKEN_MAX_LIFETIME)`,
      vi: `Mã truy cập có thời hạn ${lives}, dài hơn mức tối đa cho phép ${max} (DANVAN_TOKEN_MAX_LIFETIME)`,
    });
  }
}

function principalOf(payload: JWTPayload, settings: TokenSettings): Principal {
  const { roleClaim, unitClaim } = settings;
  if (typeof payload.sub !== 'string' || payload.sub === '') throw refused({ en: 'the token has no subject (sub)', vi: 'Mã truy cập không có chủ thể (sub)' });
  const rawRole = claimAt(payload, roleClaim);
  // An identity provider lists all of a user's roles (Keycloak's realm_access.roles); danvan's are picked from them.
  const roles = (Array.isArray(rawRole) ? rawRole : [rawRole]).filter((r): r is Role => (ROLES as readonly unknown[]).includes(r));
  if (roles.length === 0)
    throw refused({
      en: `claim ${roleClaim} names no danvan role (${ROLES.join(', ')}), got ${describeValue(rawRole)}`,
      vi: `Claim ${roleClaim} không có vai trò danvan nào (${ROLES.join(', ')}), nhận được ${describeValue(rawRole)}`,
    });
  if (roles.length > 1)
    throw refused({
      en: `claim ${roleClaim} names several danvan roles (${roles.join(', ')}); a token acts in one`,
      vi: `Claim ${roleClaim} có nhiều vai trò danvan (${roles.join(', ')}); mỗi mã truy cập chỉ mang một vai trò`,
    });
  const unit = claimAt(payload, unitClaim);
  if (unit !== undefined && !unitCodeSchema.safeParse(unit).success)
    throw refused({
      en: `claim ${unitClaim} is not a unit code, got ${describeValue(unit)}`,
      vi: `Claim ${unitClaim} không phải mã đơn vị, nhận được ${describeValue(unit)}`,
    });
  const principal = principalSchema.safeParse({ sub: payload.sub, role: roles[0], ...(unit !== undefined ? { unit } : {}) });
  if (!principal.success)
    throw refused({
      en: `a ${roles[0]} token must name its unit in claim ${unitClaim}`,
      vi: `Mã truy cập vai trò ${roles[0]} phải nêu đơn vị ở claim ${unitClaim}`,
    });
  return principal.data;
}

/** Verifies an `Authorization: Bearer …` header and reads danvan's principal from it. */
export async function authenticate(verify: TokenVerifier, header: string | undefined): Promise<Principal> {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header ?? '');
  if (!match?.[1])
    throw problem(401, 'unauthenticated', { en: 'send Authorization: Bearer <token>', vi: 'Hãy gửi tiêu đề Authorization: Bearer <mã truy cập>' });
  return verify(match[1]);
}

type VerifierConfig = Pick<Config, 'DANVAN_JWKS_URL' | 'DANVAN_JWT_SECRET'> & Parameters<typeof tokenSettingsOf>[0];

/** `npm start`'s token check: the JWKS when configured, otherwise HS256 with the configured or development secret. */
export function tokenVerifierFor(config: VerifierConfig, dataDir: string): TokenVerifier {
  const settings = tokenSettingsOf(config);
  return config.DANVAN_JWKS_URL ? jwksVerifier(config.DANVAN_JWKS_URL, settings) : hs256Verifier(resolveJwtSecret(config.DANVAN_JWT_SECRET, dataDir), settings);
}

/**
 * The standalone API's token check (compose, Kubernetes): it has no development secret to fall back on, since a
 * secret invented at start would be one that nobody can mint tokens with, or, shared by nobody, one per replica.
 */
export function standaloneTokenVerifier(config: VerifierConfig): TokenVerifier {
  const settings = tokenSettingsOf(config);
  if (config.DANVAN_JWKS_URL) return jwksVerifier(config.DANVAN_JWKS_URL, settings);
  if (config.DANVAN_JWT_SECRET) return hs256Verifier(config.DANVAN_JWT_SECRET, settings);
  throw new ConfigError([
    "neither DANVAN_JWT_SECRET nor DANVAN_JWKS_URL is set: set DANVAN_JWKS_URL to your identity provider's JWKS URL, or DANVAN_JWT_SECRET to a secret of 32+ characters (e.g. `openssl rand -base64 48`) shared with whoever mints tokens; only `npm start` makes a development secret",
  ]);
}
