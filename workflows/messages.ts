import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Phase } from '../domain/campaign';
import type { Plan } from '../domain/plan';

/**
 * The public contract of danvan's workflows: task queue, id helpers, inputs, and every message name.
 * Imported by the workflows and by api/, so both sides always agree.
 */
export const TASK_QUEUE_DEFAULT = 'danvan';

export function campaignWorkflowId(campaignId: string): string {
  return `campaign:${campaignId}`;
}

export interface CampaignInput {
  campaignId: string;
  plan: Plan;
}

export interface CampaignSnapshot {
  campaignId: string;
  plan: Plan;
  phase: Phase;
  /** Events emitted so far, and how many are still waiting for Kafka. */
  eventsEmitted: number;
  eventsPending: number;
}

export interface CloseRequest {
  reason: string;
}

export const snapshotQuery = defineQuery<CampaignSnapshot>('snapshot');
export const closeUpdate = defineUpdate<CampaignSnapshot, [CloseRequest]>('close');
