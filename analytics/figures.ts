import type { Database, Statement } from 'better-sqlite3';
import type { Phase } from '../domain/campaign';
import type { EventPayload } from '../domain/events';
import { isOverdue } from '../domain/ledger';
import type { ModelField, ModelStage } from '../domain/models';
import { emptyProgress, type Progress } from '../domain/progress';
import type { PetitionKind } from '../domain/reports';
import { DEADLINES, type Deadline, type Deadlines } from '../domain/schedule';
import { OBLIGATIONS, type Obligation, type UnitKind } from '../domain/units';
import { fail, ok, type Result } from './result';

/**
 * The read side of the projection: the figures of domain/progress.ts counted from the stored facts the way
 * domain/ledger.ts counts them (`ledgerProgress`), for a whole campaign or for the subtree under one unit.
 */

export type PlanRecord = EventPayload<'campaign.issued'>['plan'];

export interface CampaignState {
  campaignId: string;
  /** From campaign.issued; absent until that event has arrived. */
  plan?: PlanRecord;
  phase?: Phase;
  /** The deadlines in force (the plan's, moved by extensions); all four once campaign.issued has arrived. */
  deadlines: Partial<Deadlines>;
  /** Units by kind: as many as campaign.issued announced, and as many as unit.deployed events have listed so far. */
  units: { expected: Partial<Record<UnitKind, number>>; known: Partial<Record<UnitKind, number>> };
  /** Stream time: the latest workflow time among the campaign's events, ISO 8601. */
  lastEventAt: string;
}

export interface FiguresOptions {
  /**
   * The instant `overdue` is judged at, as the workflows judge it with their clock. Defaults to the campaign's
   * stream time, so the same events always give the same figures; a live dashboard passes `new Date()`.
   */
  asOf?: Date;
}

export interface OverdueUnit {
  code: string;
  obligation: Obligation;
}

interface CampaignRow {
  plan_json: string | null;
  units_expected_json: string | null;
  phase: Phase | null;
  last_event_ms: number;
}

interface ObligationRow {
  required: number;
  done: number;
  late: number;
}

function figureStatements(db: Database, scoped: boolean) {
  // A subtree is every unit whose parent chain reaches the root; UNION (not UNION ALL) stops at any repeat.
  const withScope = scoped
    ? 'WITH RECURSIVE subtree(code) AS (SELECT @root UNION SELECT u.unit_code FROM units u JOIN subtree ON u.parent_code = subtree.code WHERE u.campaign_id = @campaign) '
    : '';
  const inScope = (column: string) => (scoped ? ` AND ${column} IN (SELECT code FROM subtree)` : '');
  return {
    studySessions: db.prepare(
      `${withScope}SELECT COUNT(*) AS required, COUNT(s.unit_code) AS done, COALESCE(SUM(s.late), 0) AS late,
         COALESCE(SUM(s.members_present), 0) AS membersPresent, COALESCE(SUM(s.members_total), 0) AS membersTotal
       FROM units u LEFT JOIN study_sessions s ON s.campaign_id = u.campaign_id AND s.unit_code = u.unit_code
       WHERE u.campaign_id = @campaign AND u.owes_study_session = 1${inScope('u.unit_code')}`,
    ),
    // SQLite takes a bare column of a MIN() aggregate from the row holding the minimum: `late` of the first conference.
    dialogueTally: db.prepare(
      `${withScope}SELECT COUNT(*) AS required, COUNT(f.unit_code) AS done, COALESCE(SUM(f.late), 0) AS late
       FROM units u LEFT JOIN (SELECT unit_code, MIN(conference) AS first, late FROM dialogues WHERE campaign_id = @campaign GROUP BY unit_code) f
         ON f.unit_code = u.unit_code
       WHERE u.campaign_id = @campaign AND u.owes_dialogue = 1${inScope('u.unit_code')}`,
    ),
    conferences: db.prepare(
      `${withScope}SELECT COUNT(*) AS conferences, COALESCE(SUM(attendance), 0) AS attendance, COALESCE(SUM(late), 0) AS lateConferences
       FROM dialogues WHERE campaign_id = @campaign${inScope('unit_code')}`,
    ),
    petitions: db.prepare(
      `${withScope}SELECT kind, COUNT(*) AS recorded, COUNT(resolved_on) AS resolved FROM petitions
       WHERE campaign_id = @campaign${inScope('unit_code')} GROUP BY kind`,
    ),
    models: db.prepare(`${withScope}SELECT field, stage, COUNT(*) AS n FROM models WHERE campaign_id = @campaign${inScope('unit_code')} GROUP BY field, stage`),
    reminders: db.prepare(
      `${withScope}SELECT COALESCE(SUM(kind <> 'escalation'), 0) AS sent, COALESCE(SUM(kind = 'escalation'), 0) AS escalations
       FROM reminders WHERE campaign_id = @campaign${inScope('unit_code')}`,
    ),
    missing: {
      'study-session': db.prepare(
        `${withScope}SELECT u.unit_code AS code FROM units u
         WHERE u.campaign_id = @campaign AND u.owes_study_session = 1${inScope('u.unit_code')}
           AND NOT EXISTS (SELECT 1 FROM study_sessions s WHERE s.campaign_id = u.campaign_id AND s.unit_code = u.unit_code)
         ORDER BY u.unit_code LIMIT @limit`,
      ),
      dialogue: db.prepare(
        `${withScope}SELECT u.unit_code AS code FROM units u
         WHERE u.campaign_id = @campaign AND u.owes_dialogue = 1${inScope('u.unit_code')}
           AND NOT EXISTS (SELECT 1 FROM dialogues d WHERE d.campaign_id = u.campaign_id AND d.unit_code = u.unit_code)
         ORDER BY u.unit_code LIMIT @limit`,
      ),
    } satisfies Record<Obligation, Statement>,
  };
}

type FigureStatements = ReturnType<typeof figureStatements>;

function completeDeadlines(deadlines: Partial<Deadlines>): Deadlines | undefined {
  return DEADLINES.every((d) => deadlines[d] !== undefined) ? (deadlines as Deadlines) : undefined;
}

/**
 * The obligations whose deadline had passed at `asOf`, by the workflows' own rule. Before campaign.issued has
 * arrived the deadlines are unknown, and nothing is counted overdue.
 */
function overdueObligations(state: CampaignState, asOf: Date): Set<Obligation> {
  const deadlines = completeDeadlines(state.deadlines);
  return new Set(deadlines ? OBLIGATIONS.filter((o) => isOverdue({ now: asOf, deadlines }, o)) : []);
}

function countFigures(st: FigureStatements, params: Record<string, unknown>, owing: Set<Obligation>): Progress {
  const progress = emptyProgress();
  const ss = st.studySessions.get(params) as ObligationRow & { membersPresent: number; membersTotal: number };
  progress.studySessions = { ...ss, overdue: owing.has('study-session') ? ss.required - ss.done : 0 };
  const dt = st.dialogueTally.get(params) as ObligationRow;
  const conf = st.conferences.get(params) as { conferences: number; attendance: number; lateConferences: number };
  progress.dialogues = { ...dt, overdue: owing.has('dialogue') ? dt.required - dt.done : 0, ...conf };
  for (const row of st.petitions.all(params) as Array<{ kind: PetitionKind; recorded: number; resolved: number }>) {
    progress.petitions[row.kind] = { recorded: row.recorded, resolved: row.resolved };
  }
  for (const row of st.models.all(params) as Array<{ field: ModelField; stage: ModelStage; n: number }>) progress.models[row.field][row.stage] = row.n;
  progress.reminders = st.reminders.get(params) as Progress['reminders'];
  return progress;
}

export function createReader(db: Database) {
  const campaignRow = db.prepare('SELECT plan_json, units_expected_json, phase, last_event_ms FROM campaigns WHERE campaign_id = ?');
  const deadlineRows = db.prepare('SELECT deadline, date FROM deadlines WHERE campaign_id = ?');
  const unitKinds = db.prepare('SELECT kind, COUNT(*) AS n FROM units WHERE campaign_id = ? GROUP BY kind');
  // A unit is known once any unit.deployed names it, as itself or as a parent (its own workflow's event may come later).
  const unitKnown = db.prepare('SELECT 1 FROM units WHERE campaign_id = @campaign AND (unit_code = @root OR parent_code = @root) LIMIT 1');
  const whole = figureStatements(db, false);
  const subtree = figureStatements(db, true);

  function campaign(campaignId: string): Result<CampaignState> {
    const row = campaignRow.get(campaignId) as CampaignRow | undefined;
    if (!row) return fail('campaignId', campaignId, `no event of campaign ${campaignId} has been applied to this projection`);
    const deadlines: Partial<Deadlines> = {};
    for (const d of deadlineRows.all(campaignId) as Array<{ deadline: Deadline; date: string }>) deadlines[d.deadline] = d.date;
    const known: Partial<Record<UnitKind, number>> = {};
    for (const k of unitKinds.all(campaignId) as Array<{ kind: UnitKind; n: number }>) known[k.kind] = k.n;
    return ok({
      campaignId,
      ...(row.plan_json ? { plan: JSON.parse(row.plan_json) as PlanRecord } : {}),
      ...(row.phase ? { phase: row.phase } : {}),
      deadlines,
      units: { expected: row.units_expected_json ? (JSON.parse(row.units_expected_json) as Partial<Record<UnitKind, number>>) : {}, known },
      lastEventAt: new Date(row.last_event_ms).toISOString(),
    });
  }

  /** The campaign's state and the query parameters for the whole campaign, or for the subtree under `unitCode`. */
  function scope(campaignId: string, unitCode: string | undefined): Result<{ state: CampaignState; st: FigureStatements; params: Record<string, unknown> }> {
    const state = campaign(campaignId);
    if (!state.ok) return state;
    if (unitCode === undefined) return ok({ state: state.value, st: whole, params: { campaign: campaignId } });
    if (!unitKnown.get({ campaign: campaignId, root: unitCode })) {
      return fail('unitCode', unitCode, `no unit.deployed event of campaign ${campaignId} names unit ${unitCode}`);
    }
    return ok({ state: state.value, st: subtree, params: { campaign: campaignId, root: unitCode } });
  }

  function figures(campaignId: string, unitCode: string | undefined, opts: FiguresOptions = {}): Result<Progress> {
    const s = scope(campaignId, unitCode);
    if (!s.ok) return s;
    const asOf = opts.asOf ?? new Date(s.value.state.lastEventAt);
    return ok(countFigures(s.value.st, s.value.params, overdueObligations(s.value.state, asOf)));
  }

  /** Units past a deadline without their report, study sessions first, at most `limit` of each obligation. */
  function overdueUnits(campaignId: string, opts: FiguresOptions & { unitCode?: string; limit?: number } = {}): Result<OverdueUnit[]> {
    const s = scope(campaignId, opts.unitCode);
    if (!s.ok) return s;
    const asOf = opts.asOf ?? new Date(s.value.state.lastEventAt);
    const result: OverdueUnit[] = [];
    for (const obligation of overdueObligations(s.value.state, asOf)) {
      const rows = s.value.st.missing[obligation].all({ ...s.value.params, limit: opts.limit ?? -1 }) as Array<{ code: string }>;
      for (const { code } of rows) result.push({ code, obligation });
    }
    return ok(result);
  }

  // Each answer takes several statements; a read transaction gives them one snapshot while the consumer writes.
  return { campaign: db.transaction(campaign), figures: db.transaction(figures), overdueUnits: db.transaction(overdueUnits) };
}
