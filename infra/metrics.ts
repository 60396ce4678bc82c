import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Runtime, type RuntimeOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { collectDefaultMetrics, type Registry } from 'prom-client';
import { StartupError } from './main';

/**
 * Where each process shows its metrics (docs/operations.md#metrics). Every endpoint is a listener of its own, apart
 * from the API's port: Prometheus scrapes without a token, so the operator binds it where only the scraper reaches.
 */

/** Seconds, from a query's few milliseconds to a deploy that waits minutes on every unit workflow. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export interface MetricsEndpoint {
  /** `http://host:port/metrics` as bound (port 0 resolved). */
  url: string;
  close(): Promise<void>;
}

/** Registries already carrying the process metrics: prom-client refuses to register them twice in one. */
const withProcessMetrics = new WeakSet<Registry>();

function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/**
 * Serves `registry` in the Prometheus text format at GET /metrics on `address` (host:port, as the variable
 * `variable` gives it), beside the Node process metrics (CPU, memory, event-loop lag, garbage collection).
 */
export async function serveMetrics(address: string, variable: string, registry: Registry, logger: Logger): Promise<MetricsEndpoint> {
  if (!withProcessMetrics.has(registry)) {
    collectDefaultMetrics({ register: registry });
    withProcessMetrics.add(registry);
  }
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('only GET /metrics is served here\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => {
        logger.error({ err: error }, 'cannot collect the metrics');
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('cannot collect the metrics; the error is logged\n');
      },
    );
  });
  const { host, port } = hostAndPort(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new StartupError(`${variable}=${address}: port ${port} on ${host} is already in use; choose another port`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
        reject(new StartupError(`${variable}=${address}: ${host} is not an address of this machine`));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const url = `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}/metrics`;
  logger.info({ url }, 'metrics served');
  return {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Installs the Temporal runtime, once per process as the SDK demands, with its own Prometheus exporter on
 * DANVAN_WORKER_METRICS_ADDRESS when that is set (worker task slots, poll and task latencies, the sticky cache,
 * gRPC requests), under the SDK's default names and units so Temporal's published SDK dashboards read it as it is.
 */
export function installTemporalRuntime(options: RuntimeOptions, metricsAddress: string | undefined): Runtime {
  if (metricsAddress === undefined) return Runtime.install(options);
  try {
    return Runtime.install({ ...options, telemetryOptions: { ...options.telemetryOptions, metrics: { prometheus: { bindAddress: metricsAddress } } } });
  } catch (error) {
    throw new StartupError(`DANVAN_WORKER_METRICS_ADDRESS=${metricsAddress}: ${(error as Error).message}`);
  }
}
