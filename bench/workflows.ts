import { condition, defineUpdate, executeChild, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { eventId, type DanvanEvent } from '../domain/event-envelope';

/**
 * Baselines: bare Temporal with no domain logic, run by the benchmark's own worker on the same server, so the
 * figures of danvan's workflows have something to be compared with from the same run.
 */

const submit = defineUpdate<{ accepted: true }, [unknown]>('submit');

/** Accepts the same `submit` Update danvan's unit workflows accept, and does nothing else: no ledger, no outbox, no publishing. */
export async function bareReportsWorkflow(): Promise<void> {
  setHandler(submit, () => ({ accepted: true as const }));
  await condition(() => false);
}

/** The bare shape of a deployment: a root starts one child per province, each starts one per commune; each ends once its children have started and ended. */
export async function bareRootWorkflow(communesPerProvince: number[]): Promise<void> {
  await Promise.all(communesPerProvince.map((communes) => executeChild(bareProvinceWorkflow, { args: [communes] })));
}

export async function bareProvinceWorkflow(communes: number): Promise<void> {
  await Promise.all(Array.from({ length: communes }, () => executeChild(bareCommuneWorkflow)));
}

export async function bareCommuneWorkflow(): Promise<void> {}

const { publishEvents } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds' });

/**
 * danvan's publish path without a campaign: batches of outbox events through the real `publishEvents` activity, one
 * at a time, as a workflow's publish loop sends them. Each event keeps the contract (the activity checks it): its
 * own sequence and the id made from it, as one source unit's stream.
 */
export async function outboxWorkflow(opts: { template: DanvanEvent; sourceUnit: string; batches: number; batchSize: number }): Promise<void> {
  for (let b = 0; b < opts.batches; b++) {
    await publishEvents(
      Array.from({ length: opts.batchSize }, (_, i) => {
        const sequence = b * opts.batchSize + i + 1;
        return { ...opts.template, id: eventId(opts.template.campaignid, opts.sourceUnit, sequence), sequence };
      }),
    );
  }
}
