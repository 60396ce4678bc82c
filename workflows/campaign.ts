import { ApplicationFailure, allHandlersFinished, condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Phase } from '../domain/campaign';
import { buildEvent, type DomainEvent, type EventPayload, type EventType } from '../domain/events';
import { campaignIdFor, issuerCodeOf } from '../domain/plan';
import type { createActivities } from '../activities';
import { closeUpdate, snapshotQuery, type CampaignInput, type CampaignSnapshot } from './messages';
import { searchAttributes } from './search-attributes';

/**
 * One campaign per plan. Every state change goes through `emit`, which appends a validated event to the
 * outbox; a single publisher loop drains the outbox through an activity, in order, retrying until Kafka
 * takes each batch. The event id is fixed when the event enters history, so a retried publish after a
 * worker crash sends the very same id.
 */

const { publishEvents } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Keeps each publish activity's payload well under Temporal's limits while amortising round trips. */
const PUBLISH_BATCH = 100;

interface CampaignState {
  campaignId: string;
  input: CampaignInput;
  phase: Phase;
  sequence: number;
  outbox: DomainEvent[];
  closing: boolean;
}

function setup(input: CampaignInput): CampaignState {
  const expectedId = campaignIdFor(input.plan);
  if (input.campaignId !== expectedId) {
    throw ApplicationFailure.nonRetryable(`campaignId ${JSON.stringify(input.campaignId)} does not match plan ${input.plan.number} (expected ${expectedId})`, 'InvalidInput');
  }
  const state: CampaignState = { campaignId: input.campaignId, input, phase: 'issued', sequence: 0, outbox: [], closing: false };

  setHandler(snapshotQuery, () => snapshot(state));
  setHandler(
    closeUpdate,
    async ({ reason }) => {
      setPhase(state, 'closed', reason);
      return snapshot(state);
    },
    {
      validator: ({ reason }) => {
        if (state.phase === 'closed') throw new Error('the campaign is already closed');
        if (typeof reason !== 'string' || reason.trim() === '') throw new Error('reason: a closing reason is required');
      },
    },
  );
  return state;
}

function snapshot(state: CampaignState): CampaignSnapshot {
  return {
    campaignId: state.campaignId,
    plan: state.input.plan,
    phase: state.phase,
    eventsEmitted: state.sequence,
    eventsPending: state.outbox.length,
  };
}

function emit<T extends EventType>(state: CampaignState, type: T, unitCode: string, payload: EventPayload<T>): void {
  state.sequence += 1;
  state.outbox.push(buildEvent(type, { campaignId: state.campaignId, unitCode, sequence: state.sequence, occurredAt: new Date() }, payload));
}

function setPhase(state: CampaignState, to: Phase, reason: string): void {
  const from = state.phase;
  state.phase = to;
  upsertSearchAttributes([{ key: searchAttributes.phase, value: to }]);
  emit(state, 'campaign.phase-changed', state.input.plan.issuer.unitCode, { from, to, reason });
}

async function publishOutbox(state: CampaignState): Promise<void> {
  for (;;) {
    await condition(() => state.outbox.length > 0 || state.closing);
    if (state.outbox.length === 0) return;
    const batch = state.outbox.slice(0, PUBLISH_BATCH);
    await publishEvents(batch);
    state.outbox.splice(0, batch.length);
  }
}

export async function campaignWorkflow(input: CampaignInput): Promise<CampaignSnapshot> {
  const state = setup(input);
  const { plan } = input;
  upsertSearchAttributes([
    { key: searchAttributes.phase, value: state.phase },
    { key: searchAttributes.year, value: plan.year },
    { key: searchAttributes.issuer, value: issuerCodeOf(plan.number) },
    { key: searchAttributes.province, value: plan.issuer.unitCode },
    { key: searchAttributes.planNumber, value: plan.number },
  ]);
  const publisher = publishOutbox(state);

  emit(state, 'campaign.issued', plan.issuer.unitCode, { plan });
  await condition(() => state.phase === 'closed');

  await condition(allHandlersFinished);
  state.closing = true;
  await publisher;
  return snapshot(state);
}
