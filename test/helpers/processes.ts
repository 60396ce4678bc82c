import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX_CLI = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const TSX_CJS = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');

/** Variables the suites must not leak into a spawned danvan process (they would point it at other servers). */
const DANVAN_VARIABLES = /^(TEMPORAL_|KAFKA_|API_|DANVAN_|LOG_LEVEL$)/;

export interface Spawned {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** Runs a TypeScript entry point of the project as a user would, with only the given danvan variables set. */
export function spawnTs(entry: string, args: string[], env: Record<string, string>, extra: { PATH?: string; detached?: boolean } = {}): Spawned {
  return spawnNode([TSX_CLI, path.join(ROOT, entry), ...args], env, extra);
}

/**
 * The same, as one node process with tsx's loader rather than its CLI, for tests of what a process does on SIGTERM:
 * the CLI passes a signal on to its child and SIGKILLs the child unless it confirms within 30 ms, which a loaded
 * machine misses.
 */
export function spawnTsProcess(entry: string, args: string[], env: Record<string, string>): Spawned {
  return spawnNode(['--require', TSX_CJS, path.join(ROOT, entry), ...args], env, {});
}

/** `npm start` as a user types it, in a process group of its own: signalGroup then reaches it as a terminal would. */
export function spawnNpmStart(env: Record<string, string>, args: string[] = []): Spawned {
  return spawnCommand('npm', ['start', ...(args.length > 0 ? ['--', ...args] : [])], env, { detached: true });
}

function spawnNode(argv: string[], env: Record<string, string>, extra: { PATH?: string; detached?: boolean }): Spawned {
  return spawnCommand(process.execPath, argv, env, extra);
}

function spawnCommand(command: string, argv: string[], env: Record<string, string>, extra: { PATH?: string; detached?: boolean }): Spawned {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !DANVAN_VARIABLES.test(key) && key !== 'JAVA_HOME'));
  const child = spawn(command, argv, {
    cwd: ROOT,
    env: { ...base, ...(extra.PATH !== undefined ? { PATH: extra.PATH } : {}), ...env },
    // tsx runs the program in a child of its own: a crash test must kill the whole group, not just tsx.
    detached: extra.detached ?? false,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        const match = output.match(pattern);
        if (match) return resolve(match);
        if (child.exitCode !== null) return reject(new Error(`process exited ${child.exitCode} before ${pattern}:\n${output}`));
        if (Date.now() - started > timeoutMs) return reject(new Error(`no ${pattern} after ${timeoutMs} ms:\n${output}`));
        setTimeout(check, 100);
      };
      check();
    });
  return { child, output: () => output, waitFor, exited };
}

/** SIGKILL for a process spawned with `detached: true` and everything it started, as a crash would. */
export function killGroup(spawned: Spawned): void {
  signalGroup(spawned, 'SIGKILL');
}

/** A signal to a process spawned with `detached: true` and to its group: SIGINT is a terminal's Ctrl-C. */
export function signalGroup(spawned: Spawned, signal: NodeJS.Signals): void {
  if (spawned.child.pid !== undefined) process.kill(-spawned.child.pid, signal);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Every live process whose command line or environment mentions `needle` (a test's own data folder):
 * the servers name it on their command lines, the node processes inherit it in DANVAN_DATA_DIR.
 */
export function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (cmdline.includes(needle) || environ.includes(needle)) found.push(`${pid}: ${cmdline.slice(0, 200)}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}
