import { ApplicationFailure } from '@temporalio/workflow';
import type { Rejection } from '../domain/rejection';

/**
 * The one way a workflow refuses a request: a non-retryable ApplicationFailure whose type is the rejection's
 * code and whose details carry the rejection itself (the Vietnamese reason, the field and the value), which
 * the API turns into a problem (api/failures.ts). Thrown from a validator it leaves no trace in history.
 */
export function refusal(rejection: Rejection): ApplicationFailure {
  return ApplicationFailure.create({ type: rejection.code, message: rejection.message, details: [rejection], nonRetryable: true });
}

export function refuse(rejection: Rejection): never {
  throw refusal(rejection);
}
