import fs from 'node:fs';

/** A process's resident memory from /proc/<pid>/status, in MiB: VmRSS now and VmHWM, the kernel's own peak of it. */
export interface RssReading {
  rssMiB: number;
  hwmMiB: number;
}

const kib = (status: string, field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1]);

/** undefined where there is no /proc or the process has ended. */
export function readRss(pid: number): RssReading | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = kib(status, 'VmRSS');
    const hwm = kib(status, 'VmHWM');
    return Number.isFinite(rss) && Number.isFinite(hwm) ? { rssMiB: Math.round(rss / 1024), hwmMiB: Math.round(hwm / 1024) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples a process's VmRSS every `everyMs` for as long as it lives. VmHWM is the true peak (the kernel keeps it
 * between samples) but it includes start-up, where the worker bundles its workflow code; the sampled maxima per
 * window are what the workload itself took.
 */
export function rssSampler(pid: number, everyMs = 2000) {
  let last: RssReading | undefined;
  let windowMax = 0;
  let overallMax = 0;
  const sample = () => {
    const reading = readRss(pid);
    if (reading) {
      last = reading;
      windowMax = Math.max(windowMax, reading.rssMiB);
      overallMax = Math.max(overallMax, reading.rssMiB);
    }
    return reading;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    /** Reads now; `windowPeakMiB` is the highest VmRSS sampled since the previous `mark()` (or the start), and a new window begins. */
    mark() {
      sample();
      const windowPeakMiB = windowMax;
      windowMax = last?.rssMiB ?? 0;
      return { rssMiB: last?.rssMiB, windowPeakMiB, hwmMiB: last?.hwmMiB };
    },
    /** The last reading (taken now if the process still lives) and the highest VmRSS sampled over the whole life. */
    summary() {
      sample();
      return { lastRssMiB: last?.rssMiB, sampledPeakRssMiB: overallMax, hwmMiB: last?.hwmMiB };
    },
    stop() {
      clearInterval(timer);
    },
  };
}
