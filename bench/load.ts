/**
 * Load generation, bounded in count and in time: the same driver sends danvan's reports and the baselines' Updates,
 * so the two figures differ only by what is on the other end.
 */
export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  seconds: number;
  perSecond: number;
  /** Milliseconds from send to answer, of the answered ones. */
  latencies: number[];
  firstError?: string;
}

/** `concurrency` requests in flight until every item is sent or `maxMs` has passed. */
export async function closedLoop<T>(items: readonly T[], concurrency: number, maxMs: number, send: (item: T) => Promise<unknown>): Promise<LoadResult> {
  const started = Date.now();
  const stopAt = started + maxMs;
  let next = 0;
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, seconds: 0, perSecond: 0, latencies: [] };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length && Date.now() < stopAt) {
        const item = items[next++] as T;
        result.sent++;
        const t0 = Date.now();
        try {
          await send(item);
          result.ok++;
          result.latencies.push(Date.now() - t0);
        } catch (error) {
          result.failed++;
          result.firstError ??= (error as Error).message;
        }
      }
    }),
  );
  result.seconds = (Date.now() - started) / 1000;
  result.perSecond = result.ok / result.seconds;
  return result;
}

/** An open loop: one send every 1/rate s whatever the answers, for `count` items; `onAnswer` learns when each was answered. */
export async function openLoop<T>(
  items: readonly T[],
  ratePerSecond: number,
  send: (item: T) => Promise<unknown>,
  onAnswer: (item: T, at: number, sentAt: number) => void = () => undefined,
): Promise<LoadResult> {
  const started = Date.now();
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, seconds: 0, perSecond: 0, latencies: [] };
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < items.length; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const item = items[i] as T;
    const t0 = Date.now();
    result.sent++;
    inFlight.push(
      send(item).then(
        () => {
          const at = Date.now();
          result.ok++;
          result.latencies.push(at - t0);
          onAnswer(item, at, t0);
        },
        (error: unknown) => {
          result.failed++;
          result.firstError ??= (error as Error).message;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  result.seconds = (Date.now() - started) / 1000;
  result.perSecond = result.ok / result.seconds;
  return result;
}
