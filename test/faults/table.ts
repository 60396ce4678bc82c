import fs from 'node:fs';
import path from 'node:path';

/**
 * The reliability suite's findings: each suite records one row per fault or attack it tried, with its counts
 * and whether what must hold held; `table-reporter.js` prints them all when the run ends. The suites' own
 * assertions fail the run; the table is the account of what was tried.
 */
export interface FaultRow {
  fault: string;
  how: string;
  mustHold: string;
  counts: Record<string, number | string>;
  held: boolean;
}

export const FAULT_TABLE_VARIABLE = 'DANVAN_FAULT_TABLE';

export function recordFault(row: FaultRow): void {
  const file = process.env[FAULT_TABLE_VARIABLE];
  if (!file) throw new Error(`${FAULT_TABLE_VARIABLE} is not set: run the fault suites through jest so global setup names the table file`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `${JSON.stringify(row)}\n`);
}
