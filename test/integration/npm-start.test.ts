import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TOPICS } from '../../domain/topics';
import { plan202 } from '../fixtures/plans';
import { testKafkaBrokers, testTemporalAddress } from '../helpers/env';
import { consumeUntil } from '../helpers/kafka';
import { freePort, processesMentioning, spawnTs } from '../helpers/processes';

/**
 * `npm start` as a newcomer runs it: the embedded default brings its own Temporal and Kafka up on the
 * dev profile, serves the API, and Ctrl-C leaves nothing behind. Ports are moved off the defaults so the
 * suite never collides with a developer's running stack.
 */
describe('npm start (bin/start.ts)', () => {
  const plan = plan202();

  it('on the embedded default: brings up Temporal and Kafka, serves the API, publishes to its Kafka, and Ctrl-C stops everything', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-start-'));
    const [temporalPort, uiPort, kafkaPort, controllerPort, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const started = spawnTs('bin/start.ts', [], {
      DANVAN_DATA_DIR: dataDir,
      DANVAN_TEMPORAL_PORT: String(temporalPort),
      DANVAN_TEMPORAL_UI_PORT: String(uiPort),
      DANVAN_KAFKA_PORT: String(kafkaPort),
      DANVAN_KAFKA_CONTROLLER_PORT: String(controllerPort),
      API_PORT: String(apiPort),
      LOG_LEVEL: 'warn',
    });
    try {
      const [, token] = await started.waitFor(/admin token\s+(\S+)/, 180_000);
      const banner = started.output();
      expect(banner).toContain(`API          http://127.0.0.1:${apiPort}`);
      expect(banner).toContain(`API docs     http://127.0.0.1:${apiPort}/docs`);
      expect(banner).toContain(`Temporal UI  http://127.0.0.1:${uiPort}`);
      expect(banner).toContain(`Kafka        127.0.0.1:${kafkaPort}`);
      process.stderr.write(`npm start reached ready: ${banner.match(/ready in [\d.]+ s/)?.[0]}\n`);

      const api = `http://127.0.0.1:${apiPort}`;
      expect((await fetch(`${api}/healthz`)).status).toBe(200);
      const ready = await fetch(`${api}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { temporal: 'ok', kafka: 'ok' } });
      expect((await fetch(`${api}/docs`)).status).toBe(200);
      expect(((await (await fetch(`${api}/openapi.json`)).json()) as { openapi: string }).openapi).toBe('3.1.0');

      const issued = await fetch(`${api}/v1/campaigns`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() }, body: JSON.stringify({ plan, tree: { sample: 'bac-giang' } }) });
      expect(issued.status).toBe(201);

      // The event lands on the embedded broker of this npm start, not on the suite's own.
      const previous = process.env.DANVAN_TEST_KAFKA_BROKERS;
      process.env.DANVAN_TEST_KAFKA_BROKERS = `127.0.0.1:${kafkaPort}`;
      try {
        const [event] = await consumeUntil(TOPICS.campaignEvents, (all) => all.length >= 1);
        expect(JSON.parse(event!.value!)).toMatchObject({ type: 'vn.danvan.campaign.issued.v1', campaignid: 'BG-2024-202-KH-BDVTU', data: { plan: { number: plan.number, title: plan.title } } });
      } finally {
        process.env.DANVAN_TEST_KAFKA_BROKERS = previous;
      }
      expect(processesMentioning(dataDir).length).toBeGreaterThanOrEqual(3);
    } finally {
      started.child.kill('SIGINT');
      expect(await started.exited).toBe(0);
    }
    expect(started.output()).toContain('[danvan] stopped');
    expect(processesMentioning(dataDir)).toEqual([]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('with TEMPORAL_ADDRESS and KAFKA_BROKERS set: connects to those servers and starts none', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-start-external-'));
    const apiPort = await freePort();
    const started = spawnTs('bin/start.ts', [], {
      DANVAN_DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: testTemporalAddress(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      API_PORT: String(apiPort),
      LOG_LEVEL: 'warn',
    });
    try {
      await started.waitFor(/admin token\s+(\S+)/, 120_000);
      expect(started.output()).not.toContain('starting the embedded');
      expect(started.output()).toContain(`server ${testTemporalAddress()}`);
      const ready = await fetch(`http://127.0.0.1:${apiPort}/readyz`);
      expect(ready.status).toBe(200);
      expect(fs.existsSync(path.join(dataDir, 'dev', 'run'))).toBe(false);
    } finally {
      started.child.kill('SIGINT');
      expect(await started.exited).toBe(0);
    }
    expect(processesMentioning(dataDir)).toEqual([]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
