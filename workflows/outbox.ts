import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { Loop } from './loop';
import type { Node } from './node';

const { publishEvents } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Events per publish activity: few enough to stay far below payload limits, enough to amortise the round trip. */
const PUBLISH_BATCH = 200;

/** Publishes the node's outbox in order, one batch at a time; a batch leaves the outbox only once Kafka has it. */
export class Outbox extends Loop {
  constructor(private readonly node: Node) {
    super();
  }

  protected async work(): Promise<void> {
    while (await this.next(() => this.node.pendingEvents(1).length > 0)) {
      const batch = this.node.pendingEvents(PUBLISH_BATCH);
      await publishEvents(batch);
      this.node.published(batch.length);
    }
  }
}
