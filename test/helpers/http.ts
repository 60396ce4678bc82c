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
