/**
 * A campaign's id, and the plan a plan names by it. Plan numbers restart every year and every commission's code is
 * the same in each province (every province has a "BDVTU"), so a campaign is identified by issuing unit, year and
 * plan number together. Apart from domain/plan.ts, which reaches the schemas, so that the schemas can check a plan
 * with it.
 */

/** What identifies a plan, as written in it. */
export interface PlanIdentity {
  number: string;
  issuer: { unitCode: string };
  year: number;
}

/**
 * Campaign id: issuing unit, year and plan number, URL- and Kafka-key-safe, e.g. `BG-2024-202-KH-BDVTU`. Generic, so
 * that a whole plan written in place is taken without its other fields counting as excess.
 */
export function campaignIdFor<P extends PlanIdentity>(plan: P): string {
  return `${plan.issuer.unitCode}-${plan.year}-${plan.number.replace('/', '-')}`;
}

/** The year in a campaign id (BG-2024-202-KH-BDVTU → 2024), read from the end: a unit code may hold dashes itself. */
function yearOfCampaign(campaignId: string): number | undefined {
  const match = /-(\d{4})-\d+-KH-[A-Z][A-Z0-9]*$/.exec(campaignId);
  return match ? Number(match[1]) : undefined;
}

/**
 * What is wrong with the plan a plan says it implements (a district's "Kế hoạch thực hiện" under its province's
 * plan), or undefined. Not itself, and not a plan of a later year; one of an earlier year is allowed, as a
 * programme of several years ("giai đoạn 2021-2025") is implemented by each year's plan. Whether that plan exists
 * is not asked: it may run on another province's server.
 */
export function implementsProblem(plan: PlanIdentity & { implements?: { campaignId: string } | undefined }): { message: string; vi: string } | undefined {
  const parent = plan.implements?.campaignId;
  if (parent === undefined) return undefined;
  if (parent === campaignIdFor(plan))
    return {
      message: `a plan cannot implement itself: ${parent} is this plan's own campaign`,
      vi: `Kế hoạch không thể thực hiện chính nó: ${parent} là chiến dịch của chính kế hoạch này`,
    };
  const year = yearOfCampaign(parent);
  if (year !== undefined && year > plan.year)
    return {
      message: `${parent} is a plan of ${year}, after this plan's year ${plan.year}; a plan implements one of its own year or an earlier one`,
      vi: `${parent} là kế hoạch năm ${year}, sau năm ${plan.year} của kế hoạch này; kế hoạch chỉ thực hiện kế hoạch cùng năm hoặc năm trước`,
    };
  return undefined;
}
