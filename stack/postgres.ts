import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { StackError, isAlive, readPid, spawnService, stopService, waitUntilReady, type RunAs } from './process';
import { buildAtomically, runStep } from './tools';

/**
 * A PostgreSQL server of the cluster profile's own, from the PostgreSQL installed on the machine (the package
 * registries have no portable build of it). Local use only: it listens on 127.0.0.1 alone, has no Unix socket, and
 * trusts every connection there without a password, like the dev stack's other servers. Its superuser is named
 * `temporal`, as docker-compose.yml's POSTGRES_USER, so Temporal connects to both the same way.
 */
export const POSTGRES_USER = 'temporal';
export const POSTGRES_SERVICE = 'postgres';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  pgIsReady: string;
}

const INSTALL_HINT = 'install PostgreSQL 12 or later (Debian: `apt-get install postgresql`)';

function binariesIn(dir: string): PostgresBinaries | undefined {
  const bins = { initdb: path.join(dir, 'initdb'), postgres: path.join(dir, 'postgres'), pgIsReady: path.join(dir, 'pg_isready') };
  return Object.values(bins).every((file) => fs.existsSync(file)) ? bins : undefined;
}

/**
 * The server binaries of one installation, side by side: `postgres` on PATH resolved to its real folder (Debian
 * links only some of them into /usr/bin, through a wrapper), else the newest /usr/lib/postgresql/<major>/bin.
 */
export function findPostgres(): PostgresBinaries {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'postgres'));
  const candidates = onPath.filter((file) => fs.existsSync(file)).map((file) => path.dirname(fs.realpathSync(file)));
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const majors = fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    candidates.push(...majors.map((major) => path.join(debian, major, 'bin')));
  }
  for (const dir of candidates) {
    const bins = binariesIn(dir);
    if (bins) return bins;
  }
  throw new StackError(
    `PostgreSQL (postgres, initdb, pg_isready) is needed for the cluster profile but was not found on PATH or under ${debian}: ${INSTALL_HINT}`,
  );
}

function idOf(flag: '-u' | '-g', user: string): number | undefined {
  const probe = spawnSync('id', [flag, user], { encoding: 'utf8' });
  const id = Number(probe.stdout.trim());
  return probe.status === 0 && Number.isInteger(id) ? id : undefined;
}

/** PostgreSQL refuses to run as root, so as root it runs as the `postgres` user its package creates; otherwise as whoever runs danvan. */
export function postgresRunAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = idOf('-u', 'postgres');
  const gid = idOf('-g', 'postgres');
  if (uid === undefined || gid === undefined) {
    throw new StackError(
      `PostgreSQL refuses to run as root and there is no \`postgres\` user to run it as: ${INSTALL_HINT}, which creates it, or run danvan as an ordinary user`,
    );
  }
  return { uid, gid };
}

function assertReachable(dir: string, runAs: RunAs): void {
  const probe = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], { ...runAs });
  if (probe.status !== 0) {
    throw new StackError(
      `the \`postgres\` user cannot enter ${dir}, where PostgreSQL's data goes: let it through every folder on the way (\`chmod o+x\` on each that lacks it) or put DANVAN_DATA_DIR elsewhere`,
    );
  }
}

/** Creates the database cluster on first use; later starts find it and keep its data. */
export async function ensurePostgresData(dataDir: string, bins: PostgresBinaries, runAs: RunAs | undefined, log: (line: string) => void): Promise<void> {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  if (fs.existsSync(dataDir)) {
    throw new StackError(`${dataDir} exists but holds no PostgreSQL database cluster (no PG_VERSION): move it away so that danvan can create one there`);
  }
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (runAs) assertReachable(path.dirname(dataDir), runAs);
  await buildAtomically(dataDir, async (scratch) => {
    if (runAs) fs.chownSync(scratch, runAs.uid, runAs.gid);
    fs.chmodSync(scratch, 0o700);
    await runStep(
      `creating the PostgreSQL database cluster in ${dataDir} (first start only)`,
      bins.initdb,
      ['-D', scratch, '-U', POSTGRES_USER, '--auth=trust', '--encoding=UTF8', '--locale=C'],
      { cwd: scratch, runAs, log },
    );
  });
}

export interface PostgresOptions {
  bins: PostgresBinaries;
  runAs: RunAs | undefined;
  dataDir: string;
  runDir: string;
  port: number;
  outliveCaller: boolean;
}

export function startPostgres(opts: PostgresOptions): number {
  return spawnService({
    name: POSTGRES_SERVICE,
    command: opts.bins.postgres,
    args: [
      '-D',
      opts.dataDir,
      '-p',
      String(opts.port),
      '-c',
      'listen_addresses=127.0.0.1',
      // No socket in /var/run/postgresql, where a system PostgreSQL of the same port would clash with it.
      '-c',
      'unix_socket_directories=',
      // Each of Temporal's four services keeps pools of its own (up to 20 + 2 connections); 100 could run out.
      '-c',
      'max_connections=200',
    ],
    runDir: opts.runDir,
    cwd: opts.dataDir,
    runAs: opts.runAs,
    outliveCaller: opts.outliveCaller,
  });
}

const exec = promisify(execFile);

export async function postgresIsReady(pgIsReady: string, port: number): Promise<boolean> {
  try {
    await exec(pgIsReady, ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', POSTGRES_USER, '-d', 'postgres', '-t', '2'], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export async function waitForPostgres(
  pgIsReady: string,
  port: number,
  opts: { runDir: string; pid?: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<void> {
  await waitUntilReady(`PostgreSQL at 127.0.0.1:${port}`, () => postgresIsReady(pgIsReady, port), {
    timeoutMs: opts.timeoutMs ?? 60_000,
    runDir: opts.runDir,
    name: POSTGRES_SERVICE,
    pid: opts.pid,
    signal: opts.signal,
  });
}

/**
 * SIGINT is PostgreSQL's fast shutdown: it ends the sessions and writes a checkpoint, so the next start needs no
 * recovery. stopService's SIGTERM would not do: the backends run in sessions of their own, out of the signalled
 * group, and a SIGTERM'd postmaster waits for them until its clients disconnect (tried: a connected client held it
 * to the SIGKILL). stopService follows to clear the pid file and the watchdog. The watchdog itself sends SIGTERM
 * when the caller dies, which is enough there: Temporal, its only client, dies with the same caller.
 */
export async function stopPostgres(runDir: string, graceMs = 30_000): Promise<boolean> {
  const pid = readPid(runDir, POSTGRES_SERVICE);
  if (pid === undefined) return false;
  const wasAlive = isAlive(pid);
  if (wasAlive) {
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopService(runDir, POSTGRES_SERVICE);
  return wasAlive;
}
