/** Percentile by nearest rank over an unsorted sample; NaN for an empty one. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function latencySummary(sample: readonly number[]) {
  return {
    n: sample.length,
    p50: round(percentile(sample, 50)),
    p95: round(percentile(sample, 95)),
    p99: round(percentile(sample, 99)),
    max: round(percentile(sample, 100)),
  };
}
