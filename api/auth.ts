import { unitCodeSchema } from '../domain/schemas';
import { SignJWT, createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { z } from 'zod';
import { resolveJwtSecret } from '../infra/secrets';
import { problem } from './problems';

export const ROLES = ['admin', 'council', 'reporter', 'viewer'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** The claims danvan reads from a bearer token; a reporter speaks for one unit (and the units below it). */
export const principalSchema = z
  .object({
    sub: z.string().min(1),
    role: roleSchema,
    unit: unitCodeSchema.optional(),
  })
  .refine((p) => p.role !== 'reporter' || p.unit !== undefined, { message: 'a reporter token must name its unit', path: ['unit'] });

export type Principal = z.infer<typeof principalSchema>;

const ISSUER = 'danvan';
const AUDIENCE = 'danvan-api';

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function mintToken(secret: string, principal: Principal, ttl: string = '12h'): Promise<string> {
  const { sub, ...claims } = principalSchema.parse(principal);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key(secret));
}

/** Checks a token's signature, issuer, audience and expiry, and returns its claims. */
export type TokenVerifier = (token: string) => Promise<JWTPayload>;

/** The embedded default: HS256 with a shared secret, and nothing else (so `alg: none` and key confusion fail). */
export function hs256Verifier(secret: string): TokenVerifier {
  return async (token) => (await jwtVerify(token, key(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE })).payload;
}

/** Production: keys from the identity provider's JWKS, asymmetric algorithms only; keys are fetched and cached by jose. */
export function jwksVerifier(url: string): TokenVerifier {
  const keys = createRemoteJWKSet(new URL(url));
  return async (token) => (await jwtVerify(token, keys, { algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'], issuer: ISSUER, audience: AUDIENCE })).payload;
}

/** Verifies an `Authorization: Bearer …` header and reads danvan's claims from it. */
export async function authenticate(verify: TokenVerifier, header: string | undefined): Promise<Principal> {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header ?? '');
  if (!match?.[1]) throw problem(401, 'unauthenticated', 'Authentication required', 'send Authorization: Bearer <token>');
  let payload: JWTPayload;
  try {
    payload = await verify(match[1]);
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw problem(401, 'token-expired', 'Token expired', 'the token has expired; mint a new one');
    if (error instanceof joseErrors.JOSEError) throw problem(401, 'invalid-token', 'Invalid token', `the token was rejected: ${error.code}`);
    throw error;
  }
  const parsed = principalSchema.safeParse(payload);
  if (!parsed.success)
    throw problem(401, 'invalid-token', 'Invalid token', `token claims: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The API's token check: the JWKS when configured, otherwise HS256 with the configured or development secret. */
export function tokenVerifierFor(config: { DANVAN_JWKS_URL?: string | undefined; DANVAN_JWT_SECRET?: string | undefined }, dataDir: string): TokenVerifier {
  return config.DANVAN_JWKS_URL ? jwksVerifier(config.DANVAN_JWKS_URL) : hs256Verifier(resolveJwtSecret(config.DANVAN_JWT_SECRET, dataDir));
}
