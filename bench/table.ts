/* eslint-disable @typescript-eslint/no-explicit-any -- the report is the JSON the scenarios returned */
export interface Row {
  scenario: string;
  danvan: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

/** The national tree: 3,321 communes, 34 provinces and the root, one workflow each. */
const NATIONAL_COMMUNES = 3321;
const NATIONAL_WORKFLOWS = NATIONAL_COMMUNES + 34 + 1;

type WorkerFigures = { peakRssMiB?: number; readyRssMiB?: number; sampledPeakRssMiB?: number; maxCachedWorkflows?: number };
type Report = {
  results: Record<string, any>;
  worker: WorkerFigures & { workerCacheFlag: number | null; perWorker?: WorkerFigures[] };
  benchPeakRssMiB: number;
  mode: string;
};

const GIB_AND_A_HALF_MIB = 1536;

/** "412 MiB (…)": the kernel's peak, what the worker took to start, and the cache it ran with. */
function workerRss(w: WorkerFigures, cacheFlag: number | null): string {
  const cache = `cache ${w.maxCachedWorkflows ?? '?'} workflows${cacheFlag === null ? " (SDK's default)" : ''}`;
  return `${w.peakRssMiB} MiB peak (VmHWM, start-up included); ${w.readyRssMiB} MiB when it started polling, highest sampled ${w.sampledPeakRssMiB} MiB; ${cache}`;
}

/** The issue's table: each danvan figure beside its same-run baseline, the ratio, the target and whether it was met. */
export function tableRows(report: Report): Row[] {
  const r = report.results;
  const rows: Row[] = [];
  const tp = r.throughput;
  if (tp)
    rows.push({
      scenario: 'report throughput (HTTP → Update → outbox → Kafka)',
      danvan: `${tp.danvan.perSecond} reports/s over ${tp.danvan.seconds} s${tp.withoutApi ? ` (as Updates straight to the owning workflow, without the API: ${tp.withoutApi.perSecond}/s)` : ''}`,
      baseline: `${tp.baseline.perSecond} Updates/s (bare workflow)`,
      ratio: `${tp.ratio}`,
      target: '≥ 0.8 of baseline',
      met: tp.ratio >= 0.8,
    });
  const lat = r.latency;
  if (lat)
    rows.push({
      scenario: `end-to-end latency at ${lat.offeredPerSecond} reports/s`,
      danvan: `p50 ${lat.sendToReadableMs.p50} / p95 ${lat.sendToReadableMs.p95} / p99 ${lat.sendToReadableMs.p99} ms (request sent → readable on Kafka); answer → readable p99 ${lat.acceptToReadableMs.p99} ms (below 0: on Kafka before the answer)`,
      baseline: `raw produce p99 ${lat.baselineRawProduceMs.p99} ms`,
      ratio: '—',
      target: 'p99 ≤ 200 ms',
      met: lat.sendToReadableMs.p99 <= 200,
    });
  const rt = r['round-trips'];
  if (rt)
    rows.push({
      scenario: `server round trips per report (${rt.updates} reports in ${rt.workflows} communes' histories)`,
      danvan: `${rt.perReport.workflowTasks} workflow tasks, ${rt.perReport.activityTasks} activity tasks, ${rt.perReport.localActivities} local activities, ${rt.perReport.signalsSent} signals up, ${rt.perReport.timers} timers; ${rt.perReport.historyEvents} history events`,
      baseline: '1 workflow task (bare Update)',
      ratio: `${rt.perReport.workflowTasks}`,
      target: '—',
      met: null,
    });
  const ob = r.outbox;
  if (ob)
    rows.push({
      scenario: 'outbox publish throughput',
      danvan: `${ob.perSecond} events/s (batches of ${ob.batchSize})`,
      baseline: `${ob.baselinePerSecond} events/s (raw producer)`,
      ratio: `${ob.ratio}`,
      target: '≥ 0.5 of baseline',
      met: ob.ratio >= 0.5,
    });
  const n = r['national-issue'];
  if (n)
    rows.push({
      scenario: `issue a plan to the national tree (${n.units} units)`,
      danvan: `${n.seconds} s; input ${Math.round(n.treeJsonBytes / 1e5) / 10} MB → ${Math.round(n.treeGzipBytes / 1e3)} KB gzipped`,
      baseline: "Temporal's 2 MB payload limit",
      ratio: '—',
      target: 'accepted',
      met: n.phase === 'issued',
    });
  const d = r.deploy;
  if (d) {
    // The target is judged on when every unit workflow runs; below national size that time is scaled up to it.
    const allRunning = d.communes < NATIONAL_COMMUNES ? (NATIONAL_WORKFLOWS * d.allRunningSeconds) / d.workflows : d.allRunningSeconds;
    rows.push({
      scenario: `deploy to ${d.communes} communes (${d.chiBo} chi bộ)`,
      danvan: `all running after ${d.allRunningSeconds} s, reported in and deployed after ${d.deploySeconds} s (${d.workflowsPerSecond} workflows/s; chi bộ ready with their commune)${d.communes < NATIONAL_COMMUNES ? `; national (${NATIONAL_WORKFLOWS} workflows) all running at this rate ≈ ${Math.round(allRunning)} s` : ''}`,
      baseline: `${d.baselineSeconds} s (${d.baselineWorkflowsPerSecond} bare child starts/s)`,
      ratio: `${Math.round((d.baselineSeconds / d.deploySeconds) * 100) / 100}`,
      target: '≤ 60 s for the communes',
      met: allRunning <= 60,
    });
  }
  const s = r.storm;
  if (s)
    rows.push({
      scenario: `reminder storm (time-skipping server): ${s.chiBo} chi bộ in default (${s.communes} communes)`,
      danvan: `${s.clockStalled ? "STALLED: the server's clock stopped; " : ''}${s.seconds} s; ${s.workflowTaskTimeouts} timeouts; ${s.chiBoEscalated}/${s.chiBo} escalated, ${s.chiBoEscalatedTwice} twice${s.communes < NATIONAL_COMMUNES ? `; national at this rate ≈ ${Math.round((s.seconds * NATIONAL_COMMUNES) / s.communes)} s` : ''}`,
      baseline: '—',
      ratio: '—',
      target: '≤ 300 s, 0 timeouts, each once',
      met:
        !s.clockStalled &&
        (s.communes < NATIONAL_COMMUNES ? (s.seconds * NATIONAL_COMMUNES) / s.communes : s.seconds) <= 300 &&
        s.workflowTaskTimeouts === 0 &&
        s.chiBoMissing === 0 &&
        s.chiBoEscalatedTwice === 0,
    });
  const e = r['exactly-once'];
  const bulk = r['bulk-reports'];
  if (e)
    rows.push({
      scenario: `${e.accepted} study-session reports through one campaign, then the projection`,
      danvan: `lost ${e.lost}, duplicated ${e.duplicated}; projection ${e.projectionStudySessionsDone}${e.onKafkaUnacknowledged ? ` (${e.onKafkaUnacknowledged} taken though their client timed out)` : ''}${bulk ? `; bulk ${bulk.perSecond}/s${e.accepted < 60_000 && bulk.perSecond > 0 ? ` (size-bounded: 60,000 at this rate ≈ ${Math.round((60_000 / bulk.perSecond / 3600) * 10) / 10} h)` : ''}` : ''}`,
      baseline: `exact count ${e.accepted}`,
      ratio: '—',
      target: '0 lost, 0 duplicated',
      met: e.lost === 0 && e.duplicated === 0 && e.projectionExact,
    });
  const h = r.histories;
  if (h)
    rows.push({
      scenario: 'largest history of any workflow',
      danvan: `${h.largest} events`,
      baseline: "Temporal's 50k limit",
      ratio: `${Math.round((h.largest / 50_000) * 100) / 100}`,
      target: '< 10,000',
      met: h.largest < 10_000,
    });
  const w = report.worker;
  const fleet = w.perWorker && w.perWorker.length > 1 ? w.perWorker : undefined;
  rows.push({
    scenario: fleet
      ? `worker peak RSS (the highest of ${fleet.length} danvan worker processes, worker/main.ts)`
      : 'worker peak RSS (danvan worker process, worker/main.ts)',
    danvan: `${workerRss(w, w.workerCacheFlag)}${fleet ? `; each: ${fleet.map((f) => `${f.peakRssMiB} MiB`).join(', ')}` : ''}`,
    baseline: '—',
    ratio: '—',
    target: '< 1.5 GiB',
    met: w.peakRssMiB !== undefined && w.peakRssMiB < GIB_AND_A_HALF_MIB,
  });
  const sw = s?.worker as WorkerFigures | undefined;
  if (sw)
    rows.push({
      scenario: `storm worker peak RSS (its own worker process, ${s.communes} communes on the time-skipping server)`,
      danvan: workerRss(sw, w.workerCacheFlag),
      baseline: '—',
      ratio: '—',
      target: '< 1.5 GiB',
      met: sw.peakRssMiB !== undefined && sw.peakRssMiB < GIB_AND_A_HALF_MIB,
    });
  rows.push({
    scenario: "peak RSS of the bench process (API, baselines' worker, load driver; no target)",
    danvan: `${report.benchPeakRssMiB} MiB`,
    baseline: '—',
    ratio: '—',
    target: '—',
    met: null,
  });
  return rows;
}

export function printTable(rows: Row[]): void {
  const header: Row = { scenario: 'scenario', danvan: 'danvan', baseline: 'baseline (same run)', ratio: 'ratio', target: 'target', met: null };
  const cells = (row: Row) => [
    row.scenario,
    row.danvan,
    row.baseline,
    row.ratio,
    row.target,
    row === header ? 'met' : row.met === null ? '—' : row.met ? 'yes' : 'NO',
  ];
  const all = [header, ...rows].map(cells);
  const widths = all[0]!.map((_, i) => Math.max(...all.map((c) => c[i]!.length)));
  for (const c of all) console.log(c.map((v, i) => v.padEnd(widths[i]!)).join(' │ '));
}
