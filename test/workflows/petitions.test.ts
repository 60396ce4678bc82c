import type { ReportCommand } from '../../domain/ledger';
import type { Progress } from '../../domain/progress';
import { TREE, nameOf, refusalOf, sourceUnitOf, useFastTier } from './harness';

/**
 * A petition is followed until it is resolved (Luật Tiếp công dân: a kiến nghị answered, not dropped at a campaign's
 * end). The campaign closes on its day and announces its figures with the petition still open; the workflow that holds
 * it, and every workflow above it, stay up to take its resolution; once it is resolved they finish. A workflow
 * holding nothing open finishes at closing as before.
 */
describe('petitions after closing (fast tier)', () => {
  const fast = useFastTier('petitions');

  const petition = (unitCode: string, kind: 'kien-nghi' | 'khieu-nai', receivedOn: string): ReportCommand => ({
    kind: 'petition',
    unitCode,
    report: { kind, content: 'Đề nghị nâng cấp tuyến đường liên thôn Đồng Sài – Bãi Ban', receivedOn },
  });
  const resolution = (unitCode: string, resolvedOn: string): ReportCommand => ({
    kind: 'petition-resolution',
    unitCode,
    petitionId: 'P1',
    report: { resolvedOn, outcome: 'UBND xã đã đưa tuyến đường vào kế hoạch đầu tư công năm sau' },
  });

  fast.it('closes with a petition open, takes its resolution after closing, then finishes', async (tier) => {
    const campaign = await tier.deployed();
    const day = (d: string) => campaign.day(d);
    await campaign.advanceTo('10-05');
    await campaign.submit(petition(TREE.bacly, 'kien-nghi', day('10-02')));
    await campaign.submit(petition(TREE.thang, 'khieu-nai', day('10-03')));
    await campaign.submit(resolution(TREE.thang, day('10-04')));

    // The clock closes the campaign on 01/12 with Bắc Lý's kiến nghị still open.
    await campaign.advanceTo('12-02');
    const closing = await campaign.eventuallyEvents((es) => es.some((e) => nameOf(e) === 'campaign.closed'));
    const figures = (closing.find((e) => nameOf(e) === 'campaign.closed')!.data as { figures: Progress }).figures;
    expect(figures.petitions).toMatchObject({ 'kien-nghi': { recorded: 1, resolved: 0 }, 'khieu-nai': { recorded: 1, resolved: 1 } });

    // Xã Thắng holds nothing open and finishes; Bắc Lý, the district above it and the campaign wait for the resolution.
    const statusOf = async (unitCode?: string) =>
      (await tier.env.client.workflow.getHandle(unitCode === undefined ? campaign.handle.workflowId : await campaign.owner(unitCode)).describe()).status.name;
    await campaign.eventually((s) => s.children.every((c) => c.unitCode !== TREE.thang || c.finished), TREE.district);
    expect(await statusOf(TREE.thang)).toBe('COMPLETED');
    for (const waiting of [TREE.bacly, TREE.district, undefined]) expect(await statusOf(waiting)).toBe('RUNNING');
    expect((await campaign.snapshot()).phase).toBe('closed');

    // Closed: no new petition, but the open one is resolved.
    const refusal = await refusalOf(campaign.submit(petition(TREE.bacly, 'kien-nghi', day('12-02'))));
    expect(refusal).toMatchObject({ type: 'wrong-phase', message: expect.stringContaining('it is closed') });
    await campaign.advanceTo('12-20');
    expect(await campaign.submit(resolution(TREE.bacly, day('12-18')))).toEqual({
      kind: 'petition-resolution',
      unitCode: TREE.bacly,
      id: 'P1',
      status: 'resolved',
    });

    const final = await campaign.finish();
    expect(final.progress.petitions).toMatchObject({ 'kien-nghi': { recorded: 1, resolved: 1 }, 'khieu-nai': { recorded: 1, resolved: 1 } });
    const events = campaign.events();
    expect(events.filter((e) => nameOf(e) === 'campaign.closed')).toHaveLength(1);
    const closedAt = events.findIndex((e) => nameOf(e) === 'campaign.closed');
    const late = events.filter((e, i) => i > closedAt && nameOf(e) === 'petition.resolved');
    expect(late.map((e) => [sourceUnitOf(e), (e.data as { resolvedOn: string }).resolvedOn])).toEqual([[TREE.bacly, day('12-18')]]);
    campaign.expectWellFormedStream();
  });
});
