import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; undefined where there is no /proc or no such process. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The process and every process under it, from /proc: PostgreSQL serves each connection from a child of its own. */
function treeCpuSeconds(root: number): number | undefined {
  const own = cpuSeconds(root);
  if (own === undefined) return undefined;
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone between the listing and the read
    }
  }
  let total = own;
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    total += cpuSeconds(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * The CPU each named process spent between `start` and `stop`: where a scenario's time went (`worker` = danvan's
 * worker process; `bench` = the baseline worker, the API and the load driver). The names in `trees` count with every
 * process under them; a child that exited in between drops out of the sum, which PostgreSQL's backends, living as
 * long as Temporal's pooled connections, rarely do.
 */
export function cpuMeter(pids: Record<string, number | undefined>, trees: ReadonlySet<string> = new Set()) {
  const read = () =>
    Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : trees.has(name) ? treeCpuSeconds(pid) : cpuSeconds(pid)]),
    );
  const before = read();
  const t0 = Date.now();
  return () => {
    const after = read();
    const wall = (Date.now() - t0) / 1000;
    const split: Record<string, number> = {};
    for (const [name, end] of Object.entries(after)) {
      const start = before[name];
      if (end !== undefined && start !== undefined) split[name] = Math.round(((end - start) / wall) * 100);
    }
    return { wallSeconds: Math.round(wall * 10) / 10, cpuPercentOfOneCore: split, benchRssMiB: Math.round(process.memoryUsage().rss / 1024 / 1024) };
  };
}
