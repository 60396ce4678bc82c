import { condition } from '@temporalio/workflow';

/**
 * The life of one concurrent concern of a node (the outbox, the messages to children, the reports to the
 * parent). `stop()` is for a handover: the loop ends after the piece of work in flight, so no activity or
 * signal is left half done, and the next run carries what is left. `close()` is for the end of the campaign:
 * the loop ends once nothing is pending.
 */
export abstract class Loop {
  private stopping = false;
  private closing = false;
  private running: Promise<void> = Promise.resolve();

  protected abstract work(): Promise<void>;

  start(): void {
    this.running = this.work();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.running;
  }

  protected get stopped(): boolean {
    return this.stopping;
  }

  /** Waits until there is work (true) or the loop should end (false). */
  protected async next(hasWork: () => boolean): Promise<boolean> {
    await condition(() => this.stopping || hasWork() || this.closing);
    return !this.stopping && hasWork();
  }
}
