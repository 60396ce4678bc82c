import { z } from 'zod';

/**
 * Dates and instants as they travel in plans, reports and events.
 *
 * Hand-written rather than `z.iso.date()` / `z.iso.datetime()`: the Temporal workflow bundler (webpack)
 * resolves zod's `z.iso` namespace re-export to the wrong module and turns `z.iso.date()` into `z.date()`,
 * so those schemas would behave differently inside workflows than in the API. These behave the same everywhere.
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * A calendar date in ISO form (2024-09-06); the Vietnamese display form 06/9/2024 is a presentation concern.
 * The `format` is what the published JSON Schemas carry in place of the refinement, which they cannot express.
 */
export const isoDateSchema = z.string().refine(isCalendarDate, { message: 'expected a calendar date YYYY-MM-DD, e.g. 2024-09-06' }).meta({ format: 'date' });

const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** An instant in UTC as `Date.prototype.toISOString` writes it, e.g. 2024-10-09T05:00:00.000Z: the `time` of every event. */
export const utcInstantSchema = z
  .string()
  .regex(UTC_INSTANT, 'expected a UTC instant ending in Z, e.g. 2024-10-09T05:00:00.000Z')
  .refine((value) => isCalendarDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value)), { message: 'expected an instant that exists, e.g. 2024-10-09T05:00:00.000Z' })
  .meta({ format: 'date-time' });
