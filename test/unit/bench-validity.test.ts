import fs from 'node:fs';
import path from 'node:path';
import type { Row } from '../../bench/table';
import { unmeasured } from '../../bench/validity';

/**
 * The quick run of 01/12/2026 printed "p99 NaN ms" and "bulk NaN/s" and exited 0: throughput had reported for every
 * chi bộ of the small tree, leaving latency and bulk nothing to send. Its committed result file must now fail.
 */
describe('a benchmark that cannot print nonsense', () => {
  const nanRun = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'bench', 'results', '2026-12-01T0605-quick.json'), 'utf8')) as {
    results: Record<string, Record<string, unknown>>;
    table: Row[];
  };

  it('names every scenario of that run that measured nothing, and every NaN cell of its table', () => {
    const problems = unmeasured(nanRun.results, nanRun.table);
    expect(problems).toEqual(
      expect.arrayContaining([
        'latency: sendToReadableMs.n = 0: no reports seen on Kafka after their 201',
        'latency: baselineRawProduceMs.n = 0: no raw produces of the baseline',
        'bulk-reports: ok = 0: no reports accepted in the bulk phase',
        expect.stringMatching(/^table row "end-to-end latency at \d+ reports\/s": p50 NaN/),
        expect.stringMatching(/^table row ".*then the projection": .*bulk NaN\/s/),
      ]),
    );
    expect(problems).toContain('round-trips: the scenario did not run');
    expect(problems.filter((p) => /^(throughput|outbox|deploy|storm|exactly-once):/.test(p))).toEqual([]);
  });

  it('passes a run whose every scenario measured something, and fails one where a scenario is missing', () => {
    const measured = structuredClone(nanRun);
    Object.assign(measured.results.latency!, {
      acceptToReadableMs: { n: 40, p99: 180 },
      sendToReadableMs: { n: 40, p99: 190 },
      baselineRawProduceMs: { n: 40, p99: 9 },
    });
    // Counted since this run; a run without it did not measure what each report costs the server.
    measured.results['round-trips'] = { updates: 120, workflows: 16 };
    Object.assign(measured.results['bulk-reports']!, { ok: 25 });
    const table = measured.table.map((row) => ({ ...row, danvan: row.danvan.replaceAll('NaN', '1'), baseline: row.baseline.replaceAll('NaN', '1') }));
    expect(unmeasured(measured.results, table)).toEqual([]);
    delete measured.results.storm;
    expect(unmeasured(measured.results, table)).toEqual(['storm: the scenario did not run']);
  });
});
