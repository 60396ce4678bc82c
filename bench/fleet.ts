import path from 'node:path';
import { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions } from './worker-process';

type Stopped = Awaited<ReturnType<WorkerProcess['stop']>>;

/**
 * danvan's workers as a deployment runs them: one process on the dev profile, one per replica on the cluster profile
 * (compose's worker service), all polling one task queue. The figures the table judges are the worst worker's.
 */
export interface WorkerFleet {
  processes: WorkerProcess[];
  /** Rejects as soon as any worker exits before `stop()`. */
  died: Promise<never>;
  /** Reads every worker's RSS now; the highest of each figure across the fleet. */
  mark(): { rssMiB: number; windowPeakMiB: number; hwmMiB: number };
  /** Stops every worker gracefully; the highest of each figure across the fleet, and each worker's own. */
  stop(graceMs?: number): Promise<Stopped & { perWorker: Stopped[] }>;
}

/** `logFile` names the first worker's log; the others' get `-2`, `-3`… before the extension. */
export async function startWorkerFleet(count: number, opts: WorkerProcessOptions): Promise<WorkerFleet> {
  const { dir, name, ext } = path.parse(opts.logFile);
  const starting = Array.from({ length: count }, (_, i) =>
    startWorkerProcess({
      ...opts,
      name: count === 1 ? opts.name : `${opts.name} ${i + 1}`,
      logFile: i === 0 ? opts.logFile : path.join(dir, `${name}-${i + 1}${ext}`),
    }),
  );
  const settled = await Promise.allSettled(starting);
  const processes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(processes.map((p) => p.stop(5_000)));
    throw failed.reason;
  }
  const died = Promise.race(processes.map((p) => p.died));
  died.catch(() => undefined);
  const highest = <T extends Record<string, unknown>>(rows: T[], key: keyof T) => Math.max(...rows.map((r) => Number(r[key] ?? 0)));
  return {
    processes,
    died,
    mark() {
      const marks = processes.map((p) => p.rss.mark());
      return { rssMiB: highest(marks, 'rssMiB'), windowPeakMiB: highest(marks, 'windowPeakMiB'), hwmMiB: highest(marks, 'hwmMiB') };
    },
    async stop(graceMs) {
      const perWorker = await Promise.all(processes.map((p) => p.stop(graceMs)));
      const worst = perWorker.reduce((a, b) => ((b.peakRssMiB ?? 0) > (a.peakRssMiB ?? 0) ? b : a));
      return {
        ...worst,
        readyRssMiB: highest(perWorker, 'readyRssMiB'),
        sampledPeakRssMiB: highest(perWorker, 'sampledPeakRssMiB'),
        startSeconds: highest(perWorker, 'startSeconds'),
        stopSeconds: highest(perWorker, 'stopSeconds'),
        killedAfterGrace: perWorker.some((w) => w.killedAfterGrace),
        perWorker,
      };
    },
  };
}
