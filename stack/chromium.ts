import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './process';
import { runStep } from './tools';

/**
 * The browser the dashboard is tested in: Debian's `chromium` package, driven by playwright-core with its
 * executablePath (Playwright's own browser download cannot reach its servers from here, and the tests never try).
 * Found on PATH, or named by DANVAN_CHROMIUM; on a fresh machine installed from Debian's packages when this process
 * may (root), otherwise refused with the command that installs it.
 */
export const CHROMIUM_INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium';

export interface ChromiumOptions {
  env?: NodeJS.ProcessEnv;
  /** The user id installing would run as; root (0) may install. */
  uid?: number | undefined;
  log?: (line: string) => void;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The Chromium binary DANVAN_CHROMIUM names, or the first `chromium` on PATH; undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env.DANVAN_CHROMIUM;
  if (named) {
    if (!isExecutable(named))
      throw new StackError(`DANVAN_CHROMIUM=${named} is not an executable file: name a Chromium binary, or unset it to use \`chromium\` from PATH`);
    return named;
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'chromium');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The Chromium binary, installed first from Debian's packages when it is missing and this process is root. */
export async function ensureChromium(opts: ChromiumOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const existing = findChromium(env);
  if (existing) return existing;
  const uid = 'uid' in opts ? opts.uid : process.getuid?.();
  if (uid !== 0)
    throw new StackError(
      `Chromium is not installed, and only root can install it: run \`sudo sh -c '${CHROMIUM_INSTALL_COMMAND}'\` (Debian's chromium package), or set DANVAN_CHROMIUM to a Chromium binary`,
    );
  await runStep("installing Debian's chromium package", 'sh', ['-c', CHROMIUM_INSTALL_COMMAND], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
    log: opts.log ?? ((line) => process.stderr.write(`[chromium] ${line}\n`)),
  });
  const installed = findChromium(env);
  if (!installed) throw new StackError(`\`${CHROMIUM_INSTALL_COMMAND}\` succeeded, yet no \`chromium\` is on PATH (${env.PATH ?? ''})`);
  return installed;
}
