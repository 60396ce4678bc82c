import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import { reject, type Rejection } from '../domain/rejection';
import { adminRequestFingerprint, type AdminRequest, type CampaignSnapshot } from './messages';
import type { Node } from './node';
import { refuse } from './refusals';
import type { Run } from './run';

/** What an administrator's Update does and when it may not. */
export interface AdminAction<R extends AdminRequest> {
  problem(request: R): Rejection | undefined;
  apply(request: R): Promise<void> | void;
}

function requestProblem(request: unknown): Rejection | undefined {
  if (typeof request !== 'object' || request === null) return reject('invalid', 'expected a request object', 'Yêu cầu không hợp lệ');
  const { requestedBy, reason } = request as Partial<AdminRequest>;
  if (typeof requestedBy !== 'string' || requestedBy === '')
    return reject('invalid', 'requestedBy: say who asks', 'Thiếu người yêu cầu', 'requestedBy', requestedBy);
  if (typeof reason !== 'string' || reason.trim() === '') return reject('invalid', 'reason: say why', 'Cần nêu lý do', 'reason', reason);
  return undefined;
}

/**
 * Registers an administrator's Update on the campaign, made idempotent by its key across runs: the same
 * request again answers the snapshot with no second effect; another request under a used key is refused.
 * Temporal's own Update-id dedupe covers only the current run.
 */
export function registerAdminUpdate<R extends AdminRequest>(
  definition: UpdateDefinition<CampaignSnapshot, [R]>,
  node: Node,
  run: Run,
  answer: () => CampaignSnapshot,
  action: AdminAction<R>,
): void {
  const isRepeat = (request: R): boolean => {
    const key = request.idempotencyKey;
    const known = key === undefined ? undefined : node.adminKey(key);
    if (known === undefined) return false;
    if (known !== adminRequestFingerprint(definition.name, request)) {
      refuse(
        reject(
          'idempotency-conflict',
          `idempotency key ${key} was already used for a different request`,
          'Khóa chống trùng lặp đã được dùng cho một yêu cầu khác',
          'headers.idempotency-key',
          key,
        ),
      );
    }
    return true;
  };
  setHandler(
    definition,
    async (request) => {
      run.accept();
      if (isRepeat(request)) return answer();
      if (request.idempotencyKey) node.rememberAdminKey(request.idempotencyKey, adminRequestFingerprint(definition.name, request));
      await action.apply(request);
      return answer();
    },
    {
      validator: (request) => {
        run.admit();
        const problem = requestProblem(request) ?? (isRepeat(request) ? undefined : action.problem(request));
        if (problem) refuse(problem);
      },
    },
  );
}
