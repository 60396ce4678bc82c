import fs from 'node:fs';
import path from 'node:path';
import { StackError } from './process';
import { buildAtomically, requireTool, runStep } from './tools';
import { TEMPORAL_CLI } from './versions';

export function temporalCliPath(cacheDir: string, version: string = TEMPORAL_CLI.version): string {
  return path.join(cacheDir, 'temporal-cli', version, 'temporal');
}

/**
 * Returns the Temporal CLI binary, building it from its Go module on first use. The pinned tag is tried
 * first and the fallback tag second; whichever is already cached wins without touching the network.
 */
export async function ensureTemporalCli(cacheDir: string, log: (line: string) => void): Promise<string> {
  for (const version of [TEMPORAL_CLI.version, TEMPORAL_CLI.fallbackVersion]) {
    const cached = temporalCliPath(cacheDir, version);
    if (fs.existsSync(cached)) return cached;
  }
  const go = requireTool('go', 'to build the Temporal CLI (the local Temporal dev server) on first use');
  const failures: string[] = [];
  for (const version of [TEMPORAL_CLI.version, TEMPORAL_CLI.fallbackVersion]) {
    const target = temporalCliPath(cacheDir, version);
    try {
      await buildAtomically(path.dirname(target), (scratch) =>
        runStep(
          `building Temporal CLI ${version} with \`go install\` (first use only; several minutes on 2 cores)`,
          go,
          ['install', `${TEMPORAL_CLI.module}@${version}`],
          // Pure-Go SQLite inside the CLI: no C toolchain needed.
          { env: { GOBIN: scratch, CGO_ENABLED: '0', GOFLAGS: '-trimpath' }, log },
        ),
      );
      return target;
    } catch (error) {
      failures.push(`${version}: ${(error as Error).message}`);
      log(`Temporal CLI ${version} did not build; ${version === TEMPORAL_CLI.version ? `trying ${TEMPORAL_CLI.fallbackVersion}` : 'giving up'}`);
    }
  }
  throw new StackError(`the Temporal CLI could not be built from the Go module proxy:\n${failures.join('\n')}`);
}
