import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../infra/config';
import { stackDown, stackLayout, stackUp } from '../stack/stack';
import { TEST_ENV } from '../test/helpers/env';

/**
 * `npm run flake -- [--runs 20] [--hog 1] [--out FILE] SUITE…`: runs each suite RUNS times, one after another,
 * while HOG processes keep as many cores busy, and prints every run and a table of passes and failures. The
 * servers come up once (the test profile of the embedded stack) and every jest run uses them, so a run costs
 * what its suite costs. A failure is printed with the tail of its output and kept whole in a file: a flaky test is a bug to find.
 */
interface Options {
  runs: number;
  hog: number;
  out: string | undefined;
  suites: string[];
}

function parse(argv: string[]): Options {
  const options: Options = { runs: 20, hog: 1, out: undefined, suites: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--runs') options.runs = Number(value());
    else if (arg === '--hog') options.hog = Number(value());
    else if (arg === '--out') options.out = value();
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else options.suites.push(arg);
  }
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error(`--runs must be a whole number ≥ 1, got ${options.runs}`);
  if (!Number.isInteger(options.hog) || options.hog < 0) throw new Error(`--hog must be a whole number ≥ 0, got ${options.hog}`);
  if (options.suites.length === 0) throw new Error('name at least one suite, e.g. test/integration/campaign-lifecycle.test.ts');
  for (const suite of options.suites) if (!fs.existsSync(suite)) throw new Error(`no such suite: ${suite}`);
  return options;
}

function jestOnce(suite: string, env: NodeJS.ProcessEnv): Promise<{ ok: boolean; seconds: number; output: string }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve('jest/bin/jest'), '--runInBand', suite], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('close', (code) => resolve({ ok: code === 0, seconds: (Date.now() - started) / 1000, output: Buffer.concat(chunks).toString() }));
  });
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const layout = stackLayout(loadConfig(), 'test');
  const log = (line: string) => process.stderr.write(`[stack] ${line}\n`);
  const hogs: ChildProcess[] = Array.from({ length: options.hog }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const results: Array<{ suite: string; passed: number; failed: number; seconds: number[] }> = [];
  const failures = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-flake-'));
  try {
    const up = await stackUp(layout, { temporal: true, kafka: true, fresh: true, topicPartitions: loadConfig().KAFKA_TOPIC_PARTITIONS, log });
    const env = { ...process.env, [TEST_ENV.temporalAddress]: up.endpoints.temporalAddress, [TEST_ENV.kafkaBrokers]: up.endpoints.kafkaBrokers.join(',') };
    for (const suite of options.suites) {
      const row = { suite, passed: 0, failed: 0, seconds: [] as number[] };
      results.push(row);
      for (let run = 1; run <= options.runs; run++) {
        const result = await jestOnce(suite, env);
        row.seconds.push(result.seconds);
        if (result.ok) row.passed += 1;
        else row.failed += 1;
        console.log(`${path.basename(suite)} run ${run}/${options.runs}: ${result.ok ? 'pass' : 'FAIL'} in ${result.seconds.toFixed(1)} s`);
        if (!result.ok) {
          // The whole output is kept: a stalled story's diagnostics come long before jest's summary.
          const file = path.join(failures, `${path.basename(suite, '.test.ts')}-run${run}.log`);
          fs.writeFileSync(file, result.output);
          console.log(`${result.output.split('\n').slice(-40).join('\n')}\n(whole output: ${file})`);
        }
      }
    }
  } finally {
    for (const hog of hogs) hog.kill('SIGKILL');
    await stackDown(layout);
  }
  console.log(`\nflake runs: ${options.runs} per suite, ${options.hog} core(s) kept busy, ${new Date().toISOString()}`);
  console.log('| suite | passed | failed | median s |');
  console.log('|---|---:|---:|---:|');
  for (const row of results) {
    const sorted = [...row.seconds].sort((a, b) => a - b);
    console.log(`| ${path.basename(row.suite)} | ${row.passed} | ${row.failed} | ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} |`);
  }
  if (options.out)
    fs.writeFileSync(options.out, `${JSON.stringify({ at: new Date().toISOString(), runs: options.runs, hog: options.hog, results }, null, 2)}\n`);
  if (results.some((r) => r.failed > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`danvan flake: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
