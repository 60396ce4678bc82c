import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { campaignIdFor } from '../../domain/campaign-id';
import { planSchema } from '../../domain/schemas';
import { loadConfig } from '../../infra/config';
import { POSTGRES_SERVICE, ensurePostgresData, findPostgres, postgresRunAs, startPostgres, stopPostgres, waitForPostgres } from '../../stack/postgres';
import { isAlive, logFile, pidFile, portIsFree, stopService } from '../../stack/process';
import {
  TEMPORAL_SERVER_SERVICE,
  ensureTemporalServer,
  startTemporalServer,
  temporalServerPorts,
  waitForTemporalServer,
  type TemporalServerBuild,
} from '../../stack/temporal-server';
import { campaignWorkflowId } from '../../workflows/messages';
import { campaignSearchAttributes, searchAttributes } from '../../workflows/search-attributes';
import { eventually } from '../helpers/campaign';
import { plan205 } from '../fixtures/plans';
import { freePort, processesMentioning } from '../helpers/processes';

/**
 * A base port for the Temporal server's eight ports, all free. Below 32768, which Temporal on PostgreSQL needs (see
 * temporalServerPorts), and above the bench profile's ports, so it meets neither another profile nor the kernel's
 * ephemeral ports (32768 and up), where freePort's come from.
 */
async function freeTemporalBase(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const base = 30_000 + Math.floor(Math.random() * 2700);
    const free = await Promise.all(Object.values(temporalServerPorts(base)).map((port) => portIsFree(port)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no eight free ports in a row between 30000 and 32767');
}

/** Processes naming the folder, or running in it: PostgreSQL's backends name nothing but have their data folder as working directory. */
function processesIn(dir: string): string[] {
  const inside = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
      } catch {
        return false;
      }
    });
  return [...processesMentioning(dir), ...inside.map((pid) => `${pid}: cwd in ${dir}`)];
}

/**
 * The cluster profile's PostgreSQL and Temporal server (#16): Temporal on PostgreSQL with SQL visibility, as
 * docker-compose.yml runs it, from binaries on this machine, in a scratch folder on ports of their own. The first
 * run on a machine builds the Temporal server with `go install` into DANVAN_CACHE_DIR (2½ to 5 minutes on 2 cores),
 * hence the 15-minute budget of the set-up; later runs find it cached and start in seconds.
 */
describe('the cluster profile: Temporal server on PostgreSQL', () => {
  const NAMESPACE = 'default';
  const plan = planSchema.parse(plan205());
  const workflowId = campaignWorkflowId(campaignIdFor(plan));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-cluster-temporal-'));
  const runDir = path.join(scratch, 'run');
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const bins = findPostgres();
  const runAs = postgresRunAs();
  let build: TemporalServerBuild;
  let postgresPort: number;
  let basePort: number;
  let address: string;

  async function up(): Promise<{ postgres: number; temporal: number }> {
    const dataDir = path.join(scratch, 'postgres');
    await ensurePostgresData(dataDir, bins, runAs, log);
    const postgres = startPostgres({ bins, runAs, dataDir, runDir, port: postgresPort, outliveCaller: false });
    await waitForPostgres(bins.pgIsReady, postgresPort, { runDir, pid: postgres });
    const temporal = await startTemporalServer({ build, configDir: path.join(scratch, 'temporal'), runDir, basePort, postgresPort, outliveCaller: false, log });
    await waitForTemporalServer(address, NAMESPACE, { runDir, pid: temporal });
    return { postgres, temporal };
  }

  async function down(): Promise<void> {
    await stopService(runDir, TEMPORAL_SERVER_SERVICE);
    await stopPostgres(runDir);
  }

  async function withClient<T>(use: (client: Client) => Promise<T>): Promise<T> {
    const connection = await Connection.connect({ address });
    try {
      return await use(new Client({ connection, namespace: NAMESPACE }));
    } finally {
      await connection.close();
    }
  }

  const listed = (query: string) =>
    withClient(async (client) => {
      const found: Array<{ workflowId: string; province: string | undefined; year: number | undefined; implements: string | undefined }> = [];
      for await (const execution of client.workflow.list({ query })) {
        found.push({
          workflowId: execution.workflowId,
          province: execution.typedSearchAttributes.get(searchAttributes.province),
          year: execution.typedSearchAttributes.get(searchAttributes.year),
          implements: execution.typedSearchAttributes.get(searchAttributes.implements),
        });
      }
      return found;
    });

  const QUERY = `${searchAttributes.planNumber.name} = '205-KH/BDVHU' AND ${searchAttributes.year.name} = 2024 AND ${searchAttributes.implements.name} = 'BG-2024-202-KH-BDVTU'`;
  const CAMPAIGN = { workflowId, province: 'BG-HH', year: 2024, implements: 'BG-2024-202-KH-BDVTU' };
  let firstRun: { postgres: number; temporal: number };

  beforeAll(async () => {
    // The postgres user must be able to walk into its data folder; mkdtemp makes the folder root's alone.
    fs.chmodSync(scratch, 0o711);
    build = await ensureTemporalServer(loadConfig().DANVAN_CACHE_DIR, (line) => process.stderr.write(`[cluster-temporal] ${line}\n`));
    postgresPort = await freePort();
    basePort = await freeTemporalBase();
    address = `127.0.0.1:${basePort}`;
    firstRun = await up();
  }, 15 * 60_000);

  afterAll(async () => {
    await down();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('lists a campaign started with danvan search attributes by a query on them, through visibility on PostgreSQL', async () => {
    await withClient((client) =>
      client.workflow.start('campaignWorkflow', {
        workflowId,
        // No worker polls it: the workflow stays open with its first task scheduled, which is all visibility needs.
        taskQueue: 'danvan-cluster-temporal-test',
        args: [],
        typedSearchAttributes: campaignSearchAttributes(plan, 'issued'),
      }),
    );
    // Visibility is written after the start returns.
    expect(
      await eventually(
        () => listed(QUERY),
        (found) => found.length > 0,
      ),
    ).toEqual([CAMPAIGN]);
    expect(await listed(`${searchAttributes.planNumber.name} = '202-KH/BDVTU'`)).toEqual([]);
  });

  it('still lists it after PostgreSQL and Temporal are stopped and started again on the same data', async () => {
    await down();
    expect([isAlive(firstRun.postgres), isAlive(firstRun.temporal)]).toEqual([false, false]);
    lines.length = 0;
    await up();
    expect(lines.join('\n')).not.toContain('creating the PostgreSQL database cluster');
    // The fast shutdown left a clean cluster: no crash recovery at the second start.
    const postgresLog = fs.readFileSync(logFile(runDir, POSTGRES_SERVICE), 'utf8');
    expect(postgresLog.match(/database system was shut down at/g)).toHaveLength(2);
    expect(postgresLog).not.toContain('automatic recovery in progress');
    expect(
      await eventually(
        () => listed(QUERY),
        (found) => found.length > 0,
      ),
    ).toEqual([CAMPAIGN]);
    expect(
      await withClient((client) =>
        client.workflow
          .getHandle(workflowId)
          .describe()
          .then((d) => d.status.name),
      ),
    ).toBe('RUNNING');
  });

  it('leaves no process behind once both are stopped', async () => {
    const pids = [POSTGRES_SERVICE, TEMPORAL_SERVER_SERVICE].map((name) => Number(fs.readFileSync(pidFile(runDir, name), 'utf8')));
    expect(pids.map(isAlive)).toEqual([true, true]);
    await down();
    expect(pids.map(isAlive)).toEqual([false, false]);
    expect(fs.existsSync(pidFile(runDir, POSTGRES_SERVICE)) || fs.existsSync(pidFile(runDir, TEMPORAL_SERVER_SERVICE))).toBe(false);
    expect(processesIn(scratch)).toEqual([]);
  });
});
