import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { draftMemo, draftWorkflowId, type YearlyDraftInput, type YearlyDraftResult } from './messages';
import { planDraftWorkflow } from './plan-draft';

const { draftPlan } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The yearly kick-off, the action of a schedule per template and issuing commission (api/schedule-routes.ts): it
 * drafts the plan of the template's next window to open after now and starts that plan's draft under an id made of
 * issuer, year and template. Temporal gives each schedule action an id of its own, so the draft's id is what makes
 * a second run of the same year (a trigger by hand, a catch-up) find the first one's draft instead of another.
 *
 * It waits for its draft to end, so the schedule shows it running while the draft is open; the draft is abandoned,
 * not ended, should the kick-off be.
 */
export async function yearlyDraftWorkflow(input: YearlyDraftInput): Promise<YearlyDraftResult> {
  const draft = await draftPlan({ templateId: input.templateId, issuer: input.issuer, at: new Date().toISOString() });
  const child = await startChild(planDraftWorkflow, {
    workflowId: draftWorkflowId(draft.draftId),
    args: [draft],
    parentClosePolicy: ParentClosePolicy.ABANDON,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    memo: { ...draftMemo(draft) },
  }).catch((error: unknown) => {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return undefined;
    throw error;
  });
  if (!child) return { draftId: draft.draftId, created: false };
  return { draftId: draft.draftId, created: true, outcome: await child.result() };
}
