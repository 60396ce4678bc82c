import { fail, ok, type Result } from './result';

/**
 * The periods the provinces report by: a year ("báo cáo năm"), a half-year ("sơ kết 6 tháng") and a quarter
 * ("giao ban quý"). Dated facts fall in a period by their Vietnam calendar date, so a period is a range of dates.
 */
export interface Period {
  /** As written: "2024", "2024-H1", "2024-Q3". */
  text: string;
  /** First and last day, both inclusive, YYYY-MM-DD: ISO dates compare as strings. */
  from: string;
  to: string;
  /** As a report names it: "năm 2024", "6 tháng đầu năm 2024", "quý III năm 2024". */
  vi: string;
}

const PERIOD = /^(\d{4})(?:-([HQ])([1-4]))?$/;
const EXPECTED = 'expected a year (2024), a half-year (2024-H1, 2024-H2) or a quarter (2024-Q1 … 2024-Q4)';
const QUARTER_VI = ['I', 'II', 'III', 'IV'];
/** The years a plan may have (planSchema): a period outside them cannot hold any campaign's facts. */
const FIRST_YEAR = 1930;
const LAST_YEAR = 2100;

function lastDayOf(year: number, month: number): string {
  // Day 0 of the next month is the last day of this one, leap years included.
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** Reads a period as `--period` and FiguresOptions take it; anything else is an error value naming `field` and the text. */
export function parsePeriod(text: string, field = 'period'): Result<Period> {
  const match = PERIOD.exec(text);
  if (!match) return fail(field, text, EXPECTED);
  const year = Number(match[1]);
  if (year < FIRST_YEAR || year > LAST_YEAR) return fail(field, text, `the year must be from ${FIRST_YEAR} to ${LAST_YEAR}, as a plan's`);
  const [, , unit, nth] = match;
  const index = Number(nth);
  if (unit === 'H' && index > 2) return fail(field, text, `a year has two halves, H1 and H2; ${EXPECTED}`);
  // Months covered: the whole year, six from 1 or 7, or three from 1, 4, 7 or 10.
  const length = unit === 'H' ? 6 : unit === 'Q' ? 3 : 12;
  const first = unit === undefined ? 1 : (index - 1) * length + 1;
  const last = first + length - 1;
  const vi = unit === 'H' ? `6 tháng ${index === 1 ? 'đầu' : 'cuối'} năm ${year}` : unit === 'Q' ? `quý ${QUARTER_VI[index - 1]} năm ${year}` : `năm ${year}`;
  return ok({ text, from: `${year}-${String(first).padStart(2, '0')}-01`, to: lastDayOf(year, last), vi });
}
