import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Rejection, RejectionCode } from '../domain/ledger';
import { problem, type ProblemError } from './problems';

/** How each kind of refusal from a workflow reads over HTTP. */
const STATUS: Record<RejectionCode, number> = {
  invalid: 422,
  'not-found': 404,
  conflict: 409,
  'wrong-phase': 409,
  'idempotency-conflict': 409,
};

/**
 * Turns a workflow's refusal into a problem: the English reason as title, the Vietnamese one as detail, the
 * field and value it names. Anything else is not a refusal and is left to the error handler (a 5xx).
 */
export function problemFromWorkflow(error: unknown, what: string): ProblemError | undefined {
  if (error instanceof WorkflowNotFoundError) return problem(404, 'not-found', 'Not found', `${what} does not exist (or is not deployed yet)`);
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure) || !cause.type || !(cause.type in STATUS)) return undefined;
  const rejection = cause.details?.[0] as Partial<Rejection> | undefined;
  const code = cause.type as RejectionCode;
  return problem(
    STATUS[code],
    code,
    cause.message,
    rejection?.vi ?? cause.message,
    rejection?.field !== undefined ? [{ field: rejection.field, value: rejection.value, reason: cause.message }] : undefined,
  );
}
