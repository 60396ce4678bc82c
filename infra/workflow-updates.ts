import { WorkflowUpdateFailedError, type WorkflowHandle, type WorkflowUpdateOptions } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { Histogram } from 'prom-client';
import { LATENCY_BUCKETS } from './metrics';

/** How long a handover may keep an Update waiting: it lasts as long as the run's last activity or signal. */
const HANDOVER_PATIENCE_MS = 60_000;

/** On prom-client's default registry, which the API serves: how long its requests wait on workflows. */
const updateLatency = new Histogram({
  name: 'danvan_api_update_duration_seconds',
  help: 'Time a caller waited on a workflow Update, retries across a continue-as-new handover included, by Update name and outcome (accepted, refused: rejected by its validator or handler, failed: not delivered or no answer)',
  labelNames: ['update', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
});

function isHandover(error: unknown): boolean {
  return error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === 'run-handover';
}

/**
 * Executes an Update on a danvan workflow. A run that is handing over to its next one (continue-as-new) refuses
 * Updates in the validator, before anything reaches history (workflows/run.ts): the same Update, with the same
 * id, is sent again until the next run takes it. Every other answer, refusal or failure is the caller's.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK types Update arguments as [any, ...any[]]
export async function executeUpdate<Ret, Args extends [any, ...any[]]>(
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, Args>,
  options: WorkflowUpdateOptions & { args: Args },
): Promise<Ret> {
  const giveUpAt = Date.now() + HANDOVER_PATIENCE_MS;
  const stopTimer = updateLatency.startTimer({ update: update.name });
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await handle.executeUpdate(update, options);
      stopTimer({ outcome: 'accepted' });
      return result;
    } catch (error) {
      if (!isHandover(error) || Date.now() > giveUpAt) {
        stopTimer({ outcome: error instanceof WorkflowUpdateFailedError ? 'refused' : 'failed' });
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
    }
  }
}
