import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { campaignIdSchema } from '../domain/schemas';
import { UnitIndex } from '../domain/units';
import { updateStage, type UpdateStage } from '../infra/workflow-updates';
import { campaignWorkflowId, unitTreeQuery, unitWorkflowId, type CampaignSnapshot } from '../workflows/messages';
import { requireAllowed } from './authorization';
import { EXAMPLE_CAMPAIGN_ID } from './examples';
import { problemFromWorkflow } from './failures';
import { languageOf, localise, problem, type Problem, type ProblemError } from './problems';
import { snapshotSchema, type DanvanApp } from './unit-routes';

/**
 * Work that outlasts an HTTP request: deploying a campaign starts a workflow for every non-leaf unit of its tree, which
 * takes minutes for a national tree. The route answers 202 once the campaign workflow has accepted the deploy Update,
 * and the client follows the operation here. An operation is that Update, named by its campaign and Update id: the id
 * is derived from the request's Idempotency-Key, so a retry is the same operation, and nothing is stored beside
 * Temporal.
 */

/** Every operation is under this path. */
const OPERATIONS_PATH = '/v1/operations';

export interface OperationRef {
  campaignId: string;
  /** The Update's id: the Idempotency-Key and the fingerprint of what was asked (domain/fingerprint.ts `updateIdOf`). */
  updateId: string;
}

const updateIdPattern = /^[\x21-\x7e]{8,200}\.[0-9a-f]{1,32}$/;

/** Opaque to clients, decodable here: base64url of `<campaignId>/<updateId>` (a campaign id holds no "/"). */
export function operationIdOf(ref: OperationRef): string {
  return Buffer.from(`${ref.campaignId}/${ref.updateId}`, 'utf8').toString('base64url');
}

export function decodeOperationId(operationId: string): OperationRef | undefined {
  const text = Buffer.from(operationId, 'base64url').toString('utf8');
  const slash = text.indexOf('/');
  const ref = { campaignId: text.slice(0, slash), updateId: text.slice(slash + 1) };
  // Base64url decoding skips what it cannot read: only the id's own encoding names the operation.
  if (slash < 0 || operationIdOf(ref) !== operationId) return undefined;
  return campaignIdSchema.safeParse(ref.campaignId).success && updateIdPattern.test(ref.updateId) ? ref : undefined;
}

export function operationPath(operationId: string): string {
  return `${OPERATIONS_PATH}/${operationId}`;
}

/** One check, so that a bad id is one error naming the field. */
const operationIdSchema = z
  .string()
  .refine((id) => id.length <= 600 && decodeOperationId(id) !== undefined, {
    message: 'not an operation id: use the operationId (or the Location) a deploy answered',
    params: { vi: 'không phải mã thao tác: hãy dùng operationId (hoặc Location) mà yêu cầu triển khai đã trả về' },
  })
  .meta({
    description: 'base64url, as a deploy answered it',
    examples: [operationIdOf({ campaignId: EXAMPLE_CAMPAIGN_ID, updateId: 'trien-khai-0001.1a2b3c4d5e6f7' })],
  });

const progressSchema = z
  .object({
    unitsRunning: z.number().int().meta({ description: 'units whose workflow runs: a unit with a workflow of its own, or a chi bộ once its commune’s runs' }),
    unitsTotal: z.number().int().meta({ description: 'every unit of the campaign’s tree' }),
  })
  .meta({ description: 'never goes down; equals unitsTotal once the operation has succeeded' });

const operationFields = { operationId: z.string(), campaignId: z.string(), href: z.string() };

/** What a deploy answers: 202 and where to follow it. `succeeded` when the deploy had already completed (a retry). */
export const operationAcceptedSchema = z.object({ ...operationFields, status: z.enum(['running', 'succeeded']) });
export type OperationAccepted = z.output<typeof operationAcceptedSchema>;

export function operationAccepted(ref: OperationRef, stage: UpdateStage): OperationAccepted {
  const operationId = operationIdOf(ref);
  return { operationId, campaignId: ref.campaignId, href: operationPath(operationId), status: stage === 'completed' ? 'succeeded' : 'running' };
}

/**
 * How many units a deploy brings up, and how many of them each unit workflow holds: its own unit and its chi bộ (leaf
 * children), as workflows/node.ts tracks them. The campaign workflow holds the root's.
 */
interface DeployShape {
  root: string;
  unitsTotal: number;
  rootUnits: number;
  unitsByWorkflow: Map<string, number>;
}

function deployShape(campaignId: string, tree: UnitIndex): DeployShape {
  const owned = (code: string) => 1 + tree.children(code).filter((c) => tree.isLeaf(c.code)).length;
  const unitsByWorkflow = new Map<string, number>();
  const pending = tree.children(tree.root.code).filter((c) => !tree.isLeaf(c.code));
  for (let unit = pending.pop(); unit; unit = pending.pop()) {
    unitsByWorkflow.set(unitWorkflowId(campaignId, unit.code), owned(unit.code));
    pending.push(...tree.children(unit.code).filter((c) => !tree.isLeaf(c.code)));
  }
  return { root: tree.root.code, unitsTotal: tree.size, rootUnits: owned(tree.root.code), unitsByWorkflow };
}

function operationNotFound(operationId: string, why: { en: string; vi: string }): ProblemError {
  return problem(404, 'operation-not-found', { en: `no operation ${operationId}: ${why.en}`, vi: `Không có thao tác ${operationId}: ${why.vi}` }, [
    { field: 'params.operationId', value: operationId, reason: why },
  ]);
}

/** The shape of each campaign asked about, kept: a tree never changes, and a national one is ≈ 62,000 units to fetch. */
class DeployShapes {
  private readonly shapes = new Map<string, Promise<DeployShape>>();

  constructor(
    private readonly temporal: Client,
    private readonly maxCampaigns = 20,
  ) {}

  of(campaignId: string): Promise<DeployShape> {
    let shape = this.shapes.get(campaignId);
    if (!shape) {
      shape = this.temporal.workflow
        .getHandle(campaignWorkflowId(campaignId))
        .query(unitTreeQuery)
        .then((tree) => deployShape(campaignId, new UnitIndex(tree)));
      // A failed fetch (no such campaign, Temporal away) is forgotten so that the next poll asks again.
      shape.catch(() => this.shapes.delete(campaignId));
      if (this.shapes.size >= this.maxCampaigns) this.shapes.delete(this.shapes.keys().next().value as string);
      this.shapes.set(campaignId, shape);
    }
    return shape;
  }
}

/** How far back a poll looks past the latest start it has seen: the visibility store may list a start late. */
const VISIBILITY_LAG_MS = 60_000;

/** What this API process has seen of a deploy's unit workflows, so that a poll lists only those started since. */
interface Started {
  workflowIds: Set<string>;
  units: number;
  latestStartMs: number;
  /** Fewer listed than counted after a pass: the next one lists them all. */
  behind: boolean;
}

/**
 * Units whose workflow runs: the root's, and those of every unit workflow of the campaign that Temporal's visibility
 * store lists. A poll counts them first (one cheap call) and lists only when the count moved, from a minute before the
 * latest start it saw: listing a national tree's 3,355 workflows every time took 2 s on an idle dev server, 12 s during
 * the deploy. The visibility store only ever adds a started workflow, so the figure never goes down.
 */
class UnitsRunning {
  private readonly started = new Map<string, Started>();

  constructor(
    private readonly temporal: Client,
    private readonly maxCampaigns = 20,
  ) {}

  async of(campaignId: string, shape: DeployShape): Promise<number> {
    const seen = this.seen(campaignId);
    // The campaign id's characters cannot close the quoted literal (campaignIdSchema).
    const query = `WorkflowType = 'unitWorkflow' AND WorkflowId STARTS_WITH '${unitWorkflowId(campaignId, '')}'`;
    const { namespace } = this.temporal.options;
    const count = Number((await this.temporal.workflowService.countWorkflowExecutions({ namespace, query })).count ?? 0);
    if (count > seen.workflowIds.size) {
      const since = seen.workflowIds.size > 0 && !seen.behind ? ` AND StartTime >= '${new Date(seen.latestStartMs - VISIBILITY_LAG_MS).toISOString()}'` : '';
      let nextPageToken: Uint8Array | undefined;
      do {
        const page = await this.temporal.workflowService.listWorkflowExecutions({ namespace, query: query + since, pageSize: 1_000, nextPageToken });
        for (const execution of page.executions ?? []) {
          const workflowId = execution.execution?.workflowId;
          if (!workflowId || seen.workflowIds.has(workflowId)) continue;
          seen.workflowIds.add(workflowId);
          seen.units += shape.unitsByWorkflow.get(workflowId) ?? 0;
          seen.latestStartMs = Math.max(seen.latestStartMs, Number(execution.startTime?.seconds ?? 0) * 1000);
        }
        nextPageToken = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
      } while (nextPageToken);
      seen.behind = seen.workflowIds.size < count;
    }
    return Math.min(shape.rootUnits + seen.units, shape.unitsTotal);
  }

  private seen(campaignId: string): Started {
    let seen = this.started.get(campaignId);
    if (!seen) {
      if (this.started.size >= this.maxCampaigns) this.started.delete(this.started.keys().next().value as string);
      seen = { workflowIds: new Set(), units: 0, latestStartMs: 0, behind: false };
      this.started.set(campaignId, seen);
    }
    return seen;
  }
}

/**
 * The run that holds an Update: the current one, or an earlier one that has since handed over (continue-as-new), where
 * its outcome stays. Update ids are per run, and a deploy is among the first Updates of a campaign: oldest first.
 */
async function findUpdate(temporal: Client, ref: OperationRef): Promise<{ runId?: string; stage: UpdateStage } | undefined> {
  const workflowId = campaignWorkflowId(ref.campaignId);
  const current = await updateStage(temporal.workflow, workflowId, undefined, ref.updateId);
  if (current) return { stage: current };
  const runs = await temporal.workflowService.listWorkflowExecutions({
    namespace: temporal.options.namespace,
    query: `WorkflowId = '${workflowId}' AND ExecutionStatus = 'ContinuedAsNew'`,
    pageSize: 1_000,
  });
  const earlier = (runs.executions ?? [])
    .map((e) => ({ runId: e.execution?.runId ?? '', startedAt: Number(e.startTime?.seconds ?? 0) }))
    .filter((r) => r.runId !== '')
    .sort((a, b) => a.startedAt - b.startedAt);
  for (const { runId } of earlier) {
    const stage = await updateStage(temporal.workflow, workflowId, runId, ref.updateId);
    if (stage) return { runId, stage };
  }
  return undefined;
}

function deployFailed(request: FastifyRequest, error: Error): Problem {
  request.log.error({ err: error }, 'deploy failed');
  return { slug: 'internal', status: 500, detail: { en: 'the deploy failed; the error is logged', vi: 'Triển khai thất bại; lỗi đã được ghi nhật ký' } };
}

export interface OperationDeps {
  temporal: Client;
  problemSchema: z.ZodType;
  /** Where clients reach the API: the base of the type URL of a failed operation's problem. */
  publicBaseUrl: () => string;
}

/** `GET /v1/operations/{operationId}`: where a deploy stands, asked as often as a client likes and answered at once. */
export function registerOperationRoutes(app: DanvanApp, deps: OperationDeps): void {
  const shapes = new DeployShapes(deps.temporal);
  const running = new UnitsRunning(deps.temporal);
  const fields = { ...operationFields, progress: progressSchema };
  const operationSchema = z.discriminatedUnion('status', [
    z.object({ ...fields, status: z.literal('running') }),
    z.object({
      ...fields,
      status: z.literal('succeeded'),
      result: snapshotSchema.meta({ description: 'the campaign’s snapshot once every unit workflow runs' }),
    }),
    z.object({ ...operationFields, status: z.literal('failed'), problem: deps.problemSchema }),
  ]);

  app.get(
    `${OPERATIONS_PATH}/:operationId`,
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Where a deploy stands: running with how many units run, succeeded with the campaign’s snapshot, or failed with the problem',
        security: [{ bearer: [] }],
        params: z.object({ operationId: operationIdSchema }),
        response: { 200: operationSchema, 400: deps.problemSchema, 401: deps.problemSchema, 403: deps.problemSchema, 404: deps.problemSchema },
      },
    },
    async (request) => {
      const { operationId } = request.params;
      const ref = decodeOperationId(operationId)!;
      const base = { operationId, campaignId: ref.campaignId, href: operationPath(operationId) };
      let shape: DeployShape;
      try {
        shape = await shapes.of(ref.campaignId);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError)
          throw operationNotFound(operationId, { en: `campaign ${ref.campaignId} does not exist`, vi: `không có chiến dịch ${ref.campaignId}` });
        throw error;
      }
      // Whoever may read the campaign may follow its operations.
      requireAllowed(request.principal!, 'campaign:read', { unitCode: shape.root, ancestors: [] });
      const found = await findUpdate(deps.temporal, ref);
      if (!found)
        throw operationNotFound(operationId, {
          en: `campaign ${ref.campaignId} has no such deploy; send the deploy again with its Idempotency-Key`,
          vi: `chiến dịch ${ref.campaignId} không có lần triển khai này; hãy gửi lại yêu cầu triển khai với cùng Idempotency-Key`,
        });
      if (found.stage === 'accepted')
        return {
          ...base,
          status: 'running' as const,
          progress: { unitsRunning: await running.of(ref.campaignId, shape), unitsTotal: shape.unitsTotal },
        };
      try {
        const result = await deps.temporal.workflow
          .getHandle(campaignWorkflowId(ref.campaignId))
          .getUpdateHandle<CampaignSnapshot>(ref.updateId, found.runId ? { workflowRunId: found.runId } : undefined)
          .result();
        return { ...base, status: 'succeeded' as const, progress: { unitsRunning: shape.unitsTotal, unitsTotal: shape.unitsTotal }, result };
      } catch (error) {
        if (!(error instanceof WorkflowUpdateFailedError)) throw error;
        // A failure that is no refusal of the workflow's is the server's; the poll itself went well.
        const failure =
          problemFromWorkflow(error, { en: `campaign ${ref.campaignId}`, vi: `Chiến dịch ${ref.campaignId}` })?.problem ?? deployFailed(request, error);
        const language = languageOf(request.headers['accept-language']);
        return { ...base, status: 'failed' as const, problem: localise(failure, language, deps.publicBaseUrl(), request.url) };
      }
    },
  );
}
