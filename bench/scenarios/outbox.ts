import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { buildEvents } from '../../domain/events';
import { TOPICS } from '../../domain/topics';
import { BASELINE_QUEUE, type Bench } from '../harness';
import { round } from '../stats';

/**
 * Outbox publish throughput: `workflows` publish loops each sending `batches` batches of `batchSize` events through the real
 * `publishEvents` activity and danvan's idempotent producer, against a raw kafkajs producer sending the same
 * messages in batches of the same size from as many concurrent loops, same broker.
 */
export async function outbox(b: Bench, opts: { workflows: number; batches: number; batchSize: number }) {
  const campaignId = `BENCH-${new Date().getUTCFullYear()}-${Date.now() % 1_000_000}-KH-OUTBOX`;
  const [template] = buildEvents(
    'study-session.reported',
    { campaignId, workflowId: `unit:${campaignId}:P01-X0001`, sourceUnit: 'P01-X0001', subject: 'P01-X0001-CB01', sequence: 1, time: new Date() },
    { heldOn: '2025-10-09', membersPresent: 18, membersTotal: 20, late: false, submittedBy: 'bench-reporter' },
  );
  const events = opts.workflows * opts.batches * opts.batchSize;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: opts.workflows }, (_, w) =>
      b.client.workflow.execute('outboxWorkflow', {
        workflowId: `bench-outbox-${w}-${randomUUID()}`,
        taskQueue: BASELINE_QUEUE,
        args: [{ template: template!, sourceUnit: `P01-X000${w + 1}`, batches: opts.batches, batchSize: opts.batchSize }],
      }),
    ),
  );
  const seconds = (Date.now() - t0) / 1000;
  b.log(`  danvan: ${events} events in ${seconds.toFixed(1)} s = ${(events / seconds).toFixed(0)}/s`);

  const value = JSON.stringify(template);
  const producer = b.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const t1 = Date.now();
  await Promise.all(
    Array.from({ length: opts.workflows }, async () => {
      for (let i = 0; i < opts.batches; i++) {
        await producer.sendBatch({
          acks: -1,
          topicMessages: [{ topic: TOPICS.campaignEvents, messages: Array.from({ length: opts.batchSize }, () => ({ key: campaignId, value })) }],
        });
      }
    }),
  );
  const rawSeconds = (Date.now() - t1) / 1000;
  await producer.disconnect();
  b.log(`  baseline: raw producer ${events} events in ${rawSeconds.toFixed(1)} s = ${(events / rawSeconds).toFixed(0)}/s`);
  return {
    events,
    batchSize: opts.batchSize,
    messageBytes: Buffer.byteLength(value),
    perSecond: round(events / seconds, 0),
    baselinePerSecond: round(events / rawSeconds, 0),
    ratio: round(rawSeconds / seconds, 2),
  };
}
