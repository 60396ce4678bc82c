import { randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { mintToken, type Principal } from '../../api/auth';
import { startEventConsumer, type RunningConsumer } from '../../analytics/consumer';
import { consumerMetrics } from '../../analytics/metrics';
import { CLOUDEVENTS_CONTENT_TYPE, buildEvent } from '../../domain/events';
import { campaignIdFor } from '../../domain/plan';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { vietnamDateOf } from '../../domain/schedule';
import { createKafka } from '../../infra/kafka';
import { createLogger } from '../../infra/logger';
import { serveMetrics, type MetricsEndpoint } from '../../infra/metrics';
import { campaignWorkflowId } from '../../workflows/messages';
import { planOpenToday } from '../fixtures/plans';
import { eventually } from '../helpers/campaign';
import { followOperation } from '../helpers/http';
import { testKafkaBrokers, testTemporalAddress } from '../helpers/env';
import { testKafka } from '../helpers/kafka';
import { freePort, spawnTsProcess, type Spawned } from '../helpers/processes';
import { connectTestTemporal } from '../helpers/temporal';

/**
 * Every Prometheus endpoint, scraped as Prometheus would, before and after something that must move a figure: the
 * API and the worker as the processes an operator runs (api/server.ts, worker/main.ts) with their metrics addresses
 * set, serving requests and workflow tasks against the real servers; the analytics consumer on topics of its own,
 * held mid-batch so its lag shows, then fed a record it must dead-letter.
 */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, the lines that carry a sample. */
function parseExposition(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) return [];
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!;
    return [{ name: match[1]!, labels, value: Number(match[3]) }];
  });
}

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

/** The sum of the samples named `name` whose labels include `labels`: 0 when none exists yet, as for a counter never incremented. */
function figure(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value)).reduce((sum, s) => sum + s.value, 0);
}

const logger = createLogger('warn');

describe('the API and worker endpoints, on the processes an operator runs', () => {
  const taskQueue = `metrics-${randomUUID()}`;
  const secret = randomUUID() + randomUUID();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-metrics-'));
  const today = vietnamDateOf(new Date());
  const plan = planOpenToday(today);
  const campaignId = campaignIdFor(plan);
  // The province, one district and one commune with its chi bộ: enough for a deploy to start unit workflows.
  const tree = bacGiangTree().filter((u) => ['BG', 'BG-HH', 'BG-HH-THANG'].includes(u.code) || u.parent === 'BG-HH-THANG');
  const admin: Principal = { sub: 'admin-bg', role: 'admin' };
  let worker: Spawned;
  let api: Spawned;
  let apiUrl: string;
  let apiMetrics: string;
  let workerMetrics: string;

  beforeAll(async () => {
    const [apiPort, apiMetricsPort, workerMetricsPort] = [await freePort(), await freePort(), await freePort()];
    const servers = {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      TEMPORAL_TASK_QUEUE: taskQueue,
      DANVAN_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    };
    apiUrl = `http://127.0.0.1:${apiPort}`;
    apiMetrics = `http://127.0.0.1:${apiMetricsPort}/metrics`;
    workerMetrics = `http://127.0.0.1:${workerMetricsPort}/metrics`;
    worker = spawnTsProcess('worker/main.ts', [], { ...servers, DANVAN_WORKER_METRICS_ADDRESS: `127.0.0.1:${workerMetricsPort}` });
    api = spawnTsProcess('api/server.ts', [], {
      ...servers,
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      DANVAN_JWT_SECRET: secret,
      DANVAN_API_METRICS_ADDRESS: `127.0.0.1:${apiMetricsPort}`,
    });
    await Promise.all([worker.waitFor(/"msg":"worker running"/, 150_000), api.waitFor(/"msg":"metrics served"/, 60_000)]);
  }, 180_000);

  afterAll(async () => {
    const temporal = await connectTestTemporal();
    try {
      await temporal.client.workflow
        .getHandle(campaignWorkflowId(campaignId))
        .terminate('metrics test done')
        .catch(() => undefined);
    } finally {
      await temporal.connection.close();
      await temporal.nativeConnection.close();
    }
    for (const process of [api, worker].filter(Boolean)) {
      process.child.kill('SIGTERM');
      await process.exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts requests by route pattern and status, times them, counts refusals by problem code and times the Updates they wait on', async () => {
    const before = await scrape(apiMetrics);
    const token = await mintToken(secret, admin);
    const send = (method: string, url: string, body?: unknown, auth = true) =>
      fetch(`${apiUrl}${url}`, {
        method,
        headers: {
          ...(auth ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });

    expect((await send('GET', '/healthz')).status).toBe(200);
    expect((await send('GET', `/no-such-route/${campaignId}`)).status).toBe(404);
    const anonymous = await send('GET', `/v1/campaigns/${campaignId}`, undefined, false);
    expect(anonymous.status).toBe(401);
    const anonymousCode = String(((await anonymous.json()) as { type: string }).type)
      .split('/')
      .at(-1)!;
    const invalid = await send('POST', '/v1/campaigns', { plan: { ...plan, number: 'không phải số' }, tree });
    expect(invalid.status).toBe(400);
    const invalidCode = String(((await invalid.json()) as { type: string }).type)
      .split('/')
      .at(-1)!;
    expect((await send('POST', '/v1/campaigns', { plan, tree })).status).toBe(201);
    const deployed = await send('POST', `/v1/campaigns/${campaignId}/deploy`, { reason: 'triển khai kế hoạch' });
    expect(deployed.status).toBe(202);
    // The workflow accepted the deploy before the 202: it refuses a second one, and the API waited on that Update too.
    expect((await send('POST', `/v1/campaigns/${campaignId}/deploy`, { reason: 'triển khai lần nữa' })).status).toBe(409);
    const { href } = (await deployed.json()) as { href: string };
    const { last } = await followOperation(async (path) => {
      const answer = await send('GET', path);
      return { status: answer.status, body: (await answer.json()) as Record<string, any> };
    }, href);
    expect(last.status).toBe('succeeded');

    const after = await scrape(apiMetrics);
    const moved = (name: string, labels: Record<string, string>) => figure(after, name, labels) - figure(before, name, labels);
    expect(moved('danvan_api_requests_total', { method: 'GET', route: '/healthz', status: '200' })).toBe(1);
    expect(moved('danvan_api_requests_total', { method: 'POST', route: '/v1/campaigns', status: '201' })).toBe(1);
    expect(moved('danvan_api_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(moved('danvan_api_requests_total', { method: 'POST', route: '/v1/campaigns/:campaignId/deploy' })).toBe(2);
    expect(moved('danvan_api_request_duration_seconds_count', { method: 'POST', route: '/v1/campaigns/:campaignId/deploy' })).toBe(2);
    expect(moved('danvan_api_request_duration_seconds_bucket', { method: 'POST', route: '/v1/campaigns/:campaignId/deploy', le: '+Inf' })).toBe(2);
    expect(moved('danvan_api_refusals_total', { route: '/v1/campaigns/:campaignId', status: '401', code: anonymousCode })).toBe(1);
    expect(moved('danvan_api_refusals_total', { route: '/v1/campaigns', status: '400', code: invalidCode })).toBe(1);
    expect(moved('danvan_api_refusals_total', { route: '/v1/campaigns/:campaignId/deploy', status: '409' })).toBe(1);
    expect(moved('danvan_api_update_duration_seconds_count', { update: 'deploy', outcome: 'accepted' })).toBe(1);
    expect(moved('danvan_api_update_duration_seconds_count', { update: 'deploy', outcome: 'refused' })).toBe(1);
    expect(figure(after, 'danvan_api_update_duration_seconds_sum', { update: 'deploy' })).toBeGreaterThan(0);
    // Labelled by pattern: no campaign id (nor any other path value) becomes a label.
    expect(after.filter((s) => Object.values(s.labels).some((value) => value.includes(campaignId)))).toEqual([]);
    // The process metrics beside them.
    expect(figure(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(figure(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it("serves the worker's Temporal SDK metrics, which the campaign's workflow and activity tasks moved", async () => {
    const samples = await eventually(
      () => scrape(workerMetrics),
      // The outbox publishes the deploy's events through the publishEvents activity.
      (now) =>
        figure(now, 'temporal_workflow_task_execution_latency_count', { task_queue: taskQueue }) > 0 &&
        figure(now, 'temporal_activity_execution_latency_count', { task_queue: taskQueue, activity_type: 'publishEvents' }) > 0,
    );
    expect(figure(samples, 'temporal_worker_task_slots_available', { task_queue: taskQueue })).toBeGreaterThan(0);

    // One more workflow task: a chi bộ's study session, an Update the commune's workflow takes on this worker.
    const before = figure(samples, 'temporal_workflow_task_execution_latency_count', { task_queue: taskQueue });
    const token = await mintToken(secret, { sub: 'bt-thang', role: 'reporter', unit: 'BG-HH-THANG' });
    const reported = await fetch(`${apiUrl}/v1/campaigns/${campaignId}/units/BG-HH-THANG-CB01/study-sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ heldOn: today, membersPresent: 14, membersTotal: 15 }),
    });
    expect(reported.status).toBe(201);
    await eventually(
      () => scrape(workerMetrics),
      (now) => figure(now, 'temporal_workflow_task_execution_latency_count', { task_queue: taskQueue }) > before,
    );
  });
});

describe("the analytics consumer's endpoint", () => {
  const topic = `danvan-test-metrics-${randomUUID()}`;
  const deadLetterTopic = `${topic}.dead-letter`;
  const groupId = `danvan-metrics-test-${randomUUID()}`;
  const registry = new Registry();
  let endpoint: MetricsEndpoint;
  let consumer: RunningConsumer | undefined;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });

  beforeAll(async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [topic, deadLetterTopic].map((name) => ({ topic: name, numPartitions: 1, replicationFactor: 1 })),
      });
    } finally {
      await admin.disconnect();
    }
    endpoint = await serveMetrics('127.0.0.1:0', 'the test', registry, logger);
  });

  afterAll(async () => {
    release();
    await consumer?.stop();
    await endpoint?.close();
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic, deadLetterTopic] });
    } finally {
      await admin.disconnect();
    }
  });

  const lag = (samples: Sample[]) => figure(samples, 'danvan_analytics_consumer_lag', { group: groupId, topic, partition: '0' });
  const lagSeries = (samples: Sample[]) => samples.filter((s) => s.name === 'danvan_analytics_consumer_lag' && s.labels.group === groupId);

  it('shows the lag of a consumer held mid-batch, back to zero once it commits, and counts a record it dead-letters', async () => {
    const started = await startEventConsumer({
      kafka: createKafka({ brokers: testKafkaBrokers(), clientId: 'danvan-metrics-test', logger }),
      groupId,
      logger,
      topics: [topic],
      deadLetterTopic,
      signals: [],
      // The first batch waits until the test lets it go: its records are read but not committed.
      sink: () => held,
      observer: consumerMetrics(registry, logger),
    });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    consumer = started.value;

    const joined = await eventually(
      () => scrape(endpoint.url),
      (now) => lagSeries(now).length === 1,
    );
    expect(lag(joined)).toBe(0);

    const campaignId = `BG-2024-${randomInt(1_000, 99_999)}-KH-BDVTU`;
    const events = [1, 2, 3].map((sequence) =>
      buildEvent(
        'campaign.phase-changed',
        { campaignId, workflowId: `campaign:${campaignId}`, sourceUnit: 'BG', subject: 'BG', sequence, time: new Date() },
        { from: 'issued', to: 'deployed', reason: 'Triển khai kế hoạch', trigger: 'admin' },
      ),
    );
    const producer = testKafka().producer();
    await producer.connect();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: events.map((event) => ({ key: campaignId, value: JSON.stringify(event), headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } })),
      });
      await eventually(
        () => scrape(endpoint.url),
        (now) => lag(now) === 3,
      );

      release();
      await eventually(
        () => scrape(endpoint.url),
        (now) => lag(now) === 0,
      );

      const before = await scrape(endpoint.url);
      expect(figure(before, 'danvan_analytics_dead_lettered_total', { topic })).toBe(0);
      await producer.send({ topic, acks: -1, messages: [{ key: campaignId, value: '{"specversion":"1.0","id":"cut short' }] });
      const after = await eventually(
        () => scrape(endpoint.url),
        (now) => figure(now, 'danvan_analytics_dead_lettered_total', { topic }) > 0,
      );
      expect(figure(after, 'danvan_analytics_dead_lettered_total', { topic, cause: 'value' })).toBe(1);
      expect(figure(after, 'danvan_analytics_dead_lettered_total')).toBe(1);
      await eventually(
        () => scrape(endpoint.url),
        (now) => lag(now) === 0,
      );
    } finally {
      await producer.disconnect();
    }

    await consumer.stop();
    consumer = undefined;
    expect(lagSeries(await scrape(endpoint.url))).toEqual([]);
  });
});
