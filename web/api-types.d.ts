/**
 * The parts of the API's answers the pages read. The shapes are the server's: NodeSnapshot and CampaignSnapshot in
 * workflows/messages.ts, Progress in domain/schemas.ts (progressSchema), LedgerUnit in domain/ledger.ts; the
 * dashboard test compares what the pages show with the snapshots the API answers, so a drift shows there.
 */

export interface Tally {
  required: number;
  done: number;
  late: number;
  overdue: number;
}

export interface Progress {
  studySessions: Tally & { membersPresent: number; membersTotal: number };
  dialogues: Tally & { conferences: number; attendance: number; lateConferences: number };
  petitions: Record<string, { recorded: number; resolved: number }>;
  models: Record<string, Record<string, number>>;
  activities?: Record<string, { reports: number; measures: Record<string, number> }>;
  obligations?: Record<string, Tally>;
  honours?: {
    recognized: Partial<Record<string, number>>;
    commended: Partial<Record<string, Partial<Record<string, Partial<Record<string, number>>>>>>;
    awaitingDecision: number;
  };
  reminders: { sent: number; escalations: number };
}

export interface LedgerUnit {
  code: string;
  name: string;
  kind: string;
  parent?: string;
  studySession?: { heldOn: string; membersPresent: number; membersTotal: number; reportedAt: string; late: boolean };
  dialogues: Array<{ heldOn: string; topic: string; attendance: number; reportedAt: string; late: boolean }>;
  petitions: Array<{ id: string; kind: string; content: string; receivedOn: string; status: string; resolvedOn?: string; outcome?: string }>;
  models: Array<{ id: string; name: string; field: string; registeredOn: string; stage: string; score?: number }>;
  activities?: Record<string, { reports: number; measures: Record<string, number>; lateCount?: number }>;
  awards?: Array<{ id: string; recipient: { kind: string; name: string }; form: string; awardedBy: string; awardedOn: string }>;
}

export interface ChildSummary {
  unitCode: string;
  name: string;
  kind: string;
  progress: Progress;
  finished: boolean;
}

export interface NodeSnapshot {
  campaignId: string;
  unitCode: string;
  phase: string;
  deadlines: Record<string, string>;
  progress: Progress;
  units: LedgerUnit[];
  children: ChildSummary[];
  overdueUnits: Array<{ code: string; obligation: string }>;
}

export interface Obligation {
  activity: string;
  owedBy: string[];
  target: number;
  deadline: string;
}

export interface Plan {
  number: string;
  issuer: { unitCode: string; name: string };
  issuedOn: string;
  year: number;
  title: string;
  window: { opensOn: string; closesOn: string };
  obligations?: Obligation[];
  deadlines: Record<string, string>;
}

export interface CampaignSnapshot extends NodeSnapshot {
  plan: Plan;
  deployedAt?: string;
}

export interface CampaignListItem {
  campaignId: string;
  planNumber: string;
  year: number;
  issuer: string;
  province: string;
  phase: string;
  startedAt: string | null;
  running: boolean;
}

export interface CampaignList {
  items: CampaignListItem[];
  nextCursor: string | null;
}

/** GET /v1/me (api/dashboard-routes.ts). */
export interface Me {
  sub: string;
  role: string;
  unit?: string;
  scopedToUnit: boolean;
  actions: string[];
}

/** An RFC 9457 problem, as every refusal of the API is written (api/problems.ts). */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ field: string; value?: unknown; reason: string }>;
}
