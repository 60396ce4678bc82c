import { allHandlersFinished, condition, workflowInfo } from '@temporalio/workflow';
import { reject } from '../domain/rejection';
import type { Loop } from './loop';
import type { RunLimits } from './messages';
import { refuse } from './refusals';

/**
 * One run of a node's workflow and its handover to the next (continue-as-new). A run accepts at most
 * `maxUpdatesPerRun` Updates: once it has, or once its history is long enough, it refuses every further
 * Update in the validator (nothing reaches history; the caller sends it again and meets the next run), lets
 * the handlers and loops finish what they started, and hands over.
 */
export class Run {
  private accepted = 0;
  private handingOver = false;

  constructor(private readonly limits: RunLimits) {}

  get updates(): number {
    return this.accepted;
  }

  /** Called by every Update validator: refuses once the run is full or handing over. */
  admit(): void {
    if (this.handingOver || this.accepted >= this.limits.maxUpdatesPerRun) {
      refuse(
        reject(
          'run-handover',
          'this workflow is handing over to its next run; send the same request again',
          'Hệ thống đang chuyển sang lượt chạy mới; vui lòng gửi lại yêu cầu',
        ),
      );
    }
  }

  /** Called by every Update handler that took effect. */
  accept(): void {
    this.accepted += 1;
  }

  shouldHandOver(): boolean {
    const info = workflowInfo();
    return this.accepted >= this.limits.maxUpdatesPerRun || info.historyLength >= this.limits.maxHistoryEvents || info.continueAsNewSuggested;
  }

  /** Waits until nothing is in flight, so the next run starts from a state where nothing is half done. */
  async handOver(loops: readonly Loop[]): Promise<void> {
    this.handingOver = true;
    await condition(allHandlersFinished);
    await Promise.all(loops.map((loop) => loop.stop()));
  }
}
