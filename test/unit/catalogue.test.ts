import { ACTIVITY_IDS, CATALOGUE, MEASURES, activityClause, activityKind } from '../../domain/catalogue';

/** The catalogue is data; these are the rules every kind in it must keep, so a kind added by hand cannot break a report. */
describe('the activity catalogue', () => {
  it('has unique ids, the count first, and a sentence that prints every measure and nothing else', () => {
    expect(new Set(ACTIVITY_IDS).size).toBe(CATALOGUE.length);
    for (const kind of CATALOGUE) {
      expect([kind.id, kind.measures[0]]).toEqual([kind.id, 'count']);
      const placeholders = [...kind.sentence.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect([kind.id, [...placeholders].sort()]).toEqual([kind.id, [...kind.measures].sort()]);
      for (const measure of kind.measures) expect(MEASURES[measure]).toBeDefined();
      expect(kind.reportedBy.length).toBeGreaterThan(0);
    }
  });

  it('covers what seed 004 counts', () => {
    for (const id of [
      'documents-issued',
      'inspection-supervision',
      'review-conference',
      'information-conference',
      'training-conference',
      'guidance-inspection',
    ]) {
      expect(activityKind(id)?.id).toBe(id);
    }
    expect(activityKind('hoi-thao')).toBeUndefined();
  });

  it('writes figures as the reports do: thousands with dots, single figures with two digits', () => {
    expect(activityClause(activityKind('inspection-supervision')!, { count: 14, partyOrganisations: 18, partyMembers: 11 })).toBe(
      'tổ chức 14 cuộc kiểm tra, giám sát đối với 18 tổ chức đảng và 11 đảng viên',
    );
    expect(activityClause(activityKind('information-conference')!, { count: 50, attendance: 4819 })).toBe('tổ chức 50 hội nghị với 4.819 lượt người tham dự');
    expect(activityClause(activityKind('review-conference')!, { count: 6 })).toBe('tổ chức 06 hội nghị sơ kết, tổng kết');
    expect(activityClause(activityKind('support-drive')!, { count: 2, houses: 35, amountVnd: 1_750_000_000 })).toBe(
      'tổ chức 02 đợt vận động, hỗ trợ xây mới, sửa chữa 35 căn nhà với tổng số tiền 1.750.000.000 đồng',
    );
  });
});
