import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { issueKeyWorkflowId, type IssueKeyClaim } from '../workflows/messages';
import { problem } from './problems';

/**
 * Claims an Idempotency-Key for issuing a plan before anything else happens, so a key reused for another plan
 * is refused with nothing started. Answers whether the key was new or a retry of the same request.
 */
export async function claimIssueKey(temporal: Client, taskQueue: string, key: string, claim: IssueKeyClaim): Promise<'new' | 'retry'> {
  const workflowId = issueKeyWorkflowId(key);
  try {
    await temporal.workflow.start('issueKeyWorkflow', { workflowId, taskQueue, args: [], memo: { ...claim }, workflowIdReusePolicy: 'REJECT_DUPLICATE' });
    return 'new';
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  const earlier = (await temporal.workflow.getHandle(workflowId).describe()).memo as Partial<IssueKeyClaim> | undefined;
  if (earlier?.fingerprint === claim.fingerprint) return 'retry';
  const samePlan = earlier?.campaignId === claim.campaignId;
  throw problem(
    409,
    'idempotency-conflict',
    {
      en: `idempotency key ${key} was already used to issue ${samePlan ? 'a different version of this plan' : `another plan (${earlier?.campaignId ?? 'unknown'})`}`,
      vi: `Khóa chống trùng lặp ${key} đã được dùng để ban hành ${samePlan ? 'một phiên bản khác của kế hoạch này' : `một kế hoạch khác (${earlier?.campaignId ?? 'không rõ'})`}`,
    },
    [{ field: 'headers.idempotency-key', value: key, reason: { en: 'already used for a different request', vi: 'đã dùng cho một yêu cầu khác' } }],
  );
}
