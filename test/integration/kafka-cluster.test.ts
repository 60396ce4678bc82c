import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { TOPICS } from '../../domain/topics';
import { loadConfig } from '../../infra/config';
import { createEventProducer, ensureTopics } from '../../infra/kafka';
import { readToEnd } from '../../infra/kafka-read';
import { ensureKafkaBroker } from '../../stack/kafka-broker';
import {
  KAFKA_CLUSTER_REPLICATION_FACTOR,
  kafkaClusterBrokers,
  kafkaClusterDir,
  kafkaClusterIsReady,
  kafkaNodeName,
  startKafkaCluster,
  stopKafkaCluster,
  waitForKafkaCluster,
  type KafkaClusterOptions,
} from '../../stack/kafka-cluster';
import { isAlive, readPid } from '../../stack/process';
import { eventually } from '../helpers/campaign';
import { freePort, processesMentioning } from '../helpers/processes';

/**
 * The three-broker KRaft cluster of the `cluster` profile, on free ports in a scratch folder (the run's shared
 * broker stays untouched): danvan's topics with three replicas and min ISR 2, acks=all writes and reads through the
 * loss of one broker (SIGKILL, as a crash), the broker back on its data, every message exactly once.
 */
const topic = TOPICS.campaignEvents;
const campaigns = ['BG-2024-202-KH-BDVTU', 'HN-2018-205-KH-BDVQU', 'BG-2016-12-KH-BDVHU', 'QN-2025-07-KH-DUQN'];
const partitions = 6;

let scratch: string;
let opts: KafkaClusterOptions;
let brokers: string[];
let kafka: Kafka;
let admin: Admin;
/** Every message sent, in order: `<batch>-<n>`, keyed by campaign. */
const sent: { key: string; id: string }[] = [];

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Sends `count` messages in batches of 10 through danvan's event producer (one request in flight), acks=all. */
async function produce(batch: string, count: number): Promise<void> {
  const producer = createEventProducer(kafka);
  await producer.connect();
  try {
    for (let start = 0; start < count; start += 10) {
      const messages = Array.from({ length: Math.min(10, count - start) }, (_, i) => {
        const n = start + i;
        return { key: campaigns[n % campaigns.length]!, id: `${batch}-${n}` };
      });
      await producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: JSON.stringify(m) })) });
      sent.push(...messages);
    }
  } finally {
    await producer.disconnect();
  }
}

/** Everything on the topic, read from offset zero by a fresh consumer group. */
function readAll(): Promise<{ key: string; id: string; partition: number }[]> {
  return readToEnd(kafka, topic, (partition, message) => ({ ...(JSON.parse(message.value!.toString()) as { key: string; id: string }), partition }), {
    timeoutMs: 60_000,
    groupPrefix: 'danvan-cluster-test',
  });
}

/**
 * Ids missing from `received`, and whether each campaign's messages came in the order sent once repeats are dropped by
 * id. The event producer is not idempotent (infra/kafka.ts): a request retried after a timeout may land twice, as a
 * loaded CI machine showed right after the topic was made, and consumers drop what they have seen by id
 * (docs/event-contract.md); so a repeat is no fault here, a gap or a reorder is.
 */
function compare(received: { key: string; id: string }[]) {
  const seen = new Set<string>();
  const firsts = received.filter((m) => !seen.has(m.id) && seen.add(m.id));
  const byKey = (list: { key: string; id: string }[]) => Object.fromEntries(campaigns.map((key) => [key, list.filter((m) => m.key === key).map((m) => m.id)]));
  return {
    missing: sent.filter((m) => !seen.has(m.id)).map((m) => m.id),
    inOrder: JSON.stringify(byKey(firsts)) === JSON.stringify(byKey(sent)),
  };
}

/**
 * The topic's partitions as the cluster reports them. A new topic reaches each broker's metadata a moment after the
 * controller has it, so a broker asked too early does not know it yet: none then, and the callers poll.
 */
async function partitionsOf() {
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0]!.partitions.map((p) => ({
      partition: p.partitionId,
      leader: p.leader,
      replicas: [...p.replicas].sort(),
      isr: [...p.isr].sort(),
    }));
  } catch {
    return [];
  }
}

async function minInsyncReplicas(): Promise<string | undefined> {
  try {
    const described = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
      includeSynonyms: false,
    });
    return described.resources[0]!.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-kafka-cluster-'));
  const [p1, p2, p3, c1, c2, c3] = await distinctFreePorts(6);
  opts = {
    lib: await ensureKafkaBroker(loadConfig().DANVAN_CACHE_DIR, (line) => process.stderr.write(`[kafka-cluster] ${line}\n`)),
    dataDir: scratch,
    runDir: path.join(scratch, 'run'),
    ports: [p1!, p2!, p3!],
    controllerPorts: [c1!, c2!, c3!],
    outliveCaller: false,
  };
  brokers = kafkaClusterBrokers(opts.ports);
  // Retries through a dead broker in the bootstrap list and through the moves of leaders.
  kafka = new Kafka({
    brokers,
    clientId: 'danvan-cluster-test',
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 2000 },
  });
}, 60_000);

afterAll(async () => {
  await admin?.disconnect();
  if (opts) await stopKafkaCluster(opts.runDir);
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
}, 60_000);

it('forms one cluster of three nodes with one cluster id', async () => {
  const nodes = startKafkaCluster(opts);
  expect(nodes.map((n) => [n.name, n.started])).toEqual([
    ['kafka-1', true],
    ['kafka-2', true],
    ['kafka-3', true],
  ]);
  await waitForKafkaCluster(brokers, { runDir: opts.runDir });

  admin = kafka.admin();
  await admin.connect();
  const cluster = await admin.describeCluster();
  expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
  expect(cluster.controller).not.toBeNull();
  const ids = [1, 2, 3].map(
    (id) => /cluster\.id=(\S+)/.exec(fs.readFileSync(path.join(kafkaClusterDir(scratch), kafkaNodeName(id), 'meta.properties'), 'utf8'))![1],
  );
  expect(new Set(ids).size).toBe(1);
  expect(ids[0]).toBe(fs.readFileSync(path.join(kafkaClusterDir(scratch), 'cluster-id'), 'utf8').trim());
}, 150_000);

it("creates danvan's topics with three replicas in sync and min ISR 2", async () => {
  expect((await ensureTopics(admin, partitions, KAFKA_CLUSTER_REPLICATION_FACTOR)).sort()).toEqual(Object.values(TOPICS).sort());
  const placed = await eventually(partitionsOf, (now) => now.length > 0, 30_000);
  expect(placed).toHaveLength(partitions);
  for (const p of placed) {
    expect(p.replicas).toEqual([1, 2, 3]);
    expect(p.isr).toEqual([1, 2, 3]);
  }
  expect(await eventually(minInsyncReplicas, (value) => value !== undefined, 30_000)).toBe('2');

  await produce('a', 100);
  const received = await readAll();
  expect(compare(received)).toEqual({ missing: [], inOrder: true });
  firstCampaignPartition = received.find((m) => m.key === campaigns[0])!.partition;
}, 90_000);

let firstCampaignPartition: number;
let victim: number;

it('takes acks=all writes and serves reads with one broker killed', async () => {
  // The leader of a partition the next writes go to, so that they need the new leader the cluster elects.
  victim = (await eventually(partitionsOf, (now) => now.length > 0)).find((p) => p.partition === firstCampaignPartition)!.leader;
  const pid = readPid(opts.runDir, kafkaNodeName(victim))!;
  process.kill(pid, 'SIGKILL');
  await eventually(
    async () => isAlive(pid),
    (alive) => !alive,
    10_000,
  );

  // The controller fences the dead broker after its session timeout (9 s) and elects new leaders among the two
  // in-sync replicas left; until then, writes to its partitions fail (danvan's outbox retries them).
  const placed = await eventually(partitionsOf, (now) => now.length > 0 && now.every((p) => !p.isr.includes(victim)), 30_000);
  for (const p of placed) {
    expect(p.leader).not.toBe(victim);
    expect(p.isr).toHaveLength(2);
  }
  await produce('b', 100);
  expect(compare(await readAll())).toEqual({ missing: [], inOrder: true });
}, 120_000);

it('takes the broker back on its data: three replicas in sync again, every message there once repeats are dropped by id', async () => {
  const others = [1, 2, 3].filter((id) => id !== victim).map((id) => readPid(opts.runDir, kafkaNodeName(id)));
  const nodes = startKafkaCluster(opts);
  expect(nodes.filter((n) => n.started).map((n) => n.nodeId)).toEqual([victim]);
  expect(nodes.filter((n) => !n.started).map((n) => n.pid)).toEqual(others);
  await waitForKafkaCluster(brokers, { runDir: opts.runDir });
  expect(await kafkaClusterIsReady(brokers)).toBe(true);

  await eventually(partitionsOf, (placed) => placed.length > 0 && placed.every((p) => p.isr.length === 3), 60_000);
  await produce('c', 100);
  const received = await readAll();
  expect(new Set(received.map((m) => m.id)).size).toBe(300);
  expect(compare(received)).toEqual({ missing: [], inOrder: true });
}, 150_000);

it('stops every node and leaves no process behind', async () => {
  await admin.disconnect();
  expect(await stopKafkaCluster(opts.runDir)).toEqual(['kafka-1', 'kafka-2', 'kafka-3']);
  // Not every node need stop cleanly: the whole quorum stops at once, and a node left last without a majority to
  // approve its controlled shutdown is SIGKILLed after the grace (seen under load in CI); it recovers its log at the
  // next start, as the restart above and test/integration/cluster-profile.test.ts do.
  await eventually(
    async () => processesMentioning(scratch),
    (left) => left.length === 0,
    5_000,
  );
  expect(await kafkaClusterIsReady(brokers)).toBe(false);
}, 60_000);

it('fails the wait when one node cannot start, naming the node and quoting its log', async () => {
  const dataDir = path.join(scratch, 'port-taken');
  const [p1, p2, p3, c1, c2, c3] = await distinctFreePorts(6);
  // Node 2's client port is taken by another program.
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(p2, '127.0.0.1', resolve));
  try {
    const failing = { ...opts, dataDir, runDir: path.join(dataDir, 'run'), ports: [p1!, p2!, p3!], controllerPorts: [c1!, c2!, c3!] };
    startKafkaCluster(failing);
    const started = Date.now();
    await expect(waitForKafkaCluster(kafkaClusterBrokers(failing.ports), { runDir: failing.runDir })).rejects.toThrow(
      new RegExp(`Kafka node 2 at 127\\.0\\.0\\.1:${p2} exited during start-up; last lines of .*kafka-2\\.log:\\n[\\s\\S]*Address already in use`),
    );
    // On its exit, before the 120 s timeout: the JVM ends some 30 s after Kafka's fatal error.
    expect(Date.now() - started).toBeLessThan(90_000);
    expect(await stopKafkaCluster(failing.runDir)).toEqual(['kafka-1', 'kafka-3']);
    await eventually(
      async () => processesMentioning(dataDir),
      (left) => left.length === 0,
      5_000,
    );
  } finally {
    squatter.close();
  }
}, 150_000);
