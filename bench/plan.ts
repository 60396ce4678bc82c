import { planSchema } from '../domain/schemas';
import { randomInt } from 'node:crypto';
import { type Plan, type PlanInput } from '../domain/plan';
import { addDays, vietnamDateOf } from '../domain/schedule';

/** A national plan whose window is open on `today`, so reports are accepted in real time; a fresh number per campaign. */
export function benchPlan(today: string, overrides: Partial<PlanInput> = {}): Plan {
  const year = Number(today.slice(0, 4));
  return planSchema.parse({
    number: `${randomInt(1_000, 99_999)}-KH/BDVTW`,
    issuer: { unitCode: 'VN', name: 'Ban Dân vận Trung ương' },
    issuedOn: addDays(today, -12),
    year,
    title: 'Benchmark: "Tháng Dân vận" toàn quốc',
    window: { opensOn: addDays(today, -10), closesOn: addDays(today, 20) },
    tasks: [{ ordinal: 1, title: '100% chi bộ sinh hoạt chuyên đề bài báo "Dân vận"', actorGroups: ['party-committees'] }],
    ...overrides,
  });
}

export const todayInVietnam = () => vietnamDateOf(new Date());
