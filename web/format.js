/**
 * Numbers, dates and times as Vietnamese writes them. The rules are domain/'s (formatVietnameseNumber and
 * vietnamDateOf in domain/calendar.ts and domain/schedule.ts, formatVietnameseDate in domain/schedule.ts, percent in
 * domain/progress.ts); domain/ is TypeScript the browser cannot load as served, so these are copies, and the dashboard
 * test runs them in the browser against domain/'s on the same inputs.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Vietnam keeps UTC+7 all year. */
const VIETNAM_OFFSET = 7 * HOUR;

/**
 * 4819 → "4.819".
 * @param {number} n
 */
export function formatNumber(n) {
  return Math.trunc(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/**
 * 2024-09-06 → "06/9/2024".
 * @param {string} date
 */
export function formatDate(date) {
  const [y, m, d] = date.split('-');
  return `${d}/${Number(m)}/${y}`;
}

/**
 * Done of required, to a tenth and rounded down, with the decimal comma: 98,4%. Nothing required is all done.
 * @param {number} done
 * @param {number} required
 */
export function formatPercent(done, required) {
  return `${String(percentOf(done, required)).replace('.', ',')}%`;
}

/**
 * @param {number} done
 * @param {number} required
 */
export function percentOf(done, required) {
  return required === 0 ? 100 : Math.floor((done * 1000) / required) / 10;
}

/**
 * The calendar day an instant falls on in Vietnam (YYYY-MM-DD).
 * @param {Date} at
 */
export function vietnamDateOf(at) {
  return new Date(at.getTime() + VIETNAM_OFFSET).toISOString().slice(0, 10);
}

/**
 * The time of day in Vietnam, 14:05:09.
 * @param {Date} at
 */
export function formatVietnamTime(at) {
  return new Date(at.getTime() + VIETNAM_OFFSET).toISOString().slice(11, 19);
}

/**
 * Whole calendar days from one date to another (negative when `to` is earlier).
 * @param {string} from
 * @param {string} to
 */
export function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}
