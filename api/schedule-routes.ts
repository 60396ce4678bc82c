import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { addDays } from '../domain/calendar';
import { draftIdSchema, type DraftState, type DraftStatus } from '../domain/drafts';
import { campaignIdFor } from '../domain/plan';
import { isoDateSchema, issuerSchema, planNumberSchema } from '../domain/schemas';
import { templateDay, type PlanTemplate } from '../domain/templates';
import { executeUpdate } from '../infra/workflow-updates';
import {
  discardDraftUpdate,
  draftQuery,
  draftWorkflowId,
  issueDraftUpdate,
  type DraftIssue,
  type DraftMemo,
  type YearlyDraftInput,
} from '../workflows/messages';
import { requireAllowed } from './authorization';
import { EXAMPLE_DRAFT_ID, EXAMPLE_SCHEDULE_ID, KICK_OFF_EXAMPLES } from './examples';
import { problemFromWorkflow } from './failures';
import { languageHeader, problem, sendProblemBody, type ProblemBody } from './problems';
import { writeHeaders, type DanvanApp } from './unit-routes';

/**
 * The yearly kick-off over HTTP: a Temporal Schedule per template and issuing commission drafts next year's plan
 * ahead of its window (workflows/yearly-draft.ts); an administrator lists and pauses the schedules, reviews the
 * drafts and issues or discards them. Administrators only.
 */

/** The OpenAPI tags of these routes; the campaign walk-through leaves them to their own (test/integration/yearly-schedule.test.ts). */
export const KICK_OFF_TAGS = ['schedules', 'drafts'] as const;

export interface ScheduleRouteDeps {
  temporal: Client;
  taskQueue: string;
  problemSchema: z.ZodType;
  /** The templates a schedule may name: those shipped, read once at start (api/app.ts). */
  templates: ReadonlyMap<string, PlanTemplate>;
}

/** Vietnam's 08:00, when the working day starts, in UTC: the schedule's calendar then needs no time zone database. */
const KICK_OFF_HOUR_UTC = 1;
/** A yearly schedule's next runs shown: this year's or next, and two more to check the day by. */
const NEXT_TIMES_SHOWN = 3;
const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'] as const;

export function scheduleIdFor(templateId: string, issuerUnitCode: string): string {
  return `yearly-${templateId}-${issuerUnitCode}`;
}

/** The day of the year ("09-01") a template's plan is drafted `draftAhead` days before its window opens; counted in a common year. */
function draftDayOf(template: PlanTemplate, draftAhead: number): string {
  return addDays(templateDay(template.window.opensOn, 2025), -draftAhead).slice(5);
}

/** What a schedule's memo keeps: what it was created with, for listing without reading its action. */
interface ScheduleMemo {
  template: string;
  issuer: { unitCode: string; name: string };
  draftAhead: number;
  draftsOn: string;
}

const scheduleViewSchema = z.object({
  scheduleId: z.string(),
  template: z.string(),
  issuer: z.object({ unitCode: z.string(), name: z.string() }),
  draftAhead: z.number().int(),
  /** The day each year the plan is drafted, at 08:00 Vietnam time, as MM-DD. */
  draftsOn: z.string(),
  paused: z.boolean(),
  /** Why it was last paused or resumed. */
  note: z.string().nullable(),
  nextActionTimes: z.array(z.string()),
});
type ScheduleView = z.infer<typeof scheduleViewSchema>;

function viewOf(
  scheduleId: string,
  s: { memo?: Record<string, unknown>; state: { paused: boolean; note?: string }; info: { nextActionTimes: Date[] } },
): ScheduleView {
  const memo = s.memo as unknown as ScheduleMemo;
  return {
    scheduleId,
    template: memo.template,
    issuer: memo.issuer,
    draftAhead: memo.draftAhead,
    draftsOn: memo.draftsOn,
    paused: s.state.paused,
    note: s.state.note || null,
    nextActionTimes: s.info.nextActionTimes.slice(0, NEXT_TIMES_SHOWN).map((t) => t.toISOString()),
  };
}

const scheduleParams = z.object({
  scheduleId: z
    .string()
    .regex(/^yearly-[a-z][a-z0-9-]*-[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a schedule id like yearly-thang-dan-van-BG')
    .meta({ examples: [EXAMPLE_SCHEDULE_ID] }),
});
const draftParams = z.object({ draftId: draftIdSchema.meta({ examples: [EXAMPLE_DRAFT_ID] }) });
const reasonBody = (examples: unknown[]) => z.object({ reason: z.string().trim().min(1).max(500) }).meta({ examples });
const DRAFT_STATUS_VI: Record<DraftStatus, string> = { open: 'đang chờ', issued: 'đã ban hành', discarded: 'đã huỷ', expired: 'đã hết hạn' };

const draftStateSchema = z.custom<DraftState>((v) => typeof v === 'object' && v !== null && 'draft' in v && 'status' in v);

const draftListSchema = z.object({
  items: z.array(
    z.object({
      draftId: z.string(),
      template: z.string(),
      year: z.number().int(),
      issuer: z.object({ unitCode: z.string(), name: z.string() }),
      expiresAt: z.string(),
      draftedAt: z.string().nullable(),
    }),
  ),
});

/** Taken by the route rather than the draft: the draft is the commission's, for its own year. */
const notOverridden = (field: string) => z.undefined({ error: `${field} is the draft's own and cannot be changed when it is issued` }).optional();

export function registerScheduleRoutes(app: DanvanApp, deps: ScheduleRouteDeps): void {
  const errors = { 400: deps.problemSchema, 401: deps.problemSchema, 403: deps.problemSchema, 404: deps.problemSchema, 409: deps.problemSchema };
  const templateIds = [...deps.templates.keys()] as [string, ...string[]];
  const schedules = deps.temporal.schedule;

  const scheduleNotFound = (scheduleId: string) => problem(404, 'schedule-not-found', { en: `no schedule ${scheduleId}`, vi: `Không có lịch ${scheduleId}` });
  async function describeSchedule(scheduleId: string): Promise<ScheduleView> {
    try {
      return viewOf(scheduleId, await schedules.getHandle(scheduleId).describe());
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) throw scheduleNotFound(scheduleId);
      throw error;
    }
  }

  app.post(
    '/v1/schedules',
    {
      schema: {
        tags: ['schedules'],
        summary:
          "Schedule a template's yearly kick-off for an issuing commission: each year, draftAhead days before the window opens, its plan is drafted (the same template and issuer again answers the existing schedule)",
        security: [{ bearer: [] }],
        headers: writeHeaders,
        body: z
          .object({
            template: z.enum(templateIds, { error: `expected a shipped plan template: ${templateIds.join(', ')}` }),
            issuer: issuerSchema,
            draftAhead: z.number().int().min(1).max(180).default(30).meta({ description: 'days before the window opens' }),
          })
          .meta({ examples: KICK_OFF_EXAMPLES.schedule }),
        response: { 201: scheduleViewSchema.extend({ created: z.literal(true) }), 200: scheduleViewSchema.extend({ created: z.literal(false) }), ...errors },
      },
    },
    async (request, reply) => {
      requireAllowed(request.principal!, 'schedule:manage');
      const { template: templateId, issuer, draftAhead } = request.body;
      const scheduleId = scheduleIdFor(templateId, issuer.unitCode);
      const draftsOn = draftDayOf(deps.templates.get(templateId)!, draftAhead);
      const [month, day] = draftsOn.split('-').map(Number) as [number, number];
      const input: YearlyDraftInput = { templateId, issuer };
      const memo: ScheduleMemo = { template: templateId, issuer, draftAhead, draftsOn };
      try {
        await schedules.create({
          scheduleId,
          spec: {
            calendars: [
              {
                month: MONTHS[month - 1]!,
                dayOfMonth: day,
                hour: KICK_OFF_HOUR_UTC,
                comment: `${draftAhead} days before ${templateId} opens, 08:00 Vietnam time`,
              },
            ],
          },
          action: {
            type: 'startWorkflow',
            workflowType: 'yearlyDraftWorkflow',
            workflowId: `yearly-draft:${templateId}:${issuer.unitCode}`,
            taskQueue: deps.taskQueue,
            args: [input],
          },
          // Each year's kick-off waits for its draft, which may still be open when the next year's runs.
          policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
          memo: { ...memo },
        });
      } catch (error) {
        if (!(error instanceof ScheduleAlreadyRunning)) throw error;
        return reply.code(200).send({ ...(await describeSchedule(scheduleId)), created: false as const });
      }
      return reply.code(201).send({ ...(await describeSchedule(scheduleId)), created: true as const });
    },
  );

  app.get(
    '/v1/schedules',
    {
      schema: {
        tags: ['schedules'],
        summary: 'The yearly kick-off schedules, with their next run times and whether each is paused',
        security: [{ bearer: [] }],
        response: { 200: z.object({ items: z.array(scheduleViewSchema) }), 401: deps.problemSchema, 403: deps.problemSchema },
      },
    },
    async (request) => {
      requireAllowed(request.principal!, 'schedule:manage');
      const items: ScheduleView[] = [];
      for await (const summary of schedules.list()) {
        if (summary.scheduleId.startsWith('yearly-') && summary.memo?.template !== undefined) items.push(viewOf(summary.scheduleId, summary));
      }
      return { items: items.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId)) };
    },
  );

  for (const [action, examples] of [
    ['pause', KICK_OFF_EXAMPLES.pause],
    ['unpause', KICK_OFF_EXAMPLES.unpause],
  ] as const) {
    app.post(
      `/v1/schedules/:scheduleId/${action}`,
      {
        schema: {
          tags: ['schedules'],
          summary: action === 'pause' ? 'Pause a schedule, saying why: no plan is drafted until it is resumed' : 'Resume a paused schedule, saying why',
          security: [{ bearer: [] }],
          headers: writeHeaders,
          params: scheduleParams,
          body: reasonBody([...examples]),
          response: { 200: scheduleViewSchema, ...errors },
        },
      },
      async (request) => {
        const principal = requireAllowed(request.principal!, 'schedule:manage');
        const { scheduleId } = request.params;
        const note = `${request.body.reason} (${principal.sub})`;
        const handle = schedules.getHandle(scheduleId);
        try {
          await (action === 'pause' ? handle.pause(note) : handle.unpause(note));
        } catch (error) {
          if (error instanceof ScheduleNotFoundError) throw scheduleNotFound(scheduleId);
          throw error;
        }
        return describeSchedule(scheduleId);
      },
    );
  }

  const draftHandle = (draftId: string) => deps.temporal.workflow.getHandle(draftWorkflowId(draftId));
  async function draftState(draftId: string): Promise<DraftState> {
    try {
      return await draftHandle(draftId).query(draftQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw problem(404, 'draft-not-found', { en: `no draft ${draftId}`, vi: `Không có dự thảo ${draftId}` });
      throw error;
    }
  }
  const ended = (state: DraftState) =>
    problem(
      409,
      'draft-closed',
      { en: `draft ${state.draft.draftId} is ${state.status}`, vi: `Dự thảo ${state.draft.draftId} không còn chờ ban hành (${DRAFT_STATUS_VI[state.status]})` },
      [{ field: 'draftId', value: state.draft.draftId, reason: { en: `the draft is ${state.status}`, vi: `dự thảo ${DRAFT_STATUS_VI[state.status]}` } }],
    );

  app.get(
    '/v1/drafts',
    {
      schema: {
        tags: ['drafts'],
        summary: 'The drafted plans waiting for an administrator to issue or discard them',
        security: [{ bearer: [] }],
        response: { 200: draftListSchema, 401: deps.problemSchema, 403: deps.problemSchema },
      },
    },
    async (request) => {
      requireAllowed(request.principal!, 'draft:review');
      const items: z.infer<typeof draftListSchema>['items'] = [];
      for await (const execution of deps.temporal.workflow.list({ query: `WorkflowType = 'planDraftWorkflow' AND ExecutionStatus = 'Running'` })) {
        // Every draft is started by its kick-off, with this memo.
        const { draftId, template, year, issuer, expiresAt } = execution.memo as unknown as DraftMemo;
        items.push({ draftId, template, year, issuer, expiresAt, draftedAt: execution.startTime.toISOString() });
      }
      return { items: items.sort((a, b) => a.draftId.localeCompare(b.draftId)) };
    },
  );

  app.get(
    '/v1/drafts/:draftId',
    {
      schema: {
        tags: ['drafts'],
        summary: 'A drafted plan, to review before issuing it, and where it stands',
        security: [{ bearer: [] }],
        params: draftParams,
        response: { 200: draftStateSchema, 400: deps.problemSchema, 401: deps.problemSchema, 403: deps.problemSchema, 404: deps.problemSchema },
      },
    },
    async (request) => {
      requireAllowed(request.principal!, 'draft:review');
      return draftState(request.params.draftId);
    },
  );

  app.post(
    '/v1/drafts/:draftId/issue',
    {
      schema: {
        tags: ['drafts'],
        summary:
          'Issue a drafted plan with its number and issue date, and any other plan field replaced whole, to a unit tree: its campaign starts exactly as POST /v1/campaigns starts one',
        security: [{ bearer: [] }],
        headers: writeHeaders,
        params: draftParams,
        body: z
          .object({
            plan: z.looseObject({ number: planNumberSchema, issuedOn: isoDateSchema, issuer: notOverridden('issuer'), year: notOverridden('year') }).meta({
              description:
                "the number and issue date, and any other field of the plan to replace the draft's whole (checked as POST /v1/campaigns checks a plan)",
            }),
            tree: z.unknown().meta({ description: 'the unit tree, or { "sample": <name> }, as POST /v1/campaigns takes it' }),
          })
          .meta({ examples: KICK_OFF_EXAMPLES.issueDraft }),
        response: {
          201: z.looseObject({ campaignId: z.string(), workflowId: z.string(), created: z.literal(true) }),
          200: z.looseObject({ campaignId: z.string(), workflowId: z.string(), created: z.literal(false) }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const principal = requireAllowed(request.principal!, 'draft:review');
      requireAllowed(principal, 'campaign:issue');
      const { draftId } = request.params;
      const state = await draftState(draftId);
      const { number, issuedOn } = request.body.plan;
      const campaignId = campaignIdFor({ number, issuer: state.draft.plan.issuer, year: state.draft.plan.year });
      // Issued already as this campaign: a retry, answered by POST /v1/campaigns as it answers any retry.
      if (state.status !== 'open' && state.issued?.campaignId !== campaignId) throw ended(state);

      const issued = await issueAsCampaign(request, { plan: { ...state.draft.plan, ...request.body.plan }, tree: request.body.tree });
      if (issued.statusCode >= 300) return sendProblemBody(reply, issued.json<ProblemBody>());
      if (state.status === 'open') await recordIssued(request, draftId, { campaignId, number, issuedOn, requestedBy: principal.sub });
      return reply.code(issued.statusCode).send(issued.json<{ campaignId: string; workflowId: string; created: boolean }>());
    },
  );

  app.post(
    '/v1/drafts/:draftId/discard',
    {
      schema: {
        tags: ['drafts'],
        summary: 'Discard a drafted plan, saying why: the commission issues none from it',
        security: [{ bearer: [] }],
        headers: writeHeaders,
        params: draftParams,
        body: reasonBody(KICK_OFF_EXAMPLES.discardDraft),
        response: { 200: draftStateSchema, ...errors },
      },
    },
    async (request) => {
      const principal = requireAllowed(request.principal!, 'draft:review');
      const { draftId } = request.params;
      const state = await draftState(draftId);
      if (state.status === 'discarded') return state;
      if (state.status !== 'open') throw ended(state);
      try {
        return await executeUpdate(draftHandle(draftId), discardDraftUpdate, { args: [{ reason: request.body.reason, requestedBy: principal.sub }] });
      } catch (error) {
        throw problemFromWorkflow(error, { en: `draft ${draftId}`, vi: `Dự thảo ${draftId}` }) ?? error;
      }
    },
  );

  /**
   * A draft's campaign is issued by POST /v1/campaigns itself, with the caller's token and Idempotency-Key, the plan
   * given whole: it is issued exactly as any other plan, and a refusal names `body.plan.<field>` and `body.tree`,
   * the fields of this request.
   */
  function issueAsCampaign(request: FastifyRequest, body: { plan: unknown; tree: unknown }) {
    return app.inject({
      method: 'POST',
      url: '/v1/campaigns',
      headers: {
        authorization: request.headers.authorization!,
        'idempotency-key': request.headers['idempotency-key'] as string,
        'content-type': 'application/json',
        ...languageHeader(request),
      },
      payload: JSON.stringify(body),
    });
  }

  /**
   * The campaign stands once issued: a draft that closed in the meantime (its window ended that very moment) keeps
   * its own status, and the answer is the campaign's all the same.
   */
  async function recordIssued(request: FastifyRequest, draftId: string, issue: DraftIssue) {
    try {
      await executeUpdate(draftHandle(draftId), issueDraftUpdate, { args: [issue] });
    } catch (error) {
      // Refused by a draft that closed as it was asked, or sent to one already closed.
      if (!(error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError)) throw error;
      request.log.warn(
        { err: error, draftId, campaignId: issue.campaignId },
        `draft ${draftId} closed before its issuing was recorded; campaign ${issue.campaignId} stands`,
      );
    }
  }
}
