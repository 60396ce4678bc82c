import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { mintToken } from '../../api/auth';
import { openProjection } from '../../analytics/projection';
import { loadConfig } from '../../infra/config';
import { resolveJwtSecret } from '../../infra/secrets';
import { campaignIdFor } from '../../domain/plan';
import { vietnamDateOf } from '../../domain/schedule';
import { clusterDown, clusterLayout, clusterUp, type ClusterEndpoints } from '../../stack/cluster';
import { isAlive, readPid } from '../../stack/process';
import { eventually } from '../helpers/campaign';
import { followOperation } from '../helpers/http';
import { processesMentioning, signalGroup, spawnNpmStart } from '../helpers/processes';

/**
 * The cluster profile end to end, in a scratch data folder: PostgreSQL, the Temporal server on it, three Kafka
 * brokers, two workers on one workflow bundle, the API and the analytics consumer, each its own process. A plan is
 * issued and deployed over HTTP, a petition recorded, and its event reaches the projection through the three-broker
 * topic; everything stops with no process left, and a second start on the same data still has the campaign.
 * The first run builds the Temporal server (minutes); later runs take it from the cache.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-cluster-'));
// mkdtemp's 0700 would keep out the postgres user, which runs PostgreSQL when the tests run as root.
fs.chmodSync(dataDir, 0o755);
const config = loadConfig({ ...process.env, DANVAN_DATA_DIR: dataDir, DANVAN_JWT_SECRET: undefined, TEMPORAL_ADDRESS: undefined, KAFKA_BROKERS: undefined });
const layout = clusterLayout(config);
const PROCESSES = ['worker-1', 'worker-2', 'api', 'analytics', 'kafka-1', 'kafka-2', 'kafka-3', 'temporal', 'postgres'];
const year = new Date().getUTCFullYear() + 1;
const plan = {
  template: 'thang-dan-van',
  plan: { number: '202-KH/BDVTU', issuer: { unitCode: 'BG', name: 'Ban Dân vận Tỉnh ủy Bắc Giang' }, issuedOn: `${year - 1}-12-01`, year },
  tree: { sample: 'bac-giang' },
};
const campaignId = campaignIdFor(plan.plan);
let ep: ClusterEndpoints;
let token = '';
const log = (line: string) => process.stderr.write(`[cluster-profile] ${line}\n`);

async function call(method: string, url: string, body?: unknown) {
  const answer = await fetch(`${ep.apiUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

function running(): string[] {
  return PROCESSES.filter((name) => {
    const pid = readPid(layout.runDir, name);
    return pid !== undefined && isAlive(pid);
  });
}

afterAll(async () => {
  await clusterDown(config);
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

it('brings every part up, carries a report from the API to the projection, and stops leaving no process', async () => {
  ep = await clusterUp(config, { log });
  expect(running().sort()).toEqual([...PROCESSES].sort());
  token = await mintToken(resolveJwtSecret(undefined, layout.dataDir), { sub: 'cluster-admin', role: 'admin' });
  expect(await call('POST', '/v1/campaigns', plan)).toMatchObject({ status: 201, body: { campaignId } });
  const deployed = await call('POST', `/v1/campaigns/${campaignId}/deploy`, { reason: 'triển khai' });
  expect(deployed.status).toBe(202);
  expect((await followOperation((path) => call('GET', path), String(deployed.body.href))).last.status).toBe('succeeded');
  const petition = await call('POST', `/v1/campaigns/${campaignId}/units/BG-HH-THANG/petitions`, {
    kind: 'kien-nghi',
    content: 'Đề nghị sửa chữa tuyến đường liên thôn',
    receivedOn: vietnamDateOf(new Date()),
  });
  expect(petition).toMatchObject({ status: 201, body: { id: 'P1' } });
  const figures = await eventually(
    async () => {
      if (!fs.existsSync(ep.analyticsDb)) return undefined;
      const projection = openProjection(ep.analyticsDb);
      if (!projection.ok) return undefined;
      try {
        const f = projection.value.figures(campaignId, {});
        return f.ok ? f.value : undefined;
      } finally {
        projection.value.close();
      }
    },
    (f) => f?.petitions['kien-nghi'].recorded === 1,
    60_000,
  );
  expect(figures?.petitions['kien-nghi'].recorded).toBe(1);
  await clusterDown(config);
  expect(running()).toEqual([]);
}, 900_000);

it('starts again on the same data with the campaign and its petition', async () => {
  ep = await clusterUp(config, { log });
  try {
    // The root's figures come up from the commune's workflow by its report, a moment after the workers are back.
    const snapshot = await eventually(
      () => call('GET', `/v1/campaigns/${campaignId}`),
      (s) => (s.body.progress as { petitions?: Record<string, { recorded: number }> } | undefined)?.petitions?.['kien-nghi']?.recorded === 1,
      60_000,
    );
    expect(snapshot).toMatchObject({ status: 200, body: { phase: 'deployed' } });
  } finally {
    await clusterDown(config);
  }
  expect(running()).toEqual([]);
}, 300_000);

it('`npm start -- --cluster` prints where each part is; Ctrl-C stops every one of them', async () => {
  const started = spawnNpmStart({ DANVAN_DATA_DIR: dataDir }, ['--cluster']);
  try {
    await started.waitFor(/Ctrl-C stops every part/, 300_000);
    expect(started.output()).toContain(`API          ${ep.apiUrl}`);
    expect(started.output()).toMatch(/admin token\s+\S+/);
    expect(running().sort()).toEqual([...PROCESSES].sort());
  } finally {
    signalGroup(started, 'SIGINT');
    await started.exited;
  }
  expect(started.output()).toContain('stopped analytics, api, worker-2, worker-1, kafka-1, kafka-2, kafka-3, temporal, postgres');
  expect({ running: running(), processes: processesMentioning(dataDir) }).toEqual({ running: [], processes: [] });
}, 400_000);
