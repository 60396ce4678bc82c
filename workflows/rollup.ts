import { condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import { Loop } from './loop';
import type { ChildReport } from './carry';
import { childReportSignal } from './messages';
import type { Node } from './node';
import { reportOf, subtreeDeadlinesKey, subtreePhase } from './subtree';
import { Timers } from './timers';

/**
 * Tells the parent this subtree's figures whenever they change, at most once per `reportIntervalMs`: a burst of
 * reports costs the parent (and the campaign root, which every province reports to) a handful of signals.
 * A change of what the subtree holds (its phase, its deadlines) or its last report goes at once: an
 * administrator's move is waiting for it.
 */
export class Rollup extends Loop {
  private sentRevision = -1;
  private sent: ChildReport | undefined;
  private sentAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly node: Node,
    private readonly timers: Timers,
  ) {
    super();
  }

  private urgent(): boolean {
    const node = this.node;
    return this.sent === undefined || node.finished() || subtreePhase(node) !== this.sent.phase || subtreeDeadlinesKey(node) !== this.sent.deadlinesKey;
  }

  protected async work(): Promise<void> {
    const { node } = this;
    if (!node.parentWorkflowId) return;
    const parent = getExternalWorkflowHandle(node.parentWorkflowId);
    // The first report means "this subtree is running": it waits for the children's first reports.
    if (!(await this.next(() => node.allChildrenReported()))) return;
    while (await this.next(() => node.revision !== this.sentRevision)) {
      const due = this.sentAt + node.limits.reportIntervalMs;
      if (!this.urgent() && !Timers.reached(due)) {
        this.timers.arm(due);
        await condition(() => Timers.reached(due) || this.urgent() || this.stopped);
        if (this.stopped) return;
      }
      const report = reportOf(node);
      this.sentRevision = node.revision;
      this.sent = report;
      // Stamped when sent, never when the signal's answer comes back: the answer's task is not where a replay
      // always sees it, and a throttle that depended on it would decide differently on replay.
      this.sentAt = Date.now();
      await parent.signal(childReportSignal, report);
      if (report.finished) return;
    }
  }
}

/** The other end: a node records each child's report as it comes. */
export function receiveChildReports(node: Node): void {
  setHandler(childReportSignal, (report) => node.recordChildReport(report));
}
