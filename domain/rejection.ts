/**
 * Why a workflow refused a request, in English for the developer and in Vietnamese for the person who sent it
 * (a reporter, a council member, an administrator), with the field and the value at fault where there is one.
 * Every refusal of every workflow is built from this one shape (workflows/refusals.ts).
 */
export const REJECTION_CODES = ['invalid', 'not-found', 'conflict', 'wrong-phase', 'idempotency-conflict', 'run-handover'] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface Rejection {
  code: RejectionCode;
  field?: string;
  value?: unknown;
  message: string;
  vi: string;
}

export function reject(code: RejectionCode, message: string, vi: string, field?: string, value?: unknown): Rejection {
  return { code, message, vi, ...(field !== undefined ? { field, value } : {}) };
}
