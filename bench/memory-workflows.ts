import { condition, defineSignal, setHandler } from '@temporalio/workflow';

/**
 * Workflows with nothing of danvan in their bundle, for `npm run bench:memory`: what one cached workflow costs the
 * Temporal SDK alone, and a parent that takes the progress signals of the commune workflows measured beside it.
 */

const childReport = defineSignal<[unknown]>('childReport');

export async function idleWorkflow(): Promise<void> {
  await condition(() => false);
}

export async function sinkWorkflow(): Promise<void> {
  setHandler(childReport, () => undefined);
  await condition(() => false);
}
