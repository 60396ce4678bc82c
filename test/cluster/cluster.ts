import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { Kafka, logLevel } from 'kafkajs';
import { mintToken, type Principal } from '../../api/auth';
import { parseEvent, type DanvanEvent, type EventType as EventName } from '../../domain/events';
import { TOPICS } from '../../domain/topics';
import { dataConverter } from '../../infra/codec';
import { loadConfig, type Config } from '../../infra/config';
import { readToEnd } from '../../infra/kafka-read';
import { resolveJwtSecret } from '../../infra/secrets';
import { clusterDown, clusterLayout, clusterRestart, clusterUp, type ClusterEndpoints, type ClusterLayout } from '../../stack/cluster';
import { logFile, readPid } from '../../stack/process';
import { eventually } from '../helpers/campaign';
import type { OpenCampaign } from '../faults/campaign';

/**
 * What the cluster's fault suites share: one cluster per suite file, in a scratch folder and on ports of its own
 * (Temporal 25233–25240, Kafka 26092/26102/26112, PostgreSQL 26432, API 25000), so that it never meets the
 * integration suites' servers or a developer's cluster; reports sent over the API's HTTP at a steady pace; and
 * what came out, read back from the three brokers and from the workflows' histories.
 */

export const EventType = proto.api.enums.v1.EventType;
export type HistoryEvent = proto.api.history.v1.IHistoryEvent;

export interface ClusterUnderTest {
  config: Config;
  layout: ClusterLayout;
  endpoints: ClusterEndpoints;
  /** The API, as `openCampaign` (test/faults/campaign.ts) calls it. */
  baseUrl: string;
  taskQueue: string;
  /** A Temporal client with danvan's data converter. */
  client: Client;
  token: (principal: Principal) => Promise<string>;
  /** SIGKILL to one part by its service name (kafka-2, worker-1, temporal…), as a crash: answers the pid killed. */
  kill: (name: string) => number;
  /** Starts a part again on its data (stack/cluster.ts clusterRestart); an app may be given variables of its own. */
  restart: (name: string, env?: Record<string, string>) => Promise<number>;
  /** What a part wrote to its log from byte `from` on. */
  logOf: (name: string, from?: number) => string;
  progress: (line: string) => void;
}

/** The ports the brief of these suites reserves for them: each server's cluster port is this + 23000. */
const PORTS = { DANVAN_TEMPORAL_PORT: '2233', DANVAN_KAFKA_PORT: '3092', DANVAN_POSTGRES_PORT: '3432', API_PORT: '2000' };

/** Brings a cluster up before the suite's tests and stops it after them; read it inside a test. */
export function useCluster(suite: string): () => ClusterUnderTest {
  const started = Date.now();
  const progress = (line: string) => process.stderr.write(`[${suite} +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
  let scratch: string | undefined;
  let config: Config | undefined;
  let connection: Connection | undefined;
  let cluster: ClusterUnderTest | undefined;

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), `danvan-${suite}-`));
    // mkdtemp's 0700 would keep out the postgres user, which runs PostgreSQL when the tests run as root.
    fs.chmodSync(scratch, 0o755);
    const cfg = loadConfig({
      ...process.env,
      DANVAN_DATA_DIR: scratch,
      DANVAN_JWT_SECRET: undefined,
      TEMPORAL_ADDRESS: undefined,
      KAFKA_BROKERS: undefined,
      ...PORTS,
    });
    config = cfg;
    const layout = clusterLayout(cfg);
    const endpoints = await clusterUp(cfg, { log: progress });
    connection = await Connection.connect({ address: endpoints.temporalAddress });
    const secret = resolveJwtSecret(undefined, layout.dataDir);
    cluster = {
      config: cfg,
      layout,
      endpoints,
      baseUrl: endpoints.apiUrl,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      client: new Client({ connection, namespace: layout.namespace, dataConverter }),
      token: (principal) => mintToken(secret, principal),
      kill: (name) => {
        const pid = readPid(layout.runDir, name);
        if (pid === undefined) throw new Error(`no pid file for ${name} in ${layout.runDir}`);
        process.kill(pid, 'SIGKILL');
        progress(`${name} (pid ${pid}) SIGKILLed`);
        return pid;
      },
      restart: async (name, env) => {
        const pid = await clusterRestart(cfg, name, { log: progress, ...(env ? { env } : {}) });
        progress(`${name} started again (pid ${pid})`);
        return pid;
      },
      logOf: (name, from = 0) => fs.readFileSync(logFile(layout.runDir, name)).subarray(from).toString('utf8'),
      progress,
    };
    progress(`cluster up in ${scratch}`);
  }, 900_000);

  afterAll(async () => {
    await connection?.close();
    if (config) await clusterDown(config);
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }, 180_000);

  return () => {
    if (!cluster) throw new Error('useCluster: read the cluster inside a test, after beforeAll');
    return cluster;
  };
}

/** The size of a part's log now: pass it to `logOf` to read only what comes after. */
export function logSize(cluster: ClusterUnderTest, name: string): number {
  return fs.statSync(logFile(cluster.layout.runDir, name)).size;
}

export interface Reporting {
  /** Chi bộ whose report was taken (201). */
  accepted: string[];
  /** Chi bộ whose report was refused for good (a 4xx) or still not taken when the client gave up. */
  notTaken: string[];
  /** Answers other than 201 along the way, by status (0: no answer at all), each followed by a resend with the same key. */
  refusals: Record<string, number>;
  /** Reports that needed more than one attempt. */
  resent: number;
  /** The longest a report waited to be taken, resends included. */
  slowestMs: number;
}

/**
 * One study session per chi bộ, started at a steady pace (`perSecond`, whatever the answers take), each under an
 * Idempotency-Key of its own. A 5xx or no answer is sent again with the same key every 500 ms, as a client should,
 * until taken or `giveUpAfterMs`; a 4xx is final. `accepted()` counts the reports taken so far.
 */
export function reportSteadily(
  campaign: OpenCampaign,
  cells: string[],
  opts: { perSecond: number; giveUpAfterMs?: number },
): { accepted: () => number; done: Promise<Reporting> } {
  const result: Reporting = { accepted: [], notTaken: [], refusals: {}, resent: 0, slowestMs: 0 };
  const giveUpAfterMs = opts.giveUpAfterMs ?? 180_000;
  const one = async (cell: string, startAt: number) => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
    const key = randomUUID();
    const sentAt = Date.now();
    const giveUpAt = sentAt + giveUpAfterMs;
    for (let attempt = 0; ; attempt++) {
      const status = await campaign.report(cell, { key }).catch(() => 0);
      if (status === 201) {
        result.accepted.push(cell);
        result.slowestMs = Math.max(result.slowestMs, Date.now() - sentAt);
        if (attempt > 0) result.resent += 1;
        return;
      }
      result.refusals[status] = (result.refusals[status] ?? 0) + 1;
      if ((status >= 400 && status < 500) || Date.now() > giveUpAt) {
        result.notTaken.push(cell);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const start = Date.now();
  const done = Promise.all(cells.map((cell, i) => one(cell, start + (i * 1000) / opts.perSecond))).then(() => result);
  return { accepted: () => result.accepted.length, done };
}

export interface Published {
  name: EventName;
  event: DanvanEvent;
}

/** The events of one or more campaigns on the campaign topic, read back from the brokers from offset zero, in partition order. */
export async function campaignEvents(cluster: ClusterUnderTest, campaignIds: string | string[], topic: string = TOPICS.campaignEvents): Promise<Published[]> {
  const keys = new Set(typeof campaignIds === 'string' ? [campaignIds] : campaignIds);
  // Quiet: with a broker down, every read would log its connection errors.
  const kafka = new Kafka({ brokers: cluster.endpoints.kafkaBrokers, clientId: 'danvan-cluster-faults', logLevel: logLevel.NOTHING });
  const records = await readToEnd(
    kafka,
    topic,
    (_, message) => (message.key !== null && keys.has(message.key.toString()) ? message.value!.toString() : undefined),
    { timeoutMs: 60_000, groupPrefix: 'danvan-cluster-faults' },
  );
  return records.flatMap((value) => {
    const parsed = parseEvent(JSON.parse(value));
    return parsed.ok ? [{ name: parsed.name, event: parsed.event }] : [];
  });
}

export interface Delivery {
  /** Accepted reports with no event on the topic. */
  lost: number;
  /** Accepted reports that became more than one change (two sequences of their workflow): taken twice. */
  twice: number;
  /** Records whose event id came before: redeliveries, which consumers drop by id. */
  redelivered: number;
}

const changeOf = (e: DanvanEvent) => `${e.source}#${e.sequence}`;

export function deliveryOf(accepted: string[], published: Published[]): Delivery {
  const reported = published.filter((p) => p.name === 'study-session.reported');
  const changes = (cell: string) => new Set(reported.filter((p) => p.event.subject === cell).map((p) => changeOf(p.event))).size;
  return {
    lost: accepted.filter((cell) => changes(cell) === 0).length,
    twice: accepted.filter((cell) => changes(cell) > 1).length,
    redelivered: published.length - new Set(published.map((p) => p.event.id)).size,
  };
}

/**
 * Waits up to `timeoutMs` for every accepted report's event (and whatever else `alsoOut` waits for), then answers what
 * is on the topic: on a timeout too, so that the row records what was lost before the test fails on it.
 */
export async function awaitDelivery(
  cluster: ClusterUnderTest,
  campaignId: string,
  accepted: string[],
  timeoutMs: number,
  alsoOut: (published: Published[]) => boolean = () => true,
): Promise<Published[]> {
  const read = () => campaignEvents(cluster, campaignId).catch(() => [] as Published[]);
  try {
    return await eventually(read, (published) => deliveryOf(accepted, published).lost === 0 && alsoOut(published), timeoutMs);
  } catch {
    return read();
  }
}

export async function historyOf(cluster: ClusterUnderTest, workflowId: string): Promise<HistoryEvent[]> {
  return (await cluster.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

export function count(events: HistoryEvent[], type: proto.api.enums.v1.EventType): number {
  return events.filter((e) => e.eventType === type).length;
}

/** When a history event happened, in epoch ms. */
export function millis(event: HistoryEvent): number {
  return Number(event.eventTime!.seconds) * 1000 + Math.floor((event.eventTime!.nanos ?? 0) / 1e6);
}

/** Attempts of the workflow's activities beyond their first: a retry after a failure or a timeout. */
export function activityRetries(events: HistoryEvent[]): number {
  return events.reduce((sum, e) => sum + Math.max(0, (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1), 0);
}

/** The API over HTTP as an administrator: for what openCampaign does not do. */
export async function adminCall(cluster: ClusterUnderTest, method: string, url: string, body?: unknown, key: string = randomUUID()) {
  const token = await cluster.token({ sub: 'admin-cluster-faults', role: 'admin' });
  const response = await fetch(`${cluster.baseUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': key } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
