import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { searchAttributes } from '../workflows/search-attributes';
import { buildAtomically, requireTool, runStep } from './tools';
import { TIME_SKIPPING_SERVER } from './versions';

const POM = path.resolve(__dirname, 'maven', 'temporal-test-server', 'pom.xml');
/** Starts the server with Temporal's keepalive policy instead of grpc-java's default; why is in the source. */
const LAUNCHER = path.resolve(__dirname, 'java', 'TimeSkippingServer.java');
const LAUNCHER_CLASS = 'danvan.TimeSkippingServer';

/**
 * JVM flags for a fast start on a small machine: C1 only and the serial collector, because every test
 * suite starts its own server and @temporalio/testing gives it about five seconds to answer.
 */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss512k', '-XX:-UsePerfData'];

/** The launcher's source is part of the cache key: a changed launcher is built beside the old one. */
export function timeSkippingServerPath(cacheDir: string): string {
  const launcher = createHash('sha256').update(fs.readFileSync(LAUNCHER)).digest('hex').slice(0, 8);
  return path.join(cacheDir, 'temporal-test-server', `${TIME_SKIPPING_SERVER.version}-${launcher}`, 'temporal-test-server');
}

const classPath = (dir: string) => `${dir}/classes:${dir}/lib/*`;

function wrapperScript(dir: string, java: string, sharedArchive: string | undefined): string {
  const cds = sharedArchive ? ` -XX:SharedArchiveFile="${sharedArchive}" -Xshare:auto` : '';
  return [
    '#!/bin/sh',
    '# Started by @temporalio/testing as `<this> <port> --enable-time-skipping` and stopped with a plain kill:',
    '# exec hands that kill straight to the JVM.',
    `exec "${java}" ${JVM_FLAGS.join(' ')}${cds} -cp "${classPath(dir)}" ${LAUNCHER_CLASS} "$@"`,
    '',
  ].join('\n');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => socket.destroy() && resolve(true));
    socket.once('error', () => resolve(false));
  });
}

/**
 * Records a class-data-sharing archive by starting the server once and stopping it: later starts map the
 * archived classes instead of loading them, roughly 1.6 s → 0.6 s here. Best effort: without it, it still runs.
 */
async function recordSharedArchive(java: string, dir: string, archive: string): Promise<boolean> {
  const port = await freePort();
  const child = spawn(
    java,
    [...JVM_FLAGS, `-XX:ArchiveClassesAtExit=${archive}`, '-cp', classPath(dir), LAUNCHER_CLASS, String(port), '--enable-time-skipping'],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !(await portOpen(port))) await sleep(100);
  child.kill('SIGTERM');
  await exited;
  return fs.existsSync(archive);
}

/** Returns the executable that `TestWorkflowEnvironment.createTimeSkipping` spawns, fetching the server from Maven Central on first use. */
export async function ensureTimeSkippingServer(cacheDir: string, log: (line: string) => void): Promise<string> {
  const executable = timeSkippingServerPath(cacheDir);
  if (fs.existsSync(executable)) return executable;
  const java = requireTool('java', 'to run the Temporal time-skipping test server');
  const mvn = requireTool('mvn', 'to fetch the Temporal time-skipping test server from Maven Central on first use');
  const javac = requireTool('javac', "to compile the time-skipping server's launcher (stack/java) on first use");
  const dir = path.dirname(executable);
  await buildAtomically(dir, async (scratch) => {
    await runStep(
      `fetching temporal-test-server ${TIME_SKIPPING_SERVER.version} from Maven Central (first use only)`,
      mvn,
      [
        '-B',
        '-q',
        '-f',
        POM,
        `-Dtemporal.version=${TIME_SKIPPING_SERVER.version}`,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${path.join(scratch, 'lib')}`,
      ],
      { log },
    );
    await runStep(
      "compiling the time-skipping server's launcher",
      javac,
      ['-d', path.join(scratch, 'classes'), '-cp', `${path.join(scratch, 'lib')}/*`, LAUNCHER],
      { log },
    );
  });
  // The archive pins the absolute class path, so it is recorded in place, after the jars have moved there.
  const archive = path.join(dir, 'classes.jsa');
  const shared = fs.existsSync(archive) || (await recordSharedArchive(java, dir, archive));
  // The executable is written last: its presence marks a complete cache entry.
  const partial = `${executable}.partial-${process.pid}`;
  fs.writeFileSync(partial, wrapperScript(dir, java, shared ? archive : undefined), { mode: 0o755 });
  fs.renameSync(partial, executable);
  return executable;
}

/** The time-skipping server starts with no custom search attributes; the dev server gets them at its start (temporal-dev-server.ts). */
export async function registerSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace = 'default',
  keys: ReadonlyArray<(typeof searchAttributes)[keyof typeof searchAttributes]> = Object.values(searchAttributes),
): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(keys.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]])),
  });
}
