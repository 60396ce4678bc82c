import { z } from 'zod';
import { isoDateSchema } from './calendar';

/**
 * Kế hoạch — the plan a Ban Dân vận issues, e.g. "Kế hoạch số 202-KH/BDVTU" issued 06/9/2024 by Ban Dân vận
 * Tỉnh ủy. Plan numbers restart every year and every commission's code is the same in each province
 * (every province has a "BDVTU"), so a campaign is identified by issuing unit, year and number together.
 */

/** `<n>-KH/<issuer code>`, e.g. 202-KH/BDVTU (provincial commission) or 205-KH/BDVQU (urban district). */
export const planNumberSchema = z
  .string()
  .trim()
  .regex(/^[1-9]\d{0,4}-KH\/[A-Z][A-Z0-9]{1,15}$/, 'expected a plan number like 202-KH/BDVTU');

/** Codes of units in the tree (province, district, commune, chi bộ): letters, digits, dot, dash, underscore. */
export const unitCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected a unit code of letters, digits, ".", "-" or "_"');


export const issuerSchema = z.object({
  /** The unit whose commission issues the plan: the root of the campaign's unit tree. */
  unitCode: unitCodeSchema,
  /** e.g. "Ban Dân vận Tỉnh ủy Bắc Giang". */
  name: z.string().trim().min(1).max(200),
});

export const planSchema = z.object({
  number: planNumberSchema,
  issuer: issuerSchema,
  issuedOn: isoDateSchema,
  year: z.number().int().min(1930).max(2100),
  title: z.string().trim().min(1).max(500),
});

export type Plan = z.infer<typeof planSchema>;

/** Campaign id: issuing unit, year and plan number, URL- and Kafka-key-safe, e.g. `BG-2024-202-KH-BDVTU`. */
export function campaignIdFor(plan: Pick<Plan, 'number' | 'issuer' | 'year'>): string {
  return `${plan.issuer.unitCode}-${plan.year}-${plan.number.replace('/', '-')}`;
}

export const campaignIdSchema = z.string().regex(/^[A-Za-z0-9._-]+-\d{4}-\d+-KH-[A-Z][A-Z0-9]+$/, 'expected a campaign id like BG-2024-202-KH-BDVTU');

/** The issuer code of a plan number: 202-KH/BDVTU → BDVTU. */
export function issuerCodeOf(planNumber: string): string {
  return planNumber.slice(planNumber.indexOf('/') + 1);
}
