import { ParentClosePolicy, sleep, startChild, workflowInfo } from '@temporalio/workflow';

/** Workflows that exist only to prove properties of the servers the suites run against. */

/** Sleeps for `days` of workflow time and reports how much workflow time passed. */
export async function longNap(days: number): Promise<{ startedAt: string; endedAt: string }> {
  const startedAt = new Date().toISOString();
  await sleep(`${days} days`);
  return { startedAt, endedAt: new Date().toISOString() };
}

/** Starts a child that naps for a day and, unless told to wait for it, completes at once, before the child. */
export async function parentOfNapper(waitForChild: boolean): Promise<void> {
  const child = await startChild(longNap, { workflowId: `${workflowInfo().workflowId}-child`, args: [1], parentClosePolicy: ParentClosePolicy.ABANDON });
  if (waitForChild) await child.result();
}
