import { workflowInfo } from '@temporalio/workflow';
import { phaseIndex, PHASES, type Phase } from '../domain/campaign';
import { ledgerProgress, overdueUnits, upwardProposals } from '../domain/ledger';
import { emptyProgress, sumProgress, type Progress } from '../domain/progress';
import { deadlinesKey, type ChildReport, type OverdueUnit } from './carry';
import { OVERDUE_LIST_LIMIT, type NodeSnapshot } from './messages';
import type { Node } from './node';

/**
 * What a node knows of its whole subtree: its own ledger plus its children's last reports. The figures it
 * reports up and answers in its snapshot, and what every workflow below it holds.
 */

function childReports(node: Node): ChildReport[] {
  return node.childUnits.flatMap((c) => node.childReport(c.code) ?? []);
}

/** The earliest phase any workflow of this subtree holds, or undefined while a started child has not reported in. */
export function subtreePhase(node: Node): Phase | undefined {
  if (!node.state.childrenStarted) return node.state.phase;
  if (!node.allChildrenReported()) return undefined;
  return PHASES[Math.min(phaseIndex(node.state.phase), ...childReports(node).map((r) => phaseIndex(r.phase)))];
}

/** The deadlines every workflow of this subtree holds, as a key, or null while they differ. */
export function subtreeDeadlinesKey(node: Node): string | null {
  const own = deadlinesKey(node.state.deadlines, node.obligations);
  if (!node.state.childrenStarted) return own;
  return node.childUnits.every((c) => node.childReport(c.code)?.deadlinesKey === own) ? own : null;
}

/** Every workflow of the subtree holds `phase` (or a later one) and the node's deadlines: what an administrator's request waits for. */
export function subtreeHolds(node: Node, phase: Phase): boolean {
  const held = subtreePhase(node);
  return held !== undefined && phaseIndex(held) >= phaseIndex(phase) && subtreeDeadlinesKey(node) !== null;
}

/** Own figures plus every child's last report. */
export function subtreeProgress(node: Node): Progress {
  const own = ledgerProgress(node.state.ledger, node.complianceContext());
  own.reminders = { ...node.state.reminders };
  return sumProgress([own, ...childReports(node).map((r) => r.progress)]);
}

function subtreeOverdue(node: Node): OverdueUnit[] {
  const own: OverdueUnit[] = overdueUnits(node.state.ledger, node.complianceContext());
  return own.concat(...childReports(node).map((r) => r.overdueUnits)).slice(0, OVERDUE_LIST_LIMIT);
}

/** What the node tells its parent. */
export function reportOf(node: Node): ChildReport {
  const phase = subtreePhase(node) ?? node.state.phase;
  const proposals = upwardProposals(node.state.ledger, node.unit.code);
  return {
    unitCode: node.unit.code,
    progress: subtreeProgress(node),
    overdueUnits: subtreeOverdue(node),
    finished: node.finished(),
    phase,
    deadlinesKey: subtreeDeadlinesKey(node),
    ...(proposals.length > 0 ? { proposals } : {}),
  };
}

export function snapshotOf(node: Node, updatesThisRun: number): NodeSnapshot {
  return {
    campaignId: node.campaignId,
    unitCode: node.unit.code,
    phase: node.state.phase,
    deadlines: node.state.deadlines,
    progress: subtreeProgress(node),
    units: Object.values(node.state.ledger.units),
    children: node.childUnits.map((child) => {
      const report = node.childReport(child.code);
      return { unitCode: child.code, name: child.name, kind: child.kind, progress: report?.progress ?? emptyProgress(), finished: report?.finished ?? false };
    }),
    overdueUnits: subtreeOverdue(node),
    eventsEmitted: node.events.emitted,
    eventsPending: node.events.pending,
    run: { number: node.state.runs, updates: updatesThisRun, historyLength: workflowInfo().historyLength },
  };
}
