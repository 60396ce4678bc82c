import { temporal } from '@temporalio/proto';
import type { Phase } from '../../domain/campaign';
import { TREE, nameOf, sourceUnitOf, useFastTier, vietnamTime, type CampaignUnderTest } from './harness';

/**
 * The lifecycle moves by the clock: the window's first day starts the work, the end of the last reporting deadline
 * starts assessment, the assessment and commendation deadlines end theirs. Every workflow of the tree runs its own
 * clock, so every node must show the new phase without being told.
 */
describe('phases move by the clock (fast tier)', () => {
  const fast = useFastTier('phases');

  const phasesOfEveryNode = async (campaign: CampaignUnderTest): Promise<Record<string, Phase>> =>
    Object.fromEntries(Object.entries(await campaign.snapshots()).map(([id, snapshot]) => [id, snapshot.phase]));
  const allIn = (campaign: CampaignUnderTest, phase: Phase) => Object.fromEntries(campaign.workflowIds().map((id) => [id, phase]));
  /** Every node shows `phase`; polled, because a node's timer fires in its own workflow task. */
  const expectEveryNode = async (campaign: CampaignUnderTest, phase: Phase) => {
    const deadline = Date.now() + 30_000;
    let seen = await phasesOfEveryNode(campaign);
    while (JSON.stringify(seen) !== JSON.stringify(allIn(campaign, phase)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      seen = await phasesOfEveryNode(campaign);
    }
    expect(seen).toEqual(allIn(campaign, phase));
  };

  fast.it('goes deployed → in progress → assessment → commendation → closed at the deadlines, on every node, in seconds', async (tier) => {
    const wallStart = Date.now();
    const campaign = await tier.issue();
    expect((await campaign.snapshot()).phase).toBe('issued');
    await campaign.advanceTo('09-10', 9);
    await campaign.deploy();

    await campaign.advanceTo('09-30', 23, 59);
    await expectEveryNode(campaign, 'deployed');
    await campaign.advanceTo('10-01', 0, 1);
    await expectEveryNode(campaign, 'in-progress');

    await campaign.advanceTo('10-31', 23, 59);
    await expectEveryNode(campaign, 'in-progress');
    await campaign.advanceTo('11-01', 0, 1);
    await expectEveryNode(campaign, 'assessment');

    await campaign.advanceTo('11-15', 23, 59);
    await expectEveryNode(campaign, 'assessment');
    await campaign.advanceTo('11-16', 0, 1);
    await expectEveryNode(campaign, 'commendation');

    await campaign.advanceTo('11-30', 23, 59);
    await expectEveryNode(campaign, 'commendation');
    const final = await campaign.finish();
    expect(final.phase).toBe('closed');
    expect(vietnamTime((await campaign.now()).toISOString()) >= campaign.day('12-01 00:00')).toBe(true);

    const moves = campaign.events().filter((e) => nameOf(e) === 'campaign.phase-changed');
    expect(moves.map((e) => ({ at: vietnamTime(e.time), ...(e.data as object) }))).toEqual([
      { at: campaign.day('09-10 09:00'), from: 'issued', to: 'deployed', trigger: 'admin', reason: 'deployed down the unit tree' },
      {
        at: campaign.day('10-01 00:00'),
        from: 'deployed',
        to: 'in-progress',
        trigger: 'deadline',
        reason: `the campaign window opens on ${campaign.day('10-01')}`,
      },
      {
        at: campaign.day('11-01 00:00'),
        from: 'in-progress',
        to: 'assessment',
        trigger: 'deadline',
        reason: `the reporting deadlines ended on ${campaign.day('10-31')}`,
      },
      {
        at: campaign.day('11-16 00:00'),
        from: 'assessment',
        to: 'commendation',
        trigger: 'deadline',
        reason: `the assessment deadline ended on ${campaign.day('11-15')}`,
      },
      {
        at: campaign.day('12-01 00:00'),
        from: 'commendation',
        to: 'closed',
        trigger: 'deadline',
        reason: `the commendation deadline ended on ${campaign.day('11-30')}`,
      },
    ]);
    // Only the root announces phases: the other nodes move by their own clocks, silently.
    expect(new Set(moves.map(sourceUnitOf))).toEqual(new Set([TREE.province]));
    const closed = campaign.events().filter((e) => nameOf(e) === 'campaign.closed');
    expect(closed).toHaveLength(1);
    expect((closed[0]!.data as { figures: { studySessions: { required: number; overdue: number } } }).figures.studySessions).toMatchObject({
      required: 4,
      overdue: 4,
    });
    campaign.expectWellFormedStream();

    // Every workflow heard each child it started complete before it completed itself, and the clock still moves
    // afterwards: a parent that completes first leaves its child's completion untold, and this server's clock
    // locked for good (docs/testing.md).
    for (const id of campaign.workflowIds()) {
      const events = (await tier.env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
      const count = (type: temporal.api.enums.v1.EventType) => events.filter((e) => e.eventType === type).length;
      const { EventType } = temporal.api.enums.v1;
      expect({ id, last: EventType[events.at(-1)!.eventType!], childrenCompleted: count(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED) }).toEqual({
        id,
        last: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
        childrenCompleted: count(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
      });
    }
    await campaign.advanceTo('12-05');
    expect(vietnamTime((await campaign.now()).toISOString()) >= campaign.day('12-05 12:00')).toBe(true);

    // Eighty-odd days of workflow time, every timer of four workflows on the way, and no real waiting.
    expect((Date.now() - wallStart) / 1000).toBeLessThan(60);
  });

  fast.it('does not repeat a move an administrator made early when the clock reaches its instant', async (tier) => {
    const campaign = await tier.issue();
    await campaign.advanceTo('09-10', 9);
    await campaign.deploy();
    await campaign.advanceTo('09-20', 9);
    expect((await campaign.advancePhase({ to: 'in-progress', reason: 'Các chi bộ đã sẵn sàng, bắt đầu sớm' })).phase).toBe('in-progress');
    await expectEveryNode(campaign, 'in-progress');

    // Past the window's opening and past the end of reporting: the first is already done, the second is the clock's.
    await campaign.advanceTo('11-01', 0, 1);
    await expectEveryNode(campaign, 'assessment');
    // The root publishes in order: once the move to assessment is out, a repeated move would be out before it.
    const events = await campaign.eventuallyEvents((es) =>
      es.some((e) => nameOf(e) === 'campaign.phase-changed' && (e.data as { to: string }).to === 'assessment'),
    );
    const moves = events.filter((e) => nameOf(e) === 'campaign.phase-changed');
    expect(moves.map((e) => [(e.data as { to: string }).to, (e.data as { trigger: string }).trigger, vietnamTime(e.time)])).toEqual([
      ['deployed', 'admin', campaign.day('09-10 09:00')],
      ['in-progress', 'admin', campaign.day('09-20 09:00')],
      ['assessment', 'deadline', campaign.day('11-01 00:00')],
    ]);
  });
});
