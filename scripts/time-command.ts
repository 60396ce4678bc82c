import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm run time -- [--runs 3] [--label NAME] -- COMMAND [ARG…]`: runs a command several times, one after another,
 * and prints the wall-clock seconds of each run with their minimum, median and maximum; writes the same to
 * bench/results/<date>-time-<label>.json. How the test tiers' times in docs/testing.md are measured. The command's
 * own output goes to a log file in the system's temporary folder, so a failed run can be read; a failed run makes
 * the whole measurement fail.
 */
interface Options {
  runs: number;
  label: string;
  command: string[];
}

function parse(argv: string[]): Options {
  const split = argv.indexOf('--');
  if (split < 0 || split === argv.length - 1) throw new Error('name the command after --, e.g. npm run time -- --runs 3 -- npm run test:unit');
  const options: Options = { runs: 3, label: '', command: argv.slice(split + 1) };
  const flags = argv.slice(0, split);
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    const value = flags[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--runs') options.runs = Number(value);
    else if (flag === '--label') options.label = value;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!Number.isInteger(options.runs) || options.runs < 1 || options.runs > 20)
    throw new Error(`--runs must be a whole number from 1 to 20, got ${options.runs}`);
  options.label ||= options.command
    .join('-')
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '');
  if (!/^[a-z0-9-]{1,60}$/i.test(options.label)) throw new Error(`--label must be letters, digits and dashes, got ${options.label}`);
  return options;
}

function runOnce(command: string[], log: fs.WriteStream): Promise<{ seconds: number; exitCode: number | null }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, exitCode }));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  const stamp = new Date()
    .toISOString()
    .slice(0, 16)
    .replace(/[-:]/g, '')
    .replace(/^(\d{4})(\d{2})(\d{2})/, '$1-$2-$3');
  const base = path.join('bench', 'results', `${stamp}-time-${options.label}`);
  const logFile = path.join(os.tmpdir(), `danvan-time-${options.label}-${stamp}.log`);
  const log = fs.createWriteStream(logFile);
  const seconds: number[] = [];
  const exitCodes: Array<number | null> = [];
  try {
    for (let run = 1; run <= options.runs; run++) {
      log.write(`\n=== run ${run}/${options.runs}: ${options.command.join(' ')}\n`);
      const result = await runOnce(options.command, log);
      seconds.push(result.seconds);
      exitCodes.push(result.exitCode);
      console.log(`run ${run}/${options.runs}: ${result.seconds.toFixed(1)} s, exit ${result.exitCode}`);
    }
  } finally {
    await new Promise((resolve) => log.end(resolve));
  }
  const summary = {
    at: new Date().toISOString(),
    command: options.command.join(' '),
    machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), cpu: os.cpus()[0]?.model },
    seconds: seconds.map((s) => Number(s.toFixed(1))),
    exitCodes,
    minSeconds: Number(Math.min(...seconds).toFixed(1)),
    medianSeconds: Number(median(seconds).toFixed(1)),
    maxSeconds: Number(Math.max(...seconds).toFixed(1)),
  };
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    `${summary.command}: median ${summary.medianSeconds} s (min ${summary.minSeconds}, max ${summary.maxSeconds}) over ${options.runs} runs; wrote ${base}.json`,
  );
  const failed = exitCodes.filter((code) => code !== 0).length;
  if (failed > 0) {
    console.error(`danvan time: ${failed} of ${options.runs} runs failed; their output is in ${logFile}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(`danvan time: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
