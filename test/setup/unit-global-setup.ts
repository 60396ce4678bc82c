import { loadConfig } from '../../infra/config';
import { provision, stackLayout } from '../../stack/stack';
import { TEST_ENV } from '../helpers/env';

/**
 * The unit project's servers: only the Java time-skipping server, which each fast-tier suite starts for itself
 * (test/workflows/). No Temporal dev server and no Kafka broker are started or needed, so the project runs in
 * seconds on a machine that has never built the Temporal CLI. Never skips: if the server cannot be fetched, the run fails.
 */
export default async function unitGlobalSetup(): Promise<void> {
  const layout = stackLayout(loadConfig(), 'test');
  const log = (line: string) => process.stderr.write(`[stack] ${line}\n`);
  const { timeSkippingServer } = await provision(layout, log, { temporal: false, kafka: false, timeSkipping: true });
  process.env[TEST_ENV.timeSkippingServer] = timeSkippingServer;
}
