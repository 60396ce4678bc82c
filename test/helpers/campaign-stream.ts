import { planSchema } from '../../domain/schemas';
import type { ProjectedEvent } from '../../analytics/projected-event';
import type { Phase } from '../../domain/campaign';
import type { EventPayload, EventType } from '../../domain/events';
import {
  applySubmission,
  checkSubmission,
  createLedger,
  ledgerProgress,
  deployedUnits,
  nonCompliant,
  overdueUnits,
  receiveProposals,
  upwardProposals,
  type Ledger,
  type ReportCommand,
  type SubmissionResult,
} from '../../domain/ledger';
import { campaignIdFor, type Plan, type PlanInput } from '../../domain/plan';
import { sumProgress, type Progress } from '../../domain/progress';
import type { Deadline, Deadlines } from '../../domain/schedule';
import { obligationOfDeadline, planObligations, type PlanObligation } from '../../domain/obligations';
import { UnitIndex, type Unit } from '../../domain/units';

/**
 * A campaign played by the domain's own rules, the way its workflows play it: one ledger per workflow (the root
 * and every non-leaf unit, each with its leaf children), reports checked and applied by domain/ledger.ts,
 * reminders and escalations sent to the units `nonCompliant` names and counted as workflows/reminders.ts counts them.
 * It records the events the workflows would publish, in the shape the projection reads, and answers the Progress
 * the workflows would compute, with their own arithmetic (`ledgerProgress`, `sumProgress`), so tests compare the
 * projection with the workflows rather than with a hand copy of their rules.
 */

interface Node {
  code: string;
  ledger: Ledger;
  sequence: number;
  reminders: { sent: number; escalations: number };
}

export class CampaignStream {
  readonly campaignId: string;
  readonly plan: Plan;
  readonly index: UnitIndex;
  readonly events: ProjectedEvent[] = [];
  phase: Phase = 'issued';
  deadlines: Deadlines;
  private readonly nodes = new Map<string, Node>();
  private keys = 0;

  constructor(
    plan: PlanInput,
    private readonly tree: Unit[],
  ) {
    this.plan = planSchema.parse(plan);
    this.campaignId = campaignIdFor(this.plan);
    this.index = new UnitIndex(tree);
    this.deadlines = { ...this.plan.deadlines };
    for (const unit of this.index.subtree(this.index.root.code)) {
      if (unit !== this.index.root && this.index.isLeaf(unit.code)) continue;
      const leaves = this.index.children(unit.code).filter((c) => this.index.isLeaf(c.code));
      this.nodes.set(unit.code, { code: unit.code, ledger: createLedger([unit, ...leaves]), sequence: 0, reminders: { sent: 0, escalations: 0 } });
    }
  }

  get root(): string {
    return this.index.root.code;
  }

  /** Events each workflow published, in its own order: what per-source ordering preserves. */
  bySource(): ProjectedEvent[][] {
    const sources = new Map<string, ProjectedEvent[]>();
    for (const event of this.events) {
      const source = event.id.slice(0, event.id.lastIndexOf('/'));
      const list = sources.get(source) ?? [];
      list.push(event);
      sources.set(source, list);
    }
    return [...sources.values()];
  }

  issue(at: Date): void {
    const units: Record<string, number> = {};
    for (const unit of this.tree) units[unit.kind] = (units[unit.kind] ?? 0) + 1;
    this.emit(this.root, 'campaign.issued', this.root, { plan: this.plan, units }, at);
  }

  /** The root moves to deployed and announces its units, then every unit workflow announces its own. */
  deploy(at: Date): void {
    this.moveTo('deployed', at, 'admin', 'deployed down the unit tree');
    for (const node of this.nodes.values()) {
      const units = deployedUnits(node.ledger, planObligations(this.plan));
      this.emit(node.code, 'unit.deployed', node.code, { units }, at);
    }
  }

  moveTo(to: Phase, at: Date, trigger: 'admin' | 'deadline' = 'deadline', reason = `the clock moved the campaign to ${to}`): void {
    this.emit(this.root, 'campaign.phase-changed', this.root, { from: this.phase, to, reason, trigger }, at);
    this.phase = to;
  }

  extend(deadline: Deadline, to: string, at: Date, reason: string): void {
    this.emit(this.root, 'deadline.extended', this.root, { deadline, from: this.dateOf(deadline), to, reason }, at);
    this.deadlines = { ...this.deadlines, [deadline]: to };
  }

  /** A report to the workflow that owns the unit; a report the workflow would refuse is a mistake in the test. */
  submit(command: ReportCommand, at: Date): SubmissionResult {
    const owner = this.node(this.index.ownerOf(command.unitCode));
    const ctx = { now: at, phase: this.phase, plan: this.plan, deadlines: this.deadlines };
    const submission = {
      idempotencyKey: `key-${String(++this.keys).padStart(6, '0')}`,
      submittedBy: `can-bo.${command.unitCode.toLowerCase()}@bacgiang.dcs.vn`,
      command,
    };
    const refused = checkSubmission(owner.ledger, ctx, submission);
    if (refused) throw new Error(`the workflow would not apply ${JSON.stringify(command)}: ${JSON.stringify(refused)}`);
    const { result, events } = applySubmission(owner.ledger, ctx, submission);
    // The ledger types its payloads loosely; they are what the workflows emit for these event types.
    for (const event of events) this.emit(owner.code, event.type, event.unitCode, event.payload as never, at);
    // The workflow's report up carries the models its own unit proposed to the council above (workflows/rollup.ts).
    const above = this.index.ancestors(owner.code)[0];
    if (above) receiveProposals(this.node(above.code).ledger, above.code, upwardProposals(owner.ledger, owner.code));
    return result;
  }

  /** A reminder before (or after) a deadline: every workflow reminds its own units that still owe the report. */
  remind(deadline: Deadline, kind: 'before' | 'overdue', days: number, at: Date): void {
    for (const node of this.nodes.values()) {
      const units = nonCompliant(node.ledger, this.obligationOf(deadline));
      if (units.length === 0) continue;
      this.emit(node.code, 'reminder.sent', node.code, { deadline, deadlineDate: this.dateOf(deadline), kind, days, units }, at);
      node.reminders.sent += units.length;
    }
  }

  escalate(deadline: Deadline, at: Date): void {
    for (const node of this.nodes.values()) {
      const codes = nonCompliant(node.ledger, this.obligationOf(deadline));
      if (codes.length === 0) continue;
      const units = codes.map((code) => {
        const parent = node.ledger.units[code]?.parent;
        return parent ? { code, parent } : { code };
      });
      this.emit(node.code, 'deadline.escalated', node.code, { deadline, deadlineDate: this.dateOf(deadline), units }, at);
      node.reminders.escalations += units.length;
    }
  }

  /** The clock closes the campaign; the root publishes its final figures. */
  close(at: Date): void {
    this.moveTo('closed', at);
    this.emit(this.root, 'campaign.closed', this.root, { figures: this.progress(at) }, at);
  }

  /**
   * The figures the workflow of `unitCode` (by default the campaign's root) shows at `now` once its children
   * have reported: its own ledger and reminder counts plus every workflow below it, as `subtreeProgress` sums them.
   */
  progress(now: Date, unitCode: string = this.root): Progress {
    this.node(unitCode);
    return sumProgress(
      [...this.nodes.values()]
        .filter((node) => this.index.isWithin(node.code, unitCode))
        .map((node) => ({ ...ledgerProgress(node.ledger, this.compliance(now)), reminders: { ...node.reminders } })),
    );
  }

  /** Overdue units of every workflow, as `overdueUnits` of domain/ledger.ts lists them. */
  overdueUnits(now: Date): Array<{ code: string; obligation: string }> {
    return [...this.nodes.values()].flatMap((node) => overdueUnits(node.ledger, this.compliance(now)));
  }

  private compliance(now: Date) {
    return { now, deadlines: this.deadlines, obligations: planObligations(this.plan) };
  }

  private dateOf(deadline: Deadline): string {
    const date = this.deadlines[deadline];
    if (date === undefined) throw new Error(`the plan has no deadline ${deadline}`);
    return date;
  }

  private obligationOf(deadline: Deadline): PlanObligation {
    const obligation = obligationOfDeadline(deadline, planObligations(this.plan));
    if (!obligation) throw new Error(`${deadline} is not a reporting deadline`);
    return obligation;
  }

  private node(code: string): Node {
    const node = this.nodes.get(code);
    if (!node) throw new Error(`${code} has no workflow of its own`);
    return node;
  }

  private emit<T extends EventType>(source: string, name: T, subject: string, data: EventPayload<T>, at: Date): void {
    const node = this.node(source);
    node.sequence += 1;
    // A union over event names cannot be narrowed from a generic name; the fields are right by construction.
    this.events.push({
      id: `${this.campaignId}/${source}/${node.sequence}`,
      name,
      campaignId: this.campaignId,
      subject,
      time: at.toISOString(),
      data,
    } as ProjectedEvent);
  }
}

/** Actions at instants, played in time order (ties in the order they were added), as the workflows' clocks would. */
export class Timeline {
  private readonly actions: Array<{ at: Date; act: (at: Date) => void }> = [];

  add(at: Date, act: (at: Date) => void): void {
    this.actions.push({ at, act });
  }

  play(): void {
    const ordered = this.actions.map((a, i) => ({ ...a, i })).sort((a, b) => a.at.getTime() - b.at.getTime() || a.i - b.i);
    for (const { at, act } of ordered) act(at);
  }
}

/** Vietnam local time: vn('2024-10-31', 23, 59) is 31/10/2024 23:59 +07:00. */
export function vn(date: string, hour = 12, minute = 0): Date {
  return new Date(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+07:00`);
}

/** A small deterministic generator, so a failing shuffle can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
