import { parseArgs } from 'node:util';
import { configSchema } from '../infra/config';
import { SHAPE } from '../stack/shape';

/** `dev`: the embedded dev server (SQLite) and one broker; `cluster`: the cluster profile's servers (stack/cluster.ts). */
export const BENCH_PROFILES = ['dev', 'cluster'] as const;
export type BenchProfile = (typeof BENCH_PROFILES)[number];

/** What a run measures and how big; `--quick` shrinks every scenario so the whole run takes under two minutes. */
export interface BenchOptions {
  quick: boolean;
  profile: BenchProfile;
  /** danvan worker processes on one task queue: 1 on dev, the cluster's replicas on cluster. */
  workers: number;
  provinces: number;
  communes: number;
  /** Study-session reports through the one campaign, over all phases (throughput, latency, bulk). */
  reports: number;
  /** The bound on the bulk phase: the run stops sending when it is reached, and reports the rate. */
  reportsSeconds: number;
  throughputSeconds: number;
  concurrency: number;
  rate: number;
  latencySeconds: number;
  outboxWorkflows: number;
  outboxBatches: number;
  /** Events per publish activity in the outbox scenario; danvan's publish loop sends up to 200 (workflows/outbox.ts). */
  outboxBatchSize: number;
  stormCommunes: number;
  /** DANVAN_WORKER_MAX_CACHED_WORKFLOWS of the run's worker processes; undefined: the Temporal SDK's default. */
  workerCache: number | undefined;
  /** The worker process's V8 old-space budget (`--max-old-space-size`); unset: V8's default for the machine's memory. */
  workerHeapMb: number | undefined;
  out: string | undefined;
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'string', default: 'dev' },
      workers: { type: 'string' },
      provinces: { type: 'string' },
      communes: { type: 'string' },
      reports: { type: 'string' },
      'reports-seconds': { type: 'string' },
      seconds: { type: 'string' },
      concurrency: { type: 'string' },
      rate: { type: 'string' },
      'latency-seconds': { type: 'string' },
      'outbox-batches': { type: 'string' },
      'outbox-batch-size': { type: 'string' },
      'storm-communes': { type: 'string' },
      'worker-cache': { type: 'string' },
      'worker-heap-mb': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const profile = values.profile as BenchProfile;
  if (!BENCH_PROFILES.includes(profile)) throw new Error(`--profile expects one of ${BENCH_PROFILES.join(', ')}, got ${JSON.stringify(values.profile)}`);
  const cluster = profile === 'cluster';
  const num = (name: keyof typeof values, full: number, small: number) => {
    const raw = values[name];
    const value = raw === undefined ? (quick ? small : full) : Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} expects a positive number, got ${JSON.stringify(raw)}`);
    return value;
  };
  return {
    quick,
    profile,
    workers: num('workers', cluster ? SHAPE.worker.replicas.cluster : 1, cluster ? SHAPE.worker.replicas.cluster : 1),
    provinces: num('provinces', 34, 2),
    communes: num('communes', 3321, 16),
    reports: num('reports', 60_000, 300),
    reportsSeconds: num('reports-seconds', 900, 10),
    throughputSeconds: num('seconds', 60, 5),
    concurrency: num('concurrency', 50, 10),
    rate: num('rate', 200, 15),
    latencySeconds: num('latency-seconds', 30, 4),
    outboxWorkflows: 4,
    outboxBatches: num('outbox-batches', 25, 3),
    outboxBatchSize: num('outbox-batch-size', 200, 200),
    stormCommunes: num('storm-communes', 3321, 10),
    // The cluster runs its workers as compose does; the dev profile leaves both to the SDK and V8 unless asked.
    workerCache: workerCache(values['worker-cache']) ?? (cluster ? SHAPE.worker.maxCachedWorkflows : undefined),
    workerHeapMb: workerHeapMb(values['worker-heap-mb']) ?? (cluster ? SHAPE.worker.heapMb : undefined),
    out: typeof values.out === 'string' ? values.out : undefined,
  };
}

/** DANVAN_WORKER_MAX_CACHED_WORKFLOWS's own rule (infra/config.ts): the flag becomes that variable in the worker's environment. */
function workerCache(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const parsed = configSchema.shape.DANVAN_WORKER_MAX_CACHED_WORKFLOWS.safeParse(raw);
  if (!parsed.success) throw new Error(`--worker-cache ${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

/** Below ≈ 128 MiB the worker's own start-up (bundling the workflow code) does not fit. */
function workerHeapMb(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 128) throw new Error(`--worker-heap-mb expects a whole number of MiB, at least 128, got ${JSON.stringify(raw)}`);
  return value;
}
