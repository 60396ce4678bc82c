import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { StackError, spawnService, waitUntilReady } from './process';
import { buildAtomically, javaCommand, requireTool, runStep } from './tools';
import { KAFKA } from './versions';

const POM = path.resolve(__dirname, 'maven', 'kafka', 'pom.xml');

export function kafkaLibDir(cacheDir: string): string {
  return path.join(cacheDir, 'kafka', KAFKA.version, 'lib');
}

/** Returns the broker's class path folder, fetching the jars from Maven Central on first use. */
export async function ensureKafkaBroker(cacheDir: string, log: (line: string) => void): Promise<string> {
  const lib = kafkaLibDir(cacheDir);
  if (fs.existsSync(lib)) return lib;
  const mvn = requireTool('mvn', 'to fetch the Apache Kafka broker from Maven Central on first use');
  await buildAtomically(path.dirname(lib), (scratch) =>
    runStep(
      `fetching Apache Kafka ${KAFKA.version} from Maven Central (first use only)`,
      mvn,
      [
        '-B',
        '-q',
        '-f',
        POM,
        `-Dkafka.version=${KAFKA.version}`,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${path.join(scratch, 'lib')}`,
      ],
      { log },
    ),
  );
  return lib;
}

export interface KafkaBrokerOptions {
  lib: string;
  dataDir: string;
  runDir: string;
  port: number;
  controllerPort: number;
  outliveCaller: boolean;
}

function serverProperties(opts: KafkaBrokerOptions, logDir: string): string {
  return [
    '# Written by danvan stack/kafka-broker.ts at every start; edits are overwritten.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${opts.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${opts.port},CONTROLLER://127.0.0.1:${opts.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${opts.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${logDir}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=6',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=6',
    // Consumers in tests join a fresh group many times; the default 3 s rebalance delay would add up.
    'group.initial.rebalance.delay.ms=0',
    // Topics are created explicitly with the partitions danvan needs, never by a typo in a consumer.
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

const LOG4J = [
  'log4j.rootLogger=WARN, stdout',
  'log4j.logger.kafka.server.KafkaRaftServer=INFO',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  '',
].join('\n');

/** A small heap: one broker for one developer's campaigns and the tests, on a 2-core machine. */
const JVM_FLAGS = ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true'];

/** Writes the broker's configuration and formats its KRaft storage the first time; a formatted folder is reused as is. */
export function prepareKafkaBroker(opts: KafkaBrokerOptions): string {
  const java = requireTool('java', 'to run the local Apache Kafka broker');
  const logDir = path.join(opts.dataDir, 'kafka');
  fs.mkdirSync(logDir, { recursive: true });
  const configFile = path.join(opts.dataDir, 'kafka-server.properties');
  fs.writeFileSync(configFile, serverProperties(opts, logDir));
  fs.writeFileSync(path.join(opts.dataDir, 'kafka-log4j.properties'), LOG4J);
  if (!fs.existsSync(path.join(logDir, 'meta.properties'))) {
    // KRaft cluster ids are 16 random bytes in URL-safe base64 without padding; one in 64 starts with "-",
    // so it is passed as --cluster-id=… where the argument parser cannot take it for an option.
    const clusterId = randomBytes(16).toString('base64url');
    const format = spawnSync(
      java,
      [...log4jFlag(opts.dataDir), '-cp', `${opts.lib}/*`, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '--config', configFile],
      {
        encoding: 'utf8',
      },
    );
    if (format.status !== 0) {
      throw new StackError(`formatting Kafka storage in ${logDir} failed:\n${(format.stderr || format.stdout || '').trim().split('\n').slice(-10).join('\n')}`);
    }
  }
  return configFile;
}

function log4jFlag(dataDir: string): string[] {
  return [`-Dlog4j.configuration=file:${path.join(dataDir, 'kafka-log4j.properties')}`];
}

export function startKafkaBroker(opts: KafkaBrokerOptions): number {
  const configFile = prepareKafkaBroker(opts);
  return spawnService({
    name: 'kafka',
    command: javaCommand(),
    args: [...JVM_FLAGS, ...log4jFlag(opts.dataDir), `-Dkafka.logs.dir=${opts.dataDir}`, '-cp', `${opts.lib}/*`, 'kafka.Kafka', configFile],
    runDir: opts.runDir,
    outliveCaller: opts.outliveCaller,
  });
}

/** Ready means a client can fetch cluster metadata from the broker. */
export async function kafkaIsReady(brokers: string[]): Promise<boolean> {
  const admin = new Kafka({ brokers, clientId: 'danvan-readiness', logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } finally {
    await admin.disconnect();
  }
}

/**
 * A fresh broker creates its group-offsets topic and loads its producer-id state on first use, and answers
 * "coordinator is loading" until then. Touching both here makes "ready" mean ready for danvan's first
 * idempotent producer and first consumer group, instead of each of them retrying through that window.
 */
async function warmUp(brokers: string[]): Promise<void> {
  const kafka = new Kafka({
    brokers,
    clientId: 'danvan-warm-up',
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    await admin.describeGroups(['danvan-warm-up']);
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
}

export async function waitForKafka(brokers: string[], opts: { runDir: string; pid?: number; timeoutMs?: number; signal?: AbortSignal }): Promise<void> {
  await waitUntilReady(`Kafka broker at ${brokers.join(',')}`, () => kafkaIsReady(brokers), {
    timeoutMs: opts.timeoutMs ?? 90_000,
    runDir: opts.runDir,
    name: 'kafka',
    pid: opts.pid,
    signal: opts.signal,
  });
  await warmUp(brokers);
}
