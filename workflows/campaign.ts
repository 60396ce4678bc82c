import { allHandlersFinished, condition, continueAsNew, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { phaseMoveProblem, type Phase } from '../domain/campaign';
import { extensionProblem } from '../domain/extensions';
import { reject } from '../domain/rejection';
import type { Deadline } from '../domain/schedule';
import { UnitIndex } from '../domain/units';
import { registerAdminUpdate } from './admin-requests';
import { Children } from './children';
import { Clock } from './clock';
import {
  advancePhaseUpdate,
  campaignSnapshotQuery,
  campaignWorkflowId,
  deployUpdate,
  extendDeadlineUpdate,
  locateQuery,
  locateUnit,
  snapshotQuery,
  unitTreeQuery,
  type CampaignInput,
  type CampaignSnapshot,
} from './messages';
import { Node } from './node';
import { Outbox } from './outbox';
import { receiveChildReports } from './rollup';
import { Run } from './run';
import { campaignSearchAttributes } from './search-attributes';
import { snapshotOf, subtreeHolds, subtreePhase, subtreeProgress } from './subtree';
import { registerSubmissions } from './submissions';
import { Timers } from './timers';

/**
 * One campaign per plan (workflow id `campaign:<campaignId>`): the root node of the unit tree. It owns the
 * phase and the deadlines, which administrators move by Updates and the plan's dates move by the clock, and
 * passes them down to the unit workflows it starts at deployment; their figures come back up by signal.
 */
export async function campaignWorkflow(input: CampaignInput): Promise<CampaignSnapshot> {
  // Setup: the state, its loops, and every message handler.
  const { plan, tree } = input;
  const index = new UnitIndex(tree);
  const unsetSince = Object.fromEntries(Object.keys(plan.deadlines).map((d) => [d, new Date(0).toISOString()])) as Record<Deadline, string>;
  const node = new Node({
    campaignId: input.campaignId,
    plan,
    index,
    workflowId: campaignWorkflowId(input.campaignId),
    ...(input.limits ? { limits: input.limits } : {}),
    carry: input.carry,
    initial: { phase: 'issued', deadlines: plan.deadlines, deadlinesSince: unsetSince },
  });
  const run = new Run(node.limits);
  const timers = new Timers();
  const outbox = new Outbox(node);
  const children = new Children(node);

  /** Every move is an event; only an administrator's travels down: the clock of every node makes the plan's moves by itself. */
  const movePhase = (to: Phase, reason: string, trigger: 'admin' | 'deadline') => {
    node.emit('campaign.phase-changed', index.root.code, { from: node.state.phase, to, reason, trigger });
    node.enterPhase(to);
    if (trigger === 'admin') node.tellChildren({ kind: 'phase', phase: to });
  };
  const clock = new Clock(node, timers, (to, reason) => movePhase(to, reason, 'deadline'));
  const snapshot = (): CampaignSnapshot => ({
    ...snapshotOf(node, run.updates),
    plan,
    ...(node.state.deployedAt ? { deployedAt: node.state.deployedAt } : {}),
  });
  /** An administrator's move answers once every workflow of the tree holds it, so no report meets the old phase after. */
  const everyUnitHolds = (phase: Phase) => condition(() => subtreeHolds(node, phase));

  const deploy = async () => {
    movePhase('deployed', 'deployed down the unit tree', 'admin');
    node.announceDeployment();
    await children.startWorkflows(index);
    await everyUnitHolds('deployed');
  };

  registerSubmissions(node, run, clock);
  receiveChildReports(node);
  setHandler(snapshotQuery, () => snapshotOf(node, run.updates));
  setHandler(campaignSnapshotQuery, snapshot);
  setHandler(locateQuery, (unitCode) => locateUnit(input.campaignId, index, unitCode));
  setHandler(unitTreeQuery, () => tree);
  registerAdminUpdate(deployUpdate, node, run, snapshot, {
    problem: () =>
      node.state.phase === 'issued'
        ? undefined
        : reject('conflict', `the campaign is already ${node.state.phase}; it is deployed once`, 'Kế hoạch đã được triển khai', 'phase', node.state.phase),
    apply: deploy,
  });
  registerAdminUpdate(advancePhaseUpdate, node, run, snapshot, {
    problem: (request) => phaseMoveProblem(node.phaseNow(), request.to),
    apply: async (request) => {
      clock.catchUp();
      if (request.to === 'deployed') return deploy();
      movePhase(request.to, request.reason, 'admin');
      await everyUnitHolds(request.to);
    },
  });
  registerAdminUpdate(extendDeadlineUpdate, node, run, snapshot, {
    problem: (request) => extensionProblem(node.state.deadlines, request, node.phaseNow(), node.plan.window),
    apply: async (request) => {
      // extensionProblem refused a deadline the plan does not have.
      const from = node.state.deadlines[request.deadline]!;
      node.emit('deadline.extended', index.root.code, { deadline: request.deadline, from, to: request.to, reason: request.reason });
      node.setDeadlines(
        { ...node.state.deadlines, [request.deadline]: request.to },
        { ...node.state.deadlinesSince, [request.deadline]: new Date().toISOString() },
      );
      node.tellChildren({ kind: 'deadlines', deadlines: node.state.deadlines, deadlinesSince: node.state.deadlinesSince });
      await everyUnitHolds(node.state.phase);
    },
  });

  // Run: issue (first run only), then the clock until the campaign is closed everywhere or the run hands over.
  if (!input.carry) {
    upsertSearchAttributes(campaignSearchAttributes(plan, node.state.phase));
    node.emit('campaign.issued', index.root.code, { plan, units: countKinds(tree) });
  }
  outbox.start();
  children.start();
  // Closed everywhere: the campaign's figures. Petitions still open then are followed until resolved, and the run ends after.
  const announceClose = () => {
    node.emit('campaign.closed', index.root.code, { figures: subtreeProgress(node) });
    node.closeAnnounced();
  };
  // Closed here and below with petitions still open somewhere (else it would be finished): the closing is told now.
  const closeDue = () => node.followsPetitions && !node.state.closeAnnounced && subtreePhase(node) === 'closed';
  for (;;) {
    const outcome = await clock.run(() => (node.finished() ? 'finished' : closeDue() ? 'close' : run.shouldHandOver() ? 'handover' : undefined));
    if (outcome === 'handover') {
      await run.handOver([outbox, children]);
      return continueAsNew<typeof campaignWorkflow>({ ...input, carry: node.carryForNextRun() });
    }
    if (outcome === 'finished') break;
    announceClose();
  }
  if (!node.state.closeAnnounced) announceClose();

  // Nothing left to send.
  await condition(allHandlersFinished);
  await Promise.all([outbox.close(), children.close()]);
  return snapshot();
}

function countKinds(units: CampaignInput['tree']): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const unit of units) counts[unit.kind] = (counts[unit.kind] ?? 0) + 1;
  return counts;
}
