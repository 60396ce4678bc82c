import {
  isGrpcServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateStage,
  type WorkflowClient,
  type WorkflowHandle,
  type WorkflowUpdateHandle,
  type WorkflowUpdateOptions,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
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
 * Sends an Update (`attempt`) until it meets a run that is not handing over. A run that is handing over to its next one
 * (continue-as-new) refuses Updates in the validator, before anything reaches history (workflows/run.ts): the same
 * Update, with the same id, is sent again until the next run takes it. Every other answer, refusal or failure is the
 * caller's.
 */
async function pastHandover<T>(updateName: string, attempt: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + HANDOVER_PATIENCE_MS;
  const stopTimer = updateLatency.startTimer({ update: updateName });
  for (let n = 0; ; n++) {
    try {
      const result = await attempt();
      stopTimer({ outcome: 'accepted' });
      return result;
    } catch (error) {
      if (!isHandover(error) || Date.now() > giveUpAt) {
        stopTimer({ outcome: error instanceof WorkflowUpdateFailedError ? 'refused' : 'failed' });
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** n)));
    }
  }
}

/** Executes an Update on a danvan workflow and answers its result, sent again past a run's handover. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK types Update arguments as [any, ...any[]]
export async function executeUpdate<Ret, Args extends [any, ...any[]]>(
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, Args>,
  options: WorkflowUpdateOptions & { args: Args },
): Promise<Ret> {
  return pastHandover(update.name, () => handle.executeUpdate(update, options));
}

/** Where an Update the workflow accepted stands: its handler still runs, or it has completed (its handle answers at once). */
export type UpdateStage = 'accepted' | 'completed';

/**
 * Starts an Update and waits only until the workflow has accepted it, for work that outlasts an HTTP request: the
 * caller polls `updateStage` after. Refusals throw exactly as from `executeUpdate`, handover retries included.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK types Update arguments as [any, ...any[]]
export async function startUpdate<Ret, Args extends [any, ...any[]]>(
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, Args>,
  options: WorkflowUpdateOptions & { args: Args },
): Promise<{ handle: WorkflowUpdateHandle<Ret>; stage: UpdateStage }> {
  return pastHandover(update.name, async () => {
    const started = await handle.startUpdate(update, { ...options, waitForStage: WorkflowUpdateStage.ACCEPTED });
    const stage = await updateStage(handle.client, handle.workflowId, started.workflowRunId, started.updateId);
    if (stage !== undefined) return { handle: started, stage };
    // The server keeps no Update its validator refused; the start's answer holds the refusal, which result() throws.
    await started.result();
    return { handle: started, stage: 'completed' as const };
  });
}

/**
 * Where an accepted Update stands, answered at once (a poll that waits only for the stage it has already reached);
 * undefined when the run (the current one unless `runId` is given) knows no Update of this id.
 */
export async function updateStage(client: WorkflowClient, workflowId: string, runId: string | undefined, updateId: string): Promise<UpdateStage | undefined> {
  try {
    const answer = await client.workflowService.pollWorkflowExecutionUpdate({
      namespace: client.options.namespace,
      identity: client.options.identity,
      updateRef: { workflowExecution: { workflowId, ...(runId ? { runId } : {}) }, updateId },
      waitPolicy: { lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED },
    });
    return answer.outcome ? 'completed' : 'accepted';
  } catch (error) {
    if (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND) return undefined;
    throw error;
  }
}

/** gRPC's NOT_FOUND: no such workflow, run or Update. */
const GRPC_NOT_FOUND = 5;
