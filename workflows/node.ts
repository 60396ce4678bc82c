import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import { phaseAt, phaseIndex, type Phase } from '../domain/campaign';
import { eventsOf, type DanvanEvent, type EventType } from '../domain/event-envelope';
import type { EventPayload } from '../domain/events';
import { deployedUnits, openPetitions, receiveProposals, type ComplianceContext, type LedgerContext } from '../domain/ledger';
import { planObligations, type PlanObligation } from '../domain/obligations';
import type { Plan } from '../domain/plan';
import type { Deadline, Deadlines } from '../domain/schedule';
import type { Unit, UnitIndex } from '../domain/units';
import { firstCarry, type ChildMessage, type ChildReport, type NodeCarry } from './carry';
import { DEFAULT_RUN_LIMITS, type RunLimits } from './messages';
import { searchAttributes } from './search-attributes';

export interface NodeOptions {
  campaignId: string;
  plan: Plan;
  index: UnitIndex;
  workflowId: string;
  parentWorkflowId?: string;
  limits?: Partial<RunLimits>;
  carry: NodeCarry | undefined;
  initial: { phase: Phase; deadlines: Deadlines; deadlinesSince: Record<Deadline, string> };
}

/**
 * Workflows that hold an open petition stay up after the campaign closes, to take its resolution. Guarded for the
 * histories recorded before, which finish at closing.
 */
const PETITIONS_UNTIL_RESOLVED = 'petitions-until-resolved';

/**
 * The state of one non-leaf unit of the tree (the campaign's root, a district, a commune), behind named
 * methods: its phase and deadlines, the ledger of the units it tracks itself (its own unit and its chi bộ), its
 * children's last reports, and the outbox of events not yet on Kafka. Plain data underneath (`NodeCarry`), so
 * the next run starts from exactly this. Every change bumps `revision`, which the loops watch.
 */
export class Node {
  readonly campaignId: string;
  readonly plan: Plan;
  readonly unit: Unit;
  readonly workflowId: string;
  readonly parentWorkflowId: string | undefined;
  /** Non-leaf children: each has a workflow of its own. */
  readonly childUnits: readonly Unit[];
  readonly limits: RunLimits;
  private readonly carry: NodeCarry;
  private changes = 0;
  /** Whether this run follows open petitions past closing (`PETITIONS_UNTIL_RESOLVED`); histories recorded before do not. */
  readonly followsPetitions: boolean;

  constructor(opts: NodeOptions) {
    const { index } = opts;
    const children = index.children(index.root.code);
    this.campaignId = opts.campaignId;
    this.plan = opts.plan;
    this.unit = index.root;
    this.workflowId = opts.workflowId;
    this.parentWorkflowId = opts.parentWorkflowId;
    this.childUnits = children.filter((c) => !index.isLeaf(c.code));
    this.limits = { ...DEFAULT_RUN_LIMITS, ...opts.limits };
    this.carry = opts.carry ?? firstCarry(opts.initial, [index.root, ...children.filter((c) => index.isLeaf(c.code))]);
    this.followsPetitions = patched(PETITIONS_UNTIL_RESOLVED);
  }

  /** Counts every change; a loop that saw revision r has something to do once it differs. */
  get revision(): number {
    return this.changes;
  }

  /** What the node holds, to read; every change goes through a method below. */
  get state(): Readonly<NodeCarry> {
    return this.carry;
  }

  private changed(): void {
    this.changes += 1;
  }

  /** The phase reports are judged by: the recorded one, plus any automatic move already due (domain/campaign.ts). */
  phaseNow(): Phase {
    return phaseAt(new Date(), this.carry.phase, this.plan.window, this.carry.deadlines);
  }

  /** What the plan makes owed: the same for every node of the campaign. */
  get obligations(): readonly PlanObligation[] {
    return planObligations(this.plan);
  }

  complianceContext(): ComplianceContext {
    return { now: new Date(), deadlines: this.carry.deadlines, obligations: this.obligations };
  }

  ledgerContext(): LedgerContext {
    return { now: new Date(), phase: this.phaseNow(), plan: this.plan, deadlines: this.carry.deadlines };
  }

  /** Moves the phase forward (never back: a phase that arrives from the parent and from the own clock counts once). */
  enterPhase(phase: Phase): boolean {
    if (phaseIndex(phase) <= phaseIndex(this.carry.phase)) return false;
    this.carry.phase = phase;
    upsertSearchAttributes([{ key: searchAttributes.phase, value: phase }]);
    this.changed();
    return true;
  }

  setDeadlines(deadlines: Deadlines, since: Record<Deadline, string>): void {
    this.carry.deadlines = deadlines;
    this.carry.deadlinesSince = since;
    this.changed();
  }

  /** Appends the change to the outbox as the CloudEvents that go on the wire (more than one while versions are published side by side). */
  emit<T extends EventType>(type: T, subject: string, payload: EventPayload<T>): void {
    this.carry.sequence += 1;
    const fields = {
      campaignId: this.campaignId,
      workflowId: this.workflowId,
      sourceUnit: this.unit.code,
      subject,
      sequence: this.carry.sequence,
      time: new Date(),
    };
    this.carry.outbox.push(...eventsOf(type, fields, payload));
    this.changed();
  }

  pendingEvents(limit: number): DanvanEvent[] {
    return this.carry.outbox.slice(0, limit);
  }

  /** The first `count` events are on Kafka: they leave the outbox. */
  published(count: number): void {
    this.carry.outbox.splice(0, count);
  }

  /** Queues a message for every child workflow (nothing to send before they exist). */
  tellChildren(message: ChildMessage): void {
    if (this.childUnits.length > 0 && this.carry.childrenStarted) this.carry.childMessages.push(message);
    this.changed();
  }

  nextChildMessage(): ChildMessage | undefined {
    return this.carry.childMessages[0];
  }

  childMessageSent(): void {
    this.carry.childMessages.shift();
  }

  /** Emits `unit.deployed` for the units this node tracks, so consumers know who owes what. */
  announceDeployment(): void {
    this.emit('unit.deployed', this.unit.code, { units: deployedUnits(this.carry.ledger, this.obligations) });
    this.carry.deployedAt ??= new Date().toISOString();
  }

  /** After a report was applied to the ledger. */
  ledgerChanged(): void {
    this.changed();
  }

  markChildrenStarted(): void {
    this.carry.childrenStarted = true;
    this.changed();
  }

  /** A child's report: its figures, and the models its unit proposed to this unit's council (queued here once each). */
  recordChildReport(report: ChildReport): void {
    this.carry.childReports[report.unitCode] = report;
    if (report.proposals) receiveProposals(this.carry.ledger, this.unit.code, report.proposals);
    this.changed();
  }

  /** Every child workflow runs and has reported in (its first report waits for its own children's). */
  allChildrenReported(): boolean {
    return this.carry.childrenStarted && this.childUnits.every((child) => this.carry.childReports[child.code] !== undefined);
  }

  /** The campaign is closed here and below, and no petition is left open: nothing more will change. */
  finished(): boolean {
    const settled = !this.followsPetitions || openPetitions(this.carry.ledger) === 0;
    return this.carry.phase === 'closed' && settled && this.childUnits.every((child) => this.carry.childReports[child.code]?.finished);
  }

  closeAnnounced(): void {
    this.carry.closeAnnounced = true;
    this.changed();
  }

  /** The last report of each non-leaf child, by unit code. */
  childReport(unitCode: string): ChildReport | undefined {
    return this.carry.childReports[unitCode];
  }

  /** Events emitted over the campaign, and those not yet on Kafka. */
  get events(): { emitted: number; pending: number } {
    return { emitted: this.carry.sequence, pending: this.carry.outbox.length };
  }

  recordAction(key: string, counts: { sent: number; escalations: number }): void {
    this.carry.actionsDone.push(key);
    this.carry.reminders.sent += counts.sent;
    this.carry.reminders.escalations += counts.escalations;
    this.changed();
  }

  /** The fingerprint an administrator's idempotency key was first used with, across runs. */
  adminKey(key: string): string | undefined {
    return this.carry.adminKeys?.[key];
  }

  rememberAdminKey(key: string, fingerprint: string): void {
    this.carry.adminKeys = { ...this.carry.adminKeys, [key]: fingerprint };
  }

  /** What the next run starts from. */
  carryForNextRun(): NodeCarry {
    return { ...this.carry, runs: this.carry.runs + 1 };
  }
}
