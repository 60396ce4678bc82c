import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../infra/config';
import { endpoints, stackDown, stackUp, type StackEndpoints, type StackLayout } from '../../stack/stack';
import { freePort } from './processes';

type Service = 'temporal' | 'kafka';

/**
 * Servers of a suite's own, on free ports and in a scratch folder, for the fault suites that stop and restart
 * them: the run's shared servers stay untouched. Started with the same scripts as `npm start`.
 */
export interface PrivateStack {
  layout: StackLayout;
  endpoints: StackEndpoints;
  /** Stops a server the way an operator would (SIGTERM, then SIGKILL after a grace period); its data stays. */
  stop: (service: Service) => Promise<void>;
  /** Starts a stopped server again on its persisted data and waits until it answers. */
  start: (service: Service) => Promise<void>;
  down: () => Promise<void>;
}

export async function startPrivateStack(name: string, services: { temporal?: boolean; kafka?: boolean }): Promise<PrivateStack> {
  const config = loadConfig();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `danvan-${name}-`));
  const layout: StackLayout = {
    profile: 'test',
    cacheDir: config.DANVAN_CACHE_DIR,
    dataDir,
    runDir: path.join(dataDir, 'run'),
    namespace: config.TEMPORAL_NAMESPACE,
    ports: { temporal: await freePort(), temporalUi: await freePort(), kafka: await freePort(), kafkaController: await freePort() },
  };
  const log = (line: string) => process.stderr.write(`[${name} stack] ${line}\n`);
  const up = (which: { temporal: boolean; kafka: boolean }, fresh: boolean) =>
    stackUp(layout, { ...which, fresh, topicPartitions: config.KAFKA_TOPIC_PARTITIONS, log });
  await up({ temporal: services.temporal ?? false, kafka: services.kafka ?? false }, true);
  return {
    layout,
    endpoints: endpoints(layout),
    stop: async (service) => {
      await stackDown(layout, [service]);
    },
    start: async (service) => {
      await up({ temporal: service === 'temporal', kafka: service === 'kafka' }, false);
    },
    down: async () => {
      await stackDown(layout);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
