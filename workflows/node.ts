import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { nextAutomaticMove, phaseIndex, type Phase } from '../domain/campaign';
import { eventsOf, type DanvanEvent, type EventType } from '../domain/event-envelope';
import type { EventPayload } from '../domain/events';
import { jsonShape } from '../domain/json-shape';
import { spreadMs } from '../domain/fingerprint';
import { applySubmission, checkSubmission, createLedger, ledgerProgress, nonCompliant, obligationOfDeadline, overdueUnits, type Ledger, type LedgerContext, type Rejection, type Submission } from '../domain/ledger';
import type { Plan } from '../domain/plan';
import submitUpdateSchema from '../schemas/updates/submit.json';
import { emptyProgress, sumProgress, type Progress } from '../domain/progress';
import { nextDeadlineAction, type Deadline, type DeadlineAction, type Deadlines } from '../domain/schedule';
import { obligationsOf, type Unit, type UnitIndex } from '../domain/units';
import type { createActivities } from '../activities';
import {
  DEFAULT_RUN_LIMITS,
  OVERDUE_LIST_LIMIT,
  childReportSignal,
  deadlinesSignal,
  phaseSignal,
  snapshotQuery,
  submitUpdate,
  unitWorkflowId,
  type NodeCarry,
  type NodeSnapshot,
  type OverdueUnit,
  type RunLimits,
  type UnitInput,
} from './messages';
import { searchAttributes } from './search-attributes';

/**
 * The machinery every workflow of a campaign shares. A node is one non-leaf unit of the tree (the campaign's
 * root, a district, a commune): it tracks its own unit and its leaf children (chi bộ) in a ledger, starts a
 * workflow for each non-leaf child, rolls its children's figures up, runs the reminder clock for the units it
 * tracks, and publishes its events through its outbox. Depth is data: the same node serves every level.
 */

const { publishEvents } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Events per publish activity: few enough to stay far below payload limits, enough to amortise the round trip. */
const PUBLISH_BATCH = 200;
/** Reminders due at one instant across thousands of units are spread over this window per node. */
const REMINDER_SPREAD_MS = 20 * 60_000;
const OBLIGATION_DEADLINES: readonly Deadline[] = ['study-sessions', 'dialogues'];

export interface NodeState {
  campaignId: string;
  plan: Plan;
  unit: Unit;
  workflowId: string;
  parentWorkflowId?: string;
  /** Non-leaf children: each has a workflow of its own. */
  childUnits: Unit[];
  limits: RunLimits;
  carry: NodeCarry;
  /** Set whenever something the clock or the loops wait on may have changed. */
  wake: boolean;
  progressDirty: boolean;
  publishing: boolean;
  notifying: boolean;
  broadcasting: boolean;
  /** Set before a continue-as-new: the loops start nothing new, so the next run begins with nothing half done. */
  draining: boolean;
  broadcasts: Array<() => Promise<void>>;
  updatesThisRun: number;
}

function freshCarry(ledger: Ledger, phase: Phase, deadlines: Deadlines, deadlinesSince: Record<Deadline, string>): NodeCarry {
  return {
    phase,
    deadlines,
    deadlinesSince,
    ledger,
    childReports: {},
    childrenStarted: false,
    sequence: 0,
    outbox: [],
    actionsDone: [],
    reminders: { sent: 0, escalations: 0 },
    runs: 1,
  };
}

/**
 * A node's state for the unit at the root of `index` (the whole tree for the campaign, a subtree for a unit
 * workflow): its ledger tracks the unit and its leaf children, its non-leaf children get workflows. `carry`
 * is the previous run's state after a continue-as-new.
 */
export function createNodeState(opts: {
  campaignId: string;
  plan: Plan;
  index: UnitIndex;
  workflowId: string;
  parentWorkflowId?: string;
  limits: RunLimits;
  carry: NodeCarry | undefined;
  initial: { phase: Phase; deadlines: Deadlines; deadlinesSince: Record<Deadline, string> };
}): NodeState {
  const { index } = opts;
  const self = index.root;
  const children = index.children(self.code);
  return {
    campaignId: opts.campaignId,
    plan: opts.plan,
    unit: self,
    workflowId: opts.workflowId,
    ...(opts.parentWorkflowId ? { parentWorkflowId: opts.parentWorkflowId } : {}),
    childUnits: children.filter((c) => !index.isLeaf(c.code)),
    // Runs started before a limit existed carry limits without it.
    limits: { ...DEFAULT_RUN_LIMITS, ...opts.limits },
    carry: opts.carry ?? freshCarry(createLedger([self, ...children.filter((c) => index.isLeaf(c.code))]), opts.initial.phase, opts.initial.deadlines, opts.initial.deadlinesSince),
    wake: false,
    // A node with a parent reports in as soon as it runs: that first report tells the parent its subtree is up.
    progressDirty: opts.parentWorkflowId !== undefined,
    publishing: false,
    notifying: false,
    broadcasting: false,
    draining: false,
    broadcasts: [],
    updatesThisRun: 0,
  };
}

/** Appends the change to the outbox as the CloudEvents that go on the wire (more than one while versions are published side by side). */
export function emit<T extends EventType>(state: NodeState, type: T, subject: string, payload: EventPayload<T>): void {
  const c = state.carry;
  c.sequence += 1;
  c.outbox.push(
    ...eventsOf(type, { campaignId: state.campaignId, workflowId: state.workflowId, sourceUnit: state.unit.code, subject, sequence: c.sequence, time: new Date() }, payload),
  );
  state.wake = true;
}

export function ledgerContext(state: NodeState): LedgerContext {
  return { now: new Date(), phase: state.carry.phase, plan: state.plan, deadlines: state.carry.deadlines };
}

export function rejectionFailure(rejection: Rejection): ApplicationFailure {
  return ApplicationFailure.create({ type: rejection.code, message: rejection.message, details: [rejection], nonRetryable: true });
}

/** The shape of a submission: the zod schema's, as generated JSON Schema, so that no workflow loads zod (see domain/json-shape.ts). */
const submissionShape = jsonShape(submitUpdateSchema);

/** The submission as the schema keeps it (unknown properties dropped), or the rejection that names the field and the value. */
function shapedSubmission(raw: unknown): Submission {
  const shape = submissionShape(raw);
  if (!shape.ok) throw rejectionFailure({ code: 'invalid', field: shape.field, value: shape.value, message: `${shape.field}: ${shape.message}`, vi: 'Báo cáo không hợp lệ' });
  return shape.value as Submission;
}

/** Validators reject before anything reaches history; the reason travels back to the caller as the failure. */
function validateSubmission(state: NodeState, raw: Submission): Submission {
  const submission = shapedSubmission(raw);
  const check = checkSubmission(state.carry.ledger, ledgerContext(state), submission);
  if (check && 'rejection' in check) throw rejectionFailure(check.rejection);
  return submission;
}

/** Own figures plus every child's last report. */
export function subtreeProgress(state: NodeState): Progress {
  const own = ledgerProgress(state.carry.ledger, { now: new Date(), deadlines: state.carry.deadlines });
  own.reminders = { ...state.carry.reminders };
  return sumProgress([own, ...Object.values(state.carry.childReports).map((r) => r.progress)]);
}

function subtreeOverdue(state: NodeState): OverdueUnit[] {
  const own: OverdueUnit[] = overdueUnits(state.carry.ledger, { now: new Date(), deadlines: state.carry.deadlines });
  const all = own.concat(...Object.values(state.carry.childReports).map((r) => r.overdueUnits));
  return all.slice(0, OVERDUE_LIST_LIMIT);
}

export function nodeSnapshot(state: NodeState): NodeSnapshot {
  const info = workflowInfo();
  return {
    campaignId: state.campaignId,
    unitCode: state.unit.code,
    phase: state.carry.phase,
    deadlines: state.carry.deadlines,
    progress: subtreeProgress(state),
    units: Object.values(state.carry.ledger.units),
    children: state.childUnits.map((child) => {
      const report = state.carry.childReports[child.code];
      return { unitCode: child.code, name: child.name, kind: child.kind, progress: report?.progress ?? emptyProgress(), finished: report?.finished ?? false };
    }),
    overdueUnits: subtreeOverdue(state),
    eventsEmitted: state.carry.sequence,
    eventsPending: state.carry.outbox.length,
    run: { number: state.carry.runs, updates: state.updatesThisRun, historyLength: info.historyLength },
  };
}

/** Every child workflow has started and sent its first report (which it sends once its own children have). */
export function allChildrenReported(state: NodeState): boolean {
  return state.carry.childrenStarted && state.childUnits.every((child) => state.carry.childReports[child.code] !== undefined);
}

export function allChildrenFinished(state: NodeState): boolean {
  return state.childUnits.every((child) => state.carry.childReports[child.code]?.finished);
}

/** Handlers every node registers: reports, the phase and deadlines from its parent, its children's reports, the snapshot. */
export function registerNodeHandlers(state: NodeState): void {
  setHandler(
    submitUpdate,
    (raw) => {
      const ctx = ledgerContext(state);
      const submission = shapedSubmission(raw);
      // Re-checked here: an Update validated alongside this one in the same task may have changed the ledger.
      const check = checkSubmission(state.carry.ledger, ctx, submission);
      if (check && 'duplicate' in check) return check.duplicate;
      if (check) throw rejectionFailure(check.rejection);
      const { result, events } = applySubmission(state.carry.ledger, ctx, submission);
      for (const event of events) emit(state, event.type, event.unitCode, event.payload as never);
      state.updatesThisRun += 1;
      state.progressDirty = true;
      return result;
    },
    { validator: (raw) => void validateSubmission(state, raw) },
  );
  setHandler(childReportSignal, (report) => {
    state.carry.childReports[report.unitCode] = report;
    state.progressDirty = true;
    state.wake = true;
  });
  setHandler(snapshotQuery, () => nodeSnapshot(state));
}

/** Handlers of non-root nodes: the campaign's phase and deadlines arrive from the parent. */
export function registerFollowerHandlers(state: NodeState): void {
  setHandler(phaseSignal, ({ phase }) => applyPhase(state, phase, { broadcast: true }));
  setHandler(deadlinesSignal, ({ deadlines, deadlinesSince }) => applyDeadlines(state, deadlines, deadlinesSince));
}

/** Records a phase, keeps the search attribute current, and passes it down to every child. */
/**
 * Records a phase and keeps the search attribute current. Phases only move forward, so a phase that arrives
 * both from the parent and from this node's own clock is applied once. Only the campaign root and relays of
 * its messages broadcast: every node's clock makes the automatic moves by itself, without waiting for a signal.
 */
export function applyPhase(state: NodeState, phase: Phase, opts: { broadcast: boolean }): void {
  if (phaseIndex(phase) <= phaseIndex(state.carry.phase)) return;
  state.carry.phase = phase;
  upsertSearchAttributes([{ key: searchAttributes.phase, value: phase }]);
  if (opts.broadcast) broadcast(state, (handle) => handle.signal(phaseSignal, { phase }));
  state.progressDirty = true;
  state.wake = true;
}

export function applyDeadlines(state: NodeState, deadlines: Deadlines, since: Record<Deadline, string>): void {
  state.carry.deadlines = deadlines;
  state.carry.deadlinesSince = since;
  broadcast(state, (handle) => handle.signal(deadlinesSignal, { deadlines, deadlinesSince: since }));
  state.progressDirty = true;
  state.wake = true;
}

type ChildHandle = ReturnType<typeof getExternalWorkflowHandle>;

/** Queues a message to every child; messages go out in order, each to all children at once. */
function broadcast(state: NodeState, send: (handle: ChildHandle) => Promise<void>): void {
  if (state.childUnits.length === 0 || !state.carry.childrenStarted) return;
  state.broadcasts.push(async () => {
    await Promise.all(
      state.childUnits.map((child) =>
        // A child that has already finished (its own clock closed it first) needs no more messages; signalling
        // a closed workflow is the only way this send fails.
        send(getExternalWorkflowHandle(unitWorkflowId(state.campaignId, child.code))).catch(() => undefined),
      ),
    );
  });
  state.wake = true;
}

/** Starts one workflow per non-leaf child with its subtree, once; they outlive this run if it continues as new. */
export async function startChildren(state: NodeState, subtreeOf: (code: string) => Unit[]): Promise<void> {
  if (state.carry.childrenStarted) return;
  await Promise.all(
    state.childUnits.map((child) => {
      const input: UnitInput = {
        campaignId: state.campaignId,
        plan: state.plan,
        unitCode: child.code,
        units: subtreeOf(child.code),
        parentWorkflowId: state.workflowId,
        phase: state.carry.phase,
        deadlines: state.carry.deadlines,
        deadlinesSince: state.carry.deadlinesSince,
        limits: state.limits,
      };
      return startChild('unitWorkflow', {
        workflowId: unitWorkflowId(state.campaignId, child.code),
        args: [input],
        // Children are steered by signals and report back by signal; a parent's continue-as-new must not end them.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: searchAttributes.unitCode, value: child.code },
          { key: searchAttributes.planNumber, value: state.plan.number },
          { key: searchAttributes.year, value: state.plan.year },
          { key: searchAttributes.phase, value: state.carry.phase },
        ],
      });
    }),
  );
  state.carry.childrenStarted = true;
}

/** Emits `unit.deployed` for the units this node tracks, so consumers know who owes what. */
export function announceDeployment(state: NodeState): void {
  const units = Object.values(state.carry.ledger.units).map((u) => ({ code: u.code, name: u.name, kind: u.kind, ...(u.parent ? { parent: u.parent } : {}), obligations: obligationsOf(u) }));
  emit(state, 'unit.deployed', state.unit.code, { units });
  state.carry.deployedAt ??= new Date().toISOString();
}

/** The outbox, drained in order by one loop; a batch leaves the outbox only once Kafka has it. */
export async function publishLoop(state: NodeState, done: () => boolean): Promise<void> {
  for (;;) {
    await condition(() => state.carry.outbox.length > 0 || state.draining || done());
    if (state.carry.outbox.length === 0 || state.draining) return;
    const batch: DanvanEvent[] = state.carry.outbox.slice(0, PUBLISH_BATCH);
    state.publishing = true;
    try {
      await publishEvents(batch);
    } finally {
      state.publishing = false;
    }
    state.carry.outbox.splice(0, batch.length);
    state.wake = true;
  }
}

/** Messages to children, in order. */
export async function broadcastLoop(state: NodeState, done: () => boolean): Promise<void> {
  for (;;) {
    await condition(() => state.broadcasts.length > 0 || state.draining || done());
    const next = state.draining ? undefined : state.broadcasts.shift();
    if (!next) return;
    state.broadcasting = true;
    try {
      await next();
    } finally {
      state.broadcasting = false;
    }
    state.wake = true;
  }
}

/**
 * Tells the parent this subtree's figures whenever they change. Changes that arrive while a signal is in
 * flight are sent together next time, so a burst of reports costs the parent a handful of signals.
 */
export async function reportLoop(state: NodeState, finished: () => boolean): Promise<void> {
  if (!state.parentWorkflowId) return;
  const parent = getExternalWorkflowHandle(state.parentWorkflowId);
  // The first report means "this subtree is running": it waits for the children's first reports.
  await condition(() => allChildrenReported(state) || state.draining || finished());
  const throttled = patched('report-interval');
  let sentAt = Number.NEGATIVE_INFINITY;
  for (;;) {
    await condition(() => state.progressDirty || state.draining || finished());
    if (state.draining) return;
    const wait = sentAt + state.limits.reportIntervalMs - Date.now();
    if (throttled && wait > 0 && !finished()) {
      // A plain timer, never cancelled: what arrives meanwhile rides along with the next signal.
      await sleep(wait);
      if (state.draining) return;
    }
    const last = finished();
    state.progressDirty = false;
    state.notifying = true;
    try {
      await parent.signal(childReportSignal, { unitCode: state.unit.code, progress: subtreeProgress(state), overdueUnits: subtreeOverdue(state), finished: last });
    } finally {
      state.notifying = false;
    }
    sentAt = Date.now();
    state.wake = true;
    if (last) return;
  }
}

interface Timed {
  at: number;
  fire: () => void;
}

/** The next deadline action owed by this node's own units, if any unit still owes something. */
function nextReminderAction(state: NodeState): Timed | undefined {
  const c = state.carry;
  if (!c.deployedAt || c.phase === 'issued' || c.phase === 'closed') return undefined;
  let best: { action: DeadlineAction; at: number } | undefined;
  const done = new Set(c.actionsDone);
  for (const deadline of OBLIGATION_DEADLINES) {
    const obligation = obligationOfDeadline(deadline);
    if (!obligation || nonCompliant(c.ledger, obligation).length === 0) continue;
    const since = new Date(Math.max(Date.parse(c.deployedAt), Date.parse(c.deadlinesSince[deadline])));
    const action = nextDeadlineAction(deadline, c.deadlines[deadline], state.plan.reminders, since, done);
    const at = action.at.getTime() + spreadMs(`${state.unit.code}:${action.key}`, REMINDER_SPREAD_MS);
    if (!best || at < best.at) best = { action, at };
  }
  if (!best) return undefined;
  const { action } = best;
  return { at: best.at, fire: () => fireDeadlineAction(state, action) };
}

function fireDeadlineAction(state: NodeState, action: DeadlineAction): void {
  const c = state.carry;
  c.actionsDone.push(action.key);
  const obligation = obligationOfDeadline(action.deadline);
  const units = obligation ? nonCompliant(c.ledger, obligation) : [];
  if (units.length > 0) {
    if (action.kind === 'escalation') {
      emit(state, 'deadline.escalated', state.unit.code, {
        deadline: action.deadline,
        deadlineDate: action.deadlineDate,
        units: units.map((code) => {
          const parent = c.ledger.units[code]?.parent;
          return parent ? { code, parent } : { code };
        }),
      });
      c.reminders.escalations += units.length;
    } else {
      emit(state, 'reminder.sent', state.unit.code, { deadline: action.deadline, deadlineDate: action.deadlineDate, kind: action.kind, days: action.days, units });
      c.reminders.sent += units.length;
    }
  }
  state.progressDirty = true;
}

export function shouldContinueAsNew(state: NodeState): boolean {
  const info = workflowInfo();
  return state.updatesThisRun >= state.limits.maxUpdatesPerRun || info.historyLength >= state.limits.maxHistoryEvents || info.continueAsNewSuggested;
}

/**
 * The node's clock and its reason to live: sleeps until the next timed action (a reminder, an escalation, an
 * automatic phase move) or until something changes, and returns when the node is finished or should hand over
 * to a new run.
 */
export async function runClock(state: NodeState, opts: { finished: () => boolean; onAutomaticMove: (to: Phase, reason: string) => void }): Promise<'finished' | 'continue-as-new'> {
  const automaticMove = (): Timed | undefined => {
    if (!state.carry.deployedAt) return undefined;
    const move = nextAutomaticMove(state.carry.phase, state.plan.window, state.carry.deadlines);
    return move && { at: move.at.getTime(), fire: () => opts.onAutomaticMove(move.to, move.reason) };
  };
  for (;;) {
    if (opts.finished()) return 'finished';
    if (shouldContinueAsNew(state)) return 'continue-as-new';
    const candidates = [nextReminderAction(state), automaticMove()].filter((t): t is Timed => t !== undefined);
    const next = candidates.sort((a, b) => a.at - b.at)[0];
    state.wake = false;
    if (next && next.at <= Date.now()) {
      next.fire();
      continue;
    }
    const changed = next
      ? await condition(() => state.wake || opts.finished(), next.at - Date.now())
      : (await condition(() => state.wake || opts.finished()), true);
    if (!changed && next) next.fire();
  }
}

/** Waits until nothing is in flight, so the next run starts from a state where nothing is half done. */
export async function quiesce(state: NodeState): Promise<void> {
  await condition(() => allHandlersFinished() && state.broadcasts.length === 0 && !state.broadcasting);
  state.draining = true;
  await condition(() => !state.publishing && !state.notifying);
}

