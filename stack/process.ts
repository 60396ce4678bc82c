import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StartupError } from '../infra/main';

/**
 * The local servers run as detached process groups with their output in log files and their pid in a
 * pid file, so `stack:up` can return while they keep running and `stack:down` (or Ctrl-C on `npm start`)
 * can stop each one together with anything it forked.
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

export function spawnService(spec: ServiceSpec): number {
  fs.mkdirSync(spec.runDir, { recursive: true });
  const out = fs.openSync(logFile(spec.runDir, spec.name), 'a');
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new StackError(`could not start ${spec.name}: ${spec.command} did not spawn`);
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
export async function stopService(runDir: string, name: string, graceMs = 15_000): Promise<boolean> {
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

/** For signal handlers, which cannot wait: SIGKILL the service's process group at once. */
export function killServiceNow(runDir: string, name: string): void {
  const pid = readPid(runDir, name);
  if (pid === undefined) return;
  signalGroup(pid, 'SIGKILL');
  fs.rmSync(pidFile(runDir, name), { force: true });
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
 * so a broken start reads as the server's own error rather than as a timeout.
 */
export async function waitUntilReady(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; runDir: string; name: string; pid?: number },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (opts.pid !== undefined && !isAlive(opts.pid)) {
      throw new StackError(`${what} exited during start-up; last lines of ${logFile(opts.runDir, opts.name)}:\n${tailLog(opts.runDir, opts.name)}`);
    }
    if (Date.now() > deadline) {
      throw new StackError(`${what} was not ready after ${Math.round(opts.timeoutMs / 1000)} s; see ${logFile(opts.runDir, opts.name)}:\n${tailLog(opts.runDir, opts.name)}`);
    }
    await sleep(250);
  }
}
