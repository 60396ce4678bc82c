/* eslint-disable @typescript-eslint/no-explicit-any -- the report is the JSON the scenarios returned */
import type { Row } from './table';

/** A figure a scenario returned and what it must be for the run to have measured anything. */
const MEASURED: Array<[scenario: string, path: string, what: string]> = [
  ['throughput', 'danvan.ok', 'reports accepted through the API'],
  ['throughput', 'withoutApi.ok', 'reports sent as Updates straight to the owning workflow'],
  ['throughput', 'baseline.ok', 'Updates on the bare baseline workflows'],
  ['latency', 'sendToReadableMs.n', 'reports seen on Kafka after their 201'],
  ['latency', 'baselineRawProduceMs.n', 'raw produces of the baseline'],
  ['round-trips', 'updates', 'reports found in the histories of the communes reported to'],
  ['bulk-reports', 'ok', 'reports accepted in the bulk phase'],
  ['exactly-once', 'accepted', 'reports checked against the projection'],
  ['outbox', 'perSecond', 'events published by the outbox'],
  ['outbox', 'baselinePerSecond', 'events of the raw producer baseline'],
  ['deploy', 'workflows', 'unit workflows deployed'],
  ['storm', 'chiBo', 'chi bộ in default in the storm'],
];

function at(value: any, path: string): unknown {
  return path.split('.').reduce((v, key) => (v === undefined || v === null ? undefined : v[key]), value);
}

/**
 * Why the run measured nothing somewhere, one line each, or nothing: a scenario that returned no samples or a zero
 * count where its figure needs some, a scenario that did not run at all, a table cell with NaN or undefined in it.
 * `npm run bench` fails on any of them, quick runs included, rather than print a table of nonsense.
 */
export function unmeasured(results: Record<string, any>, rows: readonly Row[]): string[] {
  const problems: string[] = [];
  for (const [scenario, path, what] of MEASURED) {
    if (!(scenario in results)) {
      if (!problems.some((p) => p.startsWith(`${scenario}:`))) problems.push(`${scenario}: the scenario did not run`);
      continue;
    }
    const value = at(results[scenario], path);
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      problems.push(`${scenario}: ${path} = ${JSON.stringify(value ?? null)}: no ${what}`);
  }
  for (const row of rows)
    for (const cell of [row.danvan, row.baseline, row.ratio])
      if (/\bNaN\b|\bundefined\b|\bnull\b/.test(cell)) problems.push(`table row "${row.scenario}": ${cell}`);
  return problems;
}
