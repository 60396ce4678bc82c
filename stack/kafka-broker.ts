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

/**
 * One KRaft node that is broker and controller both: the single broker of the dev, test and bench stacks, or one
 * node of the three-broker cluster (stack/kafka-cluster.ts). Its files are named after it in `home`: the log
 * folder `<name>/`, `<name>-server.properties`, `<name>-log4j.properties`; its process is the service `<name>`.
 */
export interface KraftNode {
  name: string;
  home: string;
  lib: string;
  nodeId: number;
  port: number;
  controllerPort: number;
  /** `controller.quorum.voters`: every node of the quorum, this one included. */
  voters: string;
  /** The lines that differ between one node and a cluster: partitions, replication of the internal topics. */
  settings: readonly string[];
  heap: readonly string[];
}

function nodeFiles(node: KraftNode) {
  return {
    logDir: path.join(node.home, node.name),
    configFile: path.join(node.home, `${node.name}-server.properties`),
    log4jFile: path.join(node.home, `${node.name}-log4j.properties`),
  };
}

function serverProperties(node: KraftNode, logDir: string): string {
  return [
    '# Written by danvan stack/kafka-broker.ts at every start; edits are overwritten.',
    'process.roles=broker,controller',
    `node.id=${node.nodeId}`,
    `controller.quorum.voters=${node.voters}`,
    `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${logDir}`,
    ...node.settings,
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

const JVM_FLAGS = ['-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true'];

/** A small heap: one broker for one developer's campaigns and the tests, on a 2-core machine. */
const SINGLE_BROKER_HEAP = ['-Xms256m', '-Xmx768m'];

const SINGLE_BROKER_SETTINGS = [
  'num.partitions=1',
  'offsets.topic.replication.factor=1',
  'offsets.topic.num.partitions=6',
  'transaction.state.log.replication.factor=1',
  'transaction.state.log.min.isr=1',
  'transaction.state.log.num.partitions=6',
];

/**
 * Writes the node's configuration and formats its KRaft storage the first time, with the cluster id `clusterId`
 * gives; a formatted folder is reused as is. Returns the configuration file.
 */
function prepareKraftNode(node: KraftNode, clusterId: () => string): string {
  const java = requireTool('java', 'to run the local Apache Kafka broker');
  const { logDir, configFile, log4jFile } = nodeFiles(node);
  fs.mkdirSync(logDir, { recursive: true });
  fs.writeFileSync(configFile, serverProperties(node, logDir));
  fs.writeFileSync(log4jFile, LOG4J);
  if (!fs.existsSync(path.join(logDir, 'meta.properties'))) {
    // A cluster id may start with "-": passed as --cluster-id=… where the argument parser cannot take it for an option.
    const format = spawnSync(
      java,
      [
        `-Dlog4j.configuration=file:${log4jFile}`,
        '-cp',
        `${node.lib}/*`,
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId()}`,
        '--config',
        configFile,
      ],
      { encoding: 'utf8' },
    );
    if (format.status !== 0) {
      throw new StackError(`formatting Kafka storage in ${logDir} failed:\n${(format.stderr || format.stdout || '').trim().split('\n').slice(-10).join('\n')}`);
    }
  }
  return configFile;
}

/** KRaft cluster ids are 16 random bytes in URL-safe base64 without padding. */
export function newKraftClusterId(): string {
  return randomBytes(16).toString('base64url');
}

/** Prepares the node (see prepareKraftNode) and starts it as the service `node.name`; returns its pid. */
export function startKraftNode(node: KraftNode, opts: { runDir: string; outliveCaller: boolean; clusterId: () => string }): number {
  const configFile = prepareKraftNode(node, opts.clusterId);
  const { log4jFile } = nodeFiles(node);
  return spawnService({
    name: node.name,
    command: javaCommand(),
    args: [
      ...node.heap,
      ...JVM_FLAGS,
      `-Dlog4j.configuration=file:${log4jFile}`,
      `-Dkafka.logs.dir=${node.home}`,
      '-cp',
      `${node.lib}/*`,
      'kafka.Kafka',
      configFile,
    ],
    runDir: opts.runDir,
    outliveCaller: opts.outliveCaller,
  });
}

function singleBroker(opts: KafkaBrokerOptions): KraftNode {
  return {
    name: 'kafka',
    home: opts.dataDir,
    lib: opts.lib,
    nodeId: 1,
    port: opts.port,
    controllerPort: opts.controllerPort,
    voters: `1@127.0.0.1:${opts.controllerPort}`,
    settings: SINGLE_BROKER_SETTINGS,
    heap: SINGLE_BROKER_HEAP,
  };
}

/** Writes the broker's configuration and formats its KRaft storage the first time; a formatted folder is reused as is. */
export function prepareKafkaBroker(opts: KafkaBrokerOptions): string {
  return prepareKraftNode(singleBroker(opts), newKraftClusterId);
}

export function startKafkaBroker(opts: KafkaBrokerOptions): number {
  return startKraftNode(singleBroker(opts), { runDir: opts.runDir, outliveCaller: opts.outliveCaller, clusterId: newKraftClusterId });
}

/** Ready means a client can fetch cluster metadata from the broker, listing at least `brokerCount` brokers and a controller. */
export async function kafkaIsReady(brokers: string[], brokerCount = 1): Promise<boolean> {
  const admin = new Kafka({ brokers, clientId: 'danvan-readiness', logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length >= brokerCount && cluster.controller !== null;
  } finally {
    await admin.disconnect();
  }
}

/**
 * A fresh broker creates its group-offsets topic and loads its producer-id state on first use, and answers
 * "coordinator is loading" until then. Touching both here makes "ready" mean ready for danvan's first
 * idempotent producer and first consumer group, instead of each of them retrying through that window.
 */
export async function warmUpKafka(brokers: string[]): Promise<void> {
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
  await warmUpKafka(brokers);
}
