import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rssSampler } from './rss';

/** The entry point operators run (`npm run worker`, compose's worker service). */
const ENTRY = path.resolve(__dirname, '..', 'worker', 'main.ts');
/**
 * tsx's loader inside the one node process, not tsx's CLI: under the CLI the pid we sample would be a wrapper with
 * the worker as its child, and the wrapper SIGKILLs its child unless it confirms a SIGTERM within 30 ms.
 */
const TSX_LOADER = require.resolve('tsx/cjs');
/** The bench's own danvan variables would point the worker at other servers or size it unlike what the run records. */
const DANVAN_VARIABLES = /^(TEMPORAL_|KAFKA_|API_|DANVAN_|LOG_LEVEL$)/;

export interface WorkerProcessOptions {
  /** Names the process in messages and its log file. */
  name: string;
  temporalAddress: string;
  kafkaBrokers: string[];
  taskQueue: string;
  logFile: string;
  /** DANVAN_WORKER_MAX_CACHED_WORKFLOWS; unset: the SDK's default. */
  maxCachedWorkflows?: number;
  /** `--max-old-space-size` of the worker process; unset: V8's default, which lets garbage grow far past what the worker holds. */
  heapMb?: number;
  /** Bundling the workflow code at start takes a while on a loaded machine. */
  readyTimeoutMs?: number;
}

export type WorkerProcess = Awaited<ReturnType<typeof startWorkerProcess>>;

export class WorkerDiedError extends Error {
  constructor(name: string, pid: number, how: string, logFile: string, tail: string) {
    super(`${name} (pid ${pid}) ${how}; last lines of ${logFile}:\n${tail}`);
    this.name = 'WorkerDiedError';
  }
}

function tailOf(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The worker's own "worker running" line: it names the cache size the SDK settled on. */
function readyLine(file: string): { maxCachedWorkflows?: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const line = text.split('\n').find((l) => l.includes('"msg":"worker running"'));
  return line === undefined ? undefined : (JSON.parse(line) as { maxCachedWorkflows?: number });
}

/**
 * Starts `worker/main.ts` as a process of its own on the given servers, with its output in `logFile`, and answers
 * once it polls its task queue. Its RSS is sampled for as long as it lives; `died` rejects with the log's last lines
 * if it exits before `stop()`.
 */
export async function startWorkerProcess(opts: WorkerProcessOptions) {
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const out = fs.openSync(opts.logFile, 'w');
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !DANVAN_VARIABLES.test(key)));
  const child = spawn(process.execPath, [...(opts.heapMb !== undefined ? [`--max-old-space-size=${opts.heapMb}`] : []), '--require', TSX_LOADER, ENTRY], {
    env: {
      ...inherited,
      TEMPORAL_ADDRESS: opts.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: opts.taskQueue,
      KAFKA_BROKERS: opts.kafkaBrokers.join(','),
      KAFKA_CLIENT_ID: `danvan-bench-${opts.name.replace(/\W+/g, '-')}`,
      LOG_LEVEL: 'info',
      ...(opts.maxCachedWorkflows !== undefined ? { DANVAN_WORKER_MAX_CACHED_WORKFLOWS: String(opts.maxCachedWorkflows) } : {}),
    },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${opts.name}: ${process.execPath} ${ENTRY} did not spawn`);
  const tail = (lines = 20) => tailOf(opts.logFile, lines);
  // A bench that fails or is interrupted must not leave a worker polling servers that are about to stop.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopping = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const died: Promise<never> = exited.then(({ code, signal }) => {
    if (stopping) return new Promise<never>(() => undefined);
    throw new WorkerDiedError(opts.name, pid, `exited (${signal ?? `code ${code}`}) before the bench stopped it`, opts.logFile, tail());
  });
  // Raced by each scenario; between scenarios the rejection is noticed by the next one, not as an unhandled rejection.
  died.catch(() => undefined);
  const rss = rssSampler(pid);

  const started = Date.now();
  const deadline = started + (opts.readyTimeoutMs ?? 240_000);
  let ready = readyLine(opts.logFile);
  try {
    while (ready === undefined) {
      if (child.exitCode !== null || child.signalCode !== null) await died;
      if (Date.now() > deadline)
        throw new WorkerDiedError(opts.name, pid, `did not log "worker running" within ${Math.round((deadline - started) / 1000)} s`, opts.logFile, tail());
      await sleep(200);
      ready = readyLine(opts.logFile);
    }
  } catch (error) {
    rss.stop();
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw error;
  }
  const atReady = rss.mark();
  const startSeconds = Math.round((Date.now() - started) / 100) / 10;

  return {
    name: opts.name,
    pid,
    logFile: opts.logFile,
    rss,
    died,
    tail,
    startSeconds,
    /** VmRSS once it polls: start-up (connections, the bundled workflow code) before any workload. */
    readyRssMiB: atReady.rssMiB,
    /** The cache size the worker reported; the SDK's default when unset. */
    maxCachedWorkflows: ready.maxCachedWorkflows,
    /** SIGTERM: the Temporal runtime turns it into a graceful shutdown (in-flight tasks finish). SIGKILL after `graceMs`. */
    async stop(graceMs = 30_000) {
      const { hwmMiB, ...memory } = rss.summary();
      rss.stop();
      stopping = true;
      const t0 = Date.now();
      const alive = child.exitCode === null && child.signalCode === null;
      if (alive) child.kill('SIGTERM');
      const timedOut = alive && (await Promise.race([exited.then(() => false), sleep(graceMs, true, { ref: false })]));
      if (timedOut) child.kill('SIGKILL');
      const { code, signal } = await exited;
      process.removeListener('exit', killOnExit);
      return {
        logFile: opts.logFile,
        maxCachedWorkflows: ready.maxCachedWorkflows,
        startSeconds,
        readyRssMiB: atReady.rssMiB,
        ...memory,
        /** VmHWM read just before the SIGTERM: the kernel's own peak of the worker's RSS, start-up (bundling) included. */
        peakRssMiB: hwmMiB,
        exitCode: code,
        signal,
        stopSeconds: Math.round((Date.now() - t0) / 100) / 10,
        killedAfterGrace: timedOut,
      };
    },
  };
}
