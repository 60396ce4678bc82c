import { planSchema, submissionSchema } from '../../domain/schemas';
import type { Phase } from '../../domain/campaign';
import {
  applySubmission,
  checkSubmission,
  createLedger,
  ledgerProgress,
  nonCompliant,
  overdueUnits,
  receiveProposals,
  submissionUpdateId,
  upwardProposals,
  type ComplianceContext,
  type Ledger,
  type LedgerContext,
  type LedgerEvent,
  type Rejection,
  type ReportCommand,
  type Submission,
  type SubmissionResult,
} from '../../domain/ledger';
import { DEFAULT_OBLIGATIONS, planObligations, type PlanObligation } from '../../domain/obligations';
import { emptyProgress } from '../../domain/progress';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { UnitIndex } from '../../domain/units';
import { plan202 } from '../fixtures/plans';

const plan = planSchema.parse(plan202());
const tree = bacGiangTree();
const idx = new UnitIndex(tree);
const COMMUNE = 'BG-HH-BACLY';
const CELLS = idx.children(COMMUNE).map((u) => u.code);
const [CB01, CB02, CB03] = CELLS as [string, string, string];

/** Xã Bắc Lý and its chi bộ, as the commune's workflow owns them. */
function bacLyLedger(): Ledger {
  const commune = idx.get(COMMUNE)!;
  return createLedger([commune, ...idx.children(commune.code)]);
}

function ctx(now: string, phase: Phase = 'in-progress'): LedgerContext & ComplianceContext {
  return { now: new Date(now), phase, plan, deadlines: plan.deadlines, obligations: planObligations(plan) };
}
const [STUDY, DIALOGUE] = DEFAULT_OBLIGATIONS as [PlanObligation, PlanObligation];

/** 20/10/2024, 10:00 in Vietnam: mid-campaign. */
const OCT20 = ctx('2024-10-20T03:00:00Z');
/** 02/11/2024: after the 31/10 deadlines, reports still accepted (assessment phase). */
const NOV02 = ctx('2024-11-02T02:00:00Z', 'assessment');

let keys = 0;
function submission(command: ReportCommand, idempotencyKey = `bacly-${String(++keys).padStart(4, '0')}`): Submission {
  return { idempotencyKey, submittedBy: 'can-bo.bacly@bacgiang.dcs.vn', command };
}

type Outcome = { result: SubmissionResult; events: LedgerEvent[] } | { duplicate: SubmissionResult } | { rejection: Rejection };

/** What the workflow does with a submission: check it, and apply it only if nothing is wrong. */
function submit(ledger: Ledger, context: LedgerContext, sub: Submission): Outcome {
  const checked = checkSubmission(ledger, context, sub);
  return checked ?? applySubmission(ledger, context, sub);
}

function accepted(ledger: Ledger, context: LedgerContext, command: ReportCommand, key?: string): SubmissionResult {
  const outcome = submit(ledger, context, submission(command, key));
  if (!('result' in outcome)) throw new Error(`expected acceptance, got ${JSON.stringify(outcome)}`);
  return outcome.result;
}

function refused(ledger: Ledger, context: LedgerContext, command: ReportCommand, key?: string): Rejection {
  const before = JSON.stringify(ledger);
  const outcome = checkSubmission(ledger, context, submission(command, key));
  if (!outcome || !('rejection' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome)}`);
  expect(JSON.stringify(ledger)).toBe(before);
  return outcome.rejection;
}

const study = (unitCode: string, heldOn = '2024-10-15', membersPresent = 28, membersTotal = 30): ReportCommand => ({
  kind: 'study-session',
  unitCode,
  report: { heldOn, membersPresent, membersTotal },
});
const dialogue = (heldOn = '2024-10-19', attendance = 152, topic = 'Môi trường, đất đai và tài nguyên'): ReportCommand => ({
  kind: 'dialogue',
  unitCode: COMMUNE,
  report: { heldOn, topic, attendance },
});
const petition = (kind: 'kien-nghi' | 'khieu-nai' | 'to-cao', receivedOn = '2024-10-19', unitCode = COMMUNE): ReportCommand => ({
  kind: 'petition',
  unitCode,
  report: { kind, content: 'Đề nghị sửa chữa đường giao thông liên thôn', receivedOn },
});
const resolution = (petitionId: string, resolvedOn = '2024-10-20', unitCode = COMMUNE): ReportCommand => ({
  kind: 'petition-resolution',
  unitCode,
  petitionId,
  report: { resolvedOn, outcome: 'UBND xã đã bố trí kinh phí sửa chữa' },
});
const registration = (
  field: 'economy' | 'culture-society' | 'defence-security' | 'political-system' = 'economy',
  registeredOn = '2024-03-15',
  unitCode = COMMUNE,
): ReportCommand => ({
  kind: 'model-registration',
  unitCode,
  report: { name: 'Mô hình "Dân vận khéo" phát triển kinh tế vườn đồi', field, registeredOn },
});
const assess = (modelId: string, score = 86): ReportCommand => ({
  kind: 'model-assessment',
  unitCode: COMMUNE,
  modelId,
  report: { action: 'assess', score, remarks: 'Hiệu quả, có khả năng nhân rộng' },
});
const recognize = (modelId: string): ReportCommand => ({
  kind: 'model-assessment',
  unitCode: COMMUNE,
  modelId,
  report: { action: 'recognize', remarks: 'Công nhận mô hình "Dân vận khéo" năm 2024' },
});
const rejectModel = (modelId: string): ReportCommand => ({
  kind: 'model-assessment',
  unitCode: COMMUNE,
  modelId,
  report: { action: 'reject', reason: 'Chưa có kết quả cụ thể' },
});
const commend = (modelId: string): ReportCommand => ({
  kind: 'model-commendation',
  unitCode: COMMUNE,
  modelId,
  report: { action: 'commend', form: 'giay-khen', awardedBy: 'Ban Thường vụ Huyện ủy' },
});
const proposeUpward = (modelId: string): ReportCommand => ({
  kind: 'model-commendation',
  unitCode: COMMUNE,
  modelId,
  report: { action: 'propose-upward', remarks: 'Đề nghị Ban Dân vận Tỉnh ủy công nhận' },
});

describe('the ledger of Xã Bắc Lý', () => {
  it('holds the commune and its chi bộ, nothing reported yet', () => {
    const ledger = bacLyLedger();
    expect(Object.keys(ledger.units)).toEqual([COMMUNE, ...CELLS]);
    expect(CELLS.length).toBeGreaterThanOrEqual(6);
    expect(ledger.units[COMMUNE]).toEqual({ code: COMMUNE, name: 'Xã Bắc Lý', kind: 'commune', parent: 'BG-HH', dialogues: [], petitions: [], models: [] });
    expect(ledger.units[CB01]).toMatchObject({ kind: 'party-cell', parent: COMMUNE });
    expect(ledger.processed).toEqual({});
  });
});

describe('study sessions (sinh hoạt chuyên đề)', () => {
  it('a chi bộ study session on 15/10 reported on 20/10 is accepted, applied and on time', () => {
    const ledger = bacLyLedger();
    const outcome = submit(ledger, OCT20, submission(study(CB01)));
    expect(outcome).toEqual({
      result: { kind: 'study-session', unitCode: CB01, late: false },
      events: [
        {
          type: 'study-session.reported',
          unitCode: CB01,
          payload: { heldOn: '2024-10-15', membersPresent: 28, membersTotal: 30, late: false, submittedBy: 'can-bo.bacly@bacgiang.dcs.vn' },
        },
      ],
    });
    expect(ledger.units[CB01]?.studySession).toEqual({
      heldOn: '2024-10-15',
      membersPresent: 28,
      membersTotal: 30,
      reportedAt: '2024-10-20T03:00:00.000Z',
      late: false,
    });
  });

  it('reported on 02/11, after the 31/10 deadline, it is late', () => {
    const ledger = bacLyLedger();
    expect(accepted(ledger, NOV02, study(CB01))).toEqual({ kind: 'study-session', unitCode: CB01, late: true });
    expect(ledger.units[CB01]?.studySession?.late).toBe(true);
  });

  it('reported at 31/10 23:59:59.999 Vietnam time it is on time; at 01/11 00:00 it is late', () => {
    const ledger = bacLyLedger();
    expect(accepted(ledger, ctx('2024-10-31T16:59:59.999Z'), study(CB01)).late).toBe(false);
    expect(accepted(ledger, ctx('2024-10-31T17:00:00.000Z'), study(CB02)).late).toBe(true);
  });

  it('lateness follows the plan deadline, not the window: an extended deadline makes a November report on time', () => {
    const ledger = bacLyLedger();
    const extended = { ...NOV02, deadlines: { ...plan.deadlines, 'study-sessions': '2024-11-10' } };
    expect(accepted(ledger, extended, study(CB01)).late).toBe(false);
  });

  it('40 present of 30 members is refused by the schema, naming membersPresent', () => {
    const result = submissionSchema.safeParse(submission(study(CB01, '2024-10-15', 40, 30)));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['command', 'report', 'membersPresent']]);
    expect(submissionSchema.safeParse(submission(study(CB01, '2024-10-15', 30, 30))).success).toBe(true);
  });

  it('40 present of 30 members is refused by the ledger too, for callers that reach the workflow without the schema', () => {
    const rejection = refused(bacLyLedger(), OCT20, study(CB01, '2024-10-15', 40, 30));
    expect(rejection).toMatchObject({ code: 'invalid', field: 'report.membersPresent', value: 40 });
    expect(rejection.message).toContain('more members present than the chi bộ has');
  });

  it('a study session for the commune is refused: study sessions come from chi bộ', () => {
    const rejection = refused(bacLyLedger(), OCT20, study(COMMUNE));
    expect(rejection).toMatchObject({ code: 'invalid', field: 'unitCode', value: COMMUNE });
    expect(rejection.message).toContain('chi bộ');
    expect(rejection.vi).toContain('Xã Bắc Lý');
  });

  it('a second study session for the same chi bộ is a conflict, and the first stays', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, study(CB01));
    const rejection = refused(ledger, OCT20, study(CB01, '2024-10-18', 29, 30));
    expect(rejection).toMatchObject({ code: 'conflict', field: 'unitCode', value: CB01 });
    expect(rejection.vi).toContain('15/10/2024');
    expect(ledger.units[CB01]?.studySession?.heldOn).toBe('2024-10-15');
  });

  it('a unit outside this ledger is not found, even one of another commune in the same tree', () => {
    expect(refused(bacLyLedger(), OCT20, study('BG-HH-CHAUMINH-CB01'))).toMatchObject({ code: 'not-found', field: 'unitCode', value: 'BG-HH-CHAUMINH-CB01' });
    expect(refused(bacLyLedger(), OCT20, study('BG-HH-BACLY-CB99'))).toMatchObject({ code: 'not-found' });
  });

  it('a session held before the window opens (30/9) is refused; one on 01/10 is accepted', () => {
    const ledger = bacLyLedger();
    const rejection = refused(ledger, OCT20, study(CB01, '2024-09-30'));
    expect(rejection).toMatchObject({ code: 'invalid', field: 'report.heldOn', value: '2024-09-30' });
    expect(rejection.vi).toContain('30/9/2024');
    expect(rejection.vi).toContain('01/10/2024');
    expect(accepted(ledger, OCT20, study(CB01, '2024-10-01')).late).toBe(false);
  });

  it('a session held in the future (in Vietnam time) is refused', () => {
    const rejection = refused(bacLyLedger(), OCT20, study(CB01, '2024-10-21'));
    expect(rejection).toMatchObject({ code: 'invalid', field: 'report.heldOn', value: '2024-10-21' });
    expect(rejection.message).toContain('today is 2024-10-20');
  });

  it('"today" is the Vietnam date: at 00:30 on 21/10 in Vietnam (17:30 UTC on 20/10) a session held on 21/10 is accepted', () => {
    expect(accepted(bacLyLedger(), ctx('2024-10-20T17:30:00Z'), study(CB01, '2024-10-21')).late).toBe(false);
  });

  it('a study session while the campaign is only deployed is refused with wrong-phase', () => {
    const ledger = bacLyLedger();
    expect(refused(ledger, ctx('2024-09-20T03:00:00Z', 'deployed'), study(CB01, '2024-09-20'))).toMatchObject({ code: 'wrong-phase' });
    expect(refused(ledger, ctx('2024-12-20T03:00:00Z', 'closed'), study(CB01))).toMatchObject({ code: 'wrong-phase' });
  });
});

describe('dialogue conferences (hội nghị đối thoại)', () => {
  it('a commune may hold several; attendance adds up and the commune counts once for compliance', () => {
    const ledger = bacLyLedger();
    expect(accepted(ledger, OCT20, dialogue('2024-10-12', 152))).toEqual({ kind: 'dialogue', unitCode: COMMUNE, id: 'D1', late: false });
    expect(accepted(ledger, OCT20, dialogue('2024-10-19', 87, 'Giải phóng mặt bằng'))).toEqual({ kind: 'dialogue', unitCode: COMMUNE, id: 'D2', late: false });
    const progress = ledgerProgress(ledger, OCT20);
    expect(progress.dialogues).toEqual({ required: 1, done: 1, late: 0, overdue: 0, conferences: 2, attendance: 239, lateConferences: 0 });
    expect(nonCompliant(ledger, DIALOGUE)).toEqual([]);
  });

  it('a dialogue reported by a chi bộ is refused: dialogues come from the leaders of a commune, a district or the province', () => {
    expect(refused(bacLyLedger(), OCT20, { ...dialogue(), unitCode: CB01 })).toMatchObject({
      code: 'invalid',
      field: 'unitCode',
      value: CB01,
      message: expect.stringContaining('dialogue reports come from province, district, commune'),
    });
  });

  it("a district's leaders hold dialogues too (seed 000): counted as conferences, while only communes owe one", () => {
    const district = idx.get('BG-HH')!;
    const ledger = createLedger([district]);
    expect(accepted(ledger, OCT20, { ...dialogue('2024-10-18', 320, 'Chuyển đổi số, thủ tục hành chính'), unitCode: district.code })).toEqual({
      kind: 'dialogue',
      unitCode: district.code,
      id: 'D1',
      late: false,
    });
    expect(ledgerProgress(ledger, OCT20).dialogues).toEqual({ required: 0, done: 0, late: 0, overdue: 0, conferences: 1, attendance: 320, lateConferences: 0 });
  });

  it('a dialogue held before the window or in the future is refused', () => {
    expect(refused(bacLyLedger(), OCT20, dialogue('2024-09-28'))).toMatchObject({ code: 'invalid', field: 'report.heldOn' });
    expect(refused(bacLyLedger(), OCT20, dialogue('2024-10-25'))).toMatchObject({ code: 'invalid', field: 'report.heldOn' });
  });

  it('the event numbers the conference', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, dialogue('2024-10-12'));
    const outcome = submit(ledger, NOV02, submission(dialogue('2024-10-30', 64)));
    expect(outcome).toMatchObject({
      result: { id: 'D2', late: true },
      events: [{ type: 'dialogue.reported', unitCode: COMMUNE, payload: { conference: 2, late: true, attendance: 64 } }],
    });
  });
});

describe('catalogue activities (hoạt động theo danh mục)', () => {
  const activity = (report: Partial<Extract<ReportCommand, { kind: 'activity' }>['report']> = {}, unitCode = COMMUNE): ReportCommand => ({
    kind: 'activity',
    unitCode,
    report: { activity: 'information-conference', heldOn: '2024-10-12', measures: { count: 2, attendance: 215 }, ...report },
  });

  it('reports of one kind add up per measure and count their reports; ids run A1, A2 across kinds', () => {
    const ledger = bacLyLedger();
    expect(accepted(ledger, OCT20, activity())).toEqual({ kind: 'activity', unitCode: COMMUNE, id: 'A1', late: false });
    expect(accepted(ledger, OCT20, activity({ heldOn: '2024-10-18', measures: { count: 1, attendance: 96 } }))).toMatchObject({ id: 'A2' });
    expect(
      accepted(ledger, OCT20, activity({ activity: 'inspection-supervision', measures: { count: 2, partyOrganisations: 3, partyMembers: 0 } })),
    ).toMatchObject({ id: 'A3' });
    expect(ledger.units[COMMUNE]?.activities).toEqual({
      'information-conference': { reports: 2, measures: { count: 3, attendance: 311 } },
      'inspection-supervision': { reports: 1, measures: { count: 2, partyOrganisations: 3, partyMembers: 0 } },
    });
    expect(ledgerProgress(ledger, OCT20).activities).toEqual(ledger.units[COMMUNE]?.activities);
  });

  it('the event carries the report as sent, with its id and who sent it', () => {
    const outcome = submit(bacLyLedger(), OCT20, submission(activity({ note: 'Thông tin về Luật Đất đai 2024' })));
    expect(outcome).toMatchObject({
      events: [
        {
          type: 'activity.reported',
          unitCode: COMMUNE,
          payload: {
            reportId: 'A1',
            activity: 'information-conference',
            heldOn: '2024-10-12',
            measures: { count: 2, attendance: 215 },
            note: 'Thông tin về Luật Đất đai 2024',
            late: false,
            submittedBy: 'can-bo.bacly@bacgiang.dcs.vn',
          },
        },
      ],
    });
  });

  it('a unit kind the catalogue does not name is refused: chi bộ do not issue documents, but may hold a support drive', () => {
    expect(refused(bacLyLedger(), OCT20, activity({ activity: 'documents-issued', measures: { count: 1 } }, CB01))).toMatchObject({
      code: 'invalid',
      field: 'unitCode',
      value: CB01,
    });
    expect(
      accepted(bacLyLedger(), OCT20, activity({ activity: 'support-drive', measures: { count: 1, houses: 1, amountVnd: 60_000_000 } }, CB01)),
    ).toMatchObject({ id: 'A1' });
  });

  it('every measure of the kind is needed, no other is taken, and at least one was held', () => {
    const ledger = bacLyLedger();
    expect(refused(ledger, OCT20, activity({ measures: { count: 2 } }))).toMatchObject({ field: 'report.measures.attendance' });
    expect(refused(ledger, OCT20, activity({ measures: { count: 2, attendance: 20, houses: 1 } }))).toMatchObject({ field: 'report.measures.houses' });
    expect(refused(ledger, OCT20, activity({ measures: { count: 0, attendance: 20 } }))).toMatchObject({ field: 'report.measures.count', value: 0 });
    expect(refused(ledger, OCT20, activity({ measures: { count: 2.5, attendance: 20 } }))).toMatchObject({ field: 'report.measures.count' });
    expect(refused(ledger, OCT20, activity({ measures: { count: 2, attendance: 20_000_000 } }))).toMatchObject({ field: 'report.measures.attendance' });
    expect(refused(ledger, OCT20, activity({ activity: 'hoi-thao' as never }))).toMatchObject({ field: 'report.activity', value: 'hoi-thao' });
  });

  it('from the day the plan was issued (06/9/2024), before the window, but not earlier and not in the future', () => {
    const deployed = ctx('2024-09-10T03:00:00Z', 'deployed');
    expect(accepted(bacLyLedger(), deployed, activity({ activity: 'documents-issued', heldOn: '2024-09-06', measures: { count: 4 } }))).toMatchObject({
      id: 'A1',
    });
    expect(refused(bacLyLedger(), deployed, activity({ heldOn: '2024-09-05' }))).toMatchObject({ field: 'report.heldOn', value: '2024-09-05' });
    expect(refused(bacLyLedger(), OCT20, activity({ heldOn: '2024-10-21' }))).toMatchObject({ field: 'report.heldOn', value: '2024-10-21' });
  });

  it('no activity is taken once the campaign is closed, or before it is deployed', () => {
    expect(refused(bacLyLedger(), ctx('2024-12-20T03:00:00Z', 'closed'), activity())).toMatchObject({ code: 'wrong-phase' });
    expect(refused(bacLyLedger(), ctx('2024-09-07T03:00:00Z', 'issued'), activity({ heldOn: '2024-09-06' }))).toMatchObject({ code: 'wrong-phase' });
  });

  it('the schema refuses a measure the catalogue does not know, naming it', () => {
    const parsed = submissionSchema.safeParse(submission(activity({ measures: { count: 1, attendance: 5, cout: 1 } as never })));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['cout'], path: ['command', 'report', 'measures'] });
  });
});

describe('petitions (kiến nghị, khiếu nại, tố cáo)', () => {
  it('petitions get ids P1, P2 in order and start open', () => {
    const ledger = bacLyLedger();
    expect(accepted(ledger, OCT20, petition('kien-nghi'))).toEqual({ kind: 'petition', unitCode: COMMUNE, id: 'P1', status: 'open' });
    expect(accepted(ledger, OCT20, petition('khieu-nai'))).toEqual({ kind: 'petition', unitCode: COMMUNE, id: 'P2', status: 'open' });
    expect(ledger.units[COMMUNE]?.petitions.map((p) => [p.id, p.kind, p.status])).toEqual([
      ['P1', 'kien-nghi', 'open'],
      ['P2', 'khieu-nai', 'open'],
    ]);
  });

  it('petitions are accepted from the day the plan was issued (06/9/2024), even before the window, but not earlier', () => {
    const ledger = bacLyLedger();
    const deployed = ctx('2024-09-10T03:00:00Z', 'deployed');
    expect(accepted(ledger, deployed, petition('kien-nghi', '2024-09-06')).id).toBe('P1');
    expect(refused(ledger, deployed, petition('kien-nghi', '2024-09-05'))).toMatchObject({ code: 'invalid', field: 'report.receivedOn', value: '2024-09-05' });
    expect(refused(ledger, deployed, petition('kien-nghi', '2024-09-11'))).toMatchObject({ code: 'invalid', field: 'report.receivedOn' });
  });

  it('resolving a petition marks it resolved', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, petition('kien-nghi', '2024-10-05'));
    const outcome = submit(ledger, OCT20, submission(resolution('P1', '2024-10-18')));
    expect(outcome).toMatchObject({
      result: { kind: 'petition-resolution', unitCode: COMMUNE, id: 'P1', status: 'resolved' },
      events: [{ type: 'petition.resolved', payload: { petitionId: 'P1', kind: 'kien-nghi', resolvedOn: '2024-10-18' } }],
    });
    expect(ledger.units[COMMUNE]?.petitions[0]).toMatchObject({ id: 'P1', status: 'resolved', resolvedOn: '2024-10-18', receivedOn: '2024-10-05' });
  });

  it('resolving an unknown petition P9 is not-found', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, petition('kien-nghi'));
    expect(refused(ledger, OCT20, resolution('P9'))).toMatchObject({ code: 'not-found', field: 'petitionId', value: 'P9' });
  });

  it('petition ids belong to their unit: P1 of the commune is not P1 of a chi bộ', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, petition('kien-nghi'));
    expect(refused(ledger, OCT20, resolution('P1', '2024-10-20', CB01))).toMatchObject({ code: 'not-found', field: 'petitionId' });
  });

  it('resolving a petition twice is a conflict', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, petition('khieu-nai', '2024-10-05'));
    accepted(ledger, OCT20, resolution('P1', '2024-10-18'));
    const rejection = refused(ledger, OCT20, resolution('P1', '2024-10-19'));
    expect(rejection).toMatchObject({ code: 'conflict', field: 'petitionId', value: 'P1' });
    expect(rejection.vi).toContain('18/10/2024');
  });

  it('a resolution dated before the petition was received is invalid; on the same day it is fine', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, petition('to-cao', '2024-10-10'));
    expect(refused(ledger, OCT20, resolution('P1', '2024-10-09'))).toMatchObject({ code: 'invalid', field: 'report.resolvedOn', value: '2024-10-09' });
    expect(refused(ledger, OCT20, resolution('P1', '2024-10-21'))).toMatchObject({ code: 'invalid', field: 'report.resolvedOn' });
    expect(accepted(ledger, OCT20, resolution('P1', '2024-10-10')).status).toBe('resolved');
  });

  it('petitions are refused once the campaign is closed', () => {
    expect(refused(bacLyLedger(), ctx('2024-12-20T03:00:00Z', 'closed'), petition('kien-nghi'))).toMatchObject({ code: 'wrong-phase' });
  });
});

describe('"Dân vận khéo" models in the ledger', () => {
  it('registration gives ids M1, M2 and the registered stage', () => {
    const ledger = bacLyLedger();
    expect(accepted(ledger, OCT20, registration('economy'))).toEqual({ kind: 'model-registration', unitCode: COMMUNE, id: 'M1', stage: 'registered' });
    expect(accepted(ledger, OCT20, registration('culture-society', '2024-01-01', CB01))).toEqual({
      kind: 'model-registration',
      unitCode: CB01,
      id: 'M1',
      stage: 'registered',
    });
    expect(accepted(ledger, OCT20, registration('political-system'))).toMatchObject({ id: 'M2' });
  });

  it('a model registered before the plan year (31/12/2023) is refused', () => {
    const rejection = refused(bacLyLedger(), OCT20, registration('economy', '2023-12-31'));
    expect(rejection).toMatchObject({ code: 'invalid', field: 'report.registeredOn', value: '2023-12-31' });
    expect(rejection.vi).toContain('2024');
  });

  it('a model registered in the future is refused', () => {
    expect(refused(bacLyLedger(), OCT20, registration('economy', '2024-10-21'))).toMatchObject({ code: 'invalid', field: 'report.registeredOn' });
  });

  it('models are registered only while deployed or in progress', () => {
    expect(accepted(bacLyLedger(), ctx('2024-09-20T03:00:00Z', 'deployed'), registration('economy', '2024-09-20')).id).toBe('M1');
    expect(refused(bacLyLedger(), ctx('2024-11-05T03:00:00Z', 'assessment'), registration())).toMatchObject({ code: 'wrong-phase' });
  });

  it('the whole pipeline, each step in its phase: assessed 86 → recognized → commended → proposed upward', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, registration('economy'));
    const assessment = ctx('2024-11-05T03:00:00Z', 'assessment');
    const commendation = ctx('2024-11-20T03:00:00Z', 'commendation');
    const a = submit(ledger, assessment, submission(assess('M1', 86)));
    expect(a).toMatchObject({
      result: { kind: 'model-assessment', unitCode: COMMUNE, id: 'M1', stage: 'assessed' },
      events: [{ type: 'model.assessed', payload: { modelId: 'M1', field: 'economy', from: 'registered', to: 'assessed', score: 86 } }],
    });
    expect(ledger.units[COMMUNE]?.models[0]).toMatchObject({ stage: 'assessed', score: 86 });
    expect(submit(ledger, assessment, submission(recognize('M1')))).toMatchObject({ result: { stage: 'recognized' }, events: [{ type: 'model.recognized' }] });
    expect(submit(ledger, commendation, submission(commend('M1')))).toMatchObject({
      result: { kind: 'model-commendation', stage: 'commended' },
      events: [{ type: 'model.commended', payload: { from: 'recognized', form: 'giay-khen', awardedBy: 'Ban Thường vụ Huyện ủy' } }],
    });
    expect(submit(ledger, commendation, submission(proposeUpward('M1')))).toMatchObject({
      result: { stage: 'proposed-upward' },
      events: [{ type: 'model.proposed-upward' }],
    });
    expect(ledger.units[COMMUNE]?.models[0]?.stage).toBe('proposed-upward');
  });

  it('assessment steps outside the assessment phase are wrong-phase; commendation steps outside theirs too', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, registration());
    expect(refused(ledger, OCT20, assess('M1'))).toMatchObject({ code: 'wrong-phase' });
    accepted(ledger, ctx('2024-11-05T03:00:00Z', 'assessment'), assess('M1'));
    accepted(ledger, ctx('2024-11-05T03:00:00Z', 'assessment'), recognize('M1'));
    expect(refused(ledger, ctx('2024-11-06T03:00:00Z', 'assessment'), commend('M1'))).toMatchObject({ code: 'wrong-phase' });
    expect(refused(ledger, ctx('2024-11-20T03:00:00Z', 'commendation'), rejectModel('M1'))).toMatchObject({ code: 'wrong-phase' });
  });

  it('steps out of order are conflicts naming report.action', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, registration('economy'));
    accepted(ledger, OCT20, registration('defence-security'));
    const assessment = ctx('2024-11-05T03:00:00Z', 'assessment');
    const commendation = ctx('2024-11-20T03:00:00Z', 'commendation');
    expect(refused(ledger, assessment, recognize('M1'))).toMatchObject({ code: 'conflict', field: 'report.action', value: 'recognize' });
    accepted(ledger, assessment, assess('M1', 40));
    accepted(ledger, assessment, rejectModel('M1'));
    accepted(ledger, assessment, assess('M2', 90));
    accepted(ledger, assessment, recognize('M2'));
    expect(refused(ledger, commendation, commend('M1'))).toMatchObject({ code: 'conflict', field: 'report.action', value: 'commend' });
    expect(refused(ledger, commendation, proposeUpward('M2'))).toMatchObject({ code: 'conflict', field: 'report.action', value: 'propose-upward' });
  });

  it('an unknown model is not-found', () => {
    expect(refused(bacLyLedger(), ctx('2024-11-05T03:00:00Z', 'assessment'), assess('M9'))).toMatchObject({ code: 'not-found', field: 'modelId', value: 'M9' });
  });
});

describe('idempotency', () => {
  it('the same key with the same report answers the first result and has no second effect', () => {
    const ledger = bacLyLedger();
    const first = submit(ledger, OCT20, submission(study(CB01), 'bacly-cb01-2024'));
    if (!('result' in first)) throw new Error('expected acceptance');
    const progressBefore = ledgerProgress(ledger, OCT20);
    // Same content, properties in another order.
    const retry = submission(
      { report: { membersTotal: 30, heldOn: '2024-10-15', membersPresent: 28 }, unitCode: CB01, kind: 'study-session' } as ReportCommand,
      'bacly-cb01-2024',
    );
    expect(checkSubmission(ledger, ctx('2024-11-02T02:00:00Z'), retry)).toEqual({ duplicate: first.result });
    expect(ledgerProgress(ledger, OCT20)).toEqual(progressBefore);
  });

  it('a repeated petition under one key is recorded once, even after the phase moved on', () => {
    const ledger = bacLyLedger();
    const first = accepted(ledger, OCT20, petition('kien-nghi'), 'petition-bacly-01');
    expect(checkSubmission(ledger, NOV02, submission(petition('kien-nghi'), 'petition-bacly-01'))).toEqual({ duplicate: first });
    expect(checkSubmission(ledger, ctx('2024-12-20T03:00:00Z', 'closed'), submission(petition('kien-nghi'), 'petition-bacly-01'))).toEqual({
      duplicate: first,
    });
    expect(ledger.units[COMMUNE]?.petitions).toHaveLength(1);
  });

  it('the same key with another report is an idempotency-conflict', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, study(CB01), 'bacly-cb01-2024');
    expect(refused(ledger, OCT20, study(CB02), 'bacly-cb01-2024')).toMatchObject({
      code: 'idempotency-conflict',
      field: 'idempotencyKey',
      value: 'bacly-cb01-2024',
    });
    expect(refused(ledger, OCT20, study(CB01, '2024-10-15', 27, 30), 'bacly-cb01-2024')).toMatchObject({ code: 'idempotency-conflict' });
    expect(ledger.units[CB02]?.studySession).toBeUndefined();
  });

  it('a refused report does not use up its key: corrected, it is accepted under the same key', () => {
    const ledger = bacLyLedger();
    expect(refused(ledger, OCT20, study(CB01, '2024-09-30'), 'bacly-cb01-2024')).toMatchObject({ code: 'invalid' });
    expect(accepted(ledger, OCT20, study(CB01, '2024-10-15'), 'bacly-cb01-2024').late).toBe(false);
  });

  it('submissionUpdateId differs for different commands under one key and is equal for equal commands whatever the property order', () => {
    const a = submissionUpdateId({ idempotencyKey: 'bacly-cb01-2024', command: study(CB01) });
    const reordered = submissionUpdateId({
      command: { unitCode: CB01, report: { membersPresent: 28, membersTotal: 30, heldOn: '2024-10-15' }, kind: 'study-session' } as ReportCommand,
      idempotencyKey: 'bacly-cb01-2024',
    });
    expect(reordered).toBe(a);
    expect(a.startsWith('bacly-cb01-2024.')).toBe(true);
    expect(submissionUpdateId({ idempotencyKey: 'bacly-cb01-2024', command: study(CB02) })).not.toBe(a);
    expect(submissionUpdateId({ idempotencyKey: 'bacly-cb01-2024', command: study(CB01, '2024-10-15', 27, 30) })).not.toBe(a);
    expect(submissionUpdateId({ idempotencyKey: 'bacly-cb01-2025', command: study(CB01) })).not.toBe(a);
  });
});

describe('compliance and progress of the ledger', () => {
  it('nonCompliant lists exactly the chi bộ without a study session, and the commune until it holds a dialogue', () => {
    const ledger = bacLyLedger();
    expect(nonCompliant(ledger, STUDY)).toEqual(CELLS);
    expect(nonCompliant(ledger, DIALOGUE)).toEqual([COMMUNE]);
    accepted(ledger, OCT20, study(CB01));
    accepted(ledger, OCT20, study(CB03));
    expect(nonCompliant(ledger, STUDY)).toEqual(CELLS.filter((c) => c !== CB01 && c !== CB03));
    accepted(ledger, OCT20, dialogue());
    expect(nonCompliant(ledger, DIALOGUE)).toEqual([]);
  });

  it('an empty ledger before the deadline: everything required, nothing overdue', () => {
    const progress = ledgerProgress(bacLyLedger(), OCT20);
    const expected = emptyProgress();
    expected.studySessions.required = CELLS.length;
    expected.dialogues.required = 1;
    expect(progress).toEqual(expected);
  });

  it('figures before the deadline, and after it with a late report and overdue units', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, study(CB01, '2024-10-15', 28, 30));
    accepted(ledger, OCT20, study(CB02, '2024-10-18', 19, 21));
    accepted(ledger, OCT20, dialogue('2024-10-19', 152));
    accepted(ledger, OCT20, petition('kien-nghi'));
    accepted(ledger, OCT20, petition('khieu-nai'));
    accepted(ledger, OCT20, petition('kien-nghi'));
    accepted(ledger, OCT20, resolution('P1'));
    accepted(ledger, OCT20, registration('economy'));
    accepted(ledger, OCT20, registration('economy', '2024-02-01', CB01));
    accepted(ledger, OCT20, registration('culture-society'));

    const before = ledgerProgress(ledger, OCT20);
    expect(before.studySessions).toEqual({ required: CELLS.length, done: 2, late: 0, overdue: 0, membersPresent: 47, membersTotal: 51 });
    expect(before.dialogues).toEqual({ required: 1, done: 1, late: 0, overdue: 0, conferences: 1, attendance: 152, lateConferences: 0 });
    expect(before.petitions).toEqual({
      'kien-nghi': { recorded: 2, resolved: 1 },
      'khieu-nai': { recorded: 1, resolved: 0 },
      'to-cao': { recorded: 0, resolved: 0 },
    });
    expect(before.models.economy).toMatchObject({ registered: 2, assessed: 0 });
    expect(before.models['culture-society']).toMatchObject({ registered: 1 });
    expect(before.models['defence-security']).toEqual({ registered: 0, assessed: 0, recognized: 0, rejected: 0, commended: 0, 'proposed-upward': 0 });
    expect(before.reminders).toEqual({ sent: 0, escalations: 0 });

    // The same ledger seen after the deadline: the units without a report are overdue.
    expect(ledgerProgress(ledger, NOV02).studySessions).toMatchObject({ done: 2, late: 0, overdue: CELLS.length - 2 });

    accepted(ledger, NOV02, study(CB03, '2024-10-30', 15, 18));
    accepted(ledger, NOV02, dialogue('2024-10-30', 87));
    const after = ledgerProgress(ledger, NOV02);
    expect(after.studySessions).toEqual({ required: CELLS.length, done: 3, late: 1, overdue: CELLS.length - 3, membersPresent: 62, membersTotal: 69 });
    // The commune held its first dialogue on time, so it is not late, though one conference was reported late.
    expect(after.dialogues).toEqual({ required: 1, done: 1, late: 0, overdue: 0, conferences: 2, attendance: 239, lateConferences: 1 });

    accepted(ledger, ctx('2024-11-05T03:00:00Z', 'assessment'), assess('M1'));
    accepted(ledger, ctx('2024-11-05T03:00:00Z', 'assessment'), recognize('M1'));
    accepted(ledger, ctx('2024-11-05T03:00:00Z', 'assessment'), assess('M2', 30));
    accepted(ledger, ctx('2024-11-05T03:00:00Z', 'assessment'), rejectModel('M2'));
    const models = ledgerProgress(ledger, NOV02).models;
    expect(models.economy).toEqual({ registered: 1, assessed: 0, recognized: 1, rejected: 0, commended: 0, 'proposed-upward': 0 });
    expect(models['culture-society']).toEqual({ registered: 0, assessed: 0, recognized: 0, rejected: 1, commended: 0, 'proposed-upward': 0 });
  });

  it('a commune whose only dialogue was late counts as done and late; without one after the deadline it is overdue', () => {
    const late = bacLyLedger();
    accepted(late, NOV02, dialogue('2024-10-30', 64));
    expect(ledgerProgress(late, NOV02).dialogues).toMatchObject({ required: 1, done: 1, late: 1, overdue: 0, lateConferences: 1 });
    expect(ledgerProgress(bacLyLedger(), NOV02).dialogues).toMatchObject({ required: 1, done: 0, late: 0, overdue: 1 });
  });

  it('overdueUnits is empty until the deadline passes, then lists every unit still owing', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, study(CB01));
    expect(overdueUnits(ledger, OCT20)).toEqual([]);
    expect(overdueUnits(ledger, ctx('2024-10-31T16:59:59.999Z'))).toEqual([]);
    const atDeadline = overdueUnits(ledger, ctx('2024-10-31T17:00:00.000Z'));
    expect(atDeadline).toEqual([
      ...CELLS.filter((c) => c !== CB01).map((code) => ({ code, obligation: 'study-session' })),
      { code: COMMUNE, obligation: 'dialogue' },
    ]);
    accepted(ledger, NOV02, dialogue('2024-10-30'));
    expect(overdueUnits(ledger, NOV02).some((u) => u.obligation === 'dialogue')).toBe(false);
  });

  it('overdueUnits follows each obligation deadline separately', () => {
    const ledger = bacLyLedger();
    const split = { ...NOV02, deadlines: { ...plan.deadlines, dialogues: '2024-11-10' } };
    const overdue = overdueUnits(ledger, split);
    expect(overdue.map((u) => u.obligation)).toEqual(CELLS.map(() => 'study-session'));
  });
});

describe('honours: levels, proposals upward, commendations of collectives and individuals', () => {
  const ASSESSING = ctx('2024-11-05T02:00:00Z', 'assessment');
  const COMMENDING = ctx('2024-11-25T02:00:00Z', 'commendation');
  const cellStep = (report: Extract<ReportCommand, { kind: 'model-assessment' | 'model-commendation' }>['report'], modelId = 'M1', unitCode = CB01) =>
    ({
      kind: report.action === 'commend' || report.action === 'propose-upward' ? 'model-commendation' : 'model-assessment',
      unitCode,
      modelId,
      report,
    }) as ReportCommand;
  const award = (awardedOn = '2024-11-25', unitCode = COMMUNE): ReportCommand => ({
    kind: 'commendation',
    unitCode,
    report: { recipient: { kind: 'individual', name: 'Nguyễn Thị Hoa' }, form: 'giay-khen', awardedBy: 'Đảng ủy xã Bắc Lý', awardedOn },
  });

  /** A chi bộ's model recognized and commended by its own council, then proposed to the commune's, in the same ledger. */
  function proposedByCell(): Ledger {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, registration('economy', '2024-03-15', CB01));
    accepted(ledger, ASSESSING, cellStep({ action: 'assess', score: 90, remarks: 'Tốt' }));
    accepted(ledger, ASSESSING, cellStep({ action: 'recognize', remarks: 'Công nhận' }));
    accepted(ledger, COMMENDING, cellStep({ action: 'commend', form: 'giay-khen', awardedBy: 'Đảng ủy xã Bắc Lý' }));
    accepted(ledger, COMMENDING, cellStep({ action: 'propose-upward', remarks: 'Đề nghị xã công nhận' }));
    return ledger;
  }

  it("puts a chi bộ's proposal in the commune council's queue, assessed and remembering its origin", () => {
    const ledger = proposedByCell();
    expect(ledger.units[COMMUNE]!.models).toEqual([
      expect.objectContaining({ id: 'M1', stage: 'assessed', score: 90, origin: { unitCode: CB01, modelId: 'M1' } }),
    ]);
    const progress = ledgerProgress(ledger, COMMENDING);
    expect(progress.models.economy).toMatchObject({ 'proposed-upward': 1, assessed: 0 });
    expect(progress.honours).toEqual({ recognized: { 'party-cell': 1 }, commended: { 'giay-khen': { 'party-cell': { model: 1 } } }, awaitingDecision: 1 });
  });

  it('lets the council above decide the proposal in the commendation phase, at its level, and counts the model once', () => {
    const ledger = proposedByCell();
    const decided = submit(ledger, COMMENDING, submission(recognize('M1')));
    expect(decided).toMatchObject({
      result: { unitCode: COMMUNE, id: 'M1', stage: 'recognized' },
      events: [{ type: 'model.recognized', payload: { level: 'commune', origin: { unitCode: CB01, modelId: 'M1' } } }],
    });
    const progress = ledgerProgress(ledger, COMMENDING);
    expect(Object.values(progress.models.economy).reduce((a, b) => a + b, 0)).toBe(1);
    expect(progress.honours).toMatchObject({ recognized: { 'party-cell': 1, commune: 1 }, awaitingDecision: 0 });
  });

  it('names the council it proposes to, and queues a proposal once however often it arrives', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, registration());
    accepted(ledger, ASSESSING, assess('M1'));
    accepted(ledger, ASSESSING, recognize('M1'));
    accepted(ledger, COMMENDING, commend('M1'));
    const outcome = submit(ledger, COMMENDING, submission(proposeUpward('M1')));
    expect(outcome).toMatchObject({ events: [{ type: 'model.proposed-upward', payload: { proposedTo: 'BG-HH', level: 'commune' } }] });
    const district = createLedger([idx.get('BG-HH')!]);
    const proposals = upwardProposals(ledger, COMMUNE);
    expect(proposals).toEqual([
      { origin: { unitCode: COMMUNE, modelId: 'M1' }, name: expect.any(String), field: 'economy', registeredOn: '2024-03-15', score: 86 },
    ]);
    expect(receiveProposals(district, 'BG-HH', proposals)).toBe(true);
    expect(receiveProposals(district, 'BG-HH', proposals)).toBe(false);
    expect(district.units['BG-HH']!.models).toHaveLength(1);
  });

  it('refuses to decide a proposal outside the commendation phase, and a council to recognize its own models then', () => {
    const ledger = proposedByCell();
    expect(refused(ledger, ASSESSING, recognize('M1'))).toMatchObject({ code: 'wrong-phase' });
    accepted(ledger, OCT20, registration());
    expect(refused(ledger, COMMENDING, assess('M2'))).toMatchObject({ code: 'wrong-phase' });
  });

  it('commends a collective or an individual in a form from the list, dated within the campaign', () => {
    const ledger = bacLyLedger();
    expect(refused(ledger, OCT20, award())).toMatchObject({ code: 'wrong-phase' });
    expect(refused(ledger, COMMENDING, award('2024-09-01'))).toMatchObject({ code: 'invalid', field: 'report.awardedOn', value: '2024-09-01' });
    expect(refused(ledger, COMMENDING, award('2024-11-26'))).toMatchObject({ code: 'invalid', field: 'report.awardedOn' });
    expect(submit(ledger, COMMENDING, submission(award()))).toMatchObject({
      result: { kind: 'commendation', id: 'K1' },
      events: [{ type: 'honour.awarded', payload: { awardId: 'K1', level: 'commune', form: 'giay-khen', recipient: { kind: 'individual' } } }],
    });
    expect(ledgerProgress(ledger, COMMENDING).honours).toEqual({
      recognized: {},
      commended: { 'giay-khen': { commune: { individual: 1 } } },
      awaitingDecision: 0,
    });
  });

  it('refuses a form outside the list and a model as the recipient of a unit commendation', () => {
    const bad = (report: unknown) => submissionSchema.safeParse({ ...submission(award()), command: { kind: 'commendation', unitCode: COMMUNE, report } });
    const good = (award() as Extract<ReportCommand, { kind: 'commendation' }>).report;
    expect(bad(good).success).toBe(true);
    expect(bad({ ...good, form: 'Giấy khen của Đảng ủy xã' }).error?.issues[0]?.path).toEqual(['command', 'report', 'form']);
    expect(bad({ ...good, recipient: { kind: 'model', name: 'M1' } }).error?.issues[0]?.path).toEqual(['command', 'report', 'recipient', 'kind']);
  });

  it("takes a model commendation's free-text form from clients older than the list, counting it as a commended model but not by form", () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, registration('economy', '2024-03-15', CB01));
    accepted(ledger, ASSESSING, cellStep({ action: 'assess', score: 90, remarks: 'Tốt' }));
    accepted(ledger, ASSESSING, cellStep({ action: 'recognize', remarks: 'Công nhận' }));
    accepted(ledger, COMMENDING, cellStep({ action: 'commend', form: 'Giấy khen của Đảng ủy xã Bắc Lý' }));
    const progress = ledgerProgress(ledger, COMMENDING);
    expect(progress.models.economy.commended).toBe(1);
    expect(progress.honours).toEqual({ recognized: { 'party-cell': 1 }, commended: {}, awaitingDecision: 0 });
  });

  it('refuses a listed form without its awarding body, an unlisted id, and free text with an awarding body', () => {
    const issues = (report: unknown) =>
      submissionSchema
        .safeParse({ ...submission(award()), command: { kind: 'model-commendation', unitCode: CB01, modelId: 'M1', report } })
        .error?.issues.map((i) => [i.path.at(-1), i.message]);
    expect(issues({ action: 'commend', form: 'giay-khen', awardedBy: 'Đảng ủy xã Bắc Lý' })).toBeUndefined();
    expect(issues({ action: 'commend', form: 'giay-khen' })).toEqual([
      ['awardedBy', expect.stringContaining('the body that awards the giay-khen is required')],
    ]);
    expect(issues({ action: 'commend', form: 'giay-khenn', awardedBy: 'Đảng ủy xã' })).toEqual([
      ['form', expect.stringContaining('expected one of huan-chuong, bang-khen')],
    ]);
    expect(issues({ action: 'commend', form: 'bang-khen-tinh' })).toEqual([['form', expect.stringContaining('got "bang-khen-tinh"')]]);
    expect(issues({ action: 'commend', form: 'Bằng khen', awardedBy: 'UBND tỉnh' })).toEqual([['form', expect.any(String)]]);
  });

  it('has no honours figure while nothing is honoured', () => {
    const ledger = bacLyLedger();
    accepted(ledger, OCT20, registration());
    expect(ledgerProgress(ledger, OCT20).honours).toBeUndefined();
  });
});
