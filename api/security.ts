import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatDuration } from '../infra/duration';
import { authenticate, type Principal, type TokenVerifier } from './auth';
import { DASHBOARD_IMPORT_MAP_HASH } from './dashboard-routes';
import { problem } from './problems';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** A /v1 route that answers without a token: the codec routes' CORS preflights, which carry none by the standard. */
    public?: boolean;
  }
}

export interface RateLimit {
  /** Requests per principal per window; 0: no limit. */
  max: number;
  windowSeconds: number;
}

export interface SecurityOptions {
  verifyToken: TokenVerifier;
  /** Unset: no limit (tests and benchmarks build the app without one; the processes pass DANVAN_RATE_LIMIT_*). */
  rateLimit?: RateLimit | undefined;
}

/**
 * Whether a request needs a token, decided by the route it matched, never by the URL as written: `/%761/campaigns`
 * matches the `/v1/campaigns` route and so needs one too, and a URL that matches no route is a 404 without looking.
 */
export function requiresToken(request: FastifyRequest): boolean {
  const route = request.routeOptions;
  return route.url?.startsWith('/v1/') === true && route.config.public !== true;
}

/** Who a request counts against: its token's subject, or its address when it has none (or a bad one). */
function rateLimitKey(request: FastifyRequest): string {
  return request.principal ? `sub:${request.principal.sub}` : `ip:${request.ip}`;
}

/**
 * Security headers, authentication by route and the rate limit. One onRequest hook authenticates and then counts
 * the request, so a request is counted against its principal, and a refused token still counts against its address
 * (guessing tokens costs the guesser's budget), before the refusal is answered.
 */
export async function registerSecurity(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      // Helmet's default asks browsers to fetch every resource over https, which breaks /docs on a plain-http
      // deployment (http://127.0.0.1:3000); TLS is for the proxy in front to enforce, with HSTS. The one inline script
      // allowed is the dashboard's import map, by its hash (api/dashboard-routes.ts).
      directives: { upgradeInsecureRequests: null, scriptSrc: ["'self'", DASHBOARD_IMPORT_MAP_HASH] },
    },
  });

  const limit = opts.rateLimit && opts.rateLimit.max > 0 ? opts.rateLimit : undefined;
  let countRequest: ReturnType<FastifyInstance['rateLimit']> | undefined;
  if (limit) {
    const window = formatDuration(limit.windowSeconds);
    await app.register(rateLimit, {
      global: false,
      max: limit.max,
      timeWindow: limit.windowSeconds * 1000,
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_request, context) =>
        problem(429, 'rate-limited', {
          en: `more than ${context.max} requests in ${window}; retry in ${context.after}`,
          vi: `Quá ${context.max} yêu cầu trong ${limit.windowSeconds} giây; hãy gửi lại sau ${Math.ceil(context.ttl / 1000)} giây`,
        }),
    });
    countRequest = app.rateLimit();
  }

  app.addHook('onRequest', async (request, reply) => {
    let refusal: unknown;
    if (requiresToken(request)) {
      try {
        request.principal = await authenticate(opts.verifyToken, request.headers.authorization);
      } catch (error) {
        refusal = error;
      }
    }
    await countRequest?.call(app, request, reply);
    if (refusal !== undefined) throw refusal;
  });
}
