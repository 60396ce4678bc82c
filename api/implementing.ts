import { ServiceError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { Plan } from '../domain/plan';
import type { Progress } from '../domain/progress';
import { campaignIdOfWorkflowId, campaignSnapshotQuery, campaignWorkflowId } from '../workflows/messages';
import { searchAttributes } from '../workflows/search-attributes';

/**
 * Plans implementing plans: a district's plan names its province's (`plan.implements`), its campaign workflow is
 * listed by that id (the DanvanImplements search attribute), and the province's snapshot lists the campaigns
 * implementing it from Temporal's visibility store. No workflow holds the list, so a plan implementing one on another
 * server, or one not issued yet, needs nothing from it; the parent lists it once both run on one server.
 */

/** The most implementing campaigns a snapshot lists (each one costs a query); `count` has them all. */
export const IMPLEMENTING_LIST_LIMIT = 100;
/** How long one implementing campaign's snapshot is waited for: a campaign whose worker is down must not hold up its parent's. */
const SNAPSHOT_DEADLINE_MS = 5_000;

export interface ImplementingCampaign {
  campaignId: string;
  planNumber: string;
  /** The issuing commission; `name` is absent when its snapshot did not answer. */
  issuer: { unitCode: string; name?: string };
  year: number;
  phase: string;
  /** Its rolled-up figures, as its own snapshot has them; null when its workflow did not answer in time. */
  progress: Progress | null;
}

export interface ImplementedBy {
  /** Every campaign implementing this one on this server. */
  count: number;
  /** At most IMPLEMENTING_LIST_LIMIT of them, by campaign id. */
  campaigns: ImplementingCampaign[];
}

/** What `POST /v1/campaigns` says of the plan a plan implements: whether its campaign runs on this server. */
export const implementsAnswerSchema = z.object({
  campaignId: z.string(),
  /** False for a plan of another server or not issued yet: the plan is accepted all the same. */
  found: z.boolean(),
});
export type ImplementsAnswer = z.infer<typeof implementsAnswerSchema>;

function listQuery(campaignId: string): string {
  // campaignId matched campaignIdSchema: letters, digits, '.', '_' and '-' cannot break out of the literal.
  return `WorkflowType = 'campaignWorkflow' AND ${searchAttributes.implements.name} = '${campaignId}' AND ExecutionStatus != 'ContinuedAsNew'`;
}

/**
 * The campaigns implementing `campaignId`, each with its figures. Undefined when the visibility store cannot list
 * them (DanvanImplements not registered on this server, or the store failing): the snapshot answers without the
 * list, and the reason is logged, rather than the campaign becoming unreadable.
 */
export async function implementedBy(temporal: Client, campaignId: string, log: FastifyBaseLogger): Promise<ImplementedBy | undefined> {
  const query = listQuery(campaignId);
  const listed: ImplementingCampaign[] = [];
  let count: number;
  try {
    for await (const execution of temporal.workflow.list({ query, pageSize: IMPLEMENTING_LIST_LIMIT })) {
      const attrs = execution.typedSearchAttributes;
      listed.push({
        campaignId: campaignIdOfWorkflowId(execution.workflowId),
        planNumber: attrs.get(searchAttributes.planNumber) ?? '',
        issuer: { unitCode: attrs.get(searchAttributes.province) ?? '' },
        year: attrs.get(searchAttributes.year) ?? 0,
        phase: attrs.get(searchAttributes.phase) ?? '',
        progress: null,
      });
      if (listed.length === IMPLEMENTING_LIST_LIMIT) break;
    }
    count = listed.length < IMPLEMENTING_LIST_LIMIT ? listed.length : (await temporal.workflow.count(query)).count;
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    log.warn(
      { err: error, campaignId },
      `cannot list the campaigns implementing ${campaignId}; is the search attribute ${searchAttributes.implements.name} registered?`,
    );
    return undefined;
  }
  listed.sort((a, b) => a.campaignId.localeCompare(b.campaignId));
  return { count, campaigns: await Promise.all(listed.map((listing) => withSnapshot(temporal, listing))) };
}

/** A listed campaign with what its own snapshot says, fresher than the search attributes; as listed when it does not answer. */
async function withSnapshot(temporal: Client, listed: ImplementingCampaign): Promise<ImplementingCampaign> {
  try {
    const snapshot = await temporal.withDeadline(Date.now() + SNAPSHOT_DEADLINE_MS, () =>
      temporal.workflow.getHandle(campaignWorkflowId(listed.campaignId)).query(campaignSnapshotQuery),
    );
    const { plan } = snapshot;
    return { campaignId: listed.campaignId, planNumber: plan.number, issuer: plan.issuer, year: plan.year, phase: snapshot.phase, progress: snapshot.progress };
  } catch {
    return listed;
  }
}

/** Whether the campaign a plan implements runs on this server; undefined for a plan that implements none. */
export async function implementsAnswer(temporal: Client, plan: Plan): Promise<ImplementsAnswer | undefined> {
  if (!plan.implements) return undefined;
  const { campaignId } = plan.implements;
  try {
    await temporal.workflow.getHandle(campaignWorkflowId(campaignId)).describe();
    return { campaignId, found: true };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { campaignId, found: false };
    throw error;
  }
}
