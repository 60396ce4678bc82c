import { randomUUID } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { parseEvent } from '../../domain/events';
import { submissionUpdateId } from '../../domain/ledger';
import { TOPICS } from '../../domain/topics';
import type { Unit } from '../../domain/units';
import { waitForLeaders } from '../../infra/kafka';
import { executeUpdate } from '../../infra/workflow-updates';
import { submitUpdate, unitWorkflowId } from '../../workflows/messages';
import { BASELINE_QUEUE, type Bench } from '../harness';
import { follow } from '../kafka-read';
import { closedLoop, openLoop, type LoadResult } from '../load';
import { todayInVietnam } from '../plan';
import { latencySummary, round } from '../stats';

/** Reports go through the HTTP API exactly as a reporter's client sends them; `accepted` collects the chi bộ that got a 201. */
export function reportSender(b: Bench, campaignId: string, accepted: Set<string>) {
  const heldOn = todayInVietnam();
  return async (cell: Unit) => {
    await b.post(`/v1/campaigns/${campaignId}/units/${cell.code}/study-sessions`, { heldOn, membersPresent: 11, membersTotal: 12 }, randomUUID());
    accepted.add(cell.code);
  };
}

const summary = (r: LoadResult) => ({
  sent: r.sent,
  ok: r.ok,
  failed: r.failed,
  seconds: round(r.seconds),
  perSecond: round(r.perSecond),
  latencyMs: latencySummary(r.latencies),
  ...(r.firstError ? { firstError: r.firstError } : {}),
});

/**
 * Sustained report throughput through API → Update → outbox → Kafka, against bare workflows accepting the same
 * Update with the same driver, the same concurrency and the same spread over workflows, for the same time.
 */
export async function throughput(b: Bench, campaignId: string, cells: readonly Unit[], opts: { seconds: number; concurrency: number; accepted: Set<string> }) {
  // Half the cells each, so the diagnostic below has reports left to send however fast the first half went.
  const half = Math.ceil(cells.length / 2);
  const danvan = await closedLoop(cells.slice(0, half), opts.concurrency, opts.seconds * 1000, reportSender(b, campaignId, opts.accepted));
  b.log(`  danvan: ${danvan.ok} reports in ${danvan.seconds.toFixed(1)} s = ${danvan.perSecond.toFixed(1)}/s (${danvan.failed} failed)`);

  // Diagnostic: the same reports as Updates straight to the commune workflow that owns each chi bộ, without the
  // HTTP API and its `locate` query on the campaign root, to split danvan's cost between the API and the workflows.
  const heldOn = todayInVietnam();
  const direct = await closedLoop(cells.slice(half), opts.concurrency, opts.seconds * 1000, async (cell) => {
    const submission = {
      idempotencyKey: randomUUID(),
      submittedBy: 'bench',
      command: { kind: 'study-session' as const, unitCode: cell.code, report: { heldOn, membersPresent: 11, membersTotal: 12 } },
    };
    await executeUpdate(b.client.workflow.getHandle(unitWorkflowId(campaignId, cell.parent!)), submitUpdate, {
      args: [submission],
      updateId: submissionUpdateId(submission),
    });
    opts.accepted.add(cell.code);
  });
  b.log(`  danvan without the API (Updates to the owning workflow): ${direct.ok} in ${direct.seconds.toFixed(1)} s = ${direct.perSecond.toFixed(1)}/s`);

  const communes = new Set(cells.map((c) => c.parent)).size;
  const ids = Array.from({ length: Math.min(communes, 500) }, (_, i) => `bare-reports-${i}-${randomUUID()}`);
  const handles = await Promise.all(ids.map((workflowId) => b.client.workflow.start('bareReportsWorkflow', { workflowId, taskQueue: BASELINE_QUEUE })));
  let i = 0;
  const items = Array.from({ length: cells.length * 4 }, () => i++);
  const baseline = await closedLoop(items, opts.concurrency, opts.seconds * 1000, async (n) => {
    const submission = {
      idempotencyKey: randomUUID(),
      submittedBy: 'bench',
      command: { kind: 'study-session' as const, unitCode: `X-CB${n}`, report: { heldOn, membersPresent: 11, membersTotal: 12 } },
    };
    await handles[n % handles.length]!.executeUpdate('submit', { args: [submission], updateId: submissionUpdateId(submission) });
  });
  b.log(`  baseline: ${baseline.ok} Updates in ${baseline.seconds.toFixed(1)} s = ${baseline.perSecond.toFixed(1)}/s on ${handles.length} bare workflows`);
  await Promise.all(handles.map((h) => h.terminate('benchmark baseline done').catch(() => undefined)));
  return {
    danvan: summary(danvan),
    withoutApi: summary(direct),
    baseline: summary(baseline),
    baselineWorkflows: handles.length,
    ratio: round(danvan.perSecond / baseline.perSecond, 2),
    consumed: half + direct.sent,
  };
}

/**
 * End-to-end latency at a fixed offered load: from the API's 201 (and from the request) until the report's event
 * is readable on Kafka. Baseline: raw kafkajs produce latency (acks=all) at the same rate, same broker, same size.
 */
export async function latency(b: Bench, campaignId: string, cells: readonly Unit[], opts: { rate: number; seconds: number; accepted: Set<string> }) {
  const count = Math.min(cells.length, Math.round(opts.rate * opts.seconds));
  const used = cells.slice(0, count);
  const readable = new Map<string, number>();
  let sampleValue = '';
  const stop = await follow(b.kafka, TOPICS.campaignEvents, campaignId, (r) => {
    const parsed = parseEvent(JSON.parse(r.value));
    if (parsed.ok && parsed.name === 'study-session.reported' && !readable.has(parsed.event.subject)) {
      readable.set(parsed.event.subject, r.receivedAt);
      sampleValue = r.value;
    }
  });
  const answered = new Map<string, { at: number; sentAt: number }>();
  const load = await openLoop(used, opts.rate, reportSender(b, campaignId, opts.accepted), (cell, at, sentAt) => answered.set(cell.code, { at, sentAt }));
  const waitUntil = Date.now() + 60_000;
  while ([...answered.keys()].some((code) => !readable.has(code)) && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 100));
  await stop();
  const fromAccept: number[] = [];
  const fromSend: number[] = [];
  for (const [code, { at, sentAt }] of answered) {
    const seen = readable.get(code);
    if (seen === undefined) continue;
    fromAccept.push(seen - at);
    fromSend.push(seen - sentAt);
  }
  b.log(`  danvan: ${count} reports offered at ${opts.rate}/s; accept→readable p99 ${latencySummary(fromAccept).p99} ms`);

  const admin = b.kafka.admin();
  await admin.connect();
  const rawTopic = 'danvan.bench.raw-produce';
  // Replicated as danvan's own topic is (1 on the dev profile, 3 on the cluster): acks=all waits for as many copies.
  const [own] = (await admin.fetchTopicMetadata({ topics: [TOPICS.campaignEvents] })).topics;
  const replicationFactor = own?.partitions[0]?.replicas.length ?? 1;
  await admin.createTopics({ topics: [{ topic: rawTopic, numPartitions: 6, replicationFactor }], waitForLeaders: false });
  await waitForLeaders(admin, [rawTopic]);
  await admin.disconnect();
  const producer = b.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const value = sampleValue || JSON.stringify({ pad: 'x'.repeat(600) });
  const raw = await openLoop(
    Array.from({ length: count }, (_, i) => i),
    opts.rate,
    (i) => producer.send({ topic: rawTopic, acks: -1, messages: [{ key: `${campaignId}-${i % 64}`, value }] }),
  );
  await producer.disconnect();
  b.log(`  baseline: raw produce acks=all p99 ${latencySummary(raw.latencies).p99} ms`);
  return {
    offeredPerSecond: opts.rate,
    reports: summary(load),
    readableOnKafka: fromAccept.length,
    acceptToReadableMs: latencySummary(fromAccept),
    sendToReadableMs: latencySummary(fromSend),
    baselineRawProduceMs: latencySummary(raw.latencies),
    messageBytes: Buffer.byteLength(value),
    used: count,
  };
}

/** As many reports as fit in the count and the time given, with `concurrency` in flight. */
export async function bulk(b: Bench, campaignId: string, cells: readonly Unit[], opts: { maxSeconds: number; concurrency: number; accepted: Set<string> }) {
  const load = await closedLoop(cells, opts.concurrency, opts.maxSeconds * 1000, reportSender(b, campaignId, opts.accepted));
  b.log(`  ${load.ok} reports in ${load.seconds.toFixed(1)} s = ${load.perSecond.toFixed(1)}/s (${load.failed} failed)`);
  return summary(load);
}
