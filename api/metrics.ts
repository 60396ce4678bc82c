import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import { LATENCY_BUCKETS } from '../infra/metrics';

/**
 * The API's request metrics, on prom-client's default registry: the one api/server.ts and `npm start` serve at
 * DANVAN_API_METRICS_ADDRESS, beside the Update latency (infra/workflow-updates.ts) and the process metrics.
 * Routes are labelled by their pattern (`/v1/campaigns/:campaignId`), never by the URL sent: a label per campaign
 * or per probing client would grow without bound.
 */

/** What a request that matched no route is counted under. */
export const UNMATCHED_ROUTE = 'unmatched';

const requests = new Counter({
  name: 'danvan_api_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
});

const latency = new Histogram({
  name: 'danvan_api_request_duration_seconds',
  help: 'Time from receiving a request to sending its answer, by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: LATENCY_BUCKETS,
});

const refusals = new Counter({
  name: 'danvan_api_refusals_total',
  help: 'Requests refused with a 4xx answer, by route pattern, status and the code of the problem answered (the last segment of its type)',
  labelNames: ['route', 'status', 'code'] as const,
});

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/** The problem's code, as the last segment of its `type`; `unknown` for a 4xx answered without a problem document. */
function problemCode(reply: FastifyReply, payload: unknown): string {
  const contentType = String(reply.getHeader('content-type') ?? '');
  if (!contentType.startsWith('application/problem+json') || typeof payload !== 'string') return 'unknown';
  try {
    const type: unknown = (JSON.parse(payload) as { type?: unknown }).type;
    if (typeof type !== 'string') return 'unknown';
    return type.split(/[/#]/).filter(Boolean).at(-1) ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Counts and times every request of `app`; registered before the routes, so each of them is measured. */
export function measureRequests(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 400 && reply.statusCode < 500)
      refusals.inc({ route: routeOf(request), status: String(reply.statusCode), code: problemCode(reply, payload) });
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}
