import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { timeSkippingServerPath } from '../helpers/env';
import { longNap, parentOfNapper } from '../workflows';

/** A connection whose gRPC channel the test can watch. */
class WatchedConnection extends Connection {
  get channel() {
    return this.client.getChannel();
  }
}

/** Resolves with whether the channel left its current state (the server dropped it) within `ms`. */
function leftStateWithin(connection: WatchedConnection, ms: number): Promise<boolean> {
  const channel = connection.channel;
  return new Promise((resolve) => channel.watchConnectivityState(channel.getConnectivityState(false), Date.now() + ms, (timedOut) => resolve(!timedOut)));
}

/**
 * The time-skipping server is Temporal's Java test server fetched from Maven Central and started through
 * the executable the stack scripts write. Every suite with deadlines depends on time really skipping.
 */
describe('time-skipping test server (Maven artifact, existing-path executable)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
    });
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: new DefaultLogger('WARN') });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('finishes a 30-day sleep in seconds of wall-clock time', async () => {
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'time-skipping', workflowBundle: bundle });
    const wallStart = Date.now();
    const result = await worker.runUntil(env.client.workflow.execute(longNap, { args: [30], workflowId: 'time-skipping-30-days', taskQueue: 'time-skipping' }));
    const wallSeconds = (Date.now() - wallStart) / 1000;
    const workflowDays = (Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 86_400_000;

    expect(workflowDays).toBeGreaterThanOrEqual(30);
    expect(wallSeconds).toBeLessThan(60);
  });

  it('lets a test move the clock explicitly, as suites waiting on Updates must', async () => {
    const before = await env.currentTimeMs();
    await env.sleep('7 days');
    const after = await env.currentTimeMs();
    expect(after - before).toBeGreaterThanOrEqual(7 * 86_400_000);
  });

  // sdk-java's TestWorkflowMutableStateImpl locks time skipping when a child completes, until its parent has taken
  // the news; a parent already closed never takes it. danvan's parents therefore wait for the children they started
  // (workflows/children.ts). On a fresh server, since it never skips again.
  it('stops skipping time for good once a child completes after the parent that started it', async () => {
    const fresh = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
    });
    const stop = new AbortController();
    try {
      const worker = await Worker.create({ connection: fresh.nativeConnection, taskQueue: 'child-after-parent', workflowBundle: bundle });
      const clockMoves = () =>
        Promise.race([
          fresh.connection.withAbortSignal(stop.signal, () => fresh.sleep('1 hour')).then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000)),
        ]);
      await worker.runUntil(async () => {
        const run = async (workflowId: string, waitForChild: boolean) => {
          await fresh.client.workflow.execute(parentOfNapper, { args: [waitForChild], workflowId, taskQueue: 'child-after-parent' });
          await fresh.client.workflow.getHandle(`${workflowId}-child`).result();
        };
        await run('parent-waits', true);
        expect(await clockMoves()).toBe(true);
        await run('parent-leaves-first', false);
        expect(await clockMoves()).toBe(false);
      });
    } finally {
      stop.abort();
      await fresh.teardown();
    }
  }, 60_000);

  // grpc-java's default policy counts every ping on an idle connection (and any more often than every 5 minutes
  // on a busy one) as abuse and drops the connection at the third: 36 s here. The SDK pings every 30 s, so on
  // the stock server every suite lost its connections after 90 s and, with them, any clock call in flight.
  it("keeps a connection that pings every 12 s while idle, as Temporal's own frontend does", async () => {
    // connect() builds `new this(…)`, so the instance is a WatchedConnection though typed as its base.
    const connection = (await WatchedConnection.connect({
      address: env.address,
      channelArgs: { 'grpc.keepalive_time_ms': 12_000, 'grpc.keepalive_permit_without_calls': 1 },
    })) as WatchedConnection;
    try {
      expect(await leftStateWithin(connection, 40_000)).toBe(false);
      await expect(connection.workflowService.getSystemInfo({})).resolves.toBeDefined();
    } finally {
      await connection.close();
    }
  }, 60_000);
});
