import { condition } from '@temporalio/workflow';
import { nextAutomaticMove, type Phase } from '../domain/campaign';
import type { Node } from './node';
import { nextReminder, sendReminder } from './reminders';
import { Timers } from './timers';

export type AutomaticMove = (to: Phase, reason: string) => void;

/**
 * The node's clock: reminders before each deadline, escalation after it, overdue repeats, and the phase moves
 * the plan's dates make by themselves. It sleeps until the next of them or until the node changes, on timers
 * it never cancels (workflows/timers.ts), and returns when `until` says the run is over.
 */
export class Clock {
  constructor(
    private readonly node: Node,
    private readonly timers: Timers,
    private readonly move: AutomaticMove,
  ) {}

  /** Makes every automatic phase move already due; handlers call it first, so what they do lands in the right phase. */
  catchUp(): void {
    for (let next = this.nextMove(); next && Timers.reached(next.at.getTime()); next = this.nextMove()) this.move(next.to, next.reason);
  }

  /** The plan's next phase move; none before deployment. */
  private nextMove() {
    return this.node.state.deployedAt ? nextAutomaticMove(this.node.state.phase, this.node.plan.window, this.node.state.deadlines) : undefined;
  }

  /** The next instant anything is due, after doing everything already due. */
  private tick(): number | undefined {
    this.catchUp();
    for (let due = nextReminder(this.node); due && Timers.reached(due.at); due = nextReminder(this.node)) {
      sendReminder(this.node, due.action);
      this.catchUp();
    }
    const instants = [nextReminder(this.node)?.at, this.nextMove()?.at.getTime()].filter((at): at is number => at !== undefined);
    return instants.length > 0 ? Math.min(...instants) : undefined;
  }

  async run<R>(until: () => R | undefined): Promise<R> {
    for (;;) {
      const at = this.tick();
      const verdict = until();
      if (verdict !== undefined) return verdict;
      const seen = this.node.revision;
      if (at !== undefined) this.timers.arm(at);
      await condition(() => this.node.revision !== seen || (at !== undefined && Timers.reached(at)) || until() !== undefined);
    }
  }
}
