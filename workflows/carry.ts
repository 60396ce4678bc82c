import type { Phase } from '../domain/campaign';
import type { DanvanEvent } from '../domain/events';
import type { UpwardProposal } from '../domain/honours';
import { createLedger, type Ledger } from '../domain/ledger';
import type { Progress } from '../domain/progress';
import type { Deadline, Deadlines } from '../domain/schedule';
import type { PlanObligation } from '../domain/obligations';
import type { Unit } from '../domain/units';

/**
 * What a node holds, as plain data: everything but the inputs it was started with. The next run
 * (continue-as-new) starts from exactly this; what one node tells another (its report up, its messages down)
 * is part of it.
 */
export interface NodeCarry {
  phase: Phase;
  deadlines: Deadlines;
  deadlinesSince: Record<Deadline, string>;
  ledger: Ledger;
  childReports: Record<string, ChildReport>;
  childrenStarted: boolean;
  sequence: number;
  outbox: DanvanEvent[];
  /** Messages to every child not yet sent, in order: like the outbox, carried to the next run. */
  childMessages: ChildMessage[];
  actionsDone: string[];
  reminders: { sent: number; escalations: number };
  deployedAt?: string;
  runs: number;
  /** Administrator idempotency keys already applied (key → fingerprint of what they asked), kept across runs. */
  adminKeys?: Record<string, string>;
  /** The campaign root announced its closing while petitions below were still open (campaign.closed goes out once). */
  closeAnnounced?: boolean;
}

/** A node's first run: the units it tracks itself (its own unit and its leaf children) owe everything, nothing is sent yet. */
export function firstCarry(initial: Pick<NodeCarry, 'phase' | 'deadlines' | 'deadlinesSince'>, trackedUnits: readonly Unit[]): NodeCarry {
  return {
    ...initial,
    ledger: createLedger(trackedUnits),
    childReports: {},
    childrenStarted: false,
    sequence: 0,
    outbox: [],
    childMessages: [],
    actionsDone: [],
    reminders: { sent: 0, escalations: 0 },
    runs: 1,
  };
}

/** What a node passes down to its children: the phase an administrator moved to, or new deadlines. */
export type ChildMessage = { kind: 'phase'; phase: Phase } | { kind: 'deadlines'; deadlines: Deadlines; deadlinesSince: Record<Deadline, string> };

export interface OverdueUnit {
  code: string;
  /** The activity owed. */
  obligation: string;
}

/** What a child node tells its parent: its subtree's figures, what every workflow of it holds, and whether it has finished (campaign closed). */
export interface ChildReport {
  unitCode: string;
  progress: Progress;
  overdueUnits: OverdueUnit[];
  finished: boolean;
  /** The earliest phase any workflow of the subtree holds: an administrator's phase move answers once every child reports it. */
  phase: Phase;
  /** `deadlinesKey` of the deadlines every workflow of the subtree holds, or null while they differ. */
  deadlinesKey: string | null;
  /** The models the child's own unit proposed to the council of this node's unit; absent while there are none. */
  proposals?: UpwardProposal[];
}

/**
 * The deadlines as one comparable string: the obligations' in the plan's order, then assessment and commendation.
 * A "Tháng Dân vận" plan's is the same string as before plans named obligations, which recorded histories compare.
 */
export function deadlinesKey(deadlines: Deadlines, obligations: readonly Pick<PlanObligation, 'deadline'>[]): string {
  return [...obligations.map((o) => deadlines[o.deadline]), deadlines.assessment, deadlines.commendation].join('|');
}
