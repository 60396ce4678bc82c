import { randomUUID } from 'node:crypto';
import type { Principal } from '../../api/auth';
import type { DanvanUnderTest } from './api';

/** An answer of the API: its status and its JSON body (parsed loosely: tests read whatever fields they check). */
export interface Answer {
  status: number;
  body: Record<string, any>;
}

/** Requests to danvan's API as the principal given, each with a token minted once per principal and a fresh idempotency key unless one is named. */
export function apiClient(danvan: DanvanUnderTest) {
  const tokens = new Map<string, string>();

  async function call(method: string, urlPath: string, principal: Principal, body?: unknown, idempotencyKey: string = randomUUID()): Promise<Answer> {
    let token = tokens.get(principal.sub);
    if (!token) tokens.set(principal.sub, (token = await danvan.token(principal)));
    const response = await fetch(`${danvan.baseUrl}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': idempotencyKey } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
  }

  /** A report the API must accept (201); answers its body. */
  async function report(urlPath: string, principal: Principal, body: unknown, idempotencyKey?: string, method = 'POST'): Promise<Record<string, any>> {
    const answer = await call(method, urlPath, principal, body, idempotencyKey);
    if (answer.status !== 201) throw new Error(`${method} ${urlPath}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  return { call, report };
}

/** Runs `work` over `items` with at most `limit` in flight, as many reporters at once would. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

/** An operation's progress as `GET /v1/operations/{id}` answers it. */
export interface OperationProgress {
  unitsRunning: number;
  unitsTotal: number;
}

/**
 * Follows an operation the API answered 202 for (its `href`) with the suite's own GET until it is no longer running,
 * for at most `timeoutMs`; answers its last answer and the progress of every poll, in order.
 */
export async function followOperation(
  get: (path: string) => Promise<Answer>,
  href: string,
  { intervalMs = 250, timeoutMs = 120_000 }: { intervalMs?: number; timeoutMs?: number } = {},
): Promise<{ last: Record<string, any>; progress: OperationProgress[] }> {
  const giveUpAt = Date.now() + timeoutMs;
  const progress: OperationProgress[] = [];
  for (;;) {
    const answer = await get(href);
    if (answer.status !== 200) throw new Error(`GET ${href}: ${answer.status} ${JSON.stringify(answer.body)}`);
    if (answer.body.progress) progress.push(answer.body.progress as OperationProgress);
    if (answer.body.status !== 'running') return { last: answer.body, progress };
    if (Date.now() > giveUpAt) throw new Error(`${href} still running after ${timeoutMs} ms; last progress ${JSON.stringify(progress.at(-1))}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Deploys a campaign through apiClient's `call`: the 202, then its operation followed until it has succeeded. */
export async function deployAndFollow(
  call: (method: string, urlPath: string, principal: Principal, body?: unknown, idempotencyKey?: string) => Promise<Answer>,
  campaignId: string,
  principal: Principal,
  body: unknown = { reason: 'triển khai' },
): Promise<Record<string, any>> {
  const accepted = await call('POST', `/v1/campaigns/${campaignId}/deploy`, principal, body);
  if (accepted.status !== 202) throw new Error(`deploy ${campaignId}: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const { last } = await followOperation((path) => call('GET', path, principal), accepted.body.href as string);
  if (last.status !== 'succeeded') throw new Error(`deploy ${campaignId} ${last.status}: ${JSON.stringify(last.problem)}`);
  return last.result as Record<string, any>;
}
