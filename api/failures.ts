import { isGrpcServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Rejection, RejectionCode } from '../domain/ledger';
import { problem, type ProblemError, type Text } from './problems';

/** How each kind of refusal from a workflow reads over HTTP. */
const STATUS: Record<RejectionCode, number> = {
  invalid: 422,
  'not-found': 404,
  conflict: 409,
  'wrong-phase': 409,
  'idempotency-conflict': 409,
  // Only once infra/workflow-updates.ts has sent it again for as long as a handover may take.
  'run-handover': 503,
};

/**
 * Turns a workflow's refusal into a problem: its reason in English and in Vietnamese as the detail, the field and
 * value it names. Anything else is not a refusal and is left to the error handler (a 5xx).
 */
export function problemFromWorkflow(error: unknown, what: Text): ProblemError | undefined {
  if (error instanceof WorkflowNotFoundError) {
    // The server's word for an Update to a workflow that has ended: its campaign closed with nothing left open there.
    if (/already completed/i.test(error.message))
      return problem(409, 'campaign-finished', {
        en: `${what.en}: the campaign is closed and every petition it held is resolved; it takes no more reports`,
        vi: `${what.vi}: chiến dịch đã đóng và mọi kiến nghị đã được giải quyết; không nhận thêm báo cáo`,
      });
    return problem(404, 'not-found', { en: `${what.en} does not exist (or is not deployed yet)`, vi: `${what.vi} không tồn tại (hoặc chưa được triển khai)` });
  }
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure) || !cause.type || !(cause.type in STATUS)) return undefined;
  const rejection = cause.details?.[0] as Partial<Rejection> | undefined;
  const code = cause.type as RejectionCode;
  // A refusal always carries its Vietnamese (domain/rejection.ts); the English stands in for one that somehow does not.
  const reason = { en: cause.message, vi: rejection?.vi ?? cause.message };
  return problem(STATUS[code], code, reason, rejection?.field !== undefined ? [{ field: rejection.field, value: rejection.value, reason }] : undefined);
}

/** gRPC statuses that mean "the server is busy or briefly away", not "the request is wrong": UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED. */
const TRANSIENT_GRPC_CODES: Record<number, string> = { 4: 'DEADLINE_EXCEEDED', 8: 'RESOURCE_EXHAUSTED', 14: 'UNAVAILABLE' };

/**
 * Temporal too busy or unreachable: a 503 the client can retry, with the same Idempotency-Key so that a write the
 * workflow did take is answered, not repeated. Anything else is left to the error handler.
 */
export function problemFromOverload(error: unknown): ProblemError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e) && e.code in TRANSIENT_GRPC_CODES) {
      return problem(503, 'temporarily-unavailable', {
        en: `the workflow service is busy or unreachable (${TRANSIENT_GRPC_CODES[e.code]}: ${e.details}); retry with the same Idempotency-Key`,
        vi: `Dịch vụ workflow đang bận hoặc không liên lạc được (${TRANSIENT_GRPC_CODES[e.code]}); hãy gửi lại với cùng Idempotency-Key`,
      });
    }
  }
  return undefined;
}
