import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StackError, type RunAs } from './process';

/** Where each prerequisite comes from, said once so every "missing tool" message gives the same advice. */
const INSTALL_HINTS: Record<string, string> = {
  go: 'install Go (any release from the last few years: with GOTOOLCHAIN=auto the go command fetches the newer toolchain the Temporal CLI needs from the Go module proxy) and put `go` on PATH',
  java: 'install a Java 17+ runtime (Debian: `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME',
  javac: 'install a Java 17+ JDK (Debian: `apt-get install openjdk-17-jdk-headless`) or set JAVA_HOME to one',
  mvn: 'install Apache Maven 3.8+ (Debian: `apt-get install maven`)',
};

export function javaCommand(tool: 'java' | 'javac' = 'java'): string {
  const home = process.env.JAVA_HOME;
  return home ? path.join(home, 'bin', tool) : tool;
}

export function requireTool(name: 'go' | 'java' | 'javac' | 'mvn', why: string): string {
  const command = name === 'java' || name === 'javac' ? javaCommand(name) : name;
  const probe = spawnSync(command, name === 'go' ? ['version'] : ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new StackError(`\`${command}\` is needed ${why} but was not found: ${INSTALL_HINTS[name]}`);
  }
  return command;
}

/**
 * Runs a provisioning command, echoing a progress dot every few seconds so a first-time build that
 * takes minutes does not look hung, and failing with the command's own last output lines.
 */
export function runStep(
  label: string,
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; runAs?: RunAs; log: (line: string) => void },
): Promise<void> {
  opts.log(`${label} …`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], ...opts.runAs });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const ticker = setInterval(() => opts.log(`${label} … ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
    child.on('error', (error) => {
      clearInterval(ticker);
      reject(new StackError(`${label} failed to start \`${command}\`: ${error.message}`));
    });
    child.on('close', (code) => {
      clearInterval(ticker);
      if (code === 0) {
        opts.log(`${label} done in ${Math.round((Date.now() - started) / 1000)} s`);
        resolve();
      } else {
        const tail = output.trimEnd().split('\n').slice(-20).join('\n');
        reject(new StackError(`${label} failed (\`${command} ${args.join(' ')}\` exited ${code}):\n${tail}`));
      }
    });
  });
}

/** Builds into a scratch folder beside the target and renames it into place, so an interrupted or concurrent build never leaves a half-filled cache entry behind. */
export async function buildAtomically(target: string, build: (scratch: string) => Promise<void>): Promise<void> {
  if (fs.existsSync(target)) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const scratch = `${target}.partial-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  try {
    await build(scratch);
    try {
      fs.renameSync(scratch, target);
    } catch (error) {
      if (!fs.existsSync(target)) throw error;
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
