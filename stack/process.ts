import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StartupError } from '../infra/main';

/**
 * The local servers run as detached process groups with their output in log files and their pid in a
 * pid file, so `stack:up` can return while they keep running and `stack:down` (or Ctrl-C on `npm start`)
 * can stop each one together with anything it forked. Servers that must not outlive the process that
 * started them (`npm start`, the test run, the bench) are tied to it by a watchdog; see DIE_WITH_CALLER.
 */

/** A startup error of its own, so `npm start` (infra/main.ts's runMain) prints it as one message without knowing the stack. */
export class StackError extends StartupError {
  constructor(message: string) {
    super(message);
    this.name = 'StackError';
  }
}

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  runDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Keep running after this process exits (`stack:up`); otherwise the server dies with it, however it ends. */
  outliveCaller: boolean;
  /** Another user to run it as, for a server that refuses root (PostgreSQL); the watchdog runs as that user too. */
  runAs?: RunAs;
}

export interface RunAs {
  uid: number;
  gid: number;
}

export function pidFile(runDir: string, name: string): string {
  return path.join(runDir, `${name}.pid`);
}

export function logFile(runDir: string, name: string): string {
  return path.join(runDir, `${name}.log`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readPid(runDir: string, name: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(pidFile(runDir, name), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function runningPid(runDir: string, name: string): number | undefined {
  const pid = readPid(runDir, name);
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

/** How long a server gets between SIGTERM and SIGKILL, when stopped and when its caller dies. */
export const STOP_GRACE_MS = 15_000;

/**
 * Runs as `sh -c DIE_WITH_CALLER <name> <grace-ticks> <command> <args…>` with stdin a pipe from this process.
 * A background copy of the shell waits on that pipe; the server replaces the shell (exec), so it keeps
 * the pid written to the pid file and leads the process group. This process never writes to the pipe, so
 * the read returns only at end of file: when no process holds the write end any more, which is when
 * this process has ended, by a clean exit, a crash or SIGKILL alike, or when Node closes it because the
 * server has exited. The watchdog then stops the server's group: SIGTERM, SIGKILL after the grace ticks
 * (0.2 s each). It ignores SIGTERM itself so that it outlives the group's SIGTERM and delivers the SIGKILL.
 *
 * Chosen over prctl(PR_SET_PDEATHSIG) (e.g. `setpriv --pdeathsig`): that signals only the direct child,
 * not the group it forks; it fires when the forking thread ends, not the process; and it is never sent
 * if the parent dies before the launcher calls prctl. A pipe's end of file has none of these gaps, needs
 * nothing beyond POSIX sh, and costs one idle shell per server.
 *
 * A background list of a non-interactive sh reads from /dev/null, hence the pipe is kept as fd 3.
 * dash's kill takes `-PID` for a group but not `--`.
 */
const DIE_WITH_CALLER = `
exec 3<&0
{
  trap '' TERM
  read -r _ <&3
  kill -TERM -$$ 2>/dev/null
  ticks=0
  while kill -0 $$ 2>/dev/null && [ "$ticks" -lt "$1" ]; do sleep 0.2; ticks=$((ticks + 1)); done
  kill -KILL -$$ 2>/dev/null
} &
shift
exec "$@" </dev/null 3<&-
`;

export function spawnService(spec: ServiceSpec): number {
  fs.mkdirSync(spec.runDir, { recursive: true });
  const out = fs.openSync(logFile(spec.runDir, spec.name), 'a');
  const [command, args] = spec.outliveCaller
    ? [spec.command, spec.args]
    : ['/bin/sh', ['-c', DIE_WITH_CALLER, `danvan-${spec.name}-watchdog`, String(Math.ceil(STOP_GRACE_MS / 200)), spec.command, ...spec.args]];
  const child = spawn(command, args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: [spec.outliveCaller ? 'ignore' : 'pipe', out, out],
    ...spec.runAs,
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new StackError(`could not start ${spec.name}: ${command} did not spawn`);
  child.unref();
  fs.writeFileSync(pidFile(spec.runDir, spec.name), `${child.pid}\n`);
  return child.pid;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM the service's process group, then SIGKILL whatever is left after the grace period. */
export async function stopService(runDir: string, name: string, graceMs = STOP_GRACE_MS): Promise<boolean> {
  const pid = readPid(runDir, name);
  if (pid === undefined) return false;
  const wasAlive = isAlive(pid);
  if (wasAlive) {
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  }
  // The group may hold children that outlive their leader (a JVM's helpers, a shell's exec'd child).
  signalGroup(pid, 'SIGKILL');
  fs.rmSync(pidFile(runDir, name), { force: true });
  return wasAlive;
}

export function tailLog(runDir: string, name: string, lines = 15): string {
  try {
    const text = fs.readFileSync(logFile(runDir, name), 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function assertPortsFree(ports: Record<string, number>, hint: string): Promise<void> {
  for (const [what, port] of Object.entries(ports)) {
    if (!(await portIsFree(port))) {
      throw new StackError(`port ${port} (${what}) on 127.0.0.1 is already in use: stop whatever holds it (\`ss -ltnp 'sport = :${port}'\`) or ${hint}`);
    }
  }
}

/**
 * Polls `probe` until it resolves true. Fails early with the service's log tail when its process dies,
 * so a broken start reads as the server's own error rather than as a timeout, and at once when `signal`
 * is aborted (Ctrl-C during start-up).
 */
export async function waitUntilReady(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; runDir: string; name: string; pid?: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.signal?.aborted) throw new StackError(`start-up of ${what} interrupted`);
    if (await probe().catch(() => false)) return;
    if (opts.pid !== undefined && !isAlive(opts.pid)) {
      throw new StackError(`${what} exited during start-up; last lines of ${logFile(opts.runDir, opts.name)}:\n${tailLog(opts.runDir, opts.name)}`);
    }
    if (Date.now() > deadline) {
      throw new StackError(
        `${what} was not ready after ${Math.round(opts.timeoutMs / 1000)} s; see ${logFile(opts.runDir, opts.name)}:\n${tailLog(opts.runDir, opts.name)}`,
      );
    }
    await sleep(250);
  }
}
