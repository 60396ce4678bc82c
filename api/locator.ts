import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { UnitIndex } from '../domain/units';
import { campaignWorkflowId, locateUnit, unitTreeQuery, type UnitLocation } from '../workflows/messages';
import { campaignNotFound, problem } from './problems';

/**
 * Where each unit of a campaign lives (owning workflow, ancestors). A campaign's tree never changes, so the
 * locator asks the campaign workflow for it once and answers every unit from it: reports then cost the root
 * workflow nothing, where a query per unit made the root (which every report of a campaign funnels through
 * otherwise) refuse queries under load.
 */
export class UnitLocator {
  private readonly trees = new Map<string, Promise<UnitIndex>>();

  constructor(
    private readonly temporal: Client,
    /** Campaigns kept in memory; a national tree is ≈ 62,000 units. */
    private readonly maxCampaigns = 20,
  ) {}

  async locate(campaignId: string, unitCode: string): Promise<UnitLocation> {
    const location = locateUnit(campaignId, await this.treeOf(campaignId), unitCode);
    if (!location)
      throw problem(404, 'unit-not-found', {
        en: `unit ${unitCode} is not part of campaign ${campaignId}`,
        vi: `Đơn vị ${unitCode} không thuộc chiến dịch ${campaignId}`,
      });
    return location;
  }

  /** The campaign's unit tree; a campaign that does not exist is a 404 problem. */
  tree(campaignId: string): Promise<UnitIndex> {
    return this.treeOf(campaignId);
  }

  private treeOf(campaignId: string): Promise<UnitIndex> {
    let tree = this.trees.get(campaignId);
    if (!tree) {
      // Concurrent first requests share one query; a failed one is forgotten so the next request asks again.
      tree = this.fetchTree(campaignId);
      tree.catch(() => this.trees.delete(campaignId));
      if (this.trees.size >= this.maxCampaigns) this.trees.delete(this.trees.keys().next().value as string);
      this.trees.set(campaignId, tree);
    }
    return tree;
  }

  private async fetchTree(campaignId: string): Promise<UnitIndex> {
    try {
      return new UnitIndex(await this.temporal.workflow.getHandle(campaignWorkflowId(campaignId)).query(unitTreeQuery));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw campaignNotFound(campaignId);
      throw error;
    }
  }
}
