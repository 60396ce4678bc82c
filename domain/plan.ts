import type { PlanInput, Unit } from './schemas';

export type { Plan, PlanInput } from './schemas';
export { ACTOR_GROUPS, defaultDeadlines } from './vocabulary';

/**
 * Kế hoạch — the plan a Ban Dân vận issues, e.g. "Kế hoạch số 202-KH/BDVTU" issued 06/9/2024 by Ban Dân vận
 * Tỉnh ủy. Plan numbers restart every year and every commission's code is the same in each province
 * (every province has a "BDVTU"), so a campaign is identified by issuing unit, year and number together. Its shape is in domain/schemas.ts.
 */

/** Campaign id: issuing unit, year and plan number, URL- and Kafka-key-safe, e.g. `BG-2024-202-KH-BDVTU`. */
export function campaignIdFor(plan: Pick<PlanInput, 'number' | 'issuer' | 'year'>): string {
  return `${plan.issuer.unitCode}-${plan.year}-${plan.number.replace('/', '-')}`;
}

/** A plan is issued to its issuer's own unit tree: the root of the tree is the issuing unit. */
export function issuerRootProblem(plan: Pick<PlanInput, 'issuer'>, tree: readonly Unit[]): string | undefined {
  const root = tree.find((u) => u.parent === undefined);
  return root?.code === plan.issuer.unitCode ? undefined : `the issuing unit must be the root of the tree (${root?.code ?? 'none'})`;
}

/** The issuer code of a plan number: 202-KH/BDVTU → BDVTU. */
export function issuerCodeOf(planNumber: string): string {
  return planNumber.slice(planNumber.indexOf('/') + 1);
}
