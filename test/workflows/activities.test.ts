import { randomUUID } from 'node:crypto';
import type { ReportCommand } from '../../domain/ledger';
import { campaignWorkflowId, unitWorkflowId } from '../../workflows/messages';
import { TREE, nameOf, refusalOf, stateOf, useFastTier } from './harness';

/**
 * Catalogue activities (domain/catalogue.ts) reported through the same `submit` Update as every other report: the
 * committees of the province, the district and the communes report documents, inspections and conferences; the
 * owner's ledger adds them up, the campaign rolls them up the tree, and each accepted report publishes one
 * `activity.reported`. A report the catalogue does not allow is refused with its field and changes nothing.
 */
describe('catalogue activities (submit Update) on the fast tier', () => {
  const fast = useFastTier('activities');

  const activity = (unitCode: string, report: Extract<ReportCommand, { kind: 'activity' }>['report']): ReportCommand => ({
    kind: 'activity',
    unitCode,
    report,
  });

  fast.it('adds up each activity per unit and up the tree, and publishes each report once', async (tier) => {
    const campaign = await tier.deployed();
    const day = (d: string) => campaign.day(d);

    // Deployed: the documents that deploy the plan come before the window opens.
    expect(await campaign.submit(activity(TREE.province, { activity: 'documents-issued', heldOn: day('09-10'), measures: { count: 3 } }))).toEqual({
      kind: 'activity',
      unitCode: TREE.province,
      id: 'A1',
      late: false,
    });
    expect(await campaign.submit(activity(TREE.district, { activity: 'documents-issued', heldOn: day('09-10'), measures: { count: 5 } }))).toMatchObject({
      id: 'A1',
    });
    await campaign.advanceTo('10-15');
    await campaign.eventually((s) => s.phase === 'in-progress', TREE.thang);
    const inspection = { count: 2, partyOrganisations: 3, partyMembers: 1 };
    expect(await campaign.submit(activity(TREE.district, { activity: 'inspection-supervision', heldOn: day('10-14'), measures: inspection }))).toMatchObject({
      id: 'A2',
    });
    expect(
      await campaign.submit(
        activity(TREE.thang, {
          activity: 'information-conference',
          heldOn: day('10-12'),
          measures: { count: 4, attendance: 612 },
          note: 'Thông tin về Luật Đất đai',
        }),
      ),
    ).toEqual({ kind: 'activity', unitCode: TREE.thang, id: 'A1', late: false });
    expect(
      await campaign.submit(activity(TREE.bacly, { activity: 'information-conference', heldOn: day('10-13'), measures: { count: 1, attendance: 95 } })),
    ).toMatchObject({ id: 'A1' });
    // Chi bộ may report what the catalogue lets every unit report.
    expect(
      await campaign.submit(
        activity(TREE.thang1, { activity: 'support-drive', heldOn: day('10-14'), measures: { count: 1, houses: 2, amountVnd: 120_000_000 } }),
      ),
    ).toEqual({ kind: 'activity', unitCode: TREE.thang1, id: 'A1', late: false });

    const thang = await campaign.ownerSnapshot(TREE.thang);
    const units = Object.fromEntries(thang.units.map((u) => [u.code, u]));
    expect(units[TREE.thang]?.activities).toEqual({ 'information-conference': { reports: 1, measures: { count: 4, attendance: 612 } } });
    expect(units[TREE.thang1]?.activities).toEqual({ 'support-drive': { reports: 1, measures: { count: 1, houses: 2, amountVnd: 120_000_000 } } });

    const rolledUp = await campaign.eventually(
      (s) => s.progress.activities?.['information-conference']?.reports === 2 && s.progress.activities['support-drive'] !== undefined,
    );
    expect(rolledUp.progress.activities).toEqual({
      'documents-issued': { reports: 2, measures: { count: 8 } },
      'inspection-supervision': { reports: 1, measures: inspection },
      'information-conference': { reports: 2, measures: { count: 5, attendance: 707 } },
      'support-drive': { reports: 1, measures: { count: 1, houses: 2, amountVnd: 120_000_000 } },
    });

    const reported = await campaign.eventuallyEvents((es) => es.filter((e) => nameOf(e) === 'activity.reported').length === 6);
    const events = reported.filter((e) => nameOf(e) === 'activity.reported');
    expect(events.map((e) => `${e.source.replace('urn:danvan:', '')} ${e.subject} ${(e.data as { activity: string }).activity}`).sort()).toEqual(
      [
        `${campaignWorkflowId(campaign.campaignId)} ${TREE.province} documents-issued`,
        `${unitWorkflowId(campaign.campaignId, TREE.district)} ${TREE.district} documents-issued`,
        `${unitWorkflowId(campaign.campaignId, TREE.district)} ${TREE.district} inspection-supervision`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} ${TREE.thang} information-conference`,
        `${unitWorkflowId(campaign.campaignId, TREE.bacly)} ${TREE.bacly} information-conference`,
        `${unitWorkflowId(campaign.campaignId, TREE.thang)} ${TREE.thang1} support-drive`,
      ].sort(),
    );
    expect(events.find((e) => e.subject === TREE.thang)!.data).toEqual({
      reportId: 'A1',
      activity: 'information-conference',
      heldOn: day('10-12'),
      measures: { count: 4, attendance: 612 },
      note: 'Thông tin về Luật Đất đai',
      late: false,
      submittedBy: `can-bo.${TREE.thang.toLowerCase()}@bacgiang.dcs.vn`,
    });
    campaign.expectWellFormedStream();
  });

  fast.it('refuses an activity the catalogue does not allow, naming the field, and changes nothing', async (tier) => {
    const campaign = await tier.deployed();
    const day = (d: string) => campaign.day(d);
    const thangWorkflow = unitWorkflowId(campaign.campaignId, TREE.thang);
    await campaign.advanceTo('10-10');
    await campaign.eventually((s) => s.phase === 'in-progress', TREE.thang);

    const refused = async (command: unknown, expected: { type: string; field: string; message?: RegExp }) => {
      const before = stateOf(await campaign.workflowSnapshot(thangWorkflow));
      const refusal = await refusalOf(campaign.submitRaw(thangWorkflow, { idempotencyKey: randomUUID(), submittedBy: 'can-bo@bacgiang.dcs.vn', command }));
      expect([refusal.type, refusal.detail?.field]).toEqual([expected.type, expected.field]);
      if (expected.message) expect(refusal.message).toMatch(expected.message);
      expect(refusal.detail?.vi).toEqual(expect.any(String));
      expect(stateOf(await campaign.workflowSnapshot(thangWorkflow))).toEqual(before);
    };
    const report = (unitCode: string, fields: Record<string, unknown>) => ({
      kind: 'activity',
      unitCode,
      report: { activity: 'review-conference', heldOn: day('10-09'), measures: { count: 1 }, ...fields },
    });

    await refused(report(TREE.thang, { activity: 'hoi-thao' }), { type: 'invalid', field: 'command.report.activity' });
    await refused(report(TREE.thang1, { activity: 'documents-issued' }), {
      type: 'invalid',
      field: 'unitCode',
      message: /party-cell does not report documents-issued/,
    });
    await refused(report(TREE.thang, { measures: { count: -1 } }), { type: 'invalid', field: 'command.report.measures.count' });
    await refused(report(TREE.thang, { measures: { count: 100_001 } }), { type: 'invalid', field: 'command.report.measures.count' });
    await refused(report(TREE.thang, { measures: { count: 0 } }), { type: 'invalid', field: 'report.measures.count', message: /from 1/ });
    await refused(report(TREE.thang, { measures: { cout: 2 } }), { type: 'invalid', field: 'command.report.measures.cout' });
    await refused(report(TREE.thang, { measures: { count: 2, attendance: 40 } }), { type: 'invalid', field: 'report.measures.attendance' });
    await refused(report(TREE.thang, { activity: 'information-conference', measures: { count: 2 } }), {
      type: 'invalid',
      field: 'report.measures.attendance',
      message: /needs attendance/,
    });
    await refused(report(TREE.thang, { heldOn: day('10-11') }), { type: 'invalid', field: 'report.heldOn', message: /in the future/ });
    await refused(report(TREE.thang, { heldOn: day('09-05') }), { type: 'invalid', field: 'report.heldOn', message: /before the plan was issued/ });

    // Nothing refused was published.
    const events = (await campaign.eventuallyEvents((es) => es.some((e) => nameOf(e) === 'unit.deployed'))).filter((e) => nameOf(e) === 'activity.reported');
    expect(events).toEqual([]);
  });
});
