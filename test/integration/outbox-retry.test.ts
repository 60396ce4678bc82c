import { planSchema } from '../../domain/schemas';
import { randomInt, randomUUID } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Producer } from 'kafkajs';
import { createActivities } from '../../activities';
import type { DanvanEvent } from '../../domain/events';
import { campaignIdFor } from '../../domain/plan';
import { bacNinh2025Tree } from '../../domain/samples/bac-ninh-2025';
import { addDays, vietnamDateOf } from '../../domain/schedule';
import { TOPICS } from '../../domain/topics';
import { dataConverter } from '../../infra/codec';
import { createEventProducer, createKafka } from '../../infra/kafka';
import { createLogger } from '../../infra/logger';
import { campaignSnapshotQuery, campaignWorkflowId, deployUpdate } from '../../workflows/messages';
import { eventually } from '../helpers/campaign';
import { testKafkaBrokers } from '../helpers/env';
import { readCampaignEvents } from '../helpers/kafka';
import { bundleDanvanWorkflows, connectTestTemporal } from '../helpers/temporal';
import { plan202 } from '../fixtures/plans';

/**
 * A worker that dies after Kafka took a batch but before Temporal recorded the activity as done: the retry
 * sends the batch again with the very same event ids, so a consumer that drops duplicates by id sees each
 * event once. Simulated by failing the first attempt of every publish after it has really been sent.
 */
describe('outbox publishing across a crash between publish and record', () => {
  let temporal: { client: Client; connection: Connection; nativeConnection: NativeConnection };
  let producer: Producer;

  beforeAll(async () => {
    temporal = await connectTestTemporal();
    producer = createEventProducer(createKafka({ brokers: testKafkaBrokers(), clientId: 'danvan-outbox-retry-test', logger: createLogger('warn') }));
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await temporal?.nativeConnection.close();
    await temporal?.connection.close();
  });

  // From the campaign: issued, phase-changed to deployed, unit.deployed, phase-changed to in-progress (the window
  // is open); from each of the 10 communes: unit.deployed.
  const EXPECTED = 4 + 10;

  it('re-sends the same ids on retry, and nothing else', async () => {
    const real = createActivities({ producer });
    let crashes = 0;
    const crashingAfterSend = {
      async publishEvents(events: DanvanEvent[]): Promise<void> {
        await real.publishEvents(events);
        const { Context } = await import('@temporalio/activity');
        if (Context.current().info.attempt === 1) {
          crashes += 1;
          throw new Error('worker lost before recording the activity result');
        }
      },
    };
    const taskQueue = `outbox-retry-${randomUUID()}`;
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      dataConverter,
      workflowBundle: await bundleDanvanWorkflows(),
      activities: crashingAfterSend,
    });

    const tree = bacNinh2025Tree();
    const today = vietnamDateOf(new Date());
    const plan = planSchema.parse(
      plan202({
        number: `${randomInt(1_000, 99_999)}-KH/BDVTU`,
        issuer: { unitCode: 'BN', name: 'Ban Dân vận Tỉnh ủy Bắc Ninh' },
        year: Number(today.slice(0, 4)),
        issuedOn: addDays(today, -20),
        window: { opensOn: addDays(today, -10), closesOn: addDays(today, 20) },
      }),
    );
    const campaignId = campaignIdFor(plan);
    await worker.runUntil(async () => {
      const handle = await temporal.client.workflow.start('campaignWorkflow', {
        workflowId: campaignWorkflowId(campaignId),
        taskQueue,
        args: [{ campaignId, plan, tree }],
      });
      await handle.executeUpdate(deployUpdate, { args: [{ requestedBy: 'admin-bn', reason: 'triển khai' }] });
      await eventually(
        () => handle.query(campaignSnapshotQuery),
        (s) => s.eventsPending === 0 && s.eventsEmitted >= 3,
      );
      await eventually(
        async () => (await readCampaignEvents(TOPICS.campaignEvents, campaignId)).length,
        (n) => n >= 2 * EXPECTED,
      );
    });

    const records = await readCampaignEvents(TOPICS.campaignEvents, campaignId);
    const distinct = new Map(records.map((e) => [e.id, e]));
    expect(distinct.size).toBe(EXPECTED);
    expect(crashes).toBeGreaterThanOrEqual(11);
    expect(records.length).toBe(2 * distinct.size);
    for (const event of records) expect(event).toEqual(distinct.get(event.id));
  });
});
