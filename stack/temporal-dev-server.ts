import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributes } from '../workflows/search-attributes';
import { spawnService, waitUntilReady } from './process';
import { registerSearchAttributes } from './time-skipping-server';

/** The CLI's spelling of each SDK search attribute type (`--search-attribute Name=Type`; `--type` in docker-compose.yml). */
export const CLI_TYPE_NAMES: Record<string, string> = {
  KEYWORD: 'Keyword',
  INT: 'Int',
  TEXT: 'Text',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export interface TemporalDevServerOptions {
  binary: string;
  dataDir: string;
  runDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  headless: boolean;
  outliveCaller: boolean;
}

export function temporalDevServerArgs(opts: TemporalDevServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.join(opts.dataDir, 'temporal.sqlite'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
  ];
  for (const key of Object.values(searchAttributes)) {
    args.push('--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`);
  }
  if (opts.headless) args.push('--headless');
  return args;
}

export function startTemporalDevServer(opts: TemporalDevServerOptions): number {
  return spawnService({ name: 'temporal', command: opts.binary, args: temporalDevServerArgs(opts), runDir: opts.runDir, outliveCaller: opts.outliveCaller });
}

/**
 * Ready means the frontend answers gRPC health checks and the namespace with danvan's search attributes exists.
 * `start-dev` registers its `--search-attribute`s only when it creates the namespace, so on a data directory an
 * earlier danvan made, an attribute added since is registered here (the next check sees it). A namespace with none
 * yet is still being set up by `start-dev` itself.
 */
export async function temporalIsReady(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    const health = await connection.healthService.check({});
    if (health.status !== 1 /* SERVING */) return false;
    const attrs = await connection.operatorService.listSearchAttributes({ namespace });
    const registered = Object.keys(attrs.customAttributes ?? {});
    const missing = Object.values(searchAttributes).filter((key) => !registered.includes(key.name));
    if (missing.length > 0 && registered.length > 0) await registerSearchAttributes(connection, namespace, missing);
    return missing.length === 0;
  } finally {
    await connection.close();
  }
}

export async function waitForTemporal(
  address: string,
  namespace: string,
  opts: { runDir: string; pid?: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<void> {
  await waitUntilReady(`Temporal dev server at ${address}`, () => temporalIsReady(address, namespace), {
    timeoutMs: opts.timeoutMs ?? 60_000,
    runDir: opts.runDir,
    name: 'temporal',
    pid: opts.pid,
    signal: opts.signal,
  });
}
