import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { testKafkaBrokers, testTemporalAddress } from '../helpers/env';
import { freePort, processesMentioning, spawnTs } from '../helpers/processes';

/** A bad configuration is one clear line and a non-zero exit, never a stack trace alone, and starts nothing. */
describe('startup errors a user can act on', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-errors-'));
  });
  afterEach(() => {
    expect(processesMentioning(dataDir)).toEqual([]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const expectOneClearMessage = (output: string, ...fragments: string[]) => {
    for (const fragment of fragments) expect(output).toContain(fragment);
    expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  };

  it('an unparseable KAFKA_BROKERS names the variable and the value', async () => {
    const run = spawnTs('bin/start.ts', [], { DANVAN_DATA_DIR: dataDir, KAFKA_BROKERS: 'kafka-1;9092' });
    expect(await run.exited).toBe(1);
    expectOneClearMessage(run.output(), 'danvan start: invalid configuration', 'KAFKA_BROKERS="kafka-1;9092"', 'host:port');
  });

  it('an out-of-range port names the variable', async () => {
    const run = spawnTs('stack/cli.ts', ['up'], { DANVAN_DATA_DIR: dataDir, DANVAN_KAFKA_PORT: '99999' });
    expect(await run.exited).toBe(1);
    expectOneClearMessage(run.output(), 'DANVAN_KAFKA_PORT="99999"');
  });

  it('a busy server port says which port, what it is for, and how to move it', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const run = spawnTs('stack/cli.ts', ['up'], { DANVAN_DATA_DIR: dataDir, DANVAN_TEMPORAL_PORT: String(port) });
      expect(await run.exited).toBe(1);
      expectOneClearMessage(run.output(), `port ${port} (Temporal frontend) on 127.0.0.1 is already in use`, 'DANVAN_TEMPORAL_PORT');
    } finally {
      blocker.close();
    }
  });

  it('a busy API port is refused after connecting, and nothing keeps running', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const run = spawnTs('bin/start.ts', [], {
        DANVAN_DATA_DIR: dataDir,
        TEMPORAL_ADDRESS: testTemporalAddress(),
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        API_PORT: String(port),
        LOG_LEVEL: 'warn',
      });
      expect(await run.exited).toBe(1);
      expectOneClearMessage(run.output(), `API port ${port} on 127.0.0.1 is already in use`, 'API_PORT');
    } finally {
      blocker.close();
    }
  });

  it('missing Java says what to install, before starting anything', async () => {
    // A PATH with node alone: no java, no mvn, no go.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-path-'));
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const [temporalPort, kafkaPort] = await Promise.all([freePort(), freePort()]);
    const run = spawnTs(
      'stack/cli.ts',
      ['up'],
      { DANVAN_DATA_DIR: dataDir, DANVAN_TEMPORAL_PORT: String(temporalPort), DANVAN_KAFKA_PORT: String(kafkaPort) },
      { PATH: bin },
    );
    expect(await run.exited).toBe(1);
    expectOneClearMessage(run.output(), '`java` is needed to run the local Apache Kafka broker but was not found', 'JAVA_HOME');
    fs.rmSync(bin, { recursive: true, force: true });
  });
});
