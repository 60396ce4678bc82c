import fs from 'node:fs';
import path from 'node:path';
import { kafkaIsReady, newKraftClusterId, startKraftNode, warmUpKafka, type KraftNode } from './kafka-broker';
import { StackError, readPid, runningPid, stopService, waitUntilReady } from './process';
import { SHAPE } from './shape';

/**
 * The Kafka of docker-compose.yml (kafka-1, kafka-2, kafka-3) on one machine without Docker: three KRaft nodes,
 * each broker and controller, from the same Maven jars as the single broker (ensureKafkaBroker). Every partition
 * has three replicas and takes a write acknowledged by all (acks=all) while two of them are in sync, so the loss of
 * one node loses no acknowledged event and stops no producer; the loss of two stops writes until one is back.
 */

export const KAFKA_CLUSTER_SIZE = SHAPE.kafka.brokers;
/** Of danvan's topics and the internal ones; infra/kafka.ts topicConfigs gives danvan's topics min ISR 2 with it. */
export const KAFKA_CLUSTER_REPLICATION_FACTOR = SHAPE.kafka.replicationFactor;

export interface KafkaClusterOptions {
  /** The broker's class path folder, from ensureKafkaBroker. */
  lib: string;
  /** The cluster's files go in `<dataDir>/kafka-cluster/` (kafkaClusterDir): one folder to delete for a fresh start. */
  dataDir: string;
  runDir: string;
  /** Client port of node 1, 2, 3, in node order. */
  ports: number[];
  /** Controller (quorum) port of node 1, 2, 3, in node order. */
  controllerPorts: number[];
  /** Keep running after this process exits (`stack:up`); otherwise the nodes die with it, however it ends. */
  outliveCaller: boolean;
}

/** One node of the cluster as started: `started` is false for a node found running and left alone. */
export interface KafkaNodeProcess {
  nodeId: number;
  name: string;
  pid: number;
  started: boolean;
}

/** The settings docker-compose.yml gives its brokers, where they apply on one machine. */
export const KAFKA_CLUSTER_SETTINGS = [
  `num.partitions=${SHAPE.kafka.partitions}`,
  `default.replication.factor=${KAFKA_CLUSTER_REPLICATION_FACTOR}`,
  `min.insync.replicas=${SHAPE.kafka.minInsyncReplicas}`,
  `offsets.topic.replication.factor=${KAFKA_CLUSTER_REPLICATION_FACTOR}`,
  // 6 rather than the default 50 group-offsets partitions, as the single broker: three JVMs share 2 cores here.
  'offsets.topic.num.partitions=6',
  `transaction.state.log.replication.factor=${KAFKA_CLUSTER_REPLICATION_FACTOR}`,
  `transaction.state.log.min.isr=${SHAPE.kafka.minInsyncReplicas}`,
  'transaction.state.log.num.partitions=6',
  // Kafka's default, said here: a replica that missed acknowledged writes never becomes leader.
  'unclean.leader.election.enable=false',
];

/** Three heaps on one machine: half the single broker's, which Kafka's metadata and a few partitions fit well. */
const NODE_HEAP = ['-Xms128m', '-Xmx384m'];

export function kafkaClusterDir(dataDir: string): string {
  return path.join(dataDir, 'kafka-cluster');
}

/** The service name of a node: its pid file `<runDir>/kafka-<id>.pid`, its log `<runDir>/kafka-<id>.log`. */
export function kafkaNodeName(nodeId: number): string {
  return `kafka-${nodeId}`;
}

export function kafkaClusterBrokers(ports: readonly number[]): string[] {
  return ports.map((port) => `127.0.0.1:${port}`);
}

/**
 * Every node of one cluster is formatted with the same id. It is written beside the nodes before the first is
 * formatted, so a node formatted later (a node folder deleted to rebuild it) joins the same cluster.
 */
function sharedClusterId(home: string): () => string {
  return () => {
    const file = path.join(home, 'cluster-id');
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
    const id = newKraftClusterId();
    fs.writeFileSync(file, `${id}\n`);
    return id;
  };
}

/**
 * Starts every node that is not already running, on its data when it has some (storage is formatted once).
 * Returns at once; waitForKafkaCluster says when the cluster is ready.
 */
export function startKafkaCluster(opts: KafkaClusterOptions): KafkaNodeProcess[] {
  if (opts.ports.length !== KAFKA_CLUSTER_SIZE || opts.controllerPorts.length !== KAFKA_CLUSTER_SIZE) {
    throw new StackError(
      `a Kafka cluster needs ${KAFKA_CLUSTER_SIZE} client ports and ${KAFKA_CLUSTER_SIZE} controller ports, got ports=${JSON.stringify(opts.ports)} controllerPorts=${JSON.stringify(opts.controllerPorts)}`,
    );
  }
  const home = kafkaClusterDir(opts.dataDir);
  fs.mkdirSync(home, { recursive: true });
  const clusterId = sharedClusterId(home);
  const voters = opts.controllerPorts.map((port, i) => `${i + 1}@127.0.0.1:${port}`).join(',');
  return opts.ports.map((port, i) => {
    const nodeId = i + 1;
    const name = kafkaNodeName(nodeId);
    const running = runningPid(opts.runDir, name);
    if (running !== undefined) return { nodeId, name, pid: running, started: false };
    const node: KraftNode = {
      name,
      home,
      lib: opts.lib,
      nodeId,
      port,
      controllerPort: opts.controllerPorts[i]!,
      voters,
      settings: KAFKA_CLUSTER_SETTINGS,
      heap: NODE_HEAP,
    };
    return { nodeId, name, pid: startKraftNode(node, { runDir: opts.runDir, outliveCaller: opts.outliveCaller, clusterId }), started: true };
  });
}

/** Ready when every node answers and each sees all the brokers and a controller. */
export async function kafkaClusterIsReady(brokers: string[]): Promise<boolean> {
  const answers = await Promise.all(brokers.map((broker) => kafkaIsReady([broker], brokers.length).catch(() => false)));
  return answers.every(Boolean);
}

/**
 * Waits until every node answers with the whole cluster in its metadata, then warms the cluster up as the single
 * broker is (group offsets, producer ids). A node that exits fails the wait at once with its log's last lines.
 */
export async function waitForKafkaCluster(brokers: string[], opts: { runDir: string; timeoutMs?: number; signal?: AbortSignal }): Promise<void> {
  const failed = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, failed.signal]) : failed.signal;
  await Promise.all(
    brokers.map(async (broker, i) => {
      const name = kafkaNodeName(i + 1);
      try {
        await waitUntilReady(`Kafka node ${i + 1} at ${broker}`, () => kafkaIsReady([broker], brokers.length), {
          timeoutMs: opts.timeoutMs ?? 120_000,
          runDir: opts.runDir,
          name,
          pid: readPid(opts.runDir, name),
          signal,
        });
      } catch (error) {
        // The first failure is the one reported; the other nodes' waits stop instead of running to their timeout.
        failed.abort();
        throw error;
      }
    }),
  );
  await warmUpKafka(brokers);
}

/**
 * Stops every node of the cluster in `runDir`: SIGTERM to all at once, SIGKILL after the grace period to any left.
 * All at once because a node stops its broker before its controller: each broker's controlled shutdown is then
 * approved while the quorum still stands, where one node after the other would leave the last without a quorum
 * to approve it. Returns the names of the nodes that were running.
 */
export async function stopKafkaCluster(runDir: string, graceMs?: number): Promise<string[]> {
  const names = fs.existsSync(runDir)
    ? fs
        .readdirSync(runDir)
        .map((file) => /^(kafka-\d+)\.pid$/.exec(file)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort()
    : [];
  const stopped = await Promise.all(names.map((name) => stopService(runDir, name, graceMs)));
  return names.filter((_, i) => stopped[i]);
}
