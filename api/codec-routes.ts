import type { Payload } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { gzipCodec } from '../infra/codec';
import { requireAllowed, type Action } from './authorization';
import type { DanvanApp } from './unit-routes';

/**
 * Temporal's remote codec protocol (`POST <endpoint>/decode`, `/encode`), served by the API so that the Temporal UI
 * can show what danvan gzipped (infra/codec.ts): a national campaign's input, large figures. Behind the API's own
 * tokens, like every /v1 route: the UI's calls carry the signed-in user's access token
 * (TEMPORAL_CODEC_PASS_ACCESS_TOKEN) when the UI signs in with the identity provider danvan trusts. The UI calls
 * from the browser, so its origin must be listed in DANVAN_CODEC_CORS_ORIGINS; no origin is allowed by default.
 */

/** A payload as the protocol writes it: proto3 JSON, bytes in base64. */
const wirePayloadSchema = z.object({
  metadata: z.record(z.string(), z.base64()).optional(),
  data: z.base64().optional(),
});
const payloadsSchema = z.object({ payloads: z.array(wirePayloadSchema).max(1000) });

/** One small JSON payload, as the UI sends it: below the gzip threshold, decoding and encoding leave it as it is. */
const EXAMPLE_PAYLOADS = {
  payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"BG-HH-THANG"').toString('base64') }],
};
type WirePayload = z.infer<typeof wirePayloadSchema>;

function fromWire(payload: WirePayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    ...(payload.data !== undefined ? { data: Buffer.from(payload.data, 'base64') } : {}),
  };
}

function toWire(payload: Payload): WirePayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
    ...(payload.data ? { data: Buffer.from(payload.data).toString('base64') } : {}),
  };
}

const OPERATIONS = {
  decode: { action: 'payload:decode', run: (payloads: Payload[]) => gzipCodec.decode(payloads) },
  encode: { action: 'payload:encode', run: (payloads: Payload[]) => gzipCodec.encode(payloads) },
} as const satisfies Record<string, { action: Action; run: (payloads: Payload[]) => Promise<Payload[]> }>;

export function registerCodecRoutes(app: DanvanApp, deps: { problemSchema: z.ZodType; corsOrigins: readonly string[] }): void {
  /** CORS for the listed origins only; for any other origin the browser refuses the answer, as it should. */
  const allowOrigin = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !deps.corsOrigins.includes(origin)) return;
    reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
  };

  for (const [name, operation] of Object.entries(OPERATIONS)) {
    const url = `/v1/codec/${name}`;
    // A preflight carries no token by the standard; the POST it clears needs one as every /v1 route does.
    app.options(url, { schema: { hide: true }, config: { public: true } }, async (request, reply) => {
      allowOrigin(request, reply);
      return reply
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'authorization, content-type, x-namespace')
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    });
    app.post(
      url,
      {
        schema: {
          tags: ['operations'],
          summary: `Temporal's remote codec: ${name} payloads as danvan's workers do (gzip above 8 KiB), for the Temporal UI`,
          security: [{ bearer: [] }],
          body: payloadsSchema.meta({ examples: [EXAMPLE_PAYLOADS] }),
          response: { 200: payloadsSchema, 400: deps.problemSchema, 401: deps.problemSchema, 403: deps.problemSchema },
        },
      },
      async (request, reply) => {
        allowOrigin(request, reply);
        requireAllowed(request.principal!, operation.action);
        const payloads = await operation.run(request.body.payloads.map(fromWire));
        return { payloads: payloads.map(toWire) };
      },
    );
  }
}
