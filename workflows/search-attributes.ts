import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
