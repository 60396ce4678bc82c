import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TOPICS } from '../domain/topics';
import { analyticsDbFile, loadConfig, type Config } from '../infra/config';
import { createKafka } from '../infra/kafka';
import { createLogger } from '../infra/logger';
import { runMain, StartupError } from '../infra/main';
import { register } from 'prom-client';
import { serveMetrics } from '../infra/metrics';
import { rewindGroup, startEventConsumer } from './consumer';
import { consumerMetrics } from './metrics';
import { openProjection, resetProjection } from './projection';
import { projectionSink } from './projection-sink';
import type { ProjectionError } from './result';

const USAGE = 'usage: npm run analytics [-- --rebuild] [--group ID]';

function explain(error: ProjectionError): string {
  return `${error.field}=${JSON.stringify(error.value)}: ${error.message}`;
}

function options() {
  try {
    return parseArgs({ options: { rebuild: { type: 'boolean', default: false }, group: { type: 'string', default: 'danvan-analytics' } } }).values;
  } catch (error) {
    throw new StartupError(`${(error as Error).message}\n${USAGE}`);
  }
}

/**
 * `npm run analytics [-- --rebuild] [--group ID]`: keeps the SQLite projection (DANVAN_ANALYTICS_DB) up to date
 * from the campaign topic until SIGINT/SIGTERM. `--rebuild` first moves the group's offsets back to the beginning,
 * then empties the projection, and reads the whole topic again. Which brokers it reads is the entry point's to
 * say: the standalone process (analytics/main.ts) only the configured ones, `npm run analytics` (bin/analytics.ts)
 * the embedded broker when none is configured.
 */
export function runAnalytics(brokersOf: (config: Config) => string[]): void {
  runMain('analytics', async () => {
    const { rebuild, group } = options();
    const config = loadConfig();
    const logger = createLogger(config.LOG_LEVEL, 'danvan-analytics');
    const file = analyticsDbFile(config);
    const brokers = brokersOf(config);
    const kafka = createKafka({ brokers, clientId: `${config.KAFKA_CLIENT_ID}-analytics`, logger });
    const kafkaProblem = (error: ProjectionError) =>
      new StartupError(
        error.field === 'kafka'
          ? `cannot use Kafka at ${brokers.join(',')} (${error.value}): ${error.message}; is \`npm start\` running, or KAFKA_BROKERS set?`
          : explain(error),
      );

    if (rebuild) {
      // Offsets first: this refuses while another consumer of the group runs, before anything is emptied under it.
      const rewound = await rewindGroup(kafka, group, [TOPICS.campaignEvents]);
      if (!rewound.ok) throw kafkaProblem(rewound.error);
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const opened = rebuild ? resetProjection(file) : openProjection(file);
    if (!opened.ok) throw new StartupError(`${explain(opened.error)}${opened.error.field === 'schema_version' ? ' (npm run analytics -- --rebuild)' : ''}`);
    const projection = opened.value;
    logger.info({ file, group, brokers, rebuild }, rebuild ? 'rebuilding the projection from offset zero' : 'projection open');

    const address = config.DANVAN_ANALYTICS_METRICS_ADDRESS;
    const metrics = address ? await serveMetrics(address, 'DANVAN_ANALYTICS_METRICS_ADDRESS', register, logger) : undefined;
    const consumer = await startEventConsumer({
      kafka,
      groupId: group,
      logger,
      topics: [TOPICS.campaignEvents],
      sink: projectionSink(projection),
      ...(metrics ? { observer: consumerMetrics(register, logger) } : {}),
    });
    if (!consumer.ok) {
      projection.close();
      await metrics?.close();
      throw kafkaProblem(consumer.error);
    }
    try {
      await consumer.value.stopped;
    } finally {
      projection.close();
      await metrics?.close();
    }
  });
}
