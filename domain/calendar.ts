/**
 * Dates and instants as they travel in plans, reports and events. Plain functions: the workflows use them too
 * (the zod schemas built on them are in domain/schemas.ts).
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 2024-09-06 is; 2024-02-30 and 6/9/2024 are not. */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** An instant in UTC as `Date.prototype.toISOString` writes it, e.g. 2024-10-09T05:00:00.000Z. */
export const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** 4819 → "4.819", as Vietnamese writes thousands. */
export function formatVietnameseNumber(n: number): string {
  return Math.trunc(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}
