import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { createActivities } from '../../activities';
import { draftPlan } from '../../activities/drafts';
import { eventName, parseEvent, type DanvanEvent, type EventType } from '../../domain/events';
import { submissionUpdateId, type ReportCommand, type SubmissionResult } from '../../domain/ledger';
import { campaignIdFor, type Plan, type PlanInput } from '../../domain/plan';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { planSchema } from '../../domain/schemas';
import { templateDay } from '../../domain/templates';
import { UnitIndex, type Unit } from '../../domain/units';
import { dataConverter } from '../../infra/codec';
import type { campaignWorkflow as CampaignWorkflow } from '../../workflows/campaign';
import {
  advancePhaseUpdate,
  campaignSnapshotQuery,
  campaignWorkflowId,
  deployUpdate,
  extendDeadlineUpdate,
  locateQuery,
  snapshotQuery,
  submitUpdate,
  unitWorkflowId,
  type AdminRequest,
  type CampaignInput,
  type CampaignSnapshot,
  type ExtensionRequest,
  type NodeSnapshot,
  type PhaseRequest,
} from '../../workflows/messages';
import { at, eventually, nextCampaignYear } from '../helpers/campaign';
import { timeSkippingServerPath } from '../helpers/env';
import { plan202 } from '../fixtures/plans';
import { executeUpdate } from '../../infra/workflow-updates';
import { registerSearchAttributes } from '../../stack/time-skipping-server';
import { bundleDanvanWorkflows } from '../helpers/temporal';

/**
 * The fast tier: danvan's real workflows (the campaign and its unit workflows, bundled once per suite) on the Java
 * time-skipping server, with the one activity with an effect, `publishEvents`, replaced by a collector that keeps
 * what each call received. No Kafka, no dev server: a month of deadlines passes in seconds, and what the workflows would have
 * published is in memory to assert on. Everything is driven and read through the public messages of
 * workflows/messages.ts, so the suites hold for any implementation of those messages.
 */

type Activities = ReturnType<typeof createActivities>;

/** What the workflows handed to `publishEvents`, call by call, and anything that would not pass the event contract. */
export class Collector {
  readonly calls: DanvanEvent[][] = [];
  readonly offContract: string[] = [];

  activities(): Activities {
    return {
      publishEvents: async (events: DanvanEvent[]) => {
        // The real activity refuses (and retries) an event that breaks its schema; here it is kept and reported
        // instead, so one bad payload fails the test that caused it rather than stalling the workflow.
        for (const event of events) {
          const parsed = parseEvent(event);
          if (!parsed.ok) this.offContract.push(parsed.reason);
        }
        this.calls.push(structuredClone(events));
      },
      // The real one: it only reads a shipped template file.
      draftPlan,
    };
  }

  /** One campaign's events in the order they were published. */
  eventsOf(campaignId: string): DanvanEvent[] {
    return this.calls.flat().filter((e) => e.campaignid === campaignId);
  }
}

export function nameOf(event: DanvanEvent): EventType {
  const known = eventName(event.type);
  if (!known) throw new Error(`not a danvan event type: ${event.type}`);
  return known.name;
}

/** The unit of the workflow an event came from: the middle of its id, `<campaignId>/<source unit>/<sequence>`. */
export function sourceUnitOf(event: DanvanEvent): string {
  return event.id.split('/')[1]!;
}

/** An instant as Vietnam writes it: `2027-10-24 08:05`. */
export function vietnamTime(iso: string): string {
  return new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** A reminder or an escalation, reduced to what a test states about it. */
export interface Notice {
  source: string;
  name: 'reminder.sent' | 'deadline.escalated';
  deadline: string;
  deadlineDate: string;
  kind: 'before' | 'escalation' | 'overdue';
  days: number;
  /** Unit codes; an escalated unit as `<code>→<parent>`, the parent it is escalated to. */
  units: string[];
  /** Vietnam calendar day it went out. */
  on: string;
}

export function noticesOf(events: DanvanEvent[]): Notice[] {
  const notices: Notice[] = [];
  for (const event of events) {
    const name = nameOf(event);
    if (name !== 'reminder.sent' && name !== 'deadline.escalated') continue;
    const data = event.data as {
      deadline: string;
      deadlineDate: string;
      kind?: 'before' | 'overdue';
      days?: number;
      units: Array<string | { code: string; parent?: string }>;
    };
    notices.push({
      source: sourceUnitOf(event),
      name,
      deadline: data.deadline,
      deadlineDate: data.deadlineDate,
      kind: data.kind ?? 'escalation',
      days: data.days ?? 0,
      units: data.units.map((u) => (typeof u === 'string' ? u : u.parent ? `${u.code}→${u.parent}` : u.code)),
      on: vietnamTime(event.time).slice(0, 10),
    });
  }
  return notices;
}

/** Notices in a stable order, so a whole season's list compares as one value. */
export function sortNotices(notices: Notice[]): Notice[] {
  const key = (n: Notice) => `${n.on}|${n.source}|${n.deadline}|${n.name}|${n.days}`;
  return [...notices].sort((a, b) => key(a).localeCompare(key(b)));
}

/** What a refused Update came back with: the failure's type, message and first detail (the rejection). */
export interface Refusal {
  type: string | undefined;
  message: string;
  detail: { code?: string; field?: string; value?: unknown; message?: string; vi?: string } | undefined;
}

export async function refusalOf(promise: Promise<unknown>): Promise<Refusal> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected the Update to be refused; it answered ${JSON.stringify(outcome.value).slice(0, 500)}`);
  const { error } = outcome;
  if (!(error instanceof WorkflowUpdateFailedError)) throw error;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(cause)}`);
  return { type: cause.type ?? undefined, message: cause.message, detail: cause.details?.[0] as Refusal['detail'] };
}

/**
 * What "nothing changed" compares: a snapshot without its run counters (the history grows with every task, refused
 * Updates included) and without the publisher's progress (the outbox drains on its own).
 */
export function stateOf<S extends NodeSnapshot>(snapshot: S): Omit<S, 'run' | 'eventsPending'> {
  const { run: _run, eventsPending: _pending, ...state } = snapshot;
  return state;
}

/**
 * A small Bắc Giang tree cut from the sample (real names): the province, Huyện Hiệp Hòa, two of its communes and
 * two chi bộ of each. Four workflows: the campaign (BG), the district, and one per commune, which tracks its chi bộ.
 */
export function smallTree(): Unit[] {
  const keepCommunes = new Set(['BG-HH-THANG', 'BG-HH-BACLY']);
  const keepCells = new Set(['CB01', 'CB02']);
  return bacGiangTree().filter((u) => {
    if (u.kind === 'province' || u.code === 'BG-HH') return true;
    if (u.kind === 'commune') return keepCommunes.has(u.code);
    if (u.kind === 'party-cell') return keepCommunes.has(u.parent!) && keepCells.has(u.code.slice(-4));
    return false;
  });
}

export const TREE = {
  province: 'BG',
  district: 'BG-HH',
  thang: 'BG-HH-THANG',
  thang1: 'BG-HH-THANG-CB01',
  thang2: 'BG-HH-THANG-CB02',
  bacly: 'BG-HH-BACLY',
  bacly1: 'BG-HH-BACLY-CB01',
  bacly2: 'BG-HH-BACLY-CB02',
} as const;

/**
 * One test's server and worker. A server per test, because the clock is the server's: every test plays the same
 * campaign year from the same day, and when the server strands a workflow (see `historyEnds`) only that test fails.
 * With one server per suite, every later test of the suite was seen to hang on a clock that no longer moved.
 */
export class FastTier {
  private readonly campaigns: CampaignUnderTest[] = [];
  private plans = 0;

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly collector: Collector,
    readonly taskQueue: string,
    private readonly worker: Worker,
    private readonly running: Promise<void>,
  ) {}

  static async start(taskQueue: string, bundle: WorkflowBundleWithSourceMap): Promise<FastTier> {
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
      client: { dataConverter },
    });
    try {
      await registerSearchAttributes(env.connection);
      const collector = new Collector();
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        dataConverter,
        workflowBundle: bundle,
        activities: collector.activities(),
      });
      const running = worker.run();
      return new FastTier(env, collector, taskQueue, worker, running);
    } catch (error) {
      await env.teardown();
      throw error;
    }
  }

  /**
   * A campaign of plan 202-KH/BDVTU style on the small tree, issued on 06/9 of the first campaign year still ahead
   * of the server's clock (which starts at today's date), and started at 09:00 on the day its plan is issued. `plan` overrides fields
   * of the plan; given as a function, it gets the campaign year first, for dates.
   */
  async issue(
    opts: { plan?: Partial<PlanInput> | ((year: number) => Partial<PlanInput>); limits?: CampaignInput['limits']; tree?: Unit[] } = {},
  ): Promise<CampaignUnderTest> {
    const year = nextCampaignYear(new Date(await this.env.currentTimeMs()));
    const overrides = typeof opts.plan === 'function' ? opts.plan(year) : opts.plan;
    const plan = planSchema.parse(
      plan202({
        number: `${202 + this.plans++}-KH/BDVTU`,
        year,
        issuedOn: `${year}-09-06`,
        window: { opensOn: `${year}-10-01`, closesOn: `${year}-10-31` },
        title: `Triển khai các hoạt động "Tháng Dân vận" năm ${year}`,
        ...overrides,
      }),
    );
    const campaign = new CampaignUnderTest(this, plan, opts.tree ?? smallTree());
    this.campaigns.push(campaign);
    await campaign.advanceTo(plan.issuedOn.slice(5), 9);
    await campaign.start(opts.limits);
    return campaign;
  }

  /** Issued, then deployed on 10/9; the afternoon leaves the freshly started unit workflows their first tasks before any report. */
  async deployed(): Promise<CampaignUnderTest> {
    const campaign = await this.issue();
    await campaign.advanceTo('09-10', 9);
    await campaign.deploy();
    await campaign.advanceTo('09-10', 14);
    return campaign;
  }

  private readonly inFlight = new Map<number, string>();
  private calls = 0;

  /** Remembers what the test is waiting for, so a test that overruns can say which call never returned. */
  track<T>(what: string, call: Promise<T>): Promise<T> {
    const id = this.calls++;
    this.inFlight.set(id, what);
    return call.finally(() => this.inFlight.delete(id));
  }

  waitingFor(): string[] {
    return [...this.inFlight.values()];
  }

  /** How each running workflow's history ends. */
  async historyEnds(): Promise<HistoryEnd[]> {
    const ends: HistoryEnd[] = [];
    for (const campaign of this.campaigns) ends.push(...(await campaign.historyEnds()));
    return ends;
  }

  async stop(): Promise<void> {
    this.worker.shutdown();
    await this.running;
    await this.env.teardown();
  }
}

export interface HistoryEnd {
  workflowId: string;
  length: number;
  /** The last few event types, oldest first. */
  last: string[];
}

/**
 * A task started and not answered. Seen for long, it is the test server's stranding: it refused the task's
 * completion and, unlike a real server, neither fails nor redelivers the task (temporalio/sdk-java#3088), after a
 * CancelTimer of a timer that fired while the task was with the worker (#2606). The workflow never moves again.
 */
function inStartedTask(end: HistoryEnd): boolean {
  return end.last.at(-1) === 'WORKFLOW_TASK_STARTED';
}

function describeEnd(end: HistoryEnd): string {
  return `${end.workflowId}: ${end.length} events, ending ${end.last.join(' → ')}${inStartedTask(end) ? ' (in a started workflow task)' : ''}`;
}

/** How long a poll waits for a condition: seconds are plenty when nothing is stuck. */
const EVENTUALLY_MS = 15_000;

/** One campaign on the fast tier, driven as the API and the clock drive it. */
export class CampaignUnderTest {
  readonly campaignId: string;
  readonly index: UnitIndex;
  readonly year: number;
  handle!: WorkflowHandle<typeof CampaignWorkflow>;

  constructor(
    private readonly tier: FastTier,
    readonly plan: Plan,
    readonly tree: Unit[],
  ) {
    this.campaignId = campaignIdFor(plan);
    this.index = new UnitIndex(tree);
    this.year = plan.year;
  }

  private get client() {
    return this.tier.env.client;
  }

  async start(limits?: CampaignInput['limits']): Promise<void> {
    const input: CampaignInput = { campaignId: this.campaignId, plan: this.plan, tree: this.tree, ...(limits ? { limits } : {}) };
    await this.client.workflow.start('campaignWorkflow', { workflowId: campaignWorkflowId(this.campaignId), taskQueue: this.tier.taskQueue, args: [input] });
    // By workflow id alone, as the API addresses it: whichever run is current after a continue-as-new.
    this.handle = this.client.workflow.getHandle<typeof CampaignWorkflow>(campaignWorkflowId(this.campaignId));
  }

  /** `10-24` → `<year>-10-24`. */
  /** A day of the campaign year ("10-31"), or of the next as templates write it ("+1:01-15"). */
  day(mmdd: string): string {
    return templateDay(mmdd, this.year);
  }

  at(mmdd: string, hour = 12, minute = 0): Date {
    return at(this.day(mmdd), hour, minute);
  }

  /** Moves the server's clock (and every timer due on the way) to that Vietnam local time; never back. */
  async advanceTo(mmdd: string, hour = 12, minute = 0): Promise<void> {
    const target = this.at(mmdd, hour, minute).getTime();
    const now = await this.tier.env.currentTimeMs();
    if (target > now) await this.tier.track(`advancing the clock to ${vietnamTime(new Date(target).toISOString())}`, this.tier.env.sleep(target - now));
  }

  async now(): Promise<Date> {
    return new Date(await this.tier.env.currentTimeMs());
  }

  /** Workflow ids of every workflow of the campaign: the root, then one per non-leaf unit below it. */
  workflowIds(): string[] {
    const root = this.index.root.code;
    return [
      campaignWorkflowId(this.campaignId),
      ...this.tree.filter((u) => u.code !== root && !this.index.isLeaf(u.code)).map((u) => unitWorkflowId(this.campaignId, u.code)),
    ];
  }

  snapshot(): Promise<CampaignSnapshot> {
    return this.handle.query(campaignSnapshotQuery);
  }

  workflowSnapshot(workflowId: string): Promise<NodeSnapshot> {
    return this.client.workflow.getHandle(workflowId).query(snapshotQuery);
  }

  /** Every workflow's snapshot, by workflow id. */
  async snapshots(): Promise<Record<string, NodeSnapshot>> {
    return Object.fromEntries(await Promise.all(this.workflowIds().map(async (id) => [id, await this.workflowSnapshot(id)] as const)));
  }

  /** The snapshot of the workflow that owns `unitCode`, found the way the API finds it. */
  async ownerSnapshot(unitCode: string): Promise<NodeSnapshot> {
    return this.workflowSnapshot(await this.owner(unitCode));
  }

  async owner(unitCode: string): Promise<string> {
    const location = await this.handle.query(locateQuery, unitCode);
    if (!location) throw new Error(`unit ${unitCode} is not in campaign ${this.campaignId}`);
    return location.owner;
  }

  /**
   * Polls a snapshot of the owner of `unitCode` (the campaign's by default) until `accept` takes it. It gives up
   * well within a test's time limit, so a condition never met fails with the last snapshot seen.
   */
  eventually<T extends NodeSnapshot>(accept: (s: T) => boolean, unitCode?: string, timeoutMs = EVENTUALLY_MS): Promise<T> {
    const probe = (unitCode === undefined ? () => this.snapshot() : () => this.ownerSnapshot(unitCode)) as () => Promise<T>;
    const polled = eventually(probe, accept, timeoutMs);
    return this.tier.track(`polling the snapshot of ${unitCode ?? 'the campaign'}`, polled);
  }

  /** The run id of the current run of the workflow that owns `unitCode` (the campaign's by default). */
  async runOf(unitCode?: string): Promise<string> {
    const id = unitCode === undefined ? campaignWorkflowId(this.campaignId) : await this.owner(unitCode);
    return (await this.client.workflow.getHandle(id).describe()).runId;
  }

  /**
   * Waits for the workflow that owns `unitCode` to hand over from `previousRunId` to a new run, then answers the new
   * run's snapshot. It watches with describe, which asks the server alone: a query sent while a run continues as
   * new is never answered by the test server, and its clock has been seen to stop for good after one.
   */
  async afterHandover(previousRunId: string, unitCode?: string): Promise<NodeSnapshot> {
    const id = unitCode === undefined ? campaignWorkflowId(this.campaignId) : await this.owner(unitCode);
    const handle = this.client.workflow.getHandle(id);
    await this.tier.track(
      `waiting for ${id} to continue as new`,
      eventually(
        () => handle.describe(),
        (d) => d.runId !== previousRunId,
        EVENTUALLY_MS,
      ),
    );
    return this.workflowSnapshot(id);
  }

  // Administrator Updates go with the client's fresh Update id each time, so a repeated idempotency key is always
  // answered by the workflow itself, never by Temporal's per-run Update dedupe.
  deploy(request: Partial<AdminRequest> = {}): Promise<CampaignSnapshot> {
    return this.tier.track(
      'deploy',
      executeUpdate(this.handle, deployUpdate, { args: [{ requestedBy: 'admin-bg', reason: 'triển khai kế hoạch', ...request }] }),
    );
  }

  advancePhase(request: Pick<PhaseRequest, 'to'> & Partial<PhaseRequest>): Promise<CampaignSnapshot> {
    return this.tier.track(
      `advancePhase to ${request.to}`,
      executeUpdate(this.handle, advancePhaseUpdate, { args: [{ requestedBy: 'admin-bg', reason: 'Ban Thường vụ quyết định chuyển giai đoạn', ...request }] }),
    );
  }

  extendDeadline(request: Pick<ExtensionRequest, 'deadline' | 'to'> & Partial<ExtensionRequest>): Promise<CampaignSnapshot> {
    return this.tier.track(
      `extendDeadline ${request.deadline}`,
      executeUpdate(this.handle, extendDeadlineUpdate, { args: [{ requestedBy: 'admin-bg', reason: 'mưa lũ kéo dài', ...request }] }),
    );
  }

  /**
   * A report as the API sends it: to the workflow that owns the unit, its Update id made of the idempotency key
   * and the content. `to` sends it elsewhere; `updateId` overrides the id (to reach the workflow past Temporal's
   * own Update dedupe).
   */
  async submit(command: ReportCommand, opts: { key?: string; to?: string; updateId?: string } = {}): Promise<SubmissionResult> {
    const idempotencyKey = opts.key ?? randomUUID();
    const workflowId = opts.to ?? (await this.owner(command.unitCode));
    return this.tier.track(
      `submit ${command.kind} of ${command.unitCode} to ${workflowId}`,
      executeUpdate(this.client.workflow.getHandle(workflowId), submitUpdate, {
        args: [{ idempotencyKey, submittedBy: `can-bo.${command.unitCode.toLowerCase()}@bacgiang.dcs.vn`, command }],
        updateId: opts.updateId ?? submissionUpdateId({ idempotencyKey, command }),
      }),
    );
  }

  /** A raw payload to `submit`, for shapes the types forbid. */
  submitRaw(workflowId: string, payload: unknown): Promise<SubmissionResult> {
    return this.tier.track(
      `submit (raw) to ${workflowId}`,
      executeUpdate(this.client.workflow.getHandle(workflowId), submitUpdate, { args: [payload as never] }),
    );
  }

  events(): DanvanEvent[] {
    return this.tier.collector.eventsOf(this.campaignId);
  }

  notices(): Notice[] {
    return noticesOf(this.events());
  }

  /** Waits for collected events until `accept` takes them. */
  eventuallyEvents(accept: (events: DanvanEvent[]) => boolean, timeoutMs = EVENTUALLY_MS): Promise<DanvanEvent[]> {
    return this.tier.track(
      'waiting for collected events',
      eventually(async () => this.events(), accept, timeoutMs),
    );
  }

  /**
   * Plays the campaign to its end: the clock closes it after the commendation deadline, and each workflow returns
   * only once its outbox is empty, so afterwards the collector holds every event the campaign will ever publish.
   */
  async finish(): Promise<CampaignSnapshot> {
    const final = await this.tier.track('waiting for the campaign to close', this.handle.result());
    for (const id of this.workflowIds().slice(1)) await this.tier.track(`waiting for ${id} to finish`, this.client.workflow.getHandle(id).result());
    return final;
  }

  /**
   * The campaign's events published in order per workflow, each sequence number once and gap-free from 1, and all
   * of them on contract: what the real publisher promises consumers, checked on what was collected.
   */
  expectWellFormedStream(): void {
    expect(this.tier.collector.offContract).toEqual([]);
    const bySource = new Map<string, number[]>();
    for (const e of this.events()) bySource.set(e.source, [...(bySource.get(e.source) ?? []), e.sequence]);
    for (const [source, sequences] of bySource) expect({ source, sequences }).toEqual({ source, sequences: sequences.map((_, i) => i + 1) });
  }

  /** How the history of each running workflow of the campaign ends. */
  async historyEnds(): Promise<HistoryEnd[]> {
    const ends: HistoryEnd[] = [];
    for (const id of this.workflowIds()) {
      const handle = this.client.workflow.getHandle(id);
      const status = await handle.describe().then(
        (d) => d.status.name,
        () => undefined,
      );
      if (status !== 'RUNNING') continue;
      const events = (await handle.fetchHistory()).events ?? [];
      ends.push({
        workflowId: id,
        length: events.length,
        last: events.slice(-4).map((e) => temporal.api.enums.v1.EventType[e.eventType ?? 0]?.replace('EVENT_TYPE_', '') ?? '?'),
      });
    }
    return ends;
  }
}

/** Healthy tests finish before this; only then does the watch for stranded workflows begin. */
const STRAND_WATCH_AFTER_MS = 8_000;
/** A workflow whose history ends in a started task at two looks this far apart, unchanged, is stranded. */
const STRAND_LOOK_MS = 4_000;

class Overrun extends Error {}

/**
 * Fails the test soon after the server strands one of its workflows, rather than at its time limit: the stranding
 * is final, and a run of the unit project that meets it should still end in about a minute.
 */
function watchForStranding(tier: FastTier): { stranded: Promise<never>; stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let previous = new Map<string, number>();
  const stranded = new Promise<never>((_, reject) => {
    const look = async () => {
      const ends = await tier.historyEnds().catch(() => []);
      if (stopped) return;
      const stuck = ends.filter((end) => inStartedTask(end) && previous.get(end.workflowId) === end.length);
      if (stuck.length > 0) {
        reject(
          new Overrun(
            `the server stranded ${stuck.map((end) => end.workflowId).join(', ')}: a workflow task started and never answered for ${STRAND_LOOK_MS} ms`,
          ),
        );
        return;
      }
      previous = new Map(ends.filter(inStartedTask).map((end) => [end.workflowId, end.length]));
      timer = setTimeout(() => void look(), STRAND_LOOK_MS);
    };
    timer = setTimeout(() => void look(), STRAND_WATCH_AFTER_MS);
  });
  return {
    stranded,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * One suite on the fast tier: the workflows bundled once for the suite, then a fresh server and worker for each
 * test. A test that overruns, or whose workflow the server strands, is cut off with its client calls cancelled (so
 * none outlives its server), and its failure says what it was waiting for and how each running workflow's history
 * ends. Its time limit is short: a healthy test takes seconds.
 */
export function useFastTier(suite: string): { it: (name: string, body: (tier: FastTier) => Promise<void>, timeoutMs?: number) => void } {
  let bundle: WorkflowBundleWithSourceMap | undefined;
  beforeAll(async () => {
    bundle = await bundleDanvanWorkflows();
  }, 120_000);
  return {
    it: (name, body, timeoutMs = 30_000) =>
      it(
        name,
        async () => {
          if (!bundle) throw new Error('the workflows were not bundled');
          const tier = await FastTier.start(`fast-${suite}`, bundle);
          const cancel = new AbortController();
          // Every client call of the test listens on it; dozens per test are expected, not a leak.
          setMaxListeners(1_000, cancel.signal);
          const watch = watchForStranding(tier);
          let timer: NodeJS.Timeout | undefined;
          try {
            await Promise.race([
              tier.env.connection.withAbortSignal(cancel.signal, () => body(tier)),
              watch.stranded,
              new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Overrun(`did not finish in ${timeoutMs} ms`)), timeoutMs))),
            ]);
          } catch (error) {
            if (error instanceof Overrun) {
              const waiting = tier.waitingFor();
              const ends = await tier.historyEnds().catch((e: unknown) => `(histories unreadable: ${String(e)})`);
              error.message += `; waiting for: ${waiting.join('; ') || 'nothing of the harness'}; running workflows:\n  ${typeof ends === 'string' ? ends : ends.map(describeEnd).join('\n  ')}`;
            }
            throw error;
          } finally {
            watch.stop();
            clearTimeout(timer);
            cancel.abort();
            await tier.stop();
          }
        },
        timeoutMs + 30_000,
      ),
  };
}
