import { sleep } from '@temporalio/workflow';

/**
 * Timers that are started once per instant and never cancelled. A waiter re-checks its condition when one
 * fires; a timer whose instant no longer matters fires into a condition that ignores it. Never cancelling keeps
 * every history free of the pattern "timer fired and cancelled in the same task", which the Java time-skipping
 * server cannot replay (temporalio/sdk-java#2606), and costs one command per instant instead of a
 * cancel-and-restart pair per wake.
 */
export class Timers {
  private readonly armed = new Set<number>();

  /** Makes sure the workflow wakes at `at` (epoch ms); an instant already passed needs no timer. */
  arm(at: number): void {
    const wait = at - Date.now();
    if (wait <= 0 || this.armed.has(at)) return;
    this.armed.add(at);
    void sleep(wait).then(() => this.armed.delete(at));
  }

  /** For conditions: the instant has come (the workflow's clock is the time of the task it runs in). */
  static reached(at: number): boolean {
    return at <= Date.now();
  }
}
