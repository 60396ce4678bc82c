import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { unitCodeSchema } from '../domain/plan';
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
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(sub).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime(ttl).sign(key(secret));
}

/** Verifies an `Authorization: Bearer …` header: HS256 only (so `alg: none` and key confusion fail), right issuer and audience, not expired. */
export async function authenticate(secret: string, header: string | undefined): Promise<Principal> {
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header ?? '');
  if (!match?.[1]) throw problem(401, 'unauthenticated', 'Authentication required', 'send Authorization: Bearer <token>');
  try {
    const { payload } = await jwtVerify(match[1], key(secret), { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    const parsed = principalSchema.safeParse(payload);
    if (!parsed.success) throw problem(401, 'invalid-token', 'Invalid token', `token claims: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return parsed.data;
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw problem(401, 'token-expired', 'Token expired', 'the token has expired; mint a new one');
    if (error instanceof joseErrors.JOSEError) throw problem(401, 'invalid-token', 'Invalid token', `the token was rejected: ${error.code}`);
    throw error;
  }
}

export function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!roles.includes(principal.role)) {
    throw problem(403, 'forbidden', 'Forbidden', `role ${principal.role} may not do this; allowed: ${roles.join(', ')}`);
  }
}
