import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { submissionUpdateId, type ReportCommand, type SubmissionResult } from '../../domain/ledger';
import { executeUpdate } from '../../infra/workflow-updates';
import { campaignWorkflowId, locateQuery, submitUpdate } from '../../workflows/messages';

/** Vietnam local time as an instant: at('2027-10-24', 8) is 24/10/2027 08:00 +07:00. */
export function at(date: string, hour = 12, minute = 0): Date {
  return new Date(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+07:00`);
}

/** A campaign year whose 6 September is still ahead of `now`, so a whole campaign can be played forward. */
export function nextCampaignYear(now: Date): number {
  const year = now.getUTCFullYear();
  return now.getTime() < at(`${year}-09-01`, 0).getTime() ? year : year + 1;
}

/** Sends reports the way the API does: to the workflow that owns the unit, with an idempotency key as the Update id. */
export class Reporter {
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly client: Client,
    private readonly campaignId: string,
  ) {}

  async owner(unitCode: string): Promise<string> {
    let owner = this.owners.get(unitCode);
    if (!owner) {
      owner = (await this.client.workflow.getHandle(campaignWorkflowId(this.campaignId)).query(locateQuery, unitCode))?.owner;
      if (!owner) throw new Error(`unit ${unitCode} is not in campaign ${this.campaignId}`);
      this.owners.set(unitCode, owner);
    }
    return owner;
  }

  async submit(command: ReportCommand, idempotencyKey: string = randomUUID(), workflowId?: string): Promise<SubmissionResult> {
    const owner = workflowId ?? (await this.owner(command.unitCode));
    return executeUpdate(this.client.workflow.getHandle(owner), submitUpdate, {
      args: [{ idempotencyKey, submittedBy: 'test-reporter', command }],
      updateId: submissionUpdateId({ idempotencyKey, command }),
    });
  }
}

/** Polls until `probe` returns a value that `accept` takes, failing with the last value after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met after ${timeoutMs} ms; last value: ${String(JSON.stringify(last)).slice(0, 3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await probe();
  }
  return last;
}
