import { phaseSchema, planSchema, unitCodeSchema, unitTreeSchema, type Plan, type Unit } from '../domain/schemas';
import { planFromTemplate, type PlanTemplate } from '../domain/templates';
import { loadTemplate, shippedTemplateIds } from '../infra/templates';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { isGrpcServiceError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Logger } from 'pino';
import { campaignIdFor, issuerRootProblem } from '../domain/plan';
import { fingerprint } from '../domain/fingerprint';
import { SAMPLE_TREE_NAMES, SAMPLE_TREES } from '../domain/samples';
import { formatVietnameseNumber } from '../domain/schedule';
import { campaignIdOfWorkflowId, campaignSnapshotQuery, campaignWorkflowId, type CampaignSnapshot } from '../workflows/messages';
import { campaignSearchAttributes, searchAttributes } from '../workflows/search-attributes';
import type { TokenVerifier } from './auth';
import { requireAllowed } from './authorization';
import { UnitLocator } from './locator';
import { EXAMPLES } from './examples';
import { problemFromOverload } from './failures';
import { implementedBy, implementsAnswer, implementsAnswerSchema } from './implementing';
import { registerCodecRoutes } from './codec-routes';
import { registerOperationRoutes } from './operations';
import { registerDashboardRoutes } from './dashboard-routes';
import { claimIssueKey } from './issue-keys';
import { ProblemError, campaignNotFound, problem, sendProblem, type Problem } from './problems';
import { registerReferenceRoutes } from './reference-routes';
import { registerReportRoutes } from './report-routes';
import { registerSecurity, type RateLimit } from './security';
import { issueReason, type ValidationIssue } from './validation-text';
import { registerScheduleRoutes } from './schedule-routes';
import { measureRequests } from './metrics';
import { campaignParams, registerUnitRoutes, snapshotSchema, writeHeaders } from './unit-routes';

export interface AppDeps {
  temporal: Client;
  taskQueue: string;
  /** How bearer tokens are checked: `hs256Verifier(secret)` or `jwksVerifier(url)`. */
  verifyToken: TokenVerifier;
  logger: Logger;
  /** Readiness probes: each resolves when its server answers, rejects with the reason otherwise. */
  readiness: Record<string, () => Promise<void>>;
  /** Browser origins (the Temporal UI's) allowed to call the codec routes (DANVAN_CODEC_CORS_ORIGINS); none by default. */
  codecCorsOrigins?: readonly string[];
  /**
   * Where clients reach the API (DANVAN_PUBLIC_BASE_URL): the base of problem type URLs and of the schemas it serves.
   * Unset: where the app listens (tests on a free port), or http://127.0.0.1 before it listens.
   */
  publicBaseUrl?: string;
  /** Requests per principal per window (DANVAN_RATE_LIMIT_*); unset: no limit. */
  rateLimit?: RateLimit;
  /** The analytics projection (DANVAN_ANALYTICS_DB) reports read, read-only, once the file exists; unset: the workflows answer alone. */
  analyticsDb?: string | undefined;
}

const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), value: z.unknown().optional(), reason: z.string() })).optional(),
});

const issuedSchema = z.object({
  campaignId: z.string(),
  workflowId: z.string(),
  implements: implementsAnswerSchema.optional(),
});

const campaignListSchema = z.object({
  items: z.array(
    z.object({
      campaignId: z.string(),
      planNumber: z.string(),
      year: z.number(),
      issuer: z.string(),
      province: z.string(),
      phase: z.string(),
      startedAt: z.string().nullable(),
      running: z.boolean(),
    }),
  ),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

/**
 * The plan templates shipped in plans/templates/, read once at start so that a broken one stops the API naming its
 * file and field. Only these can be named over HTTP: a path would have the server read a file of the client's choosing.
 */
const SHIPPED_TEMPLATES: ReadonlyMap<string, PlanTemplate> = new Map(shippedTemplateIds().map((id) => [id, loadTemplate(id)]));
const SHIPPED_TEMPLATE_IDS = [...SHIPPED_TEMPLATES.keys()] as [string, ...string[]];

/** A plan's fields as written: planSchema before it fills in defaults and checks fields against each other. */
const planFields = planSchema.in.in;

/** Each field as an override: optional and without its default, so a field the request leaves out keeps the template's. */
type Overridable<S extends z.ZodRawShape> = { [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer Inner extends z.ZodType> ? Inner : S[K]> };
function overridable<S extends z.ZodRawShape>(shape: S): Overridable<S> {
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional()]),
  ) as Overridable<S>;
}

/** The unit tree itself, or the name of a bundled one. */
const treeField = z.union([unitTreeSchema, z.object({ sample: z.enum(SAMPLE_TREE_NAMES) })]);

/**
 * A plan given whole, or a shipped template with what the commission gives. Told apart by `template` rather than
 * tried in turn, so a refusal names the field of the form that was meant (`body.plan.number`), not the whole body.
 */
const issueCampaignSchema = z
  .discriminatedUnion(
    'template',
    [
      z.object({
        // Both forms must name the discriminator; `not: {}` is JSON Schema for "absent" in the published document.
        template: z.undefined().optional().meta({ description: 'absent: the plan is given whole', not: {} }),
        plan: planSchema,
        tree: treeField,
      }),
      z.object({
        template: z.enum(SHIPPED_TEMPLATE_IDS).meta({
          description: "a plan template shipped with danvan; a file of one's own is issued with `danvan issue --template <path>`",
        }),
        plan: z.object({ ...overridable(planFields.shape), ...planFields.pick({ number: true, issuer: true, issuedOn: true, year: true }).shape }).meta({
          description: "what the issuing commission gives (number, issuer, issuedOn, year), and any other plan field to replace the template's whole",
        }),
        tree: treeField,
      }),
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union' && issue.path?.[0] === 'template'
          ? `expected a shipped plan template: ${SHIPPED_TEMPLATE_IDS.join(', ')}, or no template and the plan given whole`
          : undefined,
    },
  )
  .meta({ examples: EXAMPLES.issue });
type IssueCampaign = z.output<typeof issueCampaignSchema>;

/** The plan a request issues: given whole, or made from a shipped template and refused naming `body.plan.<field>` as a plan given whole is. */
function planOf(body: IssueCampaign): Plan {
  if (body.template === undefined) return body.plan;
  const { number, issuer, issuedOn, year, ...overrides } = body.plan;
  const input = planFromTemplate(SHIPPED_TEMPLATES.get(body.template)!, { number, issuer, issuedOn, year }, overrides);
  const parsed = planSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw problem(
    400,
    'invalid-request',
    { en: `the plan made from template ${body.template} is invalid`, vi: `Kế hoạch tạo từ mẫu ${body.template} không hợp lệ` },
    parsed.error.issues.map(({ path, code, message, ...params }) => {
      const value = valueIn(input, path.map(String));
      return { field: ['body', 'plan', ...path.map(String)].join('.'), value, reason: issueReason({ keyword: code, message, params }, value) };
    }),
  );
}

/** The tree a plan is issued to. */
function treeOf(plan: Plan, tree: IssueCampaign['tree']): Unit[] {
  const units = Array.isArray(tree) ? tree : SAMPLE_TREES[tree.sample]();
  const reason = issuerRootProblem(plan, units);
  if (reason)
    throw problem(400, 'invalid-request', { en: 'the request body is invalid', vi: 'Nội dung yêu cầu không hợp lệ' }, [
      {
        field: 'body.plan.issuer.unitCode',
        value: plan.issuer.unitCode,
        reason: { en: reason, vi: `đơn vị ban hành ${plan.issuer.unitCode} phải là gốc của cây đơn vị` },
      },
    ]);
  return units;
}

/** Every request body but an issued plan's, counted after decompression. */
const BODY_LIMIT_BYTES = 1_048_576;

/**
 * An issued plan's body, counted after decompression (so a small gzip that inflates past it is refused, not read):
 * the tree schema's 200,000 units at ≈ 160 bytes of JSON each. The national sample's 62,362 units are 5.3 MB, 85 each.
 */
export const ISSUE_BODY_LIMIT_BYTES = 32 * 1_048_576;

/** Content-Encodings an issued plan may come in (docs/http-api.md); zstd needs Node 22.15. */
const ISSUE_BODY_ENCODINGS: ('gzip' | 'deflate' | 'br' | 'identity')[] = ['gzip', 'deflate', 'br', 'identity'];

/** The HTTP API, built apart from the server so tests drive it with `inject` or on a real port alike. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    // An operation id carries its Idempotency-Key (up to 200 characters), base64url (api/operations.ts); schemas bound every other parameter.
    routerOptions: { maxParamLength: 600 },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body is a client mistake (415), not a string to validate.
  app.removeContentTypeParser('text/plain');
  measureRequests(app);
  // Answers stay uncompressed; only the routes that say so read a compressed body.
  await app.register(compress, { global: false });

  const publicBaseUrl = () => deps.publicBaseUrl ?? (app.addresses().length > 0 ? app.listeningOrigin : 'http://127.0.0.1');
  const send = (reply: FastifyReply, p: Problem) => sendProblem(reply, p, publicBaseUrl());

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ProblemError) return send(reply, error.problem);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const part = error.validationContext ?? 'body';
      return send(reply, {
        slug: 'invalid-request',
        status: 400,
        detail: { en: `the request ${part} is invalid`, vi: `${REQUEST_PARTS_VI[part] ?? part} của yêu cầu không hợp lệ` },
        errors: error.validation.flatMap((v) =>
          pointersOf(v).map((pointer) => {
            const field = [error.validationContext, ...pointer.split('/').filter(Boolean)].filter(Boolean).join('.');
            const value = valueAt(request, error.validationContext, pointer);
            return { field, value, reason: issueReason(v as ValidationIssue, value) };
          }),
        ),
      });
    }
    const overload = problemFromOverload(error);
    if (overload) return send(reply.header('retry-after', '1'), overload.problem);
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return send(reply, {
        slug: 'bad-request',
        status,
        detail: bodyRefusal(error, request) ?? { en: (error as Error).message, vi: BAD_REQUEST_VI[status] ?? `Yêu cầu không hợp lệ (HTTP ${status})` },
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, {
      slug: 'internal',
      status: 500,
      detail: { en: 'the server failed; the error is logged', vi: 'Máy chủ gặp lỗi; lỗi đã được ghi nhật ký' },
    });
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, {
      slug: 'not-found',
      status: 404,
      detail: { en: `no route ${request.method} ${request.url}`, vi: `Không có đường dẫn ${request.method} ${request.url}` },
    }),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'danvan API', version: '1', description: 'Start and steer "Tháng Dân vận" campaigns; report for your unit.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: withBodyExamples,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Every /v1 route needs a token, checked as the request arrives, before it is read, validated or reaches Temporal.
  await registerSecurity(app, { verifyToken: deps.verifyToken, rateLimit: deps.rateLimit });
  registerReferenceRoutes(app, { publicBaseUrl });

  app.get('/healthz', { schema: { tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        response: { 200: z.object({ status: z.literal('ready'), checks: z.record(z.string(), z.string()) }), 503: problemSchema },
      },
    },
    async (_request, reply) => {
      const results = await Promise.all(
        Object.entries(deps.readiness).map(async ([name, probe]) => {
          try {
            await probe();
            return [name, 'ok'] as const;
          } catch (error) {
            return [name, (error as Error).message || 'unreachable'] as const;
          }
        }),
      );
      const failing = results.filter(([, outcome]) => outcome !== 'ok');
      if (failing.length > 0) {
        const reasons = failing.map(([name, reason]) => `${name}: ${reason}`).join('; ');
        throw problem(503, 'not-ready', { en: reasons, vi: `Chưa sẵn sàng: ${reasons}` });
      }
      return reply.send({ status: 'ready' as const, checks: Object.fromEntries(results) });
    },
  );

  app.post(
    '/v1/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Issue a plan, given whole or made from a shipped template: starts its campaign (the same plan again returns the existing campaign)',
        security: [{ bearer: [] }],
        headers: writeHeaders,
        body: issueCampaignSchema,
        description: `A national tree is megabytes of JSON: send it with \`Content-Encoding: gzip\` (or deflate, br). At most ${ISSUE_BODY_LIMIT_BYTES / 1_048_576} MiB once decompressed (413 past it).`,
        response: {
          201: issuedSchema.extend({ created: z.literal(true) }),
          200: issuedSchema.extend({ created: z.literal(false) }),
          400: problemSchema,
          401: problemSchema,
          403: problemSchema,
          409: problemSchema,
          413: problemSchema,
        },
      },
      bodyLimit: ISSUE_BODY_LIMIT_BYTES,
      decompress: { requestEncodings: ISSUE_BODY_ENCODINGS },
    },
    async (request, reply) => {
      requireAllowed(request.principal!, 'campaign:issue');
      const plan = planOf(request.body);
      const tree = treeOf(plan, request.body.tree);
      const campaignId = campaignIdFor(plan);
      const workflowId = campaignWorkflowId(campaignId);
      const key = request.headers['idempotency-key'] as string;
      // Of the plan as issued, so a template request and its retry (or the same plan given whole) are one request.
      const claim = await claimIssueKey(deps.temporal, deps.taskQueue, key, { fingerprint: fingerprint({ plan, tree: request.body.tree }), campaignId });
      const implementing = await implementsAnswer(deps.temporal, plan);
      const issued = { campaignId, workflowId, ...(implementing ? { implements: implementing } : {}) };
      try {
        await deps.temporal.workflow.start('campaignWorkflow', {
          workflowId,
          taskQueue: deps.taskQueue,
          args: [{ campaignId, plan, tree }],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          memo: { issueKey: key },
          typedSearchAttributes: campaignSearchAttributes(plan, 'issued'),
        });
        return reply.code(201).send({ ...issued, created: true as const });
      } catch (error) {
        if (inputTooLarge(error))
          throw problem(
            413,
            'bad-request',
            {
              en: `the plan and its ${tree.length} units are larger, gzipped, than the workflow service takes as a workflow input (2 MB by default)`,
              vi: `Kế hoạch cùng ${formatVietnameseNumber(tree.length)} đơn vị, sau khi nén, vượt giới hạn dữ liệu đầu vào của dịch vụ workflow (mặc định 2 MB)`,
            },
            [{ field: 'body.tree', value: `${tree.length} units`, reason: { en: 'too large for one workflow input', vi: 'quá lớn cho một đầu vào workflow' } }],
          );
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        // A retry of the request that created the campaign gets that first answer again.
        const createdByThisKey = claim === 'retry' && (await deps.temporal.workflow.getHandle(workflowId).describe()).memo?.issueKey === key;
        if (createdByThisKey) return reply.code(201).send({ ...issued, created: true as const });
        return reply.code(200).send({ ...issued, created: false as const });
      }
    },
  );

  app.get(
    '/v1/campaigns/:campaignId',
    {
      schema: {
        tags: ['campaigns'],
        summary: "A campaign's snapshot, with the campaigns of the plans implementing it (implementedBy)",
        security: [{ bearer: [] }],
        params: campaignParams,
        response: { 200: snapshotSchema, 400: problemSchema, 401: problemSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const { campaignId } = request.params;
      let snapshot: CampaignSnapshot;
      try {
        snapshot = await deps.temporal.workflow.getHandle(campaignWorkflowId(campaignId)).query(campaignSnapshotQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw campaignNotFound(campaignId);
        throw error;
      }
      requireAllowed(request.principal!, 'campaign:read', { unitCode: snapshot.unitCode, ancestors: [] });
      const implementing = await implementedBy(deps.temporal, campaignId, request.log);
      return implementing ? { ...snapshot, implementedBy: implementing } : snapshot;
    },
  );

  app.get(
    '/v1/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'List campaigns, filtered by year, phase, issuer and province (from search attributes), a page at a time',
        security: [{ bearer: [] }],
        querystring: z.object({
          year: z.coerce.number().int().min(1930).max(2100).optional(),
          phase: phaseSchema.optional(),
          issuer: z
            .string()
            .regex(/^[A-Z][A-Z0-9]{1,15}$/, 'expected an issuer code like BDVTU')
            .optional(),
          province: unitCodeSchema.optional(),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
          cursor: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,4000}$/, 'expected the nextCursor of a previous page')
            .optional(),
        }),
        response: { 200: campaignListSchema, 400: problemSchema, 401: problemSchema, 403: problemSchema },
      },
    },
    async (request) => {
      requireAllowed(request.principal!, 'campaign:list');
      const { year, phase, issuer, province, pageSize, cursor } = request.query;
      // Every value is constrained by its schema to characters that cannot break out of a quoted literal.
      const filters = [
        // A run that continued as new is the same campaign as its successor: one row per campaign.
        `WorkflowType = 'campaignWorkflow' AND ExecutionStatus != 'ContinuedAsNew'`,
        year !== undefined && `${searchAttributes.year.name} = ${year}`,
        phase && `${searchAttributes.phase.name} = '${phase}'`,
        issuer && `${searchAttributes.issuer.name} = '${issuer}'`,
        province && `${searchAttributes.province.name} = '${province}'`,
      ].filter(Boolean);
      const page = await deps.temporal.workflowService.listWorkflowExecutions({
        namespace: deps.temporal.options.namespace,
        query: filters.join(' AND '),
        pageSize,
        nextPageToken: cursor ? Buffer.from(cursor, 'base64url') : undefined,
      });
      const items = (page.executions ?? []).map((execution) => {
        const attrs = searchAttributeValues(execution.searchAttributes?.indexedFields);
        const workflowId = execution.execution?.workflowId ?? '';
        return {
          campaignId: campaignIdOfWorkflowId(workflowId),
          planNumber: String(attrs[searchAttributes.planNumber.name] ?? ''),
          year: Number(attrs[searchAttributes.year.name] ?? 0),
          issuer: String(attrs[searchAttributes.issuer.name] ?? ''),
          province: String(attrs[searchAttributes.province.name] ?? ''),
          phase: String(attrs[searchAttributes.phase.name] ?? ''),
          startedAt: execution.startTime ? new Date(Number(execution.startTime.seconds ?? 0) * 1000).toISOString() : null,
          running: execution.closeTime === null || execution.closeTime === undefined,
        };
      });
      const token = page.nextPageToken && page.nextPageToken.length > 0 ? Buffer.from(page.nextPageToken).toString('base64url') : null;
      return { items, nextCursor: token };
    },
  );

  // One locator, so the unit tree it caches per campaign is fetched once for reports and unit routes alike.
  const locator = new UnitLocator(deps.temporal);
  registerUnitRoutes(app, { temporal: deps.temporal, locator, problemSchema });
  registerOperationRoutes(app, { temporal: deps.temporal, problemSchema, publicBaseUrl });
  registerCodecRoutes(app, { problemSchema, corsOrigins: deps.codecCorsOrigins ?? [] });
  registerScheduleRoutes(app, { temporal: deps.temporal, taskQueue: deps.taskQueue, problemSchema, templates: SHIPPED_TEMPLATES });
  registerDashboardRoutes(app, { temporal: deps.temporal, problemSchema });
  registerReportRoutes(app, { temporal: deps.temporal, locator, problemSchema, analyticsDb: deps.analyticsDb });

  return app;
}

/** The part of a request a schema refused, as the Vietnamese detail names it. */
const REQUEST_PARTS_VI: Record<string, string> = { body: 'Nội dung', querystring: 'Tham số truy vấn', params: 'Tham số đường dẫn', headers: 'Tiêu đề' };

/** What Fastify's own 4xx refusals (the body before any schema sees it) say in Vietnamese. */
const BAD_REQUEST_VI: Record<number, string> = {
  400: 'Nội dung yêu cầu không đọc được (JSON hỏng hoặc rỗng)',
  413: 'Nội dung yêu cầu quá lớn',
  415: 'Kiểu nội dung không được hỗ trợ; hãy gửi application/json',
};

/** Temporal's refusal of a workflow input above its blob size limit (`limit.blobSize.error`), measured after infra/codec.ts gzipped it. */
function inputTooLarge(error: unknown): boolean {
  const cause = (error as { cause?: unknown }).cause;
  return isGrpcServiceError(cause) && cause.code === 3 && /blob data size exceeds limit/i.test(cause.details);
}

/** Refusals of a body as it is read, which name what the client can change: the size it may have, the encodings taken. */
function bodyRefusal(error: unknown, request: FastifyRequest): Problem['detail'] {
  switch ((error as { code?: string }).code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = request.routeOptions.bodyLimit ?? BODY_LIMIT_BYTES;
      return {
        en: `the request body is larger than the ${limit} bytes this route takes (counted decompressed)`,
        vi: `Nội dung yêu cầu quá lớn: đường dẫn này nhận tối đa ${formatVietnameseNumber(limit)} byte (tính sau khi giải nén)`,
      };
    }
    case 'FST_CP_ERR_INVALID_CONTENT_ENCODING':
      return {
        en: `${(error as Error).message}; this route takes ${ISSUE_BODY_ENCODINGS.join(', ')}`,
        vi: `Content-Encoding ${String(request.headers['content-encoding'])} không được hỗ trợ; đường dẫn này nhận ${ISSUE_BODY_ENCODINGS.join(', ')}`,
      };
    case 'FST_CP_ERR_INVALID_CONTENT':
      return {
        en: `the request body is not valid ${String(request.headers['content-encoding'])} data`,
        vi: `Nội dung yêu cầu không giải nén được theo Content-Encoding ${String(request.headers['content-encoding'])}`,
      };
    default:
      return undefined;
  }
}

/**
 * zod 4.6 drops the `examples` of an object whose properties include the plan schema when it converts it to JSON
 * Schema; put a body's examples back from its metadata so every documented route shows them.
 */
const withBodyExamples: typeof jsonSchemaTransform = (input) => {
  const output = jsonSchemaTransform(input);
  const examples = input.schema.body instanceof z.ZodType ? z.globalRegistry.get(input.schema.body)?.examples : undefined;
  const body = output.schema.body as Record<string, unknown> | undefined;
  if (examples && body && body.examples === undefined) body.examples = examples;
  return output;
};

/** Search attribute payloads are JSON (`json/plain`); the raw list API hands them over undecoded. */
function searchAttributeValues(fields: Record<string, { data?: Uint8Array | null }> | null | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(fields ?? {})) {
    try {
      values[name] = payload.data ? JSON.parse(Buffer.from(payload.data).toString('utf8')) : undefined;
    } catch {
      values[name] = undefined;
    }
  }
  return values;
}

/**
 * Where an error points: its own path, or for properties a strict object does not know (an unknown measure) each
 * of them, so the problem names `body.measures.sheep` rather than the whole object.
 */
function pointersOf(issue: { keyword: string; instancePath: string; params: Record<string, unknown> }): string[] {
  const keys = issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys) ? (issue.params.keys as unknown[]) : [];
  if (keys.length === 0) return [issue.instancePath];
  return keys.map((key) => `${issue.instancePath.replace(/\/$/, '')}/${String(key)}`);
}

function valueAt(request: FastifyRequest, context: string | undefined, pointer: string): unknown {
  const root = context === 'params' ? request.params : context === 'querystring' ? request.query : context === 'headers' ? request.headers : request.body;
  return valueIn(root, pointer.split('/').filter(Boolean));
}

function valueIn(root: unknown, segments: string[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
