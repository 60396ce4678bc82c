import {
  activityReportSchema,
  commendationSchema,
  campaignIdSchema,
  deadlineSchema,
  dialogueSchema,
  idempotencyKeySchema,
  isoDateSchema,
  modelAssessmentSchema,
  modelCommendationSchema,
  modelIdSchema,
  modelRegistrationSchema,
  petitionIdSchema,
  petitionResolutionSchema,
  petitionSchema,
  studySessionSchema,
  unitCodeSchema,
} from '../domain/schemas';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PHASES } from '../domain/campaign';
import { submissionUpdateId, type ReportCommand, type SubmissionResult } from '../domain/ledger';
import { updateIdOf } from '../domain/fingerprint';
import { executeUpdate, startUpdate } from '../infra/workflow-updates';
import {
  advancePhaseUpdate,
  campaignWorkflowId,
  deployUpdate,
  extendDeadlineUpdate,
  snapshotQuery,
  submitUpdate,
  type CampaignSnapshot,
  type NodeSnapshot,
} from '../workflows/messages';
import { requireAllowed, type Action, type UnitPosition } from './authorization';
import { EXAMPLE_COMMUNE, EXAMPLE_PARAMS, EXAMPLE_PARTY_CELL, EXAMPLES } from './examples';
import { problemFromWorkflow } from './failures';
import { operationAccepted, operationAcceptedSchema } from './operations';
import type { Text } from './problems';
import type { UnitLocator } from './locator';

export type DanvanApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface RouteDeps {
  temporal: Client;
  locator: UnitLocator;
  problemSchema: z.ZodType;
}

export const writeHeaders = z.looseObject({ 'idempotency-key': idempotencyKeySchema });
export const campaignParams = z.object({ campaignId: campaignIdSchema.meta({ examples: [EXAMPLE_PARAMS.campaignId] }) });
/** A unit's path parameters, with the unit of the walk-through that this route's example speaks for. */
const unitParams = (exampleUnit = EXAMPLE_COMMUNE) => campaignParams.extend({ unitCode: unitCodeSchema.meta({ examples: [exampleUnit] }) });
const resultSchema = z.custom<SubmissionResult>((v) => typeof v === 'object' && v !== null && 'kind' in v);
/** Every answer that is a campaign's snapshot: its shape is the workflow's own type (workflows/messages.ts), which the API passes on as it is. */
export const snapshotSchema = z.custom<CampaignSnapshot>((v) => typeof v === 'object' && v !== null && 'campaignId' in v);

/** Runs a workflow call, turning its refusals into problems (404, 409, 422) and letting real failures through. */
async function callWorkflow<T>(what: Text, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw problemFromWorkflow(error, what) ?? error;
  }
}

/** Administrator steering and every unit report, each answered only after the workflow accepted or refused it. */
export function registerUnitRoutes(app: DanvanApp, deps: RouteDeps): void {
  const errors = {
    400: deps.problemSchema,
    401: deps.problemSchema,
    403: deps.problemSchema,
    404: deps.problemSchema,
    409: deps.problemSchema,
    422: deps.problemSchema,
  };

  // Every /v1 request was authenticated before validation (api/app.ts); here only the permission is decided.
  const allow = async (request: FastifyRequest, action: Action, position?: UnitPosition) => requireAllowed(request.principal!, action, position);

  const admin = <B extends z.ZodType>(
    path: string,
    summary: string,
    body: B,
    update: (campaignId: string, body: z.output<B>, params: Record<string, string>, requestedBy: string, key: string) => Promise<CampaignSnapshot>,
    action: Action,
  ) =>
    app.post(
      path,
      {
        schema: {
          tags: ['campaigns'],
          summary,
          security: [{ bearer: [] }],
          headers: writeHeaders,
          params: campaignParams,
          body,
          response: { 200: snapshotSchema, ...errors },
        },
      },
      async (request) => {
        const principal = await allow(request, action);
        const params = request.params as Record<string, string> & { campaignId: string };
        return callWorkflow({ en: `campaign ${params.campaignId}`, vi: `Chiến dịch ${params.campaignId}` }, () =>
          update(params.campaignId, request.body as z.output<B>, params, principal.sub, request.headers['idempotency-key'] as string),
        );
      },
    );

  const campaign = (campaignId: string) => deps.temporal.workflow.getHandle(campaignWorkflowId(campaignId));

  // A national tree takes minutes to bring up, past any HTTP client's patience: answered once the campaign accepted it.
  app.post(
    '/v1/campaigns/:campaignId/deploy',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Deploy the plan down the unit tree: 202 once the campaign accepted it, then follow the operation (Location) until every unit workflow runs',
        security: [{ bearer: [] }],
        headers: writeHeaders,
        params: campaignParams,
        body: z.object({ reason: z.string().trim().min(1).max(500).default('triển khai kế hoạch') }).meta({ examples: EXAMPLES.deploy }),
        response: { 202: operationAcceptedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const principal = await allow(request, 'campaign:deploy');
      const { campaignId } = request.params;
      const key = request.headers['idempotency-key'] as string;
      const updateId = updateIdOf(key, request.body);
      const { stage } = await callWorkflow({ en: `campaign ${campaignId}`, vi: `Chiến dịch ${campaignId}` }, () =>
        startUpdate(campaign(campaignId), deployUpdate, { args: [{ requestedBy: principal.sub, reason: request.body.reason, idempotencyKey: key }], updateId }),
      );
      const accepted = operationAccepted({ campaignId, updateId }, stage);
      return reply.code(202).header('location', accepted.href).send(accepted);
    },
  );
  admin(
    '/v1/campaigns/:campaignId/phase',
    'Move to the next phase (assessment, commendation, closed)',
    z.object({ to: z.enum(PHASES), reason: z.string().trim().min(1).max(500) }).meta({ examples: EXAMPLES.phase }),
    (id, body, _p, by, key) =>
      executeUpdate(campaign(id), advancePhaseUpdate, {
        args: [{ to: body.to, reason: body.reason, requestedBy: by, idempotencyKey: key }],
        updateId: updateIdOf(key, body),
      }),
    'campaign:phase',
  );
  app.post(
    '/v1/campaigns/:campaignId/deadlines/:deadline/extension',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Extend a deadline; pending reminders are re-planned',
        security: [{ bearer: [] }],
        headers: writeHeaders,
        params: campaignParams.extend({ deadline: deadlineSchema.meta({ examples: [EXAMPLE_PARAMS.deadline] }) }),
        body: z.object({ to: isoDateSchema, reason: z.string().trim().min(1).max(500) }).meta({ examples: EXAMPLES.extension }),
        response: { 200: snapshotSchema, ...errors },
      },
    },
    async (request) => {
      const principal = await allow(request, 'campaign:extend');
      const { campaignId, deadline } = request.params;
      const body = { deadline, ...request.body };
      const key = request.headers['idempotency-key'] as string;
      return callWorkflow({ en: `campaign ${campaignId}`, vi: `Chiến dịch ${campaignId}` }, () =>
        executeUpdate(campaign(campaignId), extendDeadlineUpdate, {
          args: [{ ...body, requestedBy: principal.sub, idempotencyKey: key }],
          updateId: updateIdOf(key, body),
        }),
      );
    },
  );

  app.get(
    '/v1/campaigns/:campaignId/units/:unitCode',
    {
      schema: {
        tags: ['units'],
        summary: "One unit's snapshot and its children's progress",
        security: [{ bearer: [] }],
        params: unitParams(),
        response: { 200: z.custom<NodeSnapshot>(), ...errors },
      },
    },
    async (request) => {
      const { campaignId, unitCode } = request.params;
      const location = await deps.locator.locate(campaignId, unitCode);
      await allow(request, 'unit:read', { unitCode, ancestors: location.ancestors });
      const owner = await callWorkflow({ en: `unit ${unitCode}`, vi: `Đơn vị ${unitCode}` }, () =>
        deps.temporal.workflow.getHandle(location.owner).query(snapshotQuery),
      );
      if (owner.unitCode === unitCode) return owner;
      // A leaf (chi bộ): its record from its commune's workflow.
      return {
        ...owner,
        unitCode,
        units: owner.units.filter((u) => u.code === unitCode),
        children: [],
        overdueUnits: owner.overdueUnits.filter((u) => u.code === unitCode),
      };
    },
  );

  const report = <B extends z.ZodType, P extends z.ZodObject>(
    method: 'POST' | 'PATCH',
    path: string,
    summary: string,
    params: P,
    body: B,
    action: Action,
    toCommand: (unitCode: string, body: z.output<B>, params: z.output<P>) => ReportCommand,
  ) =>
    app.route({
      method,
      url: path,
      schema: { tags: ['reports'], summary, security: [{ bearer: [] }], headers: writeHeaders, params, body, response: { 201: resultSchema, ...errors } },
      handler: async (request, reply) => {
        const p = request.params as z.output<P> & { campaignId: string; unitCode: string };
        const location = await deps.locator.locate(p.campaignId, p.unitCode);
        const principal = await allow(request, action, { unitCode: p.unitCode, ancestors: location.ancestors });
        const command = toCommand(p.unitCode, request.body as z.output<B>, p);
        const submission = { idempotencyKey: request.headers['idempotency-key'] as string, submittedBy: principal.sub, command };
        const result = await callWorkflow({ en: `unit ${p.unitCode}`, vi: `Đơn vị ${p.unitCode}` }, () =>
          executeUpdate(deps.temporal.workflow.getHandle(location.owner), submitUpdate, { args: [submission], updateId: submissionUpdateId(submission) }),
        );
        return reply.code(201).send(result);
      },
    });

  const modelParams = unitParams().extend({ modelId: modelIdSchema.meta({ examples: [EXAMPLE_PARAMS.modelId] }) });
  report(
    'POST',
    '/v1/campaigns/:campaignId/units/:unitCode/study-sessions',
    "Report a chi bộ's thematic study session",
    unitParams(EXAMPLE_PARTY_CELL),
    studySessionSchema.meta({ examples: EXAMPLES.studySession }),
    'report:study-session',
    (unitCode, report) => ({ kind: 'study-session', unitCode, report }),
  );
  report(
    'POST',
    '/v1/campaigns/:campaignId/units/:unitCode/dialogues',
    "Report a commune's dialogue conference",
    unitParams(),
    dialogueSchema.meta({ examples: EXAMPLES.dialogue }),
    'report:dialogue',
    (unitCode, report) => ({ kind: 'dialogue', unitCode, report }),
  );
  report(
    'POST',
    '/v1/campaigns/:campaignId/units/:unitCode/activities',
    'Report an activity of the catalogue (documents issued, inspections, conferences, propaganda, support drives…) with its measures',
    unitParams(),
    activityReportSchema.meta({ examples: EXAMPLES.activity }),
    'report:activity',
    (unitCode, report) => ({ kind: 'activity', unitCode, report }),
  );
  report(
    'POST',
    '/v1/campaigns/:campaignId/units/:unitCode/petitions',
    'Record a petition (kiến nghị, khiếu nại, tố cáo)',
    unitParams(),
    petitionSchema.meta({ examples: EXAMPLES.petition }),
    'report:petition',
    (unitCode, report) => ({ kind: 'petition', unitCode, report }),
  );
  report(
    'PATCH',
    '/v1/campaigns/:campaignId/units/:unitCode/petitions/:petitionId',
    "Record a petition's resolution",
    unitParams().extend({ petitionId: petitionIdSchema.meta({ examples: [EXAMPLE_PARAMS.petitionId] }) }),
    petitionResolutionSchema.meta({ examples: EXAMPLES.petitionResolution }),
    'report:petition-resolution',
    (unitCode, report, p) => ({ kind: 'petition-resolution', unitCode, petitionId: p.petitionId, report }),
  );
  report(
    'POST',
    '/v1/campaigns/:campaignId/units/:unitCode/models',
    'Register a "Dân vận khéo" model',
    unitParams(),
    modelRegistrationSchema.meta({ examples: EXAMPLES.model }),
    'report:model-registration',
    (unitCode, report) => ({ kind: 'model-registration', unitCode, report }),
  );
  report(
    'POST',
    '/v1/campaigns/:campaignId/units/:unitCode/models/:modelId/assessment',
    'Assess, recognize or reject a model',
    modelParams,
    modelAssessmentSchema.meta({ examples: EXAMPLES.assessment }),
    'model:assessment',
    (unitCode, report, p) => ({ kind: 'model-assessment', unitCode, modelId: p.modelId, report }),
  );
  report(
    'POST',
    '/v1/campaigns/:campaignId/units/:unitCode/models/:modelId/commendation',
    'Commend a model, or propose it one level up',
    modelParams,
    modelCommendationSchema.meta({ examples: EXAMPLES.commendation }),
    'model:commendation',
    (unitCode, report, p) => ({ kind: 'model-commendation', unitCode, modelId: p.modelId, report }),
  );
  report(
    'POST',
    '/v1/campaigns/:campaignId/units/:unitCode/commendations',
    'Commend a collective or an individual (Bằng khen, Giấy khen…), in the name of the awarding body',
    unitParams(),
    commendationSchema.meta({ examples: EXAMPLES.award }),
    'honour:award',
    (unitCode, report) => ({ kind: 'commendation', unitCode, report }),
  );
}
