import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { timeSkippingServerPath } from '../helpers/env';
import { longNap } from '../workflows';

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
    const result = await worker.runUntil(
      env.client.workflow.execute(longNap, { args: [30], workflowId: 'time-skipping-30-days', taskQueue: 'time-skipping' }),
    );
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
});
