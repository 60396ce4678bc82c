import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Phase } from '../domain/campaign';
import type { DraftState, PlanDraft } from '../domain/drafts';
import { fingerprint } from '../domain/fingerprint';
import type { LedgerUnit, Submission, SubmissionResult } from '../domain/ledger';
import type { Plan } from '../domain/plan';
import type { Progress } from '../domain/progress';
import type { Deadline, Deadlines } from '../domain/schedule';
import type { Unit, UnitIndex, UnitKind } from '../domain/units';
import type { ChildReport, NodeCarry, OverdueUnit } from './carry';

/**
 * The public contract of danvan's workflows: task queue, workflow ids, inputs, and every message name.
 * Imported by the workflows and by api/, so both sides always agree.
 */
export const TASK_QUEUE_DEFAULT = 'danvan';

export function campaignWorkflowId(campaignId: string): string {
  return `campaign:${campaignId}`;
}

/** The inverse of `campaignWorkflowId`, for workflows found by listing. */
export function campaignIdOfWorkflowId(workflowId: string): string {
  return workflowId.replace(/^campaign:/, '');
}

export function issueKeyWorkflowId(idempotencyKey: string): string {
  return `issue-key:${idempotencyKey}`;
}

/** What the memo of an issue-key workflow holds. */
export interface IssueKeyClaim {
  fingerprint: string;
  campaignId: string;
}

export function unitWorkflowId(campaignId: string, unitCode: string): string {
  return `unit:${campaignId}:${unitCode}`;
}

/** When a run hands over to a fresh one (continue-as-new): well before Temporal's 2,000 Updates and 50,000 events. */
export interface RunLimits {
  /**
   * The most Updates one run accepts, exactly: from the moment a run decides to hand over, its validators refuse
   * every Update with `run-handover` (before history, so the caller retries it on the next run; see
   * infra/workflow-updates.ts). Far below the server's 2,000 so that no report is ever refused for it.
   */
  maxUpdatesPerRun: number;
  maxHistoryEvents: number;
  /**
   * A node tells its parent its figures at most this often: a burst of reports then costs the parent (and the
   * campaign root, which every province reports to) one signal per interval instead of one per report.
   */
  reportIntervalMs: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = { maxUpdatesPerRun: 1_000, maxHistoryEvents: 8_000, reportIntervalMs: 2_000 };

export interface CampaignInput {
  campaignId: string;
  plan: Plan;
  /** The whole unit tree, validated; its root is the issuing unit. */
  tree: Unit[];
  limits?: Partial<RunLimits>;
  carry?: NodeCarry;
}

export interface UnitInput {
  campaignId: string;
  plan: Plan;
  unitCode: string;
  /** The unit and everything below it. */
  units: Unit[];
  parentWorkflowId: string;
  phase: Phase;
  deadlines: Deadlines;
  deadlinesSince: Record<Deadline, string>;
  limits: RunLimits;
  carry?: NodeCarry;
}

export interface ChildSummary {
  unitCode: string;
  name: string;
  kind: UnitKind;
  progress: Progress;
  finished: boolean;
}

export interface NodeSnapshot {
  campaignId: string;
  unitCode: string;
  phase: Phase;
  deadlines: Deadlines;
  /** This node's subtree: its own units plus every child's report. */
  progress: Progress;
  /** The units this node's workflow tracks itself (its own unit and its chi bộ). */
  units: LedgerUnit[];
  children: ChildSummary[];
  /** Overdue units of the subtree, at most OVERDUE_LIST_LIMIT; the counts in `progress` are complete. */
  overdueUnits: OverdueUnit[];
  eventsEmitted: number;
  eventsPending: number;
  run: { number: number; updates: number; historyLength: number };
}

export interface CampaignSnapshot extends NodeSnapshot {
  plan: Plan;
  deployedAt?: string;
}

export const OVERDUE_LIST_LIMIT = 500;

export interface AdminRequest {
  requestedBy: string;
  reason: string;
  /** The caller's Idempotency-Key: the same key again is answered without a second effect, even after a continue-as-new. */
  idempotencyKey?: string;
}

/** What an administrator's request asks for, whoever sends it: the part a reused idempotency key must repeat. */
export function adminRequestFingerprint(update: string, request: AdminRequest): string {
  const { requestedBy: _by, idempotencyKey: _key, ...asked } = request;
  return fingerprint({ update, ...asked });
}

export interface PhaseRequest extends AdminRequest {
  to: Phase;
}

export interface ExtensionRequest extends AdminRequest {
  deadline: Deadline;
  /** The new deadline day (Vietnam calendar, YYYY-MM-DD). */
  to: string;
}

// Administrator Updates, on the campaign workflow.
export const deployUpdate = defineUpdate<CampaignSnapshot, [AdminRequest]>('deploy');
export const advancePhaseUpdate = defineUpdate<CampaignSnapshot, [PhaseRequest]>('advancePhase');
export const extendDeadlineUpdate = defineUpdate<CampaignSnapshot, [ExtensionRequest]>('extendDeadline');

/** Every report, on the workflow that owns the unit (see `locateQuery`). */
export const submitUpdate = defineUpdate<SubmissionResult, [Submission]>('submit');

// Between nodes of one campaign.
export const phaseSignal = defineSignal<[{ phase: Phase }]>('phaseChanged');
export const deadlinesSignal = defineSignal<[{ deadlines: Deadlines; deadlinesSince: Record<Deadline, string> }]>('deadlinesChanged');
export const childReportSignal = defineSignal<[ChildReport]>('childReport');

export const snapshotQuery = defineQuery<NodeSnapshot>('snapshot');
export const campaignSnapshotQuery = defineQuery<CampaignSnapshot>('campaignSnapshot');
/** Where a unit sits: the workflow that owns it, and its ancestors (nearest first) for authorization. */
export interface UnitLocation {
  owner: string;
  ancestors: string[];
}

/** On the campaign workflow: where a unit sits, or null for a unit not in the campaign. */
export const locateQuery = defineQuery<UnitLocation | null, [string]>('locate');
/** On the campaign workflow: the whole unit tree, for callers that locate many units (the API caches it). */
export const unitTreeQuery = defineQuery<Unit[]>('unitTree');

/** The one rule of where a unit lives: the campaign root owns the units of its own ledger, a unit workflow the rest. */
export function locateUnit(campaignId: string, index: UnitIndex, unitCode: string): UnitLocation | null {
  if (!index.has(unitCode)) return null;
  const owner = index.ownerOf(unitCode);
  return {
    owner: owner === index.root.code ? campaignWorkflowId(campaignId) : unitWorkflowId(campaignId, owner),
    ancestors: index.ancestors(unitCode).map((u) => u.code),
  };
}

// The yearly kick-off: a schedule's run drafts a plan, the draft waits for an administrator (domain/drafts.ts).

/** What a yearly schedule starts its kick-off with: the template, and the commission the plan is drafted for. */
export interface YearlyDraftInput {
  templateId: string;
  issuer: { unitCode: string; name: string };
}

/** What the kick-off answers: the draft it made, or the one a kick-off of the same year made before (`created` false). */
export interface YearlyDraftResult {
  draftId: string;
  created: boolean;
  /** How the draft it made ended; absent when it found one already made. */
  outcome?: DraftState;
}

export function draftWorkflowId(draftId: string): string {
  return `plan-draft:${draftId}`;
}

/** What a draft workflow's memo says of it, so that drafts are listed without asking each one. */
export interface DraftMemo {
  draftId: string;
  template: string;
  year: number;
  issuer: { unitCode: string; name: string };
  expiresAt: string;
}

export function draftMemo(draft: PlanDraft): DraftMemo {
  return { draftId: draft.draftId, template: draft.template.id, year: draft.plan.year, issuer: draft.plan.issuer, expiresAt: draft.expiresAt };
}

export interface DraftIssue {
  /** The campaign the draft became: issued through `POST /v1/campaigns` with its number and issue date. */
  campaignId: string;
  number: string;
  issuedOn: string;
  requestedBy: string;
}

export interface DraftDiscard {
  reason: string;
  requestedBy: string;
}

export const issueDraftUpdate = defineUpdate<DraftState, [DraftIssue]>('issueDraft');
export const discardDraftUpdate = defineUpdate<DraftState, [DraftDiscard]>('discardDraft');
export const draftQuery = defineQuery<DraftState>('draft');
