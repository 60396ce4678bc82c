import { actionPhaseProblem, type Phase, type UnitAction } from './campaign';
import { activityReportProblem } from './catalogue';
import { fingerprint, updateIdOf } from './fingerprint';
import { reject, type Rejection } from './rejection';
import { countCommendation, countRecognition, emptyHonours, isHonourForm, type ModelOrigin, type UpwardProposal } from './honours';
import { isRecognized, MODEL_STEPS, modelStepAction, modelStepProblem, type ModelField, type ModelStage, type ModelStep } from './models';
import { addActivities, emptyProgress } from './progress';
import { obligationFor, owedBy, planObligations, reportersOf, type PlanObligation } from './obligations';
import { membersProblem, type PetitionKind, type PetitionStatus } from './reports';
import { formatVietnameseDate, isLate, vietnamDateOf, type Deadlines } from './schedule';
import type { Commendation, Plan, Progress, ReportCommand, ReportKind, Submission } from './schemas';
import type { Unit, UnitKind } from './units';

export type { ReportCommand, ReportKind, Submission } from './schemas';

/**
 * The ledger of one workflow: the units it owns (its own unit and its leaf children, such as a commune and
 * its chi bộ) with everything reported for them. Plain data, so it survives continue-as-new as it is; every
 * rule about what may be reported, by which unit, in which phase, lives here and nowhere else.
 */

/** What a submission asks is its command: the same report from another submitter is the same request. */
export function submissionUpdateId(submission: Pick<Submission, 'idempotencyKey' | 'command'>): string {
  return updateIdOf(submission.idempotencyKey, submission.command);
}

export interface SubmissionResult {
  kind: ReportKind;
  unitCode: string;
  /** The petition or model the submission created or changed. */
  id?: string;
  late?: boolean;
  stage?: ModelStage;
  status?: PetitionStatus;
}

export { REJECTION_CODES, type Rejection, type RejectionCode } from './rejection';

interface StudySessionRecord {
  heldOn: string;
  membersPresent: number;
  membersTotal: number;
  reportedAt: string;
  late: boolean;
}

interface DialogueRecord {
  heldOn: string;
  topic: string;
  attendance: number;
  reportedAt: string;
  late: boolean;
}

interface PetitionRecord {
  id: string;
  kind: PetitionKind;
  content: string;
  receivedOn: string;
  status: PetitionStatus;
  resolvedOn?: string;
  outcome?: string;
}

interface ModelRecord {
  id: string;
  name: string;
  field: ModelField;
  registeredOn: string;
  stage: ModelStage;
  score?: number;
  /** Set on a model proposed to this unit's council from below: it arrives assessed, for the council to decide. */
  origin?: ModelOrigin;
  /** The form is free text in requests made before the list of forms (still replayed); only a listed form is counted. */
  award?: { form: string; awardedBy?: string };
}

/** A commendation of a collective or an individual. */
interface AwardRecord extends Commendation {
  id: string;
}

/** What a unit reported of one catalogue activity, added up: the ledger keeps totals, the events keep each report. */
interface ActivityTotals {
  reports: number;
  measures: Record<string, number>;
  /** The `count` of reports made after the deadline of an obligation to report it: a unit on target only with them complied late. */
  lateCount?: number;
}

export interface LedgerUnit {
  code: string;
  name: string;
  kind: UnitKind;
  parent?: string;
  studySession?: StudySessionRecord;
  dialogues: DialogueRecord[];
  petitions: PetitionRecord[];
  models: ModelRecord[];
  /** By activity id; absent until the unit's first activity report (and in ledgers carried from before activities). */
  activities?: Record<string, ActivityTotals>;
  /** Commendations of collectives and individuals this unit gave; absent until the first. */
  awards?: AwardRecord[];
}

export interface Ledger {
  units: Record<string, LedgerUnit>;
  /** Idempotency keys already applied, with what they answered, so a retry gets the first answer and no second effect. */
  processed: Record<string, { fingerprint: string; result: SubmissionResult }>;
}

export interface LedgerContext {
  now: Date;
  phase: Phase;
  plan: Pick<Plan, 'window' | 'year' | 'issuedOn' | 'obligations'>;
  deadlines: Deadlines;
}

/** What judging compliance needs: the instant, the deadlines in force and what the plan makes owed. */
export type ComplianceContext = Pick<LedgerContext, 'now' | 'deadlines'> & { obligations: readonly PlanObligation[] };

/** A domain event the ledger asks its workflow to emit, for the unit it concerns. */
export interface LedgerEvent {
  type: LedgerEventType;
  unitCode: string;
  payload: Record<string, unknown>;
}

export type LedgerEventType =
  | 'study-session.reported'
  | 'dialogue.reported'
  | 'activity.reported'
  | 'petition.recorded'
  | 'petition.resolved'
  | 'model.registered'
  | 'model.assessed'
  | 'model.recognized'
  | 'model.rejected'
  | 'model.commended'
  | 'model.proposed-upward'
  | 'honour.awarded';

export function createLedger(units: readonly Unit[]): Ledger {
  const ledger: Ledger = { units: {}, processed: {} };
  for (const unit of units) {
    ledger.units[unit.code] = {
      code: unit.code,
      name: unit.name,
      kind: unit.kind,
      ...(unit.parent ? { parent: unit.parent } : {}),
      dialogues: [],
      petitions: [],
      models: [],
    };
  }
  return ledger;
}

const ACTION_OF: Record<ReportKind, UnitAction | undefined> = {
  'study-session': 'study-session',
  dialogue: 'dialogue',
  activity: 'activity',
  petition: 'petition',
  'petition-resolution': 'petition-resolution',
  'model-registration': 'model-registration',
  // Model steps take their phase rule from the step (domain/models.ts).
  'model-assessment': undefined,
  'model-commendation': undefined,
  commendation: 'commendation',
};

/** A report's date lies between the plan's issue and today: `vi` says, for a person, what came before the plan. */
function dateInCampaign(field: string, date: string, vi: string, ctx: LedgerContext): Rejection | undefined {
  if (date < ctx.plan.issuedOn) return reject('invalid', `${field} ${date} is before the plan was issued (${ctx.plan.issuedOn})`, vi, `report.${field}`, date);
  return dateNotInFuture(field, date, ctx);
}

function dateNotInFuture(field: string, date: string, ctx: LedgerContext): Rejection | undefined {
  const today = vietnamDateOf(ctx.now);
  if (date > today)
    return reject(
      'invalid',
      `${field} ${date} is in the future (today is ${today} in Vietnam)`,
      `Ngày ${formatVietnameseDate(date)} chưa tới`,
      `report.${field}`,
      date,
    );
  return undefined;
}

/** The units a ledger tracks and the activities each owes: the payload of `unit.deployed`, so consumers know what is required. */
export function deployedUnits(ledger: Ledger, obligations: readonly PlanObligation[]) {
  return Object.values(ledger.units).map((u) => ({
    code: u.code,
    name: u.name,
    kind: u.kind,
    ...(u.parent ? { parent: u.parent } : {}),
    obligations: owedBy(u.kind, obligations).map((o) => o.activity),
  }));
}

/** Whether a report is late: made after the deadline of the obligation this unit has to make it; never, if it owes none. */
function lateFor(activity: string, unit: LedgerUnit, ctx: LedgerContext): boolean {
  const obligation = obligationFor(activity, unit.kind, planObligations(ctx.plan));
  const date = obligation && ctx.deadlines[obligation.deadline];
  return date !== undefined && isLate(ctx.now, date);
}

/**
 * Checks a submission against the ledger without changing it. Returns the earlier answer for a repeated
 * idempotency key with the same content, a rejection for anything that may not be applied, or nothing.
 */
export function checkSubmission(
  ledger: Ledger,
  ctx: LedgerContext,
  submission: Submission,
): { duplicate: SubmissionResult } | { rejection: Rejection } | undefined {
  const earlier = ledger.processed[submission.idempotencyKey];
  if (earlier) {
    if (earlier.fingerprint === fingerprint(submission.command)) return { duplicate: earlier.result };
    return {
      rejection: reject(
        'idempotency-conflict',
        `idempotency key ${submission.idempotencyKey} was already used for a different report`,
        'Khóa chống trùng lặp đã được dùng cho một báo cáo khác',
        'idempotencyKey',
        submission.idempotencyKey,
      ),
    };
  }
  const rejection = problemWith(ledger, ctx, submission.command);
  return rejection ? { rejection } : undefined;
}

function problemWith(ledger: Ledger, ctx: LedgerContext, command: ReportCommand): Rejection | undefined {
  const unit = ledger.units[command.unitCode];
  if (!unit)
    return reject(
      'not-found',
      `unit ${command.unitCode} is not part of this campaign here`,
      `Đơn vị ${command.unitCode} không thuộc phạm vi báo cáo này`,
      'unitCode',
      command.unitCode,
    );
  const action = ACTION_OF[command.kind];
  if (action) {
    const phaseProblem = actionPhaseProblem(action, ctx.phase);
    if (phaseProblem) return reject('wrong-phase', phaseProblem, 'Chưa đến hoặc đã hết giai đoạn nhận loại báo cáo này');
  }
  switch (command.kind) {
    case 'study-session':
    case 'dialogue': {
      const reporters = reportersOf(command.kind) ?? [];
      if (!reporters.includes(unit.kind)) {
        const who = command.kind === 'study-session' ? 'chi bộ (party cells)' : reporters.join(', ');
        return reject(
          'invalid',
          `unit ${unit.code} is a ${unit.kind}; ${command.kind} reports come from ${who}`,
          `Đơn vị ${unit.name} không thuộc diện báo cáo này`,
          'unitCode',
          unit.code,
        );
      }
      const { heldOn } = command.report;
      if (heldOn < ctx.plan.window.opensOn) {
        return reject(
          'invalid',
          `heldOn ${heldOn} is before the campaign window opens (${ctx.plan.window.opensOn})`,
          `Ngày tổ chức ${formatVietnameseDate(heldOn)} trước thời gian của Tháng Dân vận (${formatVietnameseDate(ctx.plan.window.opensOn)})`,
          'report.heldOn',
          heldOn,
        );
      }
      const future = dateNotInFuture('heldOn', heldOn, ctx);
      if (future) return future;
      // The API's schema refuses this too; checked again for callers that reach the workflow directly.
      const members = command.kind === 'study-session' ? membersProblem(command.report) : undefined;
      if (members && command.kind === 'study-session')
        return reject(
          'invalid',
          `report.membersPresent: ${members}`,
          'Số đảng viên dự nhiều hơn tổng số đảng viên của chi bộ',
          'report.membersPresent',
          command.report.membersPresent,
        );
      if (command.kind === 'study-session' && unit.studySession) {
        return reject(
          'conflict',
          `chi bộ ${unit.code} already reported its study session held on ${unit.studySession.heldOn}`,
          `Chi bộ đã báo cáo sinh hoạt chuyên đề ngày ${formatVietnameseDate(unit.studySession.heldOn)}`,
          'unitCode',
          unit.code,
        );
      }
      return undefined;
    }
    case 'activity': {
      const problem = activityReportProblem(command.report, unit);
      if (problem) return reject('invalid', problem.message, problem.vi, problem.field, problem.value);
      const { heldOn } = command.report;
      const issued = formatVietnameseDate(ctx.plan.issuedOn);
      return dateInCampaign('heldOn', heldOn, `Ngày tổ chức ${formatVietnameseDate(heldOn)} trước ngày ban hành kế hoạch (${issued})`, ctx);
    }
    case 'petition': {
      return dateInCampaign('receivedOn', command.report.receivedOn, 'Ngày tiếp nhận trước ngày ban hành kế hoạch', ctx);
    }
    case 'petition-resolution': {
      const petition = unit.petitions.find((p) => p.id === command.petitionId);
      if (!petition)
        return reject(
          'not-found',
          `unit ${unit.code} has no petition ${command.petitionId}`,
          `Không có kiến nghị ${command.petitionId}`,
          'petitionId',
          command.petitionId,
        );
      if (petition.status === 'resolved')
        return reject(
          'conflict',
          `petition ${petition.id} was already resolved on ${petition.resolvedOn}`,
          `Kiến nghị đã được giải quyết ngày ${formatVietnameseDate(petition.resolvedOn ?? '')}`,
          'petitionId',
          petition.id,
        );
      const { resolvedOn } = command.report;
      if (resolvedOn < petition.receivedOn) {
        return reject(
          'invalid',
          `resolvedOn ${resolvedOn} is before the petition was received (${petition.receivedOn})`,
          'Ngày giải quyết trước ngày tiếp nhận',
          'report.resolvedOn',
          resolvedOn,
        );
      }
      return dateNotInFuture('resolvedOn', resolvedOn, ctx);
    }
    case 'model-registration': {
      const { registeredOn } = command.report;
      const yearStart = `${ctx.plan.year}-01-01`;
      if (registeredOn < yearStart) {
        return reject(
          'invalid',
          `registeredOn ${registeredOn} is before ${ctx.plan.year} began; models are registered for the campaign's year`,
          `Mô hình phải đăng ký trong năm ${ctx.plan.year}`,
          'report.registeredOn',
          registeredOn,
        );
      }
      return dateNotInFuture('registeredOn', registeredOn, ctx);
    }
    case 'model-assessment':
    case 'model-commendation': {
      const model = unit.models.find((m) => m.id === command.modelId);
      if (!model)
        return reject('not-found', `unit ${unit.code} has no model ${command.modelId}`, `Không có mô hình ${command.modelId}`, 'modelId', command.modelId);
      const step: ModelStep = command.report.action;
      const phaseProblem = actionPhaseProblem(modelStepAction(step, model), ctx.phase);
      if (phaseProblem) return reject('wrong-phase', phaseProblem, 'Chưa đến hoặc đã hết giai đoạn thẩm định, khen thưởng');
      const stepProblem = modelStepProblem(step, model.stage);
      if (stepProblem) return reject('conflict', stepProblem, 'Mô hình chưa ở bước phù hợp', 'report.action', step);
      return undefined;
    }
    case 'commendation': {
      const { awardedOn } = command.report;
      const issued = formatVietnameseDate(ctx.plan.issuedOn);
      return dateInCampaign('awardedOn', awardedOn, `Ngày khen thưởng ${formatVietnameseDate(awardedOn)} trước ngày ban hành kế hoạch (${issued})`, ctx);
    }
  }
}

/** Applies a submission that `checkSubmission` accepted: changes the ledger, returns the answer and the events to emit. */
export function applySubmission(ledger: Ledger, ctx: LedgerContext, submission: Submission): { result: SubmissionResult; events: LedgerEvent[] } {
  const { command } = submission;
  const unit = ledger.units[command.unitCode];
  if (!unit) throw new Error(`applySubmission: unchecked unit ${command.unitCode}`);
  const reportedAt = ctx.now.toISOString();
  const audit = { submittedBy: submission.submittedBy };
  let result: SubmissionResult;
  let events: LedgerEvent[];
  switch (command.kind) {
    case 'study-session': {
      const late = lateFor('study-session', unit, ctx);
      unit.studySession = { ...command.report, reportedAt, late };
      result = { kind: command.kind, unitCode: unit.code, late };
      events = [{ type: 'study-session.reported', unitCode: unit.code, payload: { ...command.report, late, ...audit } }];
      break;
    }
    case 'dialogue': {
      const late = lateFor('dialogue', unit, ctx);
      unit.dialogues.push({ ...command.report, reportedAt, late });
      const conference = unit.dialogues.length;
      result = { kind: command.kind, unitCode: unit.code, id: `D${conference}`, late };
      events = [{ type: 'dialogue.reported', unitCode: unit.code, payload: { ...command.report, conference, late, ...audit } }];
      break;
    }
    case 'activity': {
      const activities = (unit.activities ??= {});
      const id = `A${Object.values(activities).reduce((sum, t) => sum + t.reports, 0) + 1}`;
      const totals = (activities[command.report.activity] ??= { reports: 0, measures: {} });
      totals.reports += 1;
      for (const [measure, value] of Object.entries(command.report.measures)) {
        if (value !== undefined) totals.measures[measure] = (totals.measures[measure] ?? 0) + value;
      }
      const late = lateFor(command.report.activity, unit, ctx);
      if (late) totals.lateCount = (totals.lateCount ?? 0) + (command.report.measures.count ?? 0);
      result = { kind: command.kind, unitCode: unit.code, id, late };
      events = [{ type: 'activity.reported', unitCode: unit.code, payload: { reportId: id, ...command.report, late, ...audit } }];
      break;
    }
    case 'petition': {
      const id = `P${unit.petitions.length + 1}`;
      unit.petitions.push({ id, ...command.report, status: 'open' });
      result = { kind: command.kind, unitCode: unit.code, id, status: 'open' };
      events = [{ type: 'petition.recorded', unitCode: unit.code, payload: { petitionId: id, ...command.report, ...audit } }];
      break;
    }
    case 'petition-resolution': {
      const petition = unit.petitions.find((p) => p.id === command.petitionId);
      if (!petition) throw new Error(`applySubmission: unchecked petition ${command.petitionId}`);
      Object.assign(petition, { status: 'resolved', ...command.report });
      result = { kind: command.kind, unitCode: unit.code, id: petition.id, status: 'resolved' };
      events = [{ type: 'petition.resolved', unitCode: unit.code, payload: { petitionId: petition.id, kind: petition.kind, ...command.report, ...audit } }];
      break;
    }
    case 'model-registration': {
      const id = `M${unit.models.length + 1}`;
      unit.models.push({ id, ...command.report, stage: 'registered' });
      result = { kind: command.kind, unitCode: unit.code, id, stage: 'registered' };
      events = [{ type: 'model.registered', unitCode: unit.code, payload: { modelId: id, ...command.report, ...audit } }];
      break;
    }
    case 'model-assessment':
    case 'model-commendation': {
      const model = unit.models.find((m) => m.id === command.modelId);
      if (!model) throw new Error(`applySubmission: unchecked model ${command.modelId}`);
      const { action, ...details } = command.report;
      const from = model.stage;
      model.stage = MODEL_STEPS[action].to;
      const placed: Record<string, unknown> = { level: unit.kind, ...(model.origin ? { origin: model.origin } : {}) };
      if (command.report.action === 'assess') model.score = command.report.score;
      if (command.report.action === 'commend') {
        const { form, awardedBy } = command.report;
        model.award = { form, ...(awardedBy === undefined ? {} : { awardedBy }) };
      }
      if (command.report.action === 'propose-upward') {
        if (unit.parent) placed.proposedTo = unit.parent;
        // A chi bộ's council above is its commune's, in this same ledger; a workflow's own unit proposes through its report up.
        const above = unit.parent === undefined ? undefined : ledger.units[unit.parent];
        if (above) receiveProposals(ledger, above.code, [proposalOf(unit.code, model)]);
      }
      result = { kind: command.kind, unitCode: unit.code, id: model.id, stage: model.stage };
      events = [
        {
          type: `model.${model.stage}` as LedgerEventType,
          unitCode: unit.code,
          payload: { modelId: model.id, field: model.field, from, to: model.stage, ...details, ...placed, ...audit },
        },
      ];
      break;
    }
    case 'commendation': {
      const awards = (unit.awards ??= []);
      const id = `K${awards.length + 1}`;
      awards.push({ id, ...command.report });
      result = { kind: command.kind, unitCode: unit.code, id };
      events = [{ type: 'honour.awarded', unitCode: unit.code, payload: { awardId: id, ...command.report, level: unit.kind, ...audit } }];
      break;
    }
  }
  ledger.processed[submission.idempotencyKey] = { fingerprint: fingerprint(command), result };
  return { result, events };
}

/** Whether a unit has done what an obligation asks, and whether only late: the one rule of compliance for every obligation. */
function compliance(unit: LedgerUnit, obligation: PlanObligation): { done: boolean; late: boolean } {
  switch (obligation.activity) {
    case 'study-session':
      return { done: unit.studySession !== undefined, late: unit.studySession?.late ?? false };
    case 'dialogue':
      return { done: unit.dialogues.length > 0, late: unit.dialogues[0]?.late ?? false };
    default: {
      const totals = unit.activities?.[obligation.activity];
      const count = totals?.measures.count ?? 0;
      const done = count >= obligation.target;
      return { done, late: done && count - (totals?.lateCount ?? 0) < obligation.target };
    }
  }
}

/** Units of this ledger that owe `obligation` and have not yet done it. */
export function nonCompliant(ledger: Ledger, obligation: PlanObligation): string[] {
  const codes: string[] = [];
  for (const unit of Object.values(ledger.units)) {
    if (obligation.owedBy.includes(unit.kind) && !compliance(unit, obligation).done) codes.push(unit.code);
  }
  return codes;
}

export function isOverdue(ctx: Pick<LedgerContext, 'now' | 'deadlines'>, obligation: Pick<PlanObligation, 'deadline'>): boolean {
  const date = ctx.deadlines[obligation.deadline];
  return date !== undefined && isLate(ctx.now, date);
}

type Tally = { required: number; done: number; late: number; overdue: number };

/**
 * This ledger's own figures (children's are added by the workflow that owns it). Study sessions and dialogues keep
 * their own figures; an obligation to report a catalogue activity is tallied under `obligations` by its activity.
 */
export function ledgerProgress(ledger: Ledger, ctx: ComplianceContext): Progress {
  const progress = emptyProgress();
  const tallies: Array<[PlanObligation, Tally, boolean]> = ctx.obligations.map((o) => {
    let tally: Tally;
    if (o.activity === 'study-session') tally = progress.studySessions;
    else if (o.activity === 'dialogue') tally = progress.dialogues;
    else tally = (progress.obligations ??= {})[o.activity] ??= { required: 0, done: 0, late: 0, overdue: 0 };
    return [o, tally, isOverdue(ctx, o)];
  });
  for (const unit of Object.values(ledger.units)) {
    for (const [obligation, tally, overdue] of tallies) {
      if (!obligation.owedBy.includes(unit.kind)) continue;
      tally.required += 1;
      const { done, late } = compliance(unit, obligation);
      if (done) {
        tally.done += 1;
        if (late) tally.late += 1;
      } else if (overdue) tally.overdue += 1;
    }
    if (unit.studySession) {
      progress.studySessions.membersPresent += unit.studySession.membersPresent;
      progress.studySessions.membersTotal += unit.studySession.membersTotal;
    }
    for (const dialogue of unit.dialogues) {
      progress.dialogues.conferences += 1;
      progress.dialogues.attendance += dialogue.attendance;
      if (dialogue.late) progress.dialogues.lateConferences += 1;
    }
    for (const petition of unit.petitions) {
      progress.petitions[petition.kind].recorded += 1;
      if (petition.status === 'resolved') progress.petitions[petition.kind].resolved += 1;
    }
    addActivities(progress, unit.activities);
    addHonoursOf(progress, unit);
  }
  return progress;
}

/**
 * A unit's models and honours into its figures. A model proposed from below is counted where it was registered, so
 * the council above adds only what it decided: the recognition, the commendation, or that it awaits a decision.
 */
function addHonoursOf(progress: Progress, unit: LedgerUnit): void {
  const honours = () => (progress.honours ??= emptyHonours());
  for (const model of unit.models) {
    if (!model.origin) progress.models[model.field][model.stage] += 1;
    if (isRecognized(model.stage)) countRecognition(honours(), unit.kind);
    if (model.award && isHonourForm(model.award.form)) countCommendation(honours(), model.award.form, unit.kind, 'model');
    if (model.origin && model.stage === 'assessed') honours().awaitingDecision += 1;
  }
  for (const award of unit.awards ?? []) countCommendation(honours(), award.form, unit.kind, award.recipient.kind);
}

function proposalOf(unitCode: string, model: ModelRecord): UpwardProposal {
  return {
    origin: { unitCode, modelId: model.id },
    name: model.name,
    field: model.field,
    registeredOn: model.registeredOn,
    ...(model.score === undefined ? {} : { score: model.score }),
  };
}

/** Petitions the ledger holds that are not resolved yet: a closed campaign still takes their resolution. */
export function openPetitions(ledger: Ledger): number {
  return Object.values(ledger.units).reduce((sum, unit) => sum + unit.petitions.filter((p) => p.status === 'open').length, 0);
}

/** The models `unitCode` proposed to the council one level up: what its workflow's report carries to the parent's. */
export function upwardProposals(ledger: Ledger, unitCode: string): UpwardProposal[] {
  const unit = ledger.units[unitCode];
  return (unit?.models ?? []).filter((m) => m.stage === 'proposed-upward').map((m) => proposalOf(unitCode, m));
}

/**
 * Puts proposals from below in the queue of `unitCode`'s council, each once (reports up repeat them), as assessed
 * models of its own numbering that remember their origin. Returns whether any was new.
 */
export function receiveProposals(ledger: Ledger, unitCode: string, proposals: readonly UpwardProposal[]): boolean {
  const unit = ledger.units[unitCode];
  if (!unit) return false;
  let added = false;
  for (const p of proposals) {
    const known = unit.models.some((m) => m.origin?.unitCode === p.origin.unitCode && m.origin.modelId === p.origin.modelId);
    if (known) continue;
    unit.models.push({
      id: `M${unit.models.length + 1}`,
      name: p.name,
      field: p.field,
      registeredOn: p.registeredOn,
      stage: 'assessed',
      ...(p.score === undefined ? {} : { score: p.score }),
      origin: p.origin,
    });
    added = true;
  }
  return added;
}

/** Overdue units of this ledger: owing an obligation past its deadline, named by the activity they owe. */
export function overdueUnits(ledger: Ledger, ctx: ComplianceContext): Array<{ code: string; obligation: string }> {
  const result: Array<{ code: string; obligation: string }> = [];
  for (const obligation of ctx.obligations) {
    if (!isOverdue(ctx, obligation)) continue;
    for (const code of nonCompliant(ledger, obligation)) result.push({ code, obligation: obligation.activity });
  }
  return result;
}
