import { ParentClosePolicy, getExternalWorkflowHandle, patched, startChild, type ChildWorkflowHandle } from '@temporalio/workflow';
import type { UnitIndex } from '../domain/units';
import { Loop } from './loop';
import { deadlinesKey, type ChildMessage } from './carry';
import { deadlinesSignal, phaseSignal, unitWorkflowId, type UnitInput } from './messages';
import type { Node } from './node';
import { unitWorkflowSearchAttributes } from './search-attributes';

/**
 * A parent that completes while a child it started still runs leaves the Java time-skipping server's clock locked for
 * good: the child's completion has no parent left to tell (docs/testing.md). Guarded for the histories recorded before.
 */
const CHILDREN_COMPLETE_FIRST = 'children-complete-before-parent';

/** Starts a workflow for each non-leaf child, then passes the node's messages down to all of them, in order. */
export class Children extends Loop {
  /** The children this run started: only the run that started a child hears of its completion. */
  private started: ChildWorkflowHandle<() => Promise<unknown>>[] = [];

  constructor(private readonly node: Node) {
    super();
  }

  /** Once per campaign: the children outlive this run if it continues as new. */
  async startWorkflows(index: UnitIndex): Promise<void> {
    const node = this.node;
    if (node.state.childrenStarted) return;
    const startedWith = { phase: node.state.phase, deadlines: deadlinesKey(node.state.deadlines, node.obligations) };
    this.started = await Promise.all(
      node.childUnits.map((child) => {
        const input: UnitInput = {
          campaignId: node.campaignId,
          plan: node.plan,
          unitCode: child.code,
          units: index.subtree(child.code),
          parentWorkflowId: node.workflowId,
          phase: node.state.phase,
          deadlines: node.state.deadlines,
          deadlinesSince: node.state.deadlinesSince,
          limits: node.limits,
        };
        return startChild('unitWorkflow', {
          workflowId: unitWorkflowId(node.campaignId, child.code),
          args: [input],
          // Children are steered by signals and report back by signal; a parent's continue-as-new must not end them.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          typedSearchAttributes: unitWorkflowSearchAttributes(node.plan, child.code, node.state.phase),
        });
      }),
    );
    node.markChildrenStarted();
    // A move or an extension that arrived while the children were starting found no one to tell yet.
    if (node.state.phase !== startedWith.phase) node.tellChildren({ kind: 'phase', phase: node.state.phase });
    if (deadlinesKey(node.state.deadlines, node.obligations) !== startedWith.deadlines)
      node.tellChildren({ kind: 'deadlines', deadlines: node.state.deadlines, deadlinesSince: node.state.deadlinesSince });
  }

  /** Ends once nothing is left to send and every child this run started has completed (its last report sent). */
  override async close(): Promise<void> {
    await super.close();
    if (patched(CHILDREN_COMPLETE_FIRST)) await Promise.allSettled(this.started.map((child) => child.result()));
  }

  protected async work(): Promise<void> {
    while (await this.next(() => this.node.nextChildMessage() !== undefined)) {
      const message = this.node.nextChildMessage()!;
      await Promise.all(
        this.node.childUnits.map((child) =>
          // A child that has already finished (its own clock closed it first) needs no more messages; signalling
          // a closed workflow is the only way this send fails.
          signal(getExternalWorkflowHandle(unitWorkflowId(this.node.campaignId, child.code)), message).catch(() => undefined),
        ),
      );
      this.node.childMessageSent();
    }
  }
}

function signal(handle: ReturnType<typeof getExternalWorkflowHandle>, message: ChildMessage): Promise<void> {
  return message.kind === 'phase'
    ? handle.signal(phaseSignal, { phase: message.phase })
    : handle.signal(deadlinesSignal, { deadlines: message.deadlines, deadlinesSince: message.deadlinesSince });
}
