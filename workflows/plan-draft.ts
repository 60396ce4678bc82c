import { allHandlersFinished, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { DraftState, PlanDraft } from '../domain/drafts';
import { eventsOf } from '../domain/event-envelope';
import { reject, type Rejection } from '../domain/rejection';
import { formatVietnameseDate } from '../domain/schedule';
import { discardDraftUpdate, draftQuery, issueDraftUpdate, type DraftDiscard, type DraftIssue } from './messages';
import { refusal } from './refusals';
import { Timers } from './timers';

const { publishEvents } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Why a draft takes no more decisions, or undefined while it is open. */
function closedProblem(state: DraftState, expiresAt: number): Rejection | undefined {
  const { draftId } = state.draft;
  if (state.status === 'issued')
    return reject(
      'conflict',
      `draft ${draftId} was issued as ${state.issued!.campaignId}`,
      `Dự thảo đã được ban hành (${state.issued!.number})`,
      'draftId',
      draftId,
    );
  if (state.status === 'discarded') return reject('conflict', `draft ${draftId} was discarded`, 'Dự thảo đã bị hủy', 'draftId', draftId);
  if (state.status === 'expired' || Timers.reached(expiresAt)) {
    const closed = formatVietnameseDate(state.draft.plan.window.closesOn);
    return reject(
      'conflict',
      `draft ${draftId} expired when its window closed`,
      `Dự thảo đã hết hạn (thời gian thực hiện kết thúc ngày ${closed})`,
      'draftId',
      draftId,
    );
  }
  return undefined;
}

/**
 * One drafted plan (workflow id `plan-draft:<draftId>`), started by its yearly kick-off: it tells the issuing
 * commission (plan.drafted), then waits for an administrator to issue it (the API issues the campaign, then records
 * it here) or discard it. A draft nobody acts on expires when its window closes: a plan for a month already over
 * is no longer worth issuing.
 */
export async function planDraftWorkflow(draft: PlanDraft): Promise<DraftState> {
  const state: DraftState = { draft, status: 'open' };
  const expiresAt = Date.parse(draft.expiresAt);

  setHandler(draftQuery, () => state);
  setHandler(
    issueDraftUpdate,
    (request: DraftIssue) => {
      if (state.status === 'open') {
        state.status = 'issued';
        state.issued = { campaignId: request.campaignId, number: request.number, issuedOn: request.issuedOn, by: request.requestedBy };
      }
      return state;
    },
    {
      // The same campaign again is a retry of the issuing, answered as it stands.
      validator: (request) => {
        if (state.status === 'issued' && state.issued!.campaignId === request.campaignId) return;
        const problem = closedProblem(state, expiresAt);
        if (problem) throw refusal(problem);
      },
    },
  );
  setHandler(
    discardDraftUpdate,
    (request: DraftDiscard) => {
      if (state.status === 'open') {
        state.status = 'discarded';
        state.discarded = { reason: request.reason, by: request.requestedBy };
      }
      return state;
    },
    {
      validator: (_request: DraftDiscard) => {
        if (state.status === 'discarded') return;
        const problem = closedProblem(state, expiresAt);
        if (problem) throw refusal(problem);
      },
    },
  );

  const issuer = draft.plan.issuer.unitCode;
  await publishEvents(
    eventsOf(
      'plan.drafted',
      { campaignId: draft.draftId, workflowId: workflowInfo().workflowId, sourceUnit: issuer, subject: issuer, sequence: 1, time: new Date() },
      draft,
    ),
  );

  new Timers().arm(expiresAt);
  await condition(() => state.status !== 'open' || Timers.reached(expiresAt));
  if (state.status === 'open') state.status = 'expired';
  await condition(allHandlersFinished);
  return state;
}
