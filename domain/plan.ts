import { addDays, type Deadlines } from './schedule';
import type { PlanInput } from './schemas';

export type { Plan, PlanInput } from './schemas';

/**
 * Kế hoạch — the plan a Ban Dân vận issues, e.g. "Kế hoạch số 202-KH/BDVTU" issued 06/9/2024 by Ban Dân vận
 * Tỉnh ủy. Plan numbers restart every year and every commission's code is the same in each province
 * (every province has a "BDVTU"), so a campaign is identified by issuing unit, year and number together. Its shape is in domain/schemas.ts.
 */

/**
 * Who carries a task out, as the plans name them: party committees (cấp ủy, tổ chức Đảng), state agencies
 * (cơ quan Nhà nước), the Fatherland Front and socio-political organisations (Mặt trận Tổ quốc và các tổ
 * chức chính trị - xã hội), the armed forces (lực lượng vũ trang).
 */
export const ACTOR_GROUPS = ['party-committees', 'state-agencies', 'fatherland-front', 'armed-forces'] as const;

/** Unset deadlines follow the window: obligations by its last day, assessment 15 days and commendation 30 days after. */
export function defaultDeadlines(closesOn: string): Deadlines {
  return { 'study-sessions': closesOn, dialogues: closesOn, assessment: addDays(closesOn, 15), commendation: addDays(closesOn, 30) };
}

/** Campaign id: issuing unit, year and plan number, URL- and Kafka-key-safe, e.g. `BG-2024-202-KH-BDVTU`. */
export function campaignIdFor(plan: Pick<PlanInput, 'number' | 'issuer' | 'year'>): string {
  return `${plan.issuer.unitCode}-${plan.year}-${plan.number.replace('/', '-')}`;
}

/** The issuer code of a plan number: 202-KH/BDVTU → BDVTU. */
export function issuerCodeOf(planNumber: string): string {
  return planNumber.slice(planNumber.indexOf('/') + 1);
}
