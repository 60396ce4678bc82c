import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import { UnitIndex } from '../domain/units';
import { Children } from './children';
import { Clock } from './clock';
import { deadlinesSignal, phaseSignal, snapshotQuery, unitWorkflowId, type NodeSnapshot, type UnitInput } from './messages';
import { Node } from './node';
import { Outbox } from './outbox';
import { receiveChildReports, Rollup } from './rollup';
import { Run } from './run';
import { registerSubmissions } from './submissions';
import { snapshotOf } from './subtree';
import { Timers } from './timers';

/**
 * One workflow per non-leaf unit below the campaign's root (workflow id `unit:<campaignId>:<unitCode>`): a
 * district rolls its communes up, a commune tracks its chi bộ. It is started at deployment with its subtree,
 * follows the phase and deadlines its parent sends, and finishes once the campaign closes and its own
 * children have finished, after a last report to its parent.
 */
export async function unitWorkflow(input: UnitInput): Promise<NodeSnapshot> {
  // Setup: the state, its loops, and every message handler.
  const index = new UnitIndex(input.units);
  const node = new Node({
    campaignId: input.campaignId,
    plan: input.plan,
    index,
    workflowId: unitWorkflowId(input.campaignId, index.root.code),
    parentWorkflowId: input.parentWorkflowId,
    limits: input.limits,
    carry: input.carry,
    initial: { phase: input.phase, deadlines: input.deadlines, deadlinesSince: input.deadlinesSince },
  });
  const run = new Run(node.limits);
  const timers = new Timers();
  const outbox = new Outbox(node);
  const children = new Children(node);
  const rollup = new Rollup(node, timers);
  const clock = new Clock(node, timers, (to) => node.enterPhase(to));

  registerSubmissions(node, run, clock);
  receiveChildReports(node);
  setHandler(snapshotQuery, () => snapshotOf(node, run.updates));
  // The campaign's phase and deadlines come from the parent and go on down.
  setHandler(phaseSignal, ({ phase }) => {
    if (node.enterPhase(phase)) node.tellChildren({ kind: 'phase', phase });
  });
  setHandler(deadlinesSignal, ({ deadlines, deadlinesSince }) => {
    node.setDeadlines(deadlines, deadlinesSince);
    node.tellChildren({ kind: 'deadlines', deadlines, deadlinesSince });
  });

  // Run: announce the units (first run only), start the children, then the clock until closed or handing over.
  if (!input.carry) node.announceDeployment();
  await children.startWorkflows(index);
  for (const loop of [outbox, children, rollup]) loop.start();
  const outcome = await clock.run(() => (node.finished() ? 'finished' : run.shouldHandOver() ? 'handover' : undefined));
  if (outcome === 'handover') {
    await run.handOver([outbox, children, rollup]);
    return continueAsNew<typeof unitWorkflow>({ ...input, carry: node.carryForNextRun() });
  }

  // Closed here and below: the last report to the parent, then nothing left to send.
  await condition(allHandlersFinished);
  await Promise.all([outbox.close(), children.close(), rollup.close()]);
  return snapshotOf(node, run.updates);
}
