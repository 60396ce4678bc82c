import { Client, type WorkflowHandle } from '@temporalio/client';
import { checkRecord } from '../../analytics/consumer';
import { openProjection } from '../../analytics/projection';
import { projectionSink } from '../../analytics/projection-sink';
import type { DraftState } from '../../domain/drafts';
import { dataConverter } from '../../infra/codec';
import { executeUpdate } from '../../infra/workflow-updates';
import { discardDraftUpdate, draftQuery, draftWorkflowId, issueDraftUpdate, type YearlyDraftInput, type YearlyDraftResult } from '../../workflows/messages';
import { at, eventually, nextCampaignYear } from '../helpers/campaign';
import { nameOf, vietnamTime, type FastTier, useFastTier } from './harness';

/**
 * The yearly kick-off on the time-skipping server: what a schedule's run drafts from each shipped template on the
 * day it fires, that a second run of the same year finds the first one's draft, and how a draft ends (issued,
 * discarded, or expired when its window closes). The schedule itself is the real server's (test/integration/
 * yearly-schedule.test.ts): here each run is started as the schedule starts it, under an id of its own.
 */
describe('the yearly kick-off (fast tier)', () => {
  const fast = useFastTier('yearly-draft');
  const issuer = { unitCode: 'BG', name: 'Ban Dân vận Tỉnh ủy Bắc Giang' };
  let runs = 0;

  /** The server's clock starts today: the first year whose 01/9 is still ahead plays the part of "this year". */
  const yearOf = async (tier: FastTier) => nextCampaignYear(new Date(await tier.env.currentTimeMs()));

  async function advanceTo(tier: FastTier, instant: Date): Promise<void> {
    const now = await tier.env.currentTimeMs();
    if (instant.getTime() > now) await tier.track(`advancing the clock to ${vietnamTime(instant.toISOString())}`, tier.env.sleep(instant.getTime() - now));
  }

  /**
   * A client that never moves the clock. The test environment's own lets time run free while it awaits a result,
   * and the server then skipped to the open draft's expiry before a kick-off had read its own start time.
   */
  const clientOf = (tier: FastTier) => new Client({ connection: tier.env.connection, dataConverter });

  /** A run of the schedule's action, as Temporal starts one: its own workflow id, ending in the time it was taken. */
  async function kickOff(tier: FastTier, templateId: string): Promise<WorkflowHandle> {
    const input: YearlyDraftInput = { templateId, issuer };
    return clientOf(tier).workflow.start('yearlyDraftWorkflow', {
      workflowId: `yearly-draft:${templateId}:${issuer.unitCode}-run${runs++}`,
      taskQueue: tier.taskQueue,
      args: [input],
    });
  }

  const draftOf = (tier: FastTier, draftId: string) => clientOf(tier).workflow.getHandle(draftWorkflowId(draftId));
  const stateOf = (tier: FastTier, draftId: string) =>
    tier.track(
      `reading draft ${draftId}`,
      eventually(
        () =>
          draftOf(tier, draftId)
            .query(draftQuery)
            .catch(() => undefined),
        (s): s is DraftState => s !== undefined,
        15_000,
      ),
    ) as Promise<DraftState>;
  const drafted = (tier: FastTier) => tier.collector.calls.flat().filter((e) => nameOf(e) === 'plan.drafted');

  fast.it('on 01/9 drafts the coming October\'s "Tháng Dân vận" plan, tells the commission once however often it runs, and is discarded', async (tier) => {
    const year = await yearOf(tier);
    await advanceTo(tier, at(`${year}-09-01`, 8));
    const first = await kickOff(tier, 'thang-dan-van');
    const draftId = `BG-${year}-thang-dan-van`;
    const state = await stateOf(tier, draftId);

    expect(state.status).toBe('open');
    expect(state.draft).toMatchObject({
      draftId,
      template: { id: 'thang-dan-van', name: 'Tháng Dân vận' },
      plan: {
        issuer,
        year,
        title: `Triển khai các hoạt động "Tháng Dân vận" năm ${year}`,
        window: { opensOn: `${year}-10-01`, closesOn: `${year}-10-31` },
        deadlines: { 'study-sessions': `${year}-10-31`, dialogues: `${year}-10-31`, assessment: `${year}-11-15`, commendation: `${year}-11-30` },
      },
      // The first instant of 01/11 in Vietnam.
      expiresAt: `${year}-10-31T17:00:00.000Z`,
    });
    expect(state.draft.plan.obligations?.map((o) => `${o.activity}:${o.owedBy.join('+')}`)).toEqual(['study-session:party-cell', 'dialogue:commune']);
    expect(state.draft.plan.tasks).toHaveLength(5);
    expect(state.draft.plan).not.toHaveProperty('number');
    expect(state.draft.plan).not.toHaveProperty('issuedOn');

    // The commission is told: one plan.drafted, keyed by the draft, about the issuing unit, at 08:00 on 01/9.
    await tier.track(
      'waiting for plan.drafted',
      eventually(
        async () => drafted(tier),
        (events) => events.length === 1,
      ),
    );
    const [event] = drafted(tier);
    expect(event).toMatchObject({
      id: `${draftId}/BG/1`,
      source: `urn:danvan:${draftWorkflowId(draftId)}`,
      type: 'vn.danvan.plan.drafted.v1',
      subject: 'BG',
      campaignid: draftId,
      sequence: 1,
      data: state.draft,
    });
    expect(vietnamTime(event!.time)).toBe(`${year}-09-01 08:00`);
    expect(tier.collector.offContract).toEqual([]);
    // A campaign consumer takes the record as valid under its key, and its projection, being of campaigns, passes it by.
    const checked = checkRecord({ key: Buffer.from(draftId), value: Buffer.from(JSON.stringify(event)) });
    if (!checked.ok) throw new Error(checked.reason);
    const projection = openProjection(':memory:');
    if (!projection.ok) throw new Error(projection.error.message);
    await projectionSink(projection.value)([checked.event], { topic: 'collected', partition: 0, firstOffset: '0', lastOffset: '0' });
    expect(projection.value.campaign(draftId)).toMatchObject({ ok: false });
    projection.value.close();

    // A trigger by hand the same day and a late run a fortnight on find the same draft: still one draft, one event.
    expect(await (await kickOff(tier, 'thang-dan-van')).result()).toEqual({ draftId, created: false });
    await advanceTo(tier, at(`${year}-09-15`, 8));
    expect(await (await kickOff(tier, 'thang-dan-van')).result()).toEqual({ draftId, created: false });
    expect(drafted(tier)).toHaveLength(1);

    const discarded = await executeUpdate(draftOf(tier, draftId), discardDraftUpdate, {
      args: [{ reason: 'Ban hành kế hoạch riêng theo chỉ đạo của Ban Thường vụ Tỉnh ủy', requestedBy: 'admin-bg' }],
    });
    expect(discarded).toMatchObject({
      status: 'discarded',
      discarded: { reason: 'Ban hành kế hoạch riêng theo chỉ đạo của Ban Thường vụ Tỉnh ủy', by: 'admin-bg' },
    });
    const result = (await first.result()) as YearlyDraftResult;
    expect(result).toMatchObject({ draftId, created: true, outcome: { status: 'discarded' } });
    // Discarded, the year stays drafted: a run of the same year makes no second draft.
    expect(await (await kickOff(tier, 'thang-dan-van')).result()).toEqual({ draftId, created: false });
  });

  fast.it('on 01/12 drafts next year\'s "Dân vận khéo" plan, from 1 January with honours after the New Year, and records its issuing', async (tier) => {
    const year = await yearOf(tier);
    await advanceTo(tier, at(`${year}-12-01`, 8));
    const run = await kickOff(tier, 'dan-van-kheo');
    const next = year + 1;
    const draftId = `BG-${next}-dan-van-kheo`;
    const state = await stateOf(tier, draftId);
    expect(state.draft).toMatchObject({
      draftId,
      plan: {
        year: next,
        title: `Thực hiện phong trào thi đua "Dân vận khéo" năm ${next}`,
        window: { opensOn: `${next}-01-01`, closesOn: `${next}-12-15` },
        deadlines: { 'year-end-reviews': `${next}-12-15`, assessment: `${next}-12-31`, commendation: `${next + 1}-01-15` },
      },
      expiresAt: `${next}-12-15T17:00:00.000Z`,
    });

    // This year's October is past by 01/12: the "Tháng Dân vận" window to come is next year's too.
    await kickOff(tier, 'thang-dan-van');
    expect((await stateOf(tier, `BG-${next}-thang-dan-van`)).draft.plan.window.opensOn).toBe(`${next}-10-01`);

    const issue = { campaignId: `BG-${next}-12-KH-BDVTU`, number: '12-KH/BDVTU', issuedOn: `${year}-12-20`, requestedBy: 'admin-bg' };
    const issued = await executeUpdate(draftOf(tier, draftId), issueDraftUpdate, { args: [issue] });
    expect(issued).toMatchObject({
      status: 'issued',
      issued: { campaignId: issue.campaignId, number: '12-KH/BDVTU', issuedOn: `${year}-12-20`, by: 'admin-bg' },
    });
    expect(await run.result()).toMatchObject({ draftId, created: true, outcome: { status: 'issued', issued: { campaignId: issue.campaignId } } });
    await executeUpdate(draftOf(tier, `BG-${next}-thang-dan-van`), discardDraftUpdate, { args: [{ reason: 'không dùng', requestedBy: 'admin-bg' }] });
  });

  fast.it('expires a draft nobody acted on when its window closes', async (tier) => {
    const year = await yearOf(tier);
    await advanceTo(tier, at(`${year}-09-01`, 8));
    const run = await kickOff(tier, 'thang-dan-van');
    const draftId = `BG-${year}-thang-dan-van`;
    await stateOf(tier, draftId);

    // Open through the last evening of October…
    await advanceTo(tier, at(`${year}-10-31`, 23, 30));
    expect((await draftOf(tier, draftId).query(draftQuery)).status).toBe('open');
    // …and expired from the first instant of November.
    await advanceTo(tier, at(`${year}-11-01`, 0, 1));
    const result = (await tier.track('waiting for the kick-off to end', run.result())) as YearlyDraftResult;
    expect(result).toMatchObject({ draftId, created: true, outcome: { status: 'expired' } });
    expect(result.outcome).not.toHaveProperty('issued');
    expect((await draftOf(tier, draftId).describe()).status.name).toBe('COMPLETED');
  });
});
