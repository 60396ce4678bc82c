import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt } from 'jose';
import { TOPICS } from '../../domain/topics';
import { portIsFree, STOP_GRACE_MS } from '../../stack/process';
import { plan202 } from '../fixtures/plans';
import { testKafkaBrokers, testTemporalAddress } from '../helpers/env';
import { consumeUntil } from '../helpers/kafka';
import { freePort, killGroup, processesMentioning, signalGroup, spawnNpmStart } from '../helpers/processes';

/** `npm start` on the embedded default, on free ports and in a scratch data folder. */
async function startEmbedded() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-start-'));
  const [temporalPort, uiPort, kafkaPort, controllerPort, apiPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const started = spawnNpmStart({
    DANVAN_DATA_DIR: dataDir,
    DANVAN_TEMPORAL_PORT: String(temporalPort),
    DANVAN_TEMPORAL_UI_PORT: String(uiPort),
    DANVAN_KAFKA_PORT: String(kafkaPort),
    DANVAN_KAFKA_CONTROLLER_PORT: String(controllerPort),
    API_PORT: String(apiPort),
    LOG_LEVEL: 'warn',
  });
  const serverPorts = [temporalPort, uiPort, kafkaPort, controllerPort];
  return { dataDir, started, serverPorts, apiPort, uiPort, kafkaPort };
}

async function busyPorts(ports: number[]): Promise<number[]> {
  const free = await Promise.all(ports.map((port) => portIsFree(port)));
  return ports.filter((_, i) => !free[i]);
}

/** What is still running from `dataDir` and which ports are still held, once both are empty or at the deadline. */
async function leftoversWithin(ms: number, dataDir: string, ports: number[]) {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = { processes: processesMentioning(dataDir), busyPorts: await busyPorts(ports) };
    if ((left.processes.length === 0 && left.busyPorts.length === 0) || Date.now() > deadline) return left;
    await sleep(250);
  }
}

/**
 * `npm start` as a newcomer runs it: the embedded default brings its own Temporal and Kafka up on the
 * dev profile, serves the API, and Ctrl-C (SIGINT to its process group, as a terminal sends it) leaves
 * nothing behind, nor does SIGKILL. Ports are moved off the defaults so the suite never collides with a
 * developer's running stack.
 */
describe('npm start (bin/start.ts)', () => {
  const plan = plan202();

  it('on the embedded default: brings up Temporal and Kafka, serves the API, publishes to its Kafka, and Ctrl-C stops everything', async () => {
    const { dataDir, started, serverPorts, apiPort, uiPort, kafkaPort } = await startEmbedded();
    // A request that never completes keeps the API's close() waiting; the shutdown must go on without it.
    const stalled = new net.Socket();
    stalled.on('error', () => {});
    let stoppingAt: number;
    try {
      const [, token] = await started.waitFor(/admin token\s+(\S+)/, 180_000);
      // A development token, not a month's: 12 h from its issue.
      const claims = decodeJwt(token!);
      expect(claims.exp! - claims.iat!).toBe(12 * 3600);
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

      const issued = await fetch(`${api}/v1/campaigns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
        body: JSON.stringify({ plan, tree: { sample: 'bac-giang' } }),
      });
      expect(issued.status).toBe(201);

      // The event lands on the embedded broker of this npm start, not on the suite's own.
      const previous = process.env.DANVAN_TEST_KAFKA_BROKERS;
      process.env.DANVAN_TEST_KAFKA_BROKERS = `127.0.0.1:${kafkaPort}`;
      try {
        const [event] = await consumeUntil(TOPICS.campaignEvents, (all) => all.length >= 1);
        expect(JSON.parse(event!.value!)).toMatchObject({
          type: 'vn.danvan.campaign.issued.v1',
          campaignid: 'BG-2024-202-KH-BDVTU',
          data: { plan: { number: plan.number, title: plan.title } },
        });
      } finally {
        process.env.DANVAN_TEST_KAFKA_BROKERS = previous;
      }
      expect(processesMentioning(dataDir).length).toBeGreaterThanOrEqual(3);

      stalled.connect(apiPort, '127.0.0.1');
      await once(stalled, 'connect');
      stalled.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    } finally {
      stoppingAt = Date.now();
      signalGroup(started, 'SIGINT');
      await started.exited;
      stalled.destroy();
    }
    const seconds = (Date.now() - stoppingAt) / 1000;
    process.stderr.write(`npm start stopped ${seconds.toFixed(1)} s after Ctrl-C: ${started.output().match(/stopped in [\d.]+ s/)?.[0]}\n`);
    expect(started.output()).toContain('[danvan] stopping the API did not finish within 5 s; going on');
    expect(started.output()).not.toMatch(/stopping the (worker|connections).*going on/);
    expect(started.output()).toMatch(/\[danvan\] stopped in [\d.]+ s/);
    // The API's 5 s, the worker's 15 s, the connections' 5 s, and each server's grace before SIGKILL.
    expect(seconds).toBeLessThan(25 + (2 * STOP_GRACE_MS) / 1000);
    expect({ processes: processesMentioning(dataDir), busyPorts: await busyPorts(serverPorts) }).toEqual({ processes: [], busyPorts: [] });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 300_000);

  it('killed with SIGKILL once ready: the servers it started stop by themselves and free their ports', async () => {
    const { dataDir, started, serverPorts } = await startEmbedded();
    try {
      await started.waitFor(/admin token\s+(\S+)/, 180_000);
      expect(await busyPorts(serverPorts)).toEqual(serverPorts);
      expect(processesMentioning(dataDir).filter((p) => /^\d+: \S*(temporal server start-dev|java) /.test(p))).toHaveLength(2);
    } finally {
      killGroup(started);
      await started.exited;
    }
    const killedAt = Date.now();
    // Each server's watchdog gives it the same grace as a stop, SIGTERM to SIGKILL.
    expect(await leftoversWithin(STOP_GRACE_MS + 10_000, dataDir, serverPorts)).toEqual({ processes: [], busyPorts: [] });
    process.stderr.write(`servers of a SIGKILLed npm start gone ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill\n`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 300_000);

  it('with TEMPORAL_ADDRESS and KAFKA_BROKERS set: connects to those servers and starts none', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-start-external-'));
    const apiPort = await freePort();
    const started = spawnNpmStart({
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
      signalGroup(started, 'SIGINT');
      await started.exited;
    }
    expect(started.output()).toMatch(/\[danvan\] stopped in [\d.]+ s/);
    expect(started.output()).not.toContain('going on');
    expect(processesMentioning(dataDir)).toEqual([]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
