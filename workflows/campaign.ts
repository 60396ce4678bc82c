import { ApplicationFailure, condition, continueAsNew, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { phaseMoveProblem, type Phase } from '../domain/campaign';
import { issuerCodeOf } from '../domain/plan';
import type { Deadline, Deadlines } from '../domain/schedule';
import { UnitIndex } from '../domain/units';
import {
  DEFAULT_RUN_LIMITS,
  adminRequestFingerprint,
  advancePhaseUpdate,
  campaignSnapshotQuery,
  campaignWorkflowId,
  deployUpdate,
  extendDeadlineUpdate,
  locateQuery,
  locateUnit,
  unitTreeQuery,
  type CampaignInput,
  type AdminRequest,
  type CampaignSnapshot,
  type ExtensionRequest,
  type PhaseRequest,
} from './messages';
import {
  allChildrenFinished,
  allChildrenReported,
  announceDeployment,
  applyDeadlines,
  applyPhase,
  broadcastLoop,
  emit,
  createNodeState,
  nodeSnapshot,
  publishLoop,
  quiesce,
  registerNodeHandlers,
  runClock,
  startChildren,
  subtreeProgress,
} from './node';
import { searchAttributes } from './search-attributes';

/**
 * One campaign per plan (workflow id `campaign:<campaignId>`): the root node of the unit tree. It owns the
 * phase and the deadlines, which it moves by administrator Updates and by the clock, and passes down to the
 * unit workflows it starts at deployment; their figures come back up by signal.
 */

function adminRejection(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'conflict', message, details: [{ code: 'conflict', message, vi: message }], nonRetryable: true });
}

/** Deadline order that must hold after any extension. */
function extensionProblem(deadlines: Deadlines, request: ExtensionRequest, phase: Phase): string | undefined {
  const current = deadlines[request.deadline];
  if (phase === 'closed') return 'the campaign is closed';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(request.to)) return `to: expected a date YYYY-MM-DD, got ${JSON.stringify(request.to)}`;
  if (request.to <= current) return `${request.deadline} is already ${current}; an extension must move it later`;
  const next = { ...deadlines, [request.deadline]: request.to };
  const lastReport = next['study-sessions'] > next.dialogues ? next['study-sessions'] : next.dialogues;
  if (next.assessment < lastReport) return `the assessment deadline (${next.assessment}) would end before reporting does (${lastReport}); extend assessment first`;
  if (next.commendation < next.assessment) return `the commendation deadline (${next.commendation}) would end before assessment (${next.assessment}); extend commendation first`;
  const endsPhase: Partial<Record<Deadline, Phase>> = { assessment: 'assessment', commendation: 'commendation' };
  const phaseOfDeadline = endsPhase[request.deadline];
  if (phaseOfDeadline && ['assessment', 'commendation', 'closed'].indexOf(phase) > ['assessment', 'commendation', 'closed'].indexOf(phaseOfDeadline)) {
    return `the ${phaseOfDeadline} phase is over; its deadline can no longer move`;
  }
  return undefined;
}

export async function campaignWorkflow(input: CampaignInput): Promise<CampaignSnapshot> {
  const index = new UnitIndex(input.tree);
  const root = index.root;
  const { plan } = input;
  const since = Object.fromEntries(Object.keys(plan.deadlines).map((d) => [d, new Date(0).toISOString()])) as Record<Deadline, string>;
  const state = createNodeState({
    campaignId: input.campaignId,
    plan,
    index,
    workflowId: campaignWorkflowId(input.campaignId),
    limits: { ...DEFAULT_RUN_LIMITS, ...input.limits },
    carry: input.carry,
    initial: { phase: 'issued', deadlines: plan.deadlines, deadlinesSince: since },
  });

  const snapshot = (): CampaignSnapshot => ({ ...nodeSnapshot(state), plan, ...(state.carry.deployedAt ? { deployedAt: state.carry.deployedAt } : {}) });
  const setPhase = (to: Phase, reason: string, trigger: 'admin' | 'deadline') => {
    const from = state.carry.phase;
    emit(state, 'campaign.phase-changed', root.code, { from, to, reason, trigger });
    // Moves made by the clock are made by every node's own clock at the same instant; only an administrator's
    // move must travel down. Not signalling then also spares children that are finishing a closing race.
    applyPhase(state, to, { broadcast: trigger === 'admin' });
  };
  /** Answers once every workflow of the tree runs and has reported in, so reports can be sent the moment it returns. */
  const deploy = async () => {
    setPhase('deployed', 'deployed down the unit tree', 'admin');
    announceDeployment(state);
    await startChildren(state, (code) => index.subtree(code));
    await condition(() => allChildrenReported(state));
  };

  registerNodeHandlers(state);
  setHandler(campaignSnapshotQuery, snapshot);
  setHandler(locateQuery, (unitCode) => locateUnit(input.campaignId, index, unitCode));
  setHandler(unitTreeQuery, () => input.tree);
  /**
   * An administrator Update made idempotent by its key, across runs: the same request again answers the snapshot
   * with no second effect; another request under a used key is refused. Temporal's own Update-id dedupe covers
   * only the current run.
   */
  const keyed = <R extends AdminRequest>(update: string, apply: (request: R) => Promise<void> | void, validate: (request: R) => void) => {
    const isRepeat = (request: R): boolean => {
      const key = request.idempotencyKey;
      const known = key === undefined ? undefined : state.carry.adminKeys?.[key];
      if (known === undefined) return false;
      if (known !== adminRequestFingerprint(update, request)) throw idempotencyRejection(key!);
      return true;
    };
    const start = (request: R): Promise<void> | void => {
      if (request.idempotencyKey) state.carry.adminKeys = { ...state.carry.adminKeys, [request.idempotencyKey]: adminRequestFingerprint(update, request) };
      return apply(request);
    };
    const finish = (): CampaignSnapshot => {
      state.updatesThisRun += 1;
      return snapshot();
    };
    return {
      // The handler keeps the shape each Update had before keys existed (deploy and phase moves async, extensions
      // synchronous): one more await would move the Update's completion against the commands it causes, and
      // histories recorded before would no longer replay.
      asyncHandler: async (request: R): Promise<CampaignSnapshot> => {
        if (isRepeat(request)) return snapshot();
        const pending = start(request);
        if (pending) await pending;
        return finish();
      },
      syncHandler: (request: R): CampaignSnapshot => {
        if (isRepeat(request)) return snapshot();
        void start(request);
        return finish();
      },
      validator: (request: R) => {
        if (typeof request !== 'object' || request === null) rejectAdmin('expected a request object');
        if (!isRepeat(request)) validate(request);
      },
    };
  };

  const deployment = keyed<AdminRequest>('deploy', deploy, (request) => {
    if (state.carry.phase !== 'issued') rejectAdmin(`the campaign is already ${state.carry.phase}; it is deployed once`);
    if (typeof request.requestedBy !== 'string' || request.requestedBy === '') rejectAdmin('requestedBy: say who deploys');
  });
  setHandler(deployUpdate, deployment.asyncHandler, { validator: deployment.validator });

  const phaseMove = keyed<PhaseRequest>(
    'advancePhase',
    (request) => (request.to === 'deployed' ? deploy() : setPhase(request.to, request.reason, 'admin')),
    (request) => {
      const problem = phaseMoveProblem(state.carry.phase, request.to);
      if (problem) rejectAdmin(problem);
      if (typeof request.reason !== 'string' || request.reason.trim() === '') rejectAdmin('reason: say why the phase moves');
    },
  );
  setHandler(advancePhaseUpdate, phaseMove.asyncHandler, { validator: phaseMove.validator });

  const extension = keyed<ExtensionRequest>(
    'extendDeadline',
    (request) => {
      const from = state.carry.deadlines[request.deadline];
      const since = { ...state.carry.deadlinesSince, [request.deadline]: new Date().toISOString() };
      emit(state, 'deadline.extended', root.code, { deadline: request.deadline, from, to: request.to, reason: request.reason });
      applyDeadlines(state, { ...state.carry.deadlines, [request.deadline]: request.to }, since);
    },
    (request) => {
      const problem = extensionProblem(state.carry.deadlines, request, state.carry.phase);
      if (problem) rejectAdmin(problem);
      if (typeof request.reason !== 'string' || request.reason.trim() === '') rejectAdmin('reason: say why the deadline moves');
    },
  );
  setHandler(extendDeadlineUpdate, extension.syncHandler, { validator: extension.validator });

  if (!input.carry) {
    upsertSearchAttributes([
      { key: searchAttributes.phase, value: state.carry.phase },
      { key: searchAttributes.year, value: plan.year },
      { key: searchAttributes.issuer, value: issuerCodeOf(plan.number) },
      { key: searchAttributes.province, value: plan.issuer.unitCode },
      { key: searchAttributes.planNumber, value: plan.number },
    ]);
    emit(state, 'campaign.issued', root.code, { plan, units: countKinds(input.tree) });
  }

  let finished = false;
  const closedAndDrained = () => state.carry.phase === 'closed' && allChildrenFinished(state);
  const publisher = publishLoop(state, () => finished);
  const broadcaster = broadcastLoop(state, () => finished);

  const outcome = await runClock(state, { finished: closedAndDrained, onAutomaticMove: (to, reason) => setPhase(to, reason, 'deadline') });

  if (outcome === 'continue-as-new') {
    await quiesce(state);
    await Promise.all([publisher, broadcaster]);
    return continueAsNew<typeof campaignWorkflow>({ ...input, carry: { ...state.carry, runs: state.carry.runs + 1 } });
  }

  emit(state, 'campaign.closed', root.code, { figures: subtreeProgress(state) });
  await condition(() => state.carry.outbox.length === 0 && state.broadcasts.length === 0 && !state.broadcasting);
  finished = true;
  await Promise.all([publisher, broadcaster]);
  return snapshot();
}

function rejectAdmin(message: string): never {
  throw adminRejection(message);
}

function idempotencyRejection(key: string): ApplicationFailure {
  const message = `idempotency key ${key} was already used for a different request`;
  return ApplicationFailure.create({
    type: 'idempotency-conflict',
    message,
    details: [{ code: 'idempotency-conflict', message, vi: 'Khóa chống trùng lặp đã được dùng cho một yêu cầu khác', field: 'headers.idempotency-key', value: key }],
    nonRetryable: true,
  });
}

function countKinds(units: CampaignInput['tree']): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const unit of units) counts[unit.kind] = (counts[unit.kind] ?? 0) + 1;
  return counts;
}
