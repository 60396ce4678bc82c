import type { PlanInput, Unit } from './schemas';

export { campaignIdFor } from './campaign-id';
export type { Plan, PlanInput } from './schemas';
export { ACTOR_GROUPS, defaultDeadlines } from './vocabulary';

/**
 * Kế hoạch — the plan a Ban Dân vận issues, e.g. "Kế hoạch số 202-KH/BDVTU" issued 06/9/2024 by Ban Dân vận
 * Tỉnh ủy; its campaign is identified by issuing unit, year and number together (domain/campaign-id.ts). Its shape
 * is in domain/schemas.ts.
 */

/** A plan is issued to its issuer's own unit tree: the root of the tree is the issuing unit. */
export function issuerRootProblem(plan: Pick<PlanInput, 'issuer'>, tree: readonly Unit[]): string | undefined {
  const root = tree.find((u) => u.parent === undefined);
  return root?.code === plan.issuer.unitCode ? undefined : `the issuing unit must be the root of the tree (${root?.code ?? 'none'})`;
}

/** The issuer code of a plan number: 202-KH/BDVTU → BDVTU. */
export function issuerCodeOf(planNumber: string): string {
  return planNumber.slice(planNumber.indexOf('/') + 1);
}
