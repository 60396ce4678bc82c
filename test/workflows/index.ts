import { sleep } from '@temporalio/workflow';

/** Workflows that exist only to prove properties of the servers the suites run against. */

/** Sleeps for `days` of workflow time and reports how much workflow time passed. */
export async function longNap(days: number): Promise<{ startedAt: string; endedAt: string }> {
  const startedAt = new Date().toISOString();
  await sleep(`${days} days`);
  return { startedAt, endedAt: new Date().toISOString() };
}
