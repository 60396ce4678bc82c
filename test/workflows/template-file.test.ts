import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReportCommand } from '../../domain/ledger';
import { planFromTemplate } from '../../domain/templates';
import { loadTemplate } from '../../infra/templates';
import { TREE, nameOf, useFastTier } from './harness';

/**
 * A kind of plan danvan has never seen, written as a file alone: a propaganda drive for the anniversary of the
 * Party's Traditional Day of Mass Mobilization (15/10), in which every commune owes a propaganda round and the
 * district owes an anniversary event. Issued from the file, it runs on the unchanged workflows to its close.
 */
describe('a plan kind from a template file alone (fast tier)', () => {
  const fast = useFastTier('template-file');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-template-'));
  const file = path.join(dir, 'ky-niem-15-10.json');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  fs.writeFileSync(
    file,
    JSON.stringify({
      id: 'ky-niem-15-10',
      name: 'Đợt tuyên truyền kỷ niệm Ngày truyền thống công tác dân vận',
      title: 'Tuyên truyền kỷ niệm Ngày truyền thống công tác dân vận của Đảng (15/10) năm {year}',
      window: { opensOn: '09-15', closesOn: '10-20' },
      deadlines: { propaganda: '10-15', anniversary: '10-15', assessment: '10-31', commendation: '11-10' },
      obligations: [
        { activity: 'propaganda', owedBy: ['commune'], deadline: 'propaganda' },
        { activity: 'anniversary-event', owedBy: ['district'], deadline: 'anniversary' },
      ],
      tasks: [{ ordinal: 1, title: 'Tuyên truyền sâu rộng ý nghĩa Ngày truyền thống công tác dân vận', actorGroups: ['party-committees', 'fatherland-front'] }],
    }),
  );

  fast.it('issues the plan from the file, reminds by its deadlines and closes with its figures', async (tier) => {
    const template = loadTemplate(file);
    const campaign = await tier.issue({
      plan: (year) => {
        const { number: _, ...plan } = planFromTemplate(template, {
          number: '15-KH/BDVTU',
          issuer: { unitCode: TREE.province, name: 'Ban Dân vận Tỉnh ủy Bắc Giang' },
          issuedOn: `${year}-09-06`,
          year,
        });
        return plan;
      },
    });
    const day = (d: string) => campaign.day(d);
    expect(campaign.plan.title).toMatch(/^Tuyên truyền kỷ niệm Ngày truyền thống công tác dân vận của Đảng \(15\/10\) năm \d{4}$/);
    await campaign.advanceTo('09-10', 9);
    await campaign.deploy();

    await campaign.advanceTo('09-20');
    await campaign.eventually((s) => s.phase === 'in-progress', TREE.thang);
    const propaganda: ReportCommand = {
      kind: 'activity',
      unitCode: TREE.thang,
      report: { activity: 'propaganda', heldOn: day('09-19'), measures: { count: 1, newsItems: 12, articles: 4, banners: 30, posts: 56 } },
    };
    await campaign.submit(propaganda);
    await campaign.submit({
      kind: 'activity',
      unitCode: TREE.district,
      report: { activity: 'anniversary-event', heldOn: day('09-19'), measures: { count: 1, attendance: 350 } },
    });

    await campaign.advanceTo('11-11', 9);
    const closed = await campaign.eventually((s) => s.phase === 'closed');
    expect(closed.progress.obligations).toEqual({
      propaganda: { required: 2, done: 1, late: 0, overdue: 1 },
      'anniversary-event': { required: 1, done: 1, late: 0, overdue: 0 },
    });
    expect(closed.progress.activities).toEqual({
      propaganda: { reports: 1, measures: { count: 1, newsItems: 12, articles: 4, banners: 30, posts: 56 } },
      'anniversary-event': { reports: 1, measures: { count: 1, attendance: 350 } },
    });
    expect(closed.progress.studySessions.required).toBe(0);
    // Bắc Lý alone was reminded (7, 3 and 1 days before 15/10) and escalated; nothing else was owed.
    const notices = campaign.notices();
    expect(notices.every((n) => n.source === TREE.bacly && n.deadline === 'propaganda')).toBe(true);
    expect(notices.filter((n) => n.kind === 'before').map((n) => n.days)).toEqual([7, 3, 1]);
    expect(notices.some((n) => n.kind === 'escalation')).toBe(true);
    const events = await campaign.eventuallyEvents((es) => es.some((e) => nameOf(e) === 'campaign.closed'));
    expect(events.filter((e) => nameOf(e) === 'campaign.phase-changed').map((e) => (e.data as { to: string }).to)).toEqual([
      'deployed',
      'in-progress',
      'assessment',
      'commendation',
      'closed',
    ]);
    campaign.expectWellFormedStream();
  });
});
