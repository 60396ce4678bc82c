import { WorkflowUpdateFailedError, type WorkflowHandle, type WorkflowUpdateOptions } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';

/** How long a handover may keep an Update waiting: it lasts as long as the run's last activity or signal. */
const HANDOVER_PATIENCE_MS = 60_000;

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
  for (let attempt = 0; ; attempt++) {
    try {
      return await handle.executeUpdate(update, options);
    } catch (error) {
      if (!isHandover(error) || Date.now() > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
    }
  }
}
