import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openProjection } from '../../analytics/projection';
import type { ProjectedEvent } from '../../analytics/projected-event';
import { parseEvent } from '../../domain/events';
import { TOPICS } from '../../domain/topics';
import { UnitIndex, type Unit } from '../../domain/units';
import { campaignWorkflowId, unitWorkflowId } from '../../workflows/messages';
import type { Bench } from '../harness';
import { readToEnd } from '../kafka-read';
import { mapLimit } from '../pool';

/**
 * Every accepted report exactly once: read the campaign's events back from the topic, count lost and duplicated
 * study sessions (deduplicating by CloudEvent id, as consumers must), then rebuild the figures in the analytics
 * projection from the same events and compare with the exact count of distinct chi bộ on the topic.
 */
export async function exactlyOnce(b: Bench, campaignId: string, accepted: ReadonlySet<string>, opts: { settleSeconds: number }) {
  const t0 = Date.now();
  let saidAt = t0;
  let reported: Map<string, string[]>;
  let records: ReturnType<typeof parseEvent>[];
  for (;;) {
    records = (await readToEnd(b.kafka, TOPICS.campaignEvents, campaignId, 300_000)).map((r) => parseEvent(JSON.parse(r.value)));
    reported = new Map();
    for (const p of records) if (p.ok && p.name === 'study-session.reported') reported.set(p.event.id, [...(reported.get(p.event.id) ?? []), p.event.subject]);
    const subjects = new Set([...reported.values()].map((s) => s[0]!));
    const missing = [...accepted].filter((code) => !subjects.has(code));
    if (missing.length === 0 || Date.now() - t0 > opts.settleSeconds * 1000) break;
    if (Date.now() - saidAt >= 30_000) {
      saidAt = Date.now();
      b.log(
        `  ${accepted.size - missing.length}/${accepted.size} accepted reports on Kafka after ${Math.round((saidAt - t0) / 1000)} s; waiting for ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ' …' : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  const drainSeconds = (Date.now() - t0) / 1000;
  const bySubject = new Map<string, number>();
  for (const subjects of reported.values()) bySubject.set(subjects[0]!, (bySubject.get(subjects[0]!) ?? 0) + 1);
  const lost = [...accepted].filter((code) => !bySubject.has(code)).length;
  const duplicated = [...bySubject.values()].filter((n) => n > 1).length;
  const duplicateRecords = [...reported.values()].reduce((sum, s) => sum + s.length - 1, 0);

  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-bench-')), 'projection.sqlite');
  const opened = openProjection(file);
  if (!opened.ok) throw new Error(`projection: ${JSON.stringify(opened)}`);
  const projection = opened.value;
  const events: ProjectedEvent[] = records.flatMap((p) =>
    p.ok
      ? [{ id: p.event.id, name: p.name, campaignId: p.event.campaignid, subject: p.event.subject, time: p.event.time, data: p.event.data } as ProjectedEvent]
      : [],
  );
  const t1 = Date.now();
  let applied = 0;
  for (let i = 0; i < events.length; i += 1000) {
    const result = projection.apply(events.slice(i, i + 1000));
    if (!result.ok) throw new Error(`projection apply: ${JSON.stringify(result)}`);
    applied += result.value;
  }
  const projectSeconds = (Date.now() - t1) / 1000;
  const figures = projection.figures(campaignId);
  projection.close();
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const done = figures.ok ? figures.value.studySessions.done : undefined;
  b.log(`  accepted ${accepted.size}; on Kafka ${bySubject.size} (lost ${lost}, duplicated ${duplicated}); projection counts ${done}`);
  return {
    accepted: accepted.size,
    onKafka: bySubject.size,
    lost,
    duplicated,
    duplicateRecordsOnWire: duplicateRecords,
    drainSeconds: Math.round(drainSeconds),
    records: records.length,
    projectionApplied: applied,
    projectionSeconds: Math.round(projectSeconds * 10) / 10,
    projectionStudySessionsDone: done,
    /** Taken by the workflow though its client was answered with a failure (a timeout): not lost, not duplicated. */
    onKafkaUnacknowledged: bySubject.size - (accepted.size - lost),
    projectionExact: done === bySubject.size,
  };
}

/** The longest history of the run: closed runs (continued as new) from visibility, every running workflow of the campaign from its description. */
export async function largestHistory(b: Bench, campaignId: string, tree: Unit[]) {
  let closedMax = 0;
  let continued = 0;
  for await (const run of b.client.workflow.list({ query: `ExecutionStatus = 'ContinuedAsNew'` })) {
    continued++;
    closedMax = Math.max(closedMax, run.historyLength);
  }
  const index = new UnitIndex(tree);
  const ids = [
    campaignWorkflowId(campaignId),
    ...tree.filter((u) => u.parent !== undefined && !index.isLeaf(u.code)).map((u) => unitWorkflowId(campaignId, u.code)),
  ];
  const lengths = await mapLimit(ids, 16, async (id) => ({ id, length: (await b.client.workflow.getHandle(id).describe()).historyLength }));
  const top = lengths.reduce((a, c) => (c.length > a.length ? c : a));
  return {
    largest: Math.max(closedMax, top.length),
    largestRunning: top,
    largestContinuedAsNew: closedMax,
    runsContinuedAsNew: continued,
    workflows: ids.length,
  };
}
