import { condition, continueAsNew } from '@temporalio/workflow';
import { UnitIndex } from '../domain/units';
import { unitWorkflowId, type NodeSnapshot, type UnitInput } from './messages';
import {
  allChildrenFinished,
  announceDeployment,
  applyPhase,
  broadcastLoop,
  createNodeState,
  nodeSnapshot,
  publishLoop,
  quiesce,
  registerFollowerHandlers,
  registerNodeHandlers,
  reportLoop,
  runClock,
  startChildren,
} from './node';

/**
 * One workflow per non-leaf unit below the campaign's root (workflow id `unit:<campaignId>:<unitCode>`): a
 * district rolls its communes up, a commune tracks its chi bộ. It is started at deployment with its subtree,
 * follows the phase and deadlines its parent sends, and finishes once the campaign closes and its own
 * children have finished, after a last report to its parent.
 */
export async function unitWorkflow(input: UnitInput): Promise<NodeSnapshot> {
  const index = new UnitIndex(input.units);
  const state = createNodeState({
    campaignId: input.campaignId,
    plan: input.plan,
    index,
    workflowId: unitWorkflowId(input.campaignId, index.root.code),
    parentWorkflowId: input.parentWorkflowId,
    limits: input.limits,
    carry: input.carry,
    initial: { phase: input.phase, deadlines: input.deadlines, deadlinesSince: input.deadlinesSince },
  });
  registerNodeHandlers(state);
  registerFollowerHandlers(state);

  if (!input.carry) announceDeployment(state);
  await startChildren(state, (code) => index.subtree(code));

  let finished = false;
  const closedAndDrained = () => state.carry.phase === 'closed' && allChildrenFinished(state);
  const publisher = publishLoop(state, () => finished);
  const broadcaster = broadcastLoop(state, () => finished);
  const reporter = reportLoop(state, () => finished);

  const outcome = await runClock(state, { finished: closedAndDrained, onAutomaticMove: (to) => applyPhase(state, to, { broadcast: false }) });
  if (outcome === 'continue-as-new') {
    await quiesce(state);
    await Promise.all([publisher, broadcaster, reporter]);
    return continueAsNew<typeof unitWorkflow>({ ...input, phase: state.carry.phase, deadlines: state.carry.deadlines, deadlinesSince: state.carry.deadlinesSince, carry: { ...state.carry, runs: state.carry.runs + 1 } });
  }

  await condition(() => state.carry.outbox.length === 0 && state.broadcasts.length === 0 && !state.broadcasting);
  finished = true;
  await Promise.all([publisher, broadcaster, reporter]);
  return nodeSnapshot(state);
}
