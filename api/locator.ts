import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { campaignWorkflowId, locateQuery, type UnitLocation } from '../workflows/messages';
import { problem } from './problems';

/**
 * Where each unit of a campaign lives (owning workflow, ancestors). A campaign's tree never changes, so
 * answers are cached for the life of the process; a miss costs one query on the campaign workflow.
 */
export class UnitLocator {
  private readonly cache = new Map<string, UnitLocation>();

  constructor(
    private readonly temporal: Client,
    private readonly maxEntries = 200_000,
  ) {}

  async locate(campaignId: string, unitCode: string): Promise<UnitLocation> {
    const key = `${campaignId}\u0000${unitCode}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    let location: UnitLocation | null;
    try {
      location = await this.temporal.workflow.getHandle(campaignWorkflowId(campaignId)).query(locateQuery, unitCode);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw problem(404, 'campaign-not-found', 'Campaign not found', `no campaign ${campaignId}`);
      throw error;
    }
    if (!location) throw problem(404, 'unit-not-found', 'Unit not found', `unit ${unitCode} is not part of campaign ${campaignId}`);
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, location);
    return location;
  }
}
