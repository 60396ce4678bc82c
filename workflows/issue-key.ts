/**
 * The record of one `Idempotency-Key` used to issue a plan (workflow id `issue-key:<key>`): the plan's fingerprint
 * and campaign id live in its memo, written atomically with the id, so a retried request finds what the key first
 * asked for, and a different plan under the same key is refused, for as long as the namespace keeps closed
 * workflows. The workflow itself has nothing to do.
 */
export async function issueKeyWorkflow(): Promise<void> {
  return;
}
