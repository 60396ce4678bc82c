import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { Phase } from '../domain/campaign';
import { issuerCodeOf, type Plan } from '../domain/plan';

/**
 * Custom search attributes for listing and filtering campaigns in Temporal (operators, `GET /v1/campaigns`).
 * The embedded dev server registers them at start (stack/temporal-dev-server.ts) and the compose
 * deployment registers the same list, so the names live here once.
 */
export const searchAttributes = {
  phase: defineSearchAttributeKey('DanvanPhase', SearchAttributeType.KEYWORD),
  year: defineSearchAttributeKey('DanvanYear', SearchAttributeType.INT),
  issuer: defineSearchAttributeKey('DanvanIssuer', SearchAttributeType.KEYWORD),
  province: defineSearchAttributeKey('DanvanProvince', SearchAttributeType.KEYWORD),
  planNumber: defineSearchAttributeKey('DanvanPlanNumber', SearchAttributeType.KEYWORD),
  unitCode: defineSearchAttributeKey('DanvanUnitCode', SearchAttributeType.KEYWORD),
  /** The campaign id of the plan a campaign's plan implements: its parent lists the campaigns implementing it by this. */
  implements: defineSearchAttributeKey('DanvanImplements', SearchAttributeType.KEYWORD),
} as const;

/** What a campaign workflow is listed by. A plan that implements none sets no DanvanImplements, as plans did before it existed. */
export function campaignSearchAttributes(plan: Plan, phase: Phase): SearchAttributePair[] {
  return [
    { key: searchAttributes.phase, value: phase },
    { key: searchAttributes.year, value: plan.year },
    { key: searchAttributes.issuer, value: issuerCodeOf(plan.number) },
    { key: searchAttributes.province, value: plan.issuer.unitCode },
    { key: searchAttributes.planNumber, value: plan.number },
    ...(plan.implements ? [{ key: searchAttributes.implements, value: plan.implements.campaignId }] : []),
  ];
}

/** What a unit workflow is listed by. */
export function unitWorkflowSearchAttributes(plan: Plan, unitCode: string, phase: Phase): SearchAttributePair[] {
  return [
    { key: searchAttributes.unitCode, value: unitCode },
    { key: searchAttributes.planNumber, value: plan.number },
    { key: searchAttributes.year, value: plan.year },
    { key: searchAttributes.phase, value: phase },
  ];
}
