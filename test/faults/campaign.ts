import { randomUUID } from 'node:crypto';
import { campaignIdFor } from '../../domain/plan';
import { bacNinh2025Tree } from '../../domain/samples/bac-ninh-2025';
import { vietnamDateOf } from '../../domain/schedule';
import type { DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { followOperation } from '../helpers/http';
import { bacNinhPlanOpenToday } from '../fixtures/plans';

/** A Bắc Ninh campaign (10 communes, 65 chi bộ) deployed with its window open today, for the fault suites to report into. */
export interface OpenCampaign {
  campaignId: string;
  communes: string[];
  cells: string[];
  /** Posts a study session for a chi bộ to `baseUrl` (the harness's API unless another is given); answers the HTTP status. */
  report: (cell: string, opts?: { key?: string; baseUrl?: string }) => Promise<number>;
  get: (path: string) => Promise<any>;
}

export async function openCampaign(danvan: Pick<DanvanUnderTest, 'baseUrl' | 'token'>, baseUrl = danvan.baseUrl): Promise<OpenCampaign> {
  const today = vietnamDateOf(new Date());
  const plan = bacNinhPlanOpenToday(today);
  const campaignId = campaignIdFor(plan);
  const token = await danvan.token({ sub: 'admin-faults', role: 'admin' });
  const send = async (url: string, method: string, body?: unknown, key: string = randomUUID()) => {
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': key } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  if ((await send(`${baseUrl}/v1/campaigns`, 'POST', { plan, tree: { sample: 'bac-ninh-2025' } })).status !== 201)
    throw new Error('could not issue the fault campaign');
  const deployed = await send(`${baseUrl}/v1/campaigns/${campaignId}/deploy`, 'POST', { reason: 'triển khai' });
  if (deployed.status !== 202) throw new Error(`could not deploy the fault campaign: ${deployed.status}`);
  const { last } = await followOperation((path) => send(`${baseUrl}${path}`, 'GET'), deployed.body.href);
  if (last.status !== 'succeeded') throw new Error(`the fault campaign's deploy ${last.status}: ${JSON.stringify(last.problem)}`);
  const tree = bacNinh2025Tree();
  const communes = tree.filter((u) => u.kind === 'commune').map((u) => u.code);
  await eventually(
    async () => (await send(`${baseUrl}/v1/campaigns/${campaignId}/units/${communes[0]}`, 'GET')).body.phase,
    (phase) => phase === 'in-progress',
  );
  return {
    campaignId,
    communes,
    cells: tree.filter((u) => u.kind === 'party-cell').map((u) => u.code),
    report: async (cell, opts = {}) =>
      (
        await send(
          `${opts.baseUrl ?? baseUrl}/v1/campaigns/${campaignId}/units/${cell}/study-sessions`,
          'POST',
          { heldOn: today, membersPresent: 11, membersTotal: 12 },
          opts.key,
        )
      ).status,
    get: async (path) => (await send(`${baseUrl}${path}`, 'GET')).body,
  };
}
