import { ConfigError, loadConfig } from '../infra/config';
import { clusterDown, clusterUp } from './cluster';
import { StackError } from './process';
import { stackDown, stackLayout, stackStatus, stackUp, type Profile } from './stack';

/** `npm run stack:up|stack:down|stack:status [-- --profile test]`: the embedded servers on their own, without the worker and API. */
async function main(argv: string[]): Promise<void> {
  const [command] = argv;
  const profileIndex = argv.indexOf('--profile');
  const profile = (profileIndex >= 0 ? argv[profileIndex + 1] : 'dev') as Profile | 'cluster';
  if (profile !== 'dev' && profile !== 'test' && profile !== 'bench' && profile !== 'cluster')
    throw new StackError(`--profile must be dev, test, bench or cluster, got ${JSON.stringify(profile)}`);
  const config = loadConfig();
  if (profile === 'cluster') return cluster(command, config);
  const layout = stackLayout(config, profile);
  const log = (line: string) => console.log(`[stack] ${line}`);

  switch (command) {
    case 'up': {
      const { endpoints, started } = await stackUp(layout, {
        temporal: true,
        kafka: true,
        topicPartitions: config.KAFKA_TOPIC_PARTITIONS,
        log,
        outliveCaller: true,
      });
      log(started.length > 0 ? `started ${started.join(' and ')}` : 'already running');
      log(`Temporal   ${endpoints.temporalAddress} (namespace ${layout.namespace})`);
      if (endpoints.temporalUiUrl) log(`Temporal UI ${endpoints.temporalUiUrl}`);
      log(`Kafka      ${endpoints.kafkaBrokers.join(',')}`);
      log(`data in ${layout.dataDir}; stop with \`npm run stack:down\``);
      return;
    }
    case 'down': {
      const stopped = await stackDown(layout);
      log(stopped.length > 0 ? `stopped ${stopped.join(' and ')}` : 'nothing was running');
      return;
    }
    case 'status': {
      const rows = await stackStatus(layout);
      for (const row of rows) {
        log(`${row.service.padEnd(9)} ${row.pid ? `pid ${row.pid}` : 'not running'.padEnd(9)}  ${row.ready ? 'ready' : 'not ready'}  ${row.address}`);
      }
      if (rows.some((r) => !r.ready)) process.exitCode = 3;
      return;
    }
    default:
      throw new StackError(`unknown command ${JSON.stringify(command ?? '')}: use up, down or status`);
  }
}

/** The cluster profile: the servers and danvan's own processes (stack/cluster.ts). */
async function cluster(command: string | undefined, config: ReturnType<typeof loadConfig>): Promise<void> {
  const log = (line: string) => console.log(`[cluster] ${line}`);
  switch (command) {
    case 'up': {
      const ep = await clusterUp(config, { log, outliveCaller: true });
      log(`API ${ep.apiUrl}; Temporal ${ep.temporalAddress}; Kafka ${ep.kafkaBrokers.join(',')}; logs in ${ep.logs}`);
      log('stop with `npm run stack:down -- --profile cluster`');
      return;
    }
    case 'down': {
      const stopped = await clusterDown(config);
      log(stopped.length > 0 ? `stopped ${stopped.join(', ')}` : 'nothing was running');
      return;
    }
    default:
      throw new StackError(`the cluster profile takes up or down, got ${JSON.stringify(command ?? '')}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof StackError || error instanceof ConfigError) {
    console.error(`danvan stack: ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
