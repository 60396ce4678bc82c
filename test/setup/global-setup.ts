import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../infra/config';
import { provision, stackLayout, stackUp } from '../../stack/stack';
import { TEST_ENV } from '../helpers/env';
import { FAULT_TABLE_VARIABLE } from '../faults/table';

/**
 * Brings up the servers the suites talk to, with the same scripts as `npm start`: the test profile of the
 * embedded stack (own ports, fresh data every run) unless DANVAN_TEST_TEMPORAL_ADDRESS and
 * DANVAN_TEST_KAFKA_BROKERS point at servers to use instead. Never skips: if a server cannot start, the run fails.
 */
export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  const layout = stackLayout(config, 'test');
  const log = (line: string) => process.stderr.write(`[stack] ${line}\n`);
  const { timeSkippingServer } = await provision(layout, log, { temporal: false, kafka: false, timeSkipping: true });
  process.env[TEST_ENV.timeSkippingServer] = timeSkippingServer;

  const external = { temporal: process.env[TEST_ENV.temporalAddress], kafka: process.env[TEST_ENV.kafkaBrokers] };
  const up = await stackUp(layout, { temporal: !external.temporal, kafka: !external.kafka, fresh: true, topicPartitions: config.KAFKA_TOPIC_PARTITIONS, log });
  process.env[TEST_ENV.temporalAddress] = external.temporal ?? up.endpoints.temporalAddress;
  process.env[TEST_ENV.kafkaBrokers] = external.kafka ?? up.endpoints.kafkaBrokers.join(',');
  // Ctrl-C on jest skips global teardown; the servers are tied to this process (stackUp's default) and stop with it.
  // A fresh reliability table per run (test/faults/table.ts); the reporter prints it at the end.
  process.env[FAULT_TABLE_VARIABLE] = path.join(layout.dataDir, 'fault-table.jsonl');
  fs.rmSync(process.env[FAULT_TABLE_VARIABLE], { force: true });
  process.env[TEST_ENV.stackMode] = external.temporal && external.kafka ? 'external' : 'local';
  (globalThis as Record<string, unknown>).__danvanTestStack = { layout, started: up.started };
}
