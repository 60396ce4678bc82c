import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseEvent } from '../../domain/events';
import { TOPICS } from '../../domain/topics';
import { startDanvan, type DanvanUnderTest } from '../helpers/api';
import { eventually } from '../helpers/campaign';
import { testKafkaBrokers, testTemporalAddress } from '../helpers/env';
import { readTopicToEnd } from '../helpers/kafka';
import { freePort, killGroup, spawnTs, type Spawned } from '../helpers/processes';
import { openCampaign } from './campaign';
import { recordFault } from './table';

/**
 * The API process is killed (SIGKILL) while a report is in flight, at a different moment each round; the client
 * retries with the same Idempotency-Key against the restarted API. Each report must take effect exactly once.
 */
const KILL_AFTER_MS = [0, 2, 5, 10, 20, 40, 80, 160];
let danvan: DanvanUnderTest;
let api: Spawned | undefined;
let port: number;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-api-crash-'));

async function startApi(): Promise<void> {
  api = spawnTs(
    'api/server.ts',
    [],
    {
      TEMPORAL_ADDRESS: testTemporalAddress(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      TEMPORAL_TASK_QUEUE: danvan.taskQueue,
      API_PORT: String(port),
      DANVAN_JWT_SECRET: danvan.secret,
      DANVAN_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    { detached: true },
  );
  await eventually(
    () =>
      fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status,
        () => 0,
      ),
    (status) => status === 200,
    60_000,
  );
  process.stderr.write(`[api-crash] API up on ${port}\n`);
}

beforeAll(async () => {
  danvan = await startDanvan('api-crash');
  port = await freePort();
});

afterAll(async () => {
  if (api && api.child.exitCode === null) killGroup(api);
  await danvan?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('takes a report killed mid-request and retried with its key exactly once', async () => {
  const campaign = await openCampaign(danvan);
  const apiUrl = () => `http://127.0.0.1:${port}`;
  const cells = campaign.cells.slice(0, KILL_AFTER_MS.length);
  let cutOff = 0;
  let retries = 0;
  await startApi();
  for (const [round, cell] of cells.entries()) {
    const key = randomUUID();
    const inFlight = campaign.report(cell, { key, baseUrl: apiUrl() }).then(
      (status) => status,
      () => 'cut off' as const,
    );
    await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS[round]));
    killGroup(api!);
    await api!.exited;
    if ((await inFlight) === 'cut off') cutOff += 1;
    await startApi();
    // The client's retry: the same key, until an answer arrives.
    let status = 0;
    for (let attempt = 0; attempt < 3 && status !== 201; attempt++) {
      retries += 1;
      status = await campaign.report(cell, { key, baseUrl: apiUrl() }).catch(() => 0);
    }
    expect({ cell, status }).toEqual({ cell, status: 201 });
  }

  const studySessions = (events: Array<{ name: string; subject: string; id: string }>, cell: string) =>
    new Set(events.filter((e) => e.name === 'study-session.reported' && e.subject === cell).map((e) => e.id)).size;
  const events = await eventually(
    async () =>
      (await readTopicToEnd(TOPICS.campaignEvents, (m) => m.key === campaign.campaignId)).flatMap((m) => {
        const parsed = parseEvent(JSON.parse(m.value!));
        return parsed.ok ? [{ name: parsed.name, subject: parsed.event.subject, id: parsed.event.id }] : [];
      }),
    (all) => cells.every((cell) => studySessions(all, cell) >= 1),
    60_000,
  );
  const effects = cells.map((cell) => studySessions(events, cell));
  const doubled = effects.filter((n) => n > 1).length;
  const lost = effects.filter((n) => n === 0).length;
  const recorded = await Promise.all(
    cells.map(async (cell) => (await campaign.get(`/v1/campaigns/${campaign.campaignId}/units/${cell}`)).units[0].studySession !== undefined),
  );

  recordFault({
    fault: 'API process killed mid-request',
    how: `SIGKILL ${KILL_AFTER_MS.join('/')} ms into ${cells.length} reports, client retries with the same Idempotency-Key`,
    mustHold: 'exactly one effect',
    counts: { reports: cells.length, 'cut off before answering': cutOff, retries, 'taken twice': doubled, lost },
    held: doubled === 0 && lost === 0 && recorded.every(Boolean),
  });
  expect(effects).toEqual(cells.map(() => 1));
  expect(recorded.every(Boolean)).toBe(true);
}, 600_000);
