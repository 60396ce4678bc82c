import { actionPhaseProblem, type Phase, type UnitAction } from './campaign';
import { fingerprint, updateIdOf } from './fingerprint';
import { reject, type Rejection } from './rejection';
import { MODEL_STEPS, modelStepProblem, type ModelField, type ModelStage, type ModelStep } from './models';
import { emptyProgress } from './progress';
import { membersProblem, type PetitionKind, type PetitionStatus } from './reports';
import { formatVietnameseDate, isLate, vietnamDateOf, type Deadline, type Deadlines } from './schedule';
import type { Plan, Progress, ReportCommand, ReportKind, Submission } from './schemas';
import { obligationsOf, type Obligation, type Unit, type UnitKind } from './units';

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
}

export interface Ledger {
  units: Record<string, LedgerUnit>;
  /** Idempotency keys already applied, with what they answered, so a retry gets the first answer and no second effect. */
  processed: Record<string, { fingerprint: string; result: SubmissionResult }>;
}

export interface LedgerContext {
  now: Date;
  phase: Phase;
  plan: Pick<Plan, 'window' | 'year' | 'issuedOn'>;
  deadlines: Deadlines;
}

/** A domain event the ledger asks its workflow to emit, for the unit it concerns. */
export interface LedgerEvent {
  type: LedgerEventType;
  unitCode: string;
  payload: Record<string, unknown>;
}

export type LedgerEventType =
  | 'study-session.reported'
  | 'dialogue.reported'
  | 'petition.recorded'
  | 'petition.resolved'
  | 'model.registered'
  | 'model.assessed'
  | 'model.recognized'
  | 'model.rejected'
  | 'model.commended'
  | 'model.proposed-upward';

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

const DEADLINE_OF: Record<Obligation, Deadline> = { 'study-session': 'study-sessions', dialogue: 'dialogues' };

const ACTION_OF: Record<ReportKind, UnitAction | undefined> = {
  'study-session': 'study-session',
  dialogue: 'dialogue',
  petition: 'petition',
  'petition-resolution': 'petition-resolution',
  'model-registration': 'model-registration',
  // Model steps take their phase rule from the step (domain/models.ts).
  'model-assessment': undefined,
  'model-commendation': undefined,
};

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

/** The units a ledger tracks and what each owes: the payload of `unit.deployed`, so consumers know what is required. */
export function deployedUnits(ledger: Ledger) {
  return Object.values(ledger.units).map((u) => ({
    code: u.code,
    name: u.name,
    kind: u.kind,
    ...(u.parent ? { parent: u.parent } : {}),
    obligations: obligationsOf(u),
  }));
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
      const obligation: Obligation = command.kind;
      if (!obligationsOf(unit).includes(obligation)) {
        const who = obligation === 'study-session' ? 'chi bộ (party cells)' : 'communes';
        return reject(
          'invalid',
          `unit ${unit.code} is a ${unit.kind}; ${obligation} reports come from ${who}`,
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
    case 'petition': {
      const { receivedOn } = command.report;
      if (receivedOn < ctx.plan.issuedOn) {
        return reject(
          'invalid',
          `receivedOn ${receivedOn} is before the plan was issued (${ctx.plan.issuedOn})`,
          `Ngày tiếp nhận trước ngày ban hành kế hoạch`,
          'report.receivedOn',
          receivedOn,
        );
      }
      return dateNotInFuture('receivedOn', receivedOn, ctx);
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
      const phaseProblem = actionPhaseProblem(MODEL_STEPS[step].action, ctx.phase);
      if (phaseProblem) return reject('wrong-phase', phaseProblem, 'Chưa đến hoặc đã hết giai đoạn thẩm định, khen thưởng');
      const stepProblem = modelStepProblem(step, model.stage);
      if (stepProblem) return reject('conflict', stepProblem, 'Mô hình chưa ở bước phù hợp', 'report.action', step);
      return undefined;
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
      const late = isLate(ctx.now, ctx.deadlines['study-sessions']);
      unit.studySession = { ...command.report, reportedAt, late };
      result = { kind: command.kind, unitCode: unit.code, late };
      events = [{ type: 'study-session.reported', unitCode: unit.code, payload: { ...command.report, late, ...audit } }];
      break;
    }
    case 'dialogue': {
      const late = isLate(ctx.now, ctx.deadlines.dialogues);
      unit.dialogues.push({ ...command.report, reportedAt, late });
      const conference = unit.dialogues.length;
      result = { kind: command.kind, unitCode: unit.code, id: `D${conference}`, late };
      events = [{ type: 'dialogue.reported', unitCode: unit.code, payload: { ...command.report, conference, late, ...audit } }];
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
      if (command.report.action === 'assess') model.score = command.report.score;
      result = { kind: command.kind, unitCode: unit.code, id: model.id, stage: model.stage };
      events = [
        {
          type: `model.${model.stage}` as LedgerEventType,
          unitCode: unit.code,
          payload: { modelId: model.id, field: model.field, from, to: model.stage, ...details, ...audit },
        },
      ];
      break;
    }
  }
  ledger.processed[submission.idempotencyKey] = { fingerprint: fingerprint(command), result };
  return { result, events };
}

/** Units of this ledger that owe `obligation` and have not reported it. */
export function nonCompliant(ledger: Ledger, obligation: Obligation): string[] {
  const codes: string[] = [];
  for (const unit of Object.values(ledger.units)) {
    if (!obligationsOf(unit).includes(obligation)) continue;
    const done = obligation === 'study-session' ? unit.studySession !== undefined : unit.dialogues.length > 0;
    if (!done) codes.push(unit.code);
  }
  return codes;
}

export function obligationOfDeadline(deadline: Deadline): Obligation | undefined {
  return (Object.keys(DEADLINE_OF) as Obligation[]).find((o) => DEADLINE_OF[o] === deadline);
}

export function isOverdue(ctx: Pick<LedgerContext, 'now' | 'deadlines'>, obligation: Obligation): boolean {
  return isLate(ctx.now, ctx.deadlines[DEADLINE_OF[obligation]]);
}

/** This ledger's own figures (children's are added by the workflow that owns it). */
export function ledgerProgress(ledger: Ledger, ctx: Pick<LedgerContext, 'now' | 'deadlines'>): Progress {
  const progress = emptyProgress();
  const studyOverdue = isOverdue(ctx, 'study-session');
  const dialogueOverdue = isOverdue(ctx, 'dialogue');
  for (const unit of Object.values(ledger.units)) {
    const obligations = obligationsOf(unit);
    if (obligations.includes('study-session')) {
      const s = progress.studySessions;
      s.required += 1;
      if (unit.studySession) {
        s.done += 1;
        if (unit.studySession.late) s.late += 1;
        s.membersPresent += unit.studySession.membersPresent;
        s.membersTotal += unit.studySession.membersTotal;
      } else if (studyOverdue) s.overdue += 1;
    }
    if (obligations.includes('dialogue')) {
      const d = progress.dialogues;
      d.required += 1;
      if (unit.dialogues.length > 0) {
        d.done += 1;
        if (unit.dialogues[0]?.late) d.late += 1;
      } else if (dialogueOverdue) d.overdue += 1;
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
    for (const model of unit.models) progress.models[model.field][model.stage] += 1;
  }
  return progress;
}

/** Overdue units of this ledger: owing an obligation past its deadline. */
export function overdueUnits(ledger: Ledger, ctx: Pick<LedgerContext, 'now' | 'deadlines'>): Array<{ code: string; obligation: Obligation }> {
  const result: Array<{ code: string; obligation: Obligation }> = [];
  for (const obligation of ['study-session', 'dialogue'] as const) {
    if (!isOverdue(ctx, obligation)) continue;
    for (const code of nonCompliant(ledger, obligation)) result.push({ code, obligation });
  }
  return result;
}
