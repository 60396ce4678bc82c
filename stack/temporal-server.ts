import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { stringify } from 'yaml';
import { searchAttributes } from '../workflows/search-attributes';
import { POSTGRES_USER } from './postgres';
import { StackError, spawnService, waitUntilReady } from './process';
import { registerSearchAttributes } from './time-skipping-server';
import { buildAtomically, requireTool, runStep } from './tools';
import { TEMPORAL_SERVER } from './versions';
import { SHAPE } from './shape';

/**
 * The Temporal server of the cluster profile: the production shape of docker-compose.yml (Temporal on PostgreSQL,
 * SQL visibility on PostgreSQL too) as one local process running the four services, built from its Go module.
 */
export const TEMPORAL_SERVER_SERVICE = 'temporal';

/** The databases docker-compose.yml's temporal-schema job creates, each with the schema temporal-sql-tool carries for it. */
const DATABASES = [
  { name: 'temporal', schema: 'postgresql/v12/temporal' },
  { name: 'temporal_visibility', schema: 'postgresql/v12/visibility' },
] as const;

/** Retention of closed workflows in the namespace, as NAMESPACE_RETENTION in docker-compose.yml. */
const RETENTION = `${SHAPE.temporal.namespaceRetentionHours} hours` as const;

export interface TemporalServerBuild {
  server: string;
  /** temporal-sql-tool; the schema files are embedded in it. */
  sqlTool: string;
}

export function temporalServerBuild(cacheDir: string): TemporalServerBuild {
  const dir = path.join(cacheDir, 'temporal-server', TEMPORAL_SERVER.version);
  return { server: path.join(dir, 'temporal-server'), sqlTool: path.join(dir, 'temporal-sql-tool') };
}

/** Returns the server and its SQL tool, building both from the Go module on first use (one `go install`, shared dependencies). */
export async function ensureTemporalServer(cacheDir: string, log: (line: string) => void): Promise<TemporalServerBuild> {
  const build = temporalServerBuild(cacheDir);
  if (fs.existsSync(build.server)) return build;
  const go = requireTool('go', 'to build the Temporal server (the cluster profile) on first use');
  const { module, version } = TEMPORAL_SERVER;
  await buildAtomically(path.dirname(build.server), async (scratch) => {
    await runStep(
      `building Temporal server ${version} and temporal-sql-tool with \`go install\` (first use only; up to 5 minutes on 2 cores)`,
      go,
      ['install', `${module}/cmd/server@${version}`, `${module}/cmd/tools/sql@${version}`],
      // Pure-Go PostgreSQL driver: no C toolchain needed.
      { env: { GOBIN: scratch, CGO_ENABLED: '0', GOFLAGS: '-trimpath' }, log },
    );
    fs.renameSync(path.join(scratch, 'server'), path.join(scratch, path.basename(build.server)));
    fs.renameSync(path.join(scratch, 'sql'), path.join(scratch, path.basename(build.sqlTool)));
  });
  return build;
}

/**
 * Every port the server binds, from one base: the base is the frontend's gRPC port, the one clients use. Temporal
 * records the membership ports in a SMALLINT column of PostgreSQL (cluster_membership.rpc_port): above 32767 the
 * server dies at start with "out of range for type smallint", so the range must end below that.
 */
export function temporalServerPorts(basePort: number) {
  if (!Number.isInteger(basePort) || basePort < 1024 || basePort + 7 > 32_767) {
    throw new StackError(
      `the Temporal server's base port ${basePort} is out of range: its ports run from the base to base + 7, and Temporal on PostgreSQL stores them as SMALLINT, so the base must be between 1024 and 32760`,
    );
  }
  return {
    frontend: basePort,
    frontendMembership: basePort + 1,
    history: basePort + 2,
    historyMembership: basePort + 3,
    matching: basePort + 4,
    matchingMembership: basePort + 5,
    worker: basePort + 6,
    workerMembership: basePort + 7,
  };
}

const exec = promisify(execFile);

/**
 * What docker-compose.yml's temporal-schema job does, and as idempotent: create-database ignores an existing
 * database, setup-schema -v 0.0 skips one past 0.0, update-schema applies only the newer versions (so a bumped
 * server upgrades the schema at its first start).
 */
export async function setupTemporalSchema(sqlTool: string, postgresPort: number, log: (line: string) => void): Promise<void> {
  log(`setting up Temporal's databases in PostgreSQL at 127.0.0.1:${postgresPort}`);
  for (const database of DATABASES) {
    const connect = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(postgresPort), '-u', POSTGRES_USER, '--db', database.name];
    for (const step of [['create-database'], ['setup-schema', '-v', '0.0'], ['update-schema', '--schema-name', database.schema]]) {
      try {
        await exec(sqlTool, [...connect, ...step], { timeout: 120_000 });
      } catch (error) {
        const { stderr, stdout, message } = error as { stderr?: string; stdout?: string; message: string };
        const tail = `${stdout ?? ''}${stderr ?? ''}`.trimEnd().split('\n').slice(-10).join('\n') || message;
        throw new StackError(`temporal-sql-tool ${step[0]} on database ${database.name} failed:\n${tail}`);
      }
    }
  }
}

export interface TemporalServerOptions {
  build: TemporalServerBuild;
  /** Where the generated config goes (rewritten at every start); the server keeps all its data in PostgreSQL. */
  configDir: string;
  runDir: string;
  basePort: number;
  postgresPort: number;
  /** Prometheus metrics on 127.0.0.1:<port>; none when unset. */
  metricsPort?: number;
  outliveCaller: boolean;
  log: (line: string) => void;
}

/** The server's config file name without .yaml: the server reads `<configDir>/<env>.yaml`. */
const CONFIG_ENV = 'danvan';

/** Based on development-postgres12.yaml from the server's module, every service on 127.0.0.1, no TLS, no archival. */
export function temporalServerConfig(opts: Pick<TemporalServerOptions, 'basePort' | 'postgresPort' | 'metricsPort'>): Record<string, unknown> {
  const ports = temporalServerPorts(opts.basePort);
  const frontend = `127.0.0.1:${ports.frontend}`;
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${opts.postgresPort}`,
      connectProtocol: 'tcp',
      user: POSTGRES_USER,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number) => ({ rpc: { grpcPort, membershipPort, bindOnIP: '127.0.0.1' } });
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      // Fixed when the databases are first set up; changing it later needs new databases.
      numHistoryShards: SHAPE.temporal.historyShards.cluster,
      datastores: { 'postgres-default': datastore('temporal', 20), 'postgres-visibility': datastore('temporal_visibility', 2) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      ...(opts.metricsPort !== undefined && {
        metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${opts.metricsPort}` } },
      }),
    },
    services: {
      frontend: rpc(ports.frontend, ports.frontendMembership),
      history: rpc(ports.history, ports.historyMembership),
      matching: rpc(ports.matching, ports.matchingMembership),
      worker: rpc(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    // The system workflows (schedules, batches) reach the frontend here: named, so never a default 7233 of another server.
    publicClient: { hostPort: frontend },
  };
}

/** Sets up the schema (idempotent), writes the config and starts the server; wait for it with waitForTemporalServer. */
export async function startTemporalServer(opts: TemporalServerOptions): Promise<number> {
  await setupTemporalSchema(opts.build.sqlTool, opts.postgresPort, opts.log);
  fs.mkdirSync(opts.configDir, { recursive: true });
  fs.writeFileSync(
    path.join(opts.configDir, `${CONFIG_ENV}.yaml`),
    `# Written by danvan stack/temporal-server.ts at every start; edits are overwritten.\n${stringify(temporalServerConfig(opts))}`,
  );
  return spawnService({
    name: TEMPORAL_SERVER_SERVICE,
    command: opts.build.server,
    args: ['--root', opts.configDir, '--config', '.', '--env', CONFIG_ENV, '--allow-no-auth', 'start'],
    runDir: opts.runDir,
    outliveCaller: opts.outliveCaller,
  });
}

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

async function ensureNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return;
  } catch (error) {
    if (!isGrpcServiceError(error) || error.code !== GRPC_NOT_FOUND) throw error;
  }
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION) });
  } catch (error) {
    if (!isGrpcServiceError(error) || error.code !== GRPC_ALREADY_EXISTS) throw error;
  }
}

/** A visibility query naming every search attribute, as docker-compose.yml's temporal-init job waits for. */
const PROBE_QUERY = Object.values(searchAttributes)
  .map((key) => `${key.name} = ${key.type === 'INT' ? '0' : "'probe'"}`)
  .join(' AND ');

/**
 * Ready means the frontend serves, the namespace exists with danvan's search attributes, and a visibility query
 * naming them all is accepted. Each step is idempotent, so a second start on the same databases only checks. On SQL
 * visibility the attributes are per-namespace aliases that the frontend learns from its namespace cache, refreshed
 * every few seconds: until it has, a workflow started with them would be refused, hence the query.
 */
export async function temporalServerIsReady(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    const health = await connection.healthService.check({});
    if (health.status !== 1 /* SERVING */) return false;
    await ensureNamespace(connection, namespace);
    const attrs = await connection.operatorService.listSearchAttributes({ namespace });
    const registered = Object.keys(attrs.customAttributes ?? {});
    const missing = Object.values(searchAttributes).filter((key) => !registered.includes(key.name));
    if (missing.length > 0) {
      await registerSearchAttributes(connection, namespace, missing);
      return false;
    }
    await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1, query: PROBE_QUERY });
    return true;
  } finally {
    await connection.close();
  }
}

export async function waitForTemporalServer(
  address: string,
  namespace: string,
  opts: { runDir: string; pid?: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<void> {
  await waitUntilReady(`Temporal server at ${address}`, () => temporalServerIsReady(address, namespace), {
    timeoutMs: opts.timeoutMs ?? 120_000,
    runDir: opts.runDir,
    name: TEMPORAL_SERVER_SERVICE,
    pid: opts.pid,
    signal: opts.signal,
  });
}
