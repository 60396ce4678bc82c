import { applySubmission, checkSubmission, createLedger, ledgerProgress, nonCompliant, type LedgerContext } from '../../domain/ledger';
import { lastReportingDeadline, planObligations, type PlanObligation } from '../../domain/obligations';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { planSchema, planRecordSchema } from '../../domain/schemas';
import { UnitIndex } from '../../domain/units';
import { plan202 } from '../fixtures/plans';

/** What a plan makes owed is data: its obligations are validated with the plan and judged by one rule of compliance. */
describe('obligations a plan names', () => {
  const problems = (overrides: object) => {
    const parsed = planSchema.safeParse(plan202(overrides));
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('a plan that names none owes the "Tháng Dân vận" two, with their deadlines by the window’s end', () => {
    const plan = planSchema.parse(plan202());
    expect(plan.obligations).toEqual([
      { activity: 'study-session', owedBy: ['party-cell'], target: 1, deadline: 'study-sessions' },
      { activity: 'dialogue', owedBy: ['commune'], target: 1, deadline: 'dialogues' },
    ]);
    expect(plan.deadlines).toEqual({ 'study-sessions': '2024-10-31', dialogues: '2024-10-31', assessment: '2024-11-15', commendation: '2024-11-30' });
    // A plan recorded before plans named obligations (campaign.issued on the topic, running workflows) owes the same.
    const { obligations: _, ...older } = plan;
    const recorded = planRecordSchema.parse(older);
    expect(recorded.obligations).toBeUndefined();
    expect(planObligations(recorded)).toEqual(plan.obligations);
  });

  it('refuses obligations nobody can meet, each naming its field', () => {
    expect(problems({ obligations: [{ activity: 'hoi-thao', owedBy: ['commune'], deadline: 'hoi-thao' }] })).toEqual([
      'obligations.0.activity: unknown activity hoi-thao: neither study-session, dialogue nor in the catalogue',
    ]);
    expect(problems({ obligations: [{ activity: 'documents-issued', owedBy: ['party-cell'], deadline: 'documents' }] })).toEqual([
      'obligations.0.owedBy.0: a party-cell does not report documents-issued; it is reported by national, province, district, commune',
    ]);
    expect(problems({ obligations: [{ activity: 'study-session', owedBy: ['party-cell'], target: 2, deadline: 'study-sessions' }] })).toEqual([
      'obligations.0.target: a unit complies with its first study-session; the target must be 1, got 2',
    ]);
    expect(problems({ obligations: [{ activity: 'dialogue', owedBy: ['commune'], deadline: 'assessment' }] })).toEqual([
      'obligations.0.deadline: assessment ends a phase; an obligation needs a deadline of its own',
    ]);
    expect(
      problems({
        obligations: [
          { activity: 'review-conference', owedBy: ['district'], deadline: 'reviews' },
          { activity: 'documents-issued', owedBy: ['district'], deadline: 'reviews' },
        ],
      }),
    ).toEqual(['obligations.1.deadline: deadline reviews is named by two obligations']);
    expect(problems({ deadlines: { 'information-conferences': '2024-10-20' } })).toEqual([
      "deadlines.information-conferences: no obligation is due by information-conferences; the plan's deadlines are study-sessions, dialogues, assessment, commendation",
    ]);
    expect(
      problems({ obligations: [{ activity: 'review-conference', owedBy: ['district'], deadline: 'reviews' }], deadlines: { reviews: '2024-09-30' } }),
    ).toEqual(['deadlines.reviews: reviews deadline 2024-09-30 is before the window opens (2024-10-01)']);
  });

  it('a plan that owes nothing reports until its window closes; otherwise until its latest obligation', () => {
    expect(problems({ obligations: [] })).toEqual([]);
    const none = planSchema.parse(plan202({ obligations: [] }));
    expect(none.deadlines).toEqual({ assessment: '2024-11-15', commendation: '2024-11-30' });
    expect(lastReportingDeadline(none.deadlines, none.window.closesOn)).toBe('2024-10-31');
    expect(lastReportingDeadline({ a: '2024-10-20', b: '2024-10-25', assessment: '2024-11-15', commendation: '2024-11-30' }, '2024-10-31')).toBe('2024-10-25');
  });

  it('a catalogue obligation is met by the `count` of its reports, late when only late reports reach the target', () => {
    const owed: PlanObligation = { activity: 'information-conference', owedBy: ['commune'], target: 2, deadline: 'information-conferences' };
    const plan = planSchema.parse(plan202({ obligations: [owed], deadlines: { 'information-conferences': '2024-10-20' } }));
    const index = new UnitIndex(bacGiangTree());
    const ledger = createLedger([index.get('BG-HH-BACLY')!, ...index.children('BG-HH-BACLY')]);
    const at = (now: string): LedgerContext & { obligations: readonly PlanObligation[] } => ({
      now: new Date(now),
      phase: 'in-progress',
      plan,
      deadlines: plan.deadlines,
      obligations: [owed],
    });
    const report = (now: string, heldOn: string, count: number, key: string) => {
      const submission = {
        idempotencyKey: key,
        submittedBy: 'can-bo.bacly@bacgiang.dcs.vn',
        command: {
          kind: 'activity' as const,
          unitCode: 'BG-HH-BACLY',
          report: { activity: 'information-conference' as const, heldOn, measures: { count, attendance: 90 } },
        },
      };
      expect(checkSubmission(ledger, at(now), submission)).toBeUndefined();
      return applySubmission(ledger, at(now), submission).result;
    };
    expect(report('2024-10-12T03:00:00Z', '2024-10-12', 1, 'bacly-hn-0001')).toMatchObject({ late: false });
    expect(nonCompliant(ledger, owed)).toEqual(['BG-HH-BACLY']);
    expect(ledgerProgress(ledger, at('2024-10-21T03:00:00Z')).obligations).toEqual({ 'information-conference': { required: 1, done: 0, late: 0, overdue: 1 } });
    expect(report('2024-10-22T03:00:00Z', '2024-10-21', 1, 'bacly-hn-0002')).toMatchObject({ late: true });
    expect(nonCompliant(ledger, owed)).toEqual([]);
    expect(ledgerProgress(ledger, at('2024-10-22T03:00:00Z')).obligations).toEqual({ 'information-conference': { required: 1, done: 1, late: 1, overdue: 0 } });
    // This plan owes no study session: no chi bộ is counted as required.
    expect(ledgerProgress(ledger, at('2024-10-22T03:00:00Z')).studySessions.required).toBe(0);
  });
});
