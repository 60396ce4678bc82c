import type { Database, Statement } from 'better-sqlite3';
import type { Phase } from '../domain/campaign';
import type { EventPayload } from '../domain/events';
import { isOverdue } from '../domain/ledger';
import { countCommendation, countRecognition, emptyHonours, type HonourForm, type HonourRecipient } from '../domain/honours';
import type { ModelField, ModelStage } from '../domain/models';
import { addActivities, emptyProgress, type Progress } from '../domain/progress';
import type { PetitionKind } from '../domain/reports';
import { planObligations, type PlanObligation } from '../domain/obligations';
import { VIETNAM_UTC_OFFSET_HOURS, type Deadline, type Deadlines } from '../domain/schedule';
import { OBLIGATIONS, type Obligation, type UnitKind } from '../domain/units';
import { parsePeriod } from './period';
import { fail, ok, type Result } from './result';

/**
 * The read side of the projection: the figures of domain/progress.ts counted from the stored facts the way
 * domain/ledger.ts counts them (`ledgerProgress`), for a whole campaign or the subtree under one unit, over all
 * its facts or those dated in one period.
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
  /** The subtree under this unit (the unit and every unit whose parent chain reaches it); by default the whole campaign. */
  unit?: string;
  /**
   * Only the facts dated in this period, "2024", "2024-H1" or "2024-Q3" (parsePeriod): study sessions, dialogues
   * and activities by the day held, petitions by the day received, models by the day registered (counted in the
   * stage they are in now), reminders by the day sent. What the units owe (`required`) has no date and stays
   * the scope's; `overdue` is a verdict on the whole campaign, not on a period, and is 0 in a period's figures.
   */
  period?: string;
}

/** Of the units counted `late` (reported after the deadline), how many held it after the deadline day and how many only reported late. */
export interface LateSplit {
  heldLate: number;
  reportedLate: number;
}

export interface UnitRecord {
  code: string;
  /** Absent while the unit is known only as another unit's parent. */
  name?: string;
  kind?: UnitKind;
}

export interface OverdueUnit {
  code: string;
  /** The activity owed. */
  obligation: string;
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

/** Which rows a statement reads: the whole campaign or the subtree under @root; every fact, or those dated from @from to @to. */
interface Filter {
  scoped: boolean;
  dated: boolean;
}

// A subtree is every unit whose parent chain reaches the root; UNION (not UNION ALL) stops at any repeat.
function withScope(scoped: boolean): string {
  return scoped
    ? 'WITH RECURSIVE subtree(code) AS (SELECT @root UNION SELECT u.unit_code FROM units u JOIN subtree ON u.parent_code = subtree.code WHERE u.campaign_id = @campaign) '
    : '';
}

function inScope(scoped: boolean, column: string): string {
  return scoped ? ` AND ${column} IN (SELECT code FROM subtree)` : '';
}

/** A reminder's date is the Vietnam day its event was sent (the workflow's clock; UTC+7 all year). */
const SENT_ON = `(SELECT date(e.time_ms / 1000 + ${VIETNAM_UTC_OFFSET_HOURS * 3600}, 'unixepoch') FROM seen_events e WHERE e.event_id = r.event_id)`;

function figureStatements(db: Database, { scoped, dated }: Filter) {
  const scope = withScope(scoped);
  const within = (column: string) => inScope(scoped, column);
  // ISO dates compare as strings. A fact without its date yet (a model step that overtook the registration) is in no period.
  const during = (column: string) => (dated ? ` AND ${column} BETWEEN @from AND @to` : '');
  // The first conference of each commune (in the period) decides whether it complied, and whether late: SQLite takes
  // the bare columns of a MIN() aggregate from the row holding the minimum.
  const firstConferences = `SELECT unit_code, MIN(conference) AS first, late, held_on FROM dialogues WHERE campaign_id = @campaign${during('held_on')} GROUP BY unit_code`;
  return {
    // The date is part of the join, not of WHERE: every owing unit stays required, only its session may fall outside the period.
    studySessions: db.prepare(
      `${scope}SELECT COUNT(*) AS required, COUNT(s.unit_code) AS done, COALESCE(SUM(s.late), 0) AS late,
         COALESCE(SUM(s.members_present), 0) AS membersPresent, COALESCE(SUM(s.members_total), 0) AS membersTotal
       FROM units u LEFT JOIN study_sessions s ON s.campaign_id = u.campaign_id AND s.unit_code = u.unit_code${during('s.held_on')}
       WHERE u.campaign_id = @campaign AND u.owes_study_session = 1${within('u.unit_code')}`,
    ),
    dialogueTally: db.prepare(
      `${scope}SELECT COUNT(*) AS required, COUNT(f.unit_code) AS done, COALESCE(SUM(f.late), 0) AS late
       FROM units u LEFT JOIN (${firstConferences}) f ON f.unit_code = u.unit_code
       WHERE u.campaign_id = @campaign AND u.owes_dialogue = 1${within('u.unit_code')}`,
    ),
    conferences: db.prepare(
      `${scope}SELECT COUNT(*) AS conferences, COALESCE(SUM(attendance), 0) AS attendance, COALESCE(SUM(late), 0) AS lateConferences
       FROM dialogues WHERE campaign_id = @campaign${within('unit_code')}${during('held_on')}`,
    ),
    petitions: db.prepare(
      `${scope}SELECT kind, COUNT(*) AS recorded, COUNT(resolved_on) AS resolved FROM petitions
       WHERE campaign_id = @campaign${within('unit_code')}${during('received_on')} GROUP BY kind`,
    ),
    models: db.prepare(
      `${scope}SELECT field, stage, COUNT(*) AS n FROM models
       WHERE campaign_id = @campaign AND origin_unit IS NULL${within('unit_code')}${during('registered_on')} GROUP BY field, stage`,
    ),
    // An honour's level is the kind its event names, or for events from before levels the kind the unit was deployed as.
    honours: db.prepare(
      `${scope}SELECT h.kind, COALESCE(h.level, u.kind) AS level, h.form, h.recipient, COUNT(*) AS n
       FROM honours h LEFT JOIN units u ON u.campaign_id = h.campaign_id AND u.unit_code = h.unit_code
       WHERE h.campaign_id = @campaign${within('h.unit_code')}${during('h.on_date')} GROUP BY 1, 2, 3, 4`,
    ),
    // Proposed upward and not yet recognized or rejected by the council it went to: a figure of now, so no period has it.
    awaitingDecision: dated
      ? undefined
      : db.prepare(
          `${scope}SELECT COUNT(*) AS n FROM models m
       WHERE m.campaign_id = @campaign AND m.proposed_to IS NOT NULL${within('m.proposed_to')}
         AND NOT EXISTS (SELECT 1 FROM models d WHERE d.campaign_id = m.campaign_id AND d.unit_code = m.proposed_to
           AND d.origin_unit = m.unit_code AND d.origin_model = m.model_id AND d.stage IN ('recognized', 'rejected', 'commended', 'proposed-upward'))`,
        ),
    activities: db.prepare(
      `${scope}SELECT activity, measures_json AS measures FROM activities WHERE campaign_id = @campaign${within('unit_code')}${during('held_on')}`,
    ),
    // An obligation to report a catalogue activity (@activity, owed by the unit kinds in @kinds): met once the `count` of
    // the unit's reports reaches @target, late when it reaches it only with reports made after the deadline.
    obligationTally: db.prepare(
      `${scope}SELECT COUNT(*) AS required, COALESCE(SUM(t.total >= @target), 0) AS done,
         COALESCE(SUM(t.total >= @target AND t.total - t.lateTotal < @target), 0) AS late
       FROM units u LEFT JOIN (
         SELECT unit_code, SUM(json_extract(measures_json, '$.count')) AS total, SUM(late * json_extract(measures_json, '$.count')) AS lateTotal
         FROM activities WHERE campaign_id = @campaign AND activity = @activity${during('held_on')} GROUP BY unit_code
       ) t ON t.unit_code = u.unit_code
       WHERE u.campaign_id = @campaign AND u.kind IN (SELECT value FROM json_each(@kinds))${within('u.unit_code')}`,
    ),
    reminders: db.prepare(
      `${scope}SELECT COALESCE(SUM(r.kind <> 'escalation'), 0) AS sent, COALESCE(SUM(r.kind = 'escalation'), 0) AS escalations
       FROM reminders r WHERE r.campaign_id = @campaign${within('r.unit_code')}${during(SENT_ON)}`,
    ),
    // Of the sessions and first conferences counted `late`, those held after the deadline day in force (a NULL deadline: none).
    lateness: {
      'study-session': db.prepare(
        `${scope}SELECT COUNT(*) AS late, COALESCE(SUM(s.held_on > @deadline), 0) AS heldLate
         FROM units u JOIN study_sessions s ON s.campaign_id = u.campaign_id AND s.unit_code = u.unit_code${during('s.held_on')}
         WHERE u.campaign_id = @campaign AND u.owes_study_session = 1 AND s.late = 1${within('u.unit_code')}`,
      ),
      dialogue: db.prepare(
        `${scope}SELECT COUNT(*) AS late, COALESCE(SUM(f.held_on > @deadline), 0) AS heldLate
         FROM units u JOIN (${firstConferences}) f ON f.unit_code = u.unit_code
         WHERE u.campaign_id = @campaign AND u.owes_dialogue = 1 AND f.late = 1${within('u.unit_code')}`,
      ),
    } satisfies Record<Obligation, Statement>,
  };
}

type FigureStatements = ReturnType<typeof figureStatements>;

/** Units that owe a report and have not sent it, in code order; a period does not apply (see FiguresOptions.period). */
function missingStatements(db: Database, scoped: boolean): Record<Obligation | 'catalogue', Statement> {
  const missing = (owes: string, table: string) =>
    db.prepare(
      `${withScope(scoped)}SELECT u.unit_code AS code FROM units u
       WHERE u.campaign_id = @campaign AND u.${owes} = 1${inScope(scoped, 'u.unit_code')}
         AND NOT EXISTS (SELECT 1 FROM ${table} r WHERE r.campaign_id = u.campaign_id AND r.unit_code = u.unit_code)
       ORDER BY u.unit_code LIMIT @limit`,
    );
  return {
    'study-session': missing('owes_study_session', 'study_sessions'),
    dialogue: missing('owes_dialogue', 'dialogues'),
    catalogue: db.prepare(
      `${withScope(scoped)}SELECT u.unit_code AS code FROM units u
       WHERE u.campaign_id = @campaign AND u.kind IN (SELECT value FROM json_each(@kinds))${inScope(scoped, 'u.unit_code')}
         AND COALESCE((SELECT SUM(json_extract(a.measures_json, '$.count')) FROM activities a
                       WHERE a.campaign_id = u.campaign_id AND a.unit_code = u.unit_code AND a.activity = @activity), 0) < @target
       ORDER BY u.unit_code LIMIT @limit`,
    ),
  };
}

/** Whether an obligation is one of the two reports with figures of their own, rather than a catalogue activity. */
function isFamily(activity: string): activity is Obligation {
  return (OBLIGATIONS as readonly string[]).includes(activity);
}

/** The parameters that name one catalogue obligation in the statements above. */
function obligationParams(o: PlanObligation) {
  return { activity: o.activity, kinds: JSON.stringify(o.owedBy), target: o.target };
}

/** What the plan asks of `obligation`, with the name of its deadline; unknown before campaign.issued. */
function owed(state: CampaignState, obligation: Obligation): PlanObligation | undefined {
  return obligationsOf(state).find((o) => o.activity === obligation);
}

/** The date an obligation is due by: the plan's, moved by extensions. */
export function deadlineOf(state: CampaignState, obligation: Obligation): string | undefined {
  const o = owed(state, obligation);
  return o ? state.deadlines[o.deadline] : undefined;
}

/** The plan's obligations (none before campaign.issued). */
function obligationsOf(state: CampaignState): readonly PlanObligation[] {
  return state.plan ? planObligations(state.plan) : [];
}

/** The obligations whose deadline had passed at `asOf`, by the workflows' own rule; before campaign.issued, none. */
function overdueObligations(state: CampaignState, asOf: Date): PlanObligation[] {
  // isOverdue reads a deadline without a date as not passed, so the deadlines seen so far will do.
  const ctx = { now: asOf, deadlines: state.deadlines as Deadlines };
  return obligationsOf(state).filter((o) => isOverdue(ctx, o));
}

function countFigures(
  st: FigureStatements,
  params: Record<string, unknown>,
  obligations: readonly PlanObligation[],
  overdue: readonly PlanObligation[],
): Progress {
  const owing = new Set(overdue.map((o) => o.activity));
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
  const awaiting = st.awaitingDecision ? (st.awaitingDecision.get(params) as { n: number }).n : 0;
  addHonourRows(progress, st.honours.all(params) as HonourRow[], awaiting);
  // Report by report through the workflows' own addition: the same totals, and no `activities` key before the first report, as theirs.
  for (const row of st.activities.all(params) as Array<{ activity: string; measures: string }>) {
    addActivities(progress, { [row.activity]: { reports: 1, measures: JSON.parse(row.measures) as Record<string, number> } });
  }
  for (const o of obligations) {
    if (isFamily(o.activity)) continue;
    const row = st.obligationTally.get({ ...params, ...obligationParams(o) }) as ObligationRow;
    (progress.obligations ??= {})[o.activity] = { ...row, overdue: owing.has(o.activity) ? row.required - row.done : 0 };
  }
  progress.reminders = st.reminders.get(params) as Progress['reminders'];
  return progress;
}

type HonourRow = { kind: 'recognized' | 'commended'; level: UnitKind | null; form: HonourForm | null; recipient: HonourRecipient | null; n: number };

/** Honours as the workflows tally them (domain/honours.ts): absent while there are none. */
function addHonourRows(progress: Progress, rows: readonly HonourRow[], awaitingDecision: number): void {
  if (rows.length === 0 && awaitingDecision === 0) return;
  const honours = (progress.honours = emptyHonours());
  honours.awaitingDecision = awaitingDecision;
  for (const row of rows) {
    if (row.level === null) continue;
    if (row.kind === 'recognized') countRecognition(honours, row.level, row.n);
    else if (row.form && row.recipient) countCommendation(honours, row.form, row.level, row.recipient, row.n);
  }
}

export function createReader(db: Database) {
  const campaignRow = db.prepare('SELECT plan_json, units_expected_json, phase, last_event_ms FROM campaigns WHERE campaign_id = ?');
  const deadlineRows = db.prepare('SELECT deadline, date FROM deadlines WHERE campaign_id = ?');
  const unitKinds = db.prepare('SELECT kind, COUNT(*) AS n FROM units WHERE campaign_id = ? GROUP BY kind');
  const unitRow = db.prepare('SELECT name, kind FROM units WHERE campaign_id = @campaign AND unit_code = @root');
  const implementingRows = db.prepare('SELECT campaign_id AS id FROM campaigns WHERE implements = ? ORDER BY campaign_id');
  // A unit is known once any unit.deployed names it, as itself or as a parent (its own workflow's event may come later).
  const unitKnown = db.prepare('SELECT 1 FROM units WHERE campaign_id = @campaign AND (unit_code = @root OR parent_code = @root) LIMIT 1');
  const childRows = db.prepare('SELECT unit_code AS code, name, kind FROM units WHERE campaign_id = ? AND parent_code = ? ORDER BY unit_code');
  const parentRow = db.prepare('SELECT parent_code AS parent FROM units WHERE campaign_id = ? AND unit_code = ?');
  const prepared = new Map<string, FigureStatements>();
  const missing = { whole: missingStatements(db, false), subtree: missingStatements(db, true) };

  function statementsFor(filter: Filter): FigureStatements {
    const key = `${filter.scoped}/${filter.dated}`;
    let st = prepared.get(key);
    if (!st) prepared.set(key, (st = figureStatements(db, filter)));
    return st;
  }

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

  /** The campaign's state and the query parameters of the options' unit and period; each checked, each named when wrong. */
  function scope(campaignId: string, opts: Pick<FiguresOptions, 'unit' | 'period'>): Result<{ state: CampaignState; params: Record<string, unknown> }> {
    const state = campaign(campaignId);
    if (!state.ok) return state;
    const params: Record<string, unknown> = { campaign: campaignId };
    if (opts.period !== undefined) {
      const period = parsePeriod(opts.period);
      if (!period.ok) return period;
      Object.assign(params, { from: period.value.from, to: period.value.to });
    }
    if (opts.unit !== undefined) {
      if (!unitKnown.get({ campaign: campaignId, root: opts.unit })) {
        return fail('unit', opts.unit, `no unit.deployed event of campaign ${campaignId} names unit ${opts.unit}`);
      }
      params.root = opts.unit;
    }
    return ok({ state: state.value, params });
  }

  function statementsOf(opts: FiguresOptions): FigureStatements {
    return statementsFor({ scoped: opts.unit !== undefined, dated: opts.period !== undefined });
  }

  function figures(campaignId: string, opts: FiguresOptions = {}): Result<Progress> {
    const s = scope(campaignId, opts);
    if (!s.ok) return s;
    const asOf = opts.asOf ?? new Date(s.value.state.lastEventAt);
    const overdue = opts.period === undefined ? overdueObligations(s.value.state, asOf) : [];
    return ok(countFigures(statementsOf(opts), s.value.params, obligationsOf(s.value.state), overdue));
  }

  /** Splits each obligation's `late` figure (same unit and period) by the day it was held against the deadline in force. */
  function lateness(campaignId: string, opts: Pick<FiguresOptions, 'unit' | 'period'> = {}): Result<Record<Obligation, LateSplit>> {
    const s = scope(campaignId, opts);
    if (!s.ok) return s;
    const split = (obligation: Obligation): LateSplit => {
      const params = { ...s.value.params, deadline: deadlineOf(s.value.state, obligation) ?? null };
      const row = statementsOf(opts).lateness[obligation].get(params) as { late: number; heldLate: number };
      return { heldLate: row.heldLate, reportedLate: row.late - row.heldLate };
    };
    return ok({ 'study-session': split('study-session'), dialogue: split('dialogue') });
  }

  /** The unit's name and kind as unit.deployed listed it; a unit named only as a parent so far has its code alone. */
  function unit(campaignId: string, code: string): Result<UnitRecord> {
    const s = scope(campaignId, { unit: code });
    if (!s.ok) return s;
    const row = unitRow.get(s.value.params) as { name: string; kind: UnitKind } | undefined;
    return ok({ code, ...row });
  }

  /** Units past a deadline without their report, study sessions first, at most `limit` of each obligation. */
  function overdueUnits(campaignId: string, opts: Omit<FiguresOptions, 'period'> & { limit?: number } = {}): Result<OverdueUnit[]> {
    const s = scope(campaignId, opts);
    if (!s.ok) return s;
    const asOf = opts.asOf ?? new Date(s.value.state.lastEventAt);
    const statements = opts.unit === undefined ? missing.whole : missing.subtree;
    const result: OverdueUnit[] = [];
    for (const o of overdueObligations(s.value.state, asOf)) {
      const params = { ...s.value.params, limit: opts.limit ?? -1 };
      const rows = (isFamily(o.activity) ? statements[o.activity].all(params) : statements.catalogue.all({ ...params, ...obligationParams(o) })) as Array<{
        code: string;
      }>;
      for (const { code } of rows) result.push({ code, obligation: o.activity });
    }
    return ok(result);
  }

  /** The units unit.deployed lists directly under `code`, in code order. */
  function children(campaignId: string, code: string): UnitRecord[] {
    return childRows.all(campaignId, code) as UnitRecord[];
  }

  /** The unit's ancestors, nearest first, as far as unit.deployed events have named them: a unit not listed yet ends the chain. */
  function ancestors(campaignId: string, code: string): string[] {
    const chain: string[] = [];
    for (let unit = code; ;) {
      const parent = (parentRow.get(campaignId, unit) as { parent: string | null } | undefined)?.parent;
      // A parent already in the chain would be a cycle no tree has: stop rather than loop.
      if (!parent || parent === code || chain.includes(parent)) return chain;
      chain.push(parent);
      unit = parent;
    }
  }

  /** The campaigns whose plan implements this one's, by id: those whose campaign.issued has arrived. */
  function implementedBy(campaignId: string): string[] {
    return (implementingRows.all(campaignId) as Array<{ id: string }>).map((row) => row.id);
  }

  // Each answer takes several statements; a read transaction gives them one snapshot while the consumer writes.
  return {
    campaign: db.transaction(campaign),
    figures: db.transaction(figures),
    lateness: db.transaction(lateness),
    unit: db.transaction(unit),
    overdueUnits: db.transaction(overdueUnits),
    implementedBy,
    children,
    ancestors: db.transaction(ancestors),
  };
}
