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
} as const;

/** What a campaign workflow is listed by. */
export function campaignSearchAttributes(plan: Plan, phase: Phase): SearchAttributePair[] {
  return [
    { key: searchAttributes.phase, value: phase },
    { key: searchAttributes.year, value: plan.year },
    { key: searchAttributes.issuer, value: issuerCodeOf(plan.number) },
    { key: searchAttributes.province, value: plan.issuer.unitCode },
    { key: searchAttributes.planNumber, value: plan.number },
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
