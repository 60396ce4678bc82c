import { planSchema } from '../../domain/schemas';
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Producer } from 'kafkajs';
import { parseEvent, type DanvanEvent } from '../../domain/events';
import { addDays } from '../../domain/schedule';
import type { ReportCommand } from '../../domain/ledger';
import { campaignIdFor, type Plan } from '../../domain/plan';
import { bacGiangTree } from '../../domain/samples/bac-giang';
import { TOPICS } from '../../domain/topics';
import { UnitIndex, type Unit } from '../../domain/units';
import { dataConverter } from '../../infra/codec';
import { createEventProducer, createKafka } from '../../infra/kafka';
import { createLogger } from '../../infra/logger';
import {
  advancePhaseUpdate,
  campaignSnapshotQuery,
  campaignWorkflowId,
  deployUpdate,
  extendDeadlineUpdate,
  unitWorkflowId,
  type CampaignSnapshot,
} from '../../workflows/messages';
import type { campaignWorkflow as CampaignWorkflow } from '../../workflows/campaign';
import { createActivities } from '../../activities';
import { testKafkaBrokers, timeSkippingServerPath } from '../helpers/env';
import { at, eventually, nextCampaignYear, Reporter } from '../helpers/campaign';
import { nameOf, readCampaignEvents } from '../helpers/kafka';
import { registerSearchAttributes } from '../../stack/time-skipping-server';
import { bundleDanvanWorkflows } from '../helpers/temporal';
import { plan202 } from '../fixtures/plans';

/**
 * A whole "Tháng Dân vận" on the time-skipping server, with the Bắc Giang sample tree (3 districts, 30
 * communes, 325 chi bộ): issued on 06/9, deployed, October's reports (on time, late, never), reminders 7, 3
 * and 1 days before the deadline and overdue reminders after it, escalation, a deadline extension, the model
 * pipeline, and closing with exact figures; then the same story read back from the real Kafka broker.
 *
 * The server's clock starts at today's date, so the story is played in the next campaign year.
 */
describe('campaign lifecycle: a whole October on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let producer: Producer;
  let worker: Worker;
  let running: Promise<void>;

  const tree = bacGiangTree();
  const index = new UnitIndex(tree);
  const district = (code: string) => index.children(code).filter((u) => u.kind === 'commune');
  const cellsOf = (communes: readonly Unit[]) => communes.flatMap((c) => index.children(c.code));
  const [HH, LN, YT] = ['BG-HH', 'BG-LN', 'BG-YT'].map(district) as [Unit[], Unit[], Unit[]];
  const lnOnTime = LN.slice(0, Math.ceil(LN.length / 2));
  const lnLate = LN.slice(lnOnTime.length);
  const [ytFirst, ...ytRest] = YT as [Unit, ...Unit[]];

  let year: number;
  let plan: Plan;
  let campaignId: string;
  let campaign: WorkflowHandle<typeof CampaignWorkflow>;
  let reporter: Reporter;
  const day = (mmdd: string) => `${year}-${mmdd}`;

  const advanceTo = async (instant: Date) => {
    const now = await env.currentTimeMs();
    if (instant.getTime() > now) await env.sleep(instant.getTime() - now);
  };
  const snapshot = () => campaign.query(campaignSnapshotQuery);
  const studySession = (unit: Unit, heldOn: string, present = 18, total = 20): ReportCommand => ({
    kind: 'study-session',
    unitCode: unit.code,
    report: { heldOn, membersPresent: present, membersTotal: total },
  });
  const dialogue = (unit: Unit, heldOn: string, attendance: number): ReportCommand => ({
    kind: 'dialogue',
    unitCode: unit.code,
    report: { heldOn, topic: 'Bảo vệ môi trường, quản lý đất đai ở khu dân cư', attendance },
  });
  const rejectionOf = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
    return (error as WorkflowUpdateFailedError).cause as Error & { type?: string };
  };

  /**
   * The story's steps build on each other: once one fails, the rest fail at once with its name instead of each
   * waiting out its timeout on a campaign that will not move.
   */
  let brokenAt: string | undefined;
  /**
   * A step that times out leaves its calls running. They are cancelled before the server goes away: a call
   * still retrying after the teardown throws "Channel has been shut down" from a timer, which ends the whole
   * jest run instead of this suite.
   */
  const stopping = new AbortController();
  const step = (name: string, body: () => Promise<void>, timeoutMs = 90_000) =>
    it(
      name,
      async () => {
        if (brokenAt) throw new Error(`not run: the story broke at "${brokenAt}"`);
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            env.connection.withAbortSignal(stopping.signal, body),
            new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`step did not finish in ${timeoutMs} ms`)), timeoutMs))),
          ]);
        } catch (error) {
          brokenAt = name;
          await describeStalled().catch((e: unknown) => process.stderr.write(`lifecycle: could not describe the workflows: ${String(e)}\n`));
          throw error;
        } finally {
          clearTimeout(timer);
        }
      },
      timeoutMs + 5_000,
    );

  const workflowIds = () => [
    campaignWorkflowId(campaignId),
    ...tree.filter((u) => u.kind === 'district' || u.kind === 'commune').map((u) => unitWorkflowId(campaignId, u.code)),
  ];
  /** A stalled story names the workflows still open, their last events and the server's clock, for the next reader. */
  const describeStalled = async () => {
    const lines = [`lifecycle: server time ${new Date(await env.currentTimeMs()).toISOString()}`];
    for (const id of workflowIds()) {
      const handle = env.client.workflow.getHandle(id);
      const description = await handle.describe();
      if (description.status.name === 'COMPLETED') continue;
      const events = (await handle.fetchHistory()).events ?? [];
      const last = events.slice(-6).map((e) => temporal.api.enums.v1.EventType[e.eventType!]?.replace('EVENT_TYPE_', ''));
      lines.push(`  ${id} ${description.status.name}, ${events.length} events, last: ${last.join(' ')}`);
    }
    process.stderr.write(`${lines.join('\n')}\n`);
  };

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: timeSkippingServerPath() } },
      client: { dataConverter },
    });
    await registerSearchAttributes(env.connection);
    bundle = await bundleDanvanWorkflows();
    producer = createEventProducer(createKafka({ brokers: testKafkaBrokers(), clientId: 'danvan-lifecycle-test', logger: createLogger('warn') }));
    await producer.connect();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'lifecycle',
      dataConverter,
      workflowBundle: bundle,
      activities: createActivities({ producer }),
    });
    running = worker.run();

    year = nextCampaignYear(new Date(await env.currentTimeMs()));
    // A unique plan number keeps reruns against a long-lived broker apart.
    plan = planSchema.parse(
      plan202({
        number: `${200 + (Date.now() % 9_000)}-KH/BDVTU`,
        year,
        issuedOn: day('09-06'),
        window: { opensOn: day('10-01'), closesOn: day('10-31') },
      }),
    );
    campaignId = campaignIdFor(plan);
    reporter = new Reporter(env.client, campaignId);
  });

  afterAll(async () => {
    stopping.abort();
    worker?.shutdown();
    await running;
    await producer?.disconnect();
    await env?.teardown();
  });

  step('issues the plan on 06/9 and deploys it down the tree: one workflow per district and commune', async () => {
    await advanceTo(at(day('09-06'), 9));
    campaign = await env.client.workflow.start('campaignWorkflow', {
      workflowId: campaignWorkflowId(campaignId),
      taskQueue: 'lifecycle',
      args: [{ campaignId, plan, tree }],
    });
    expect((await snapshot()).phase).toBe('issued');

    await advanceTo(at(day('09-10'), 9));
    const deployed = await campaign.executeUpdate(deployUpdate, { args: [{ requestedBy: 'admin-bg', reason: 'triển khai kế hoạch' }] });
    expect(deployed.phase).toBe('deployed');
    expect(deployed.children.map((c) => c.unitCode)).toEqual(['BG-HH', 'BG-LN', 'BG-YT']);
    const again = await campaign.executeUpdate(deployUpdate, { args: [{ requestedBy: 'admin-bg', reason: 'again' }] }).catch((e: unknown) => e);
    expect((again as WorkflowUpdateFailedError).cause?.message).toMatch(/already deployed/);

    // Every commune has its own workflow tracking its chi bộ.
    const owner = await reporter.owner(cellsOf(HH)[0]!.code);
    expect(owner).toBe(`unit:${campaignId}:${HH[0]!.code}`);
    expect(await reporter.owner(HH[0]!.code)).toBe(owner);
    expect(await reporter.owner('BG')).toBe(campaignWorkflowId(campaignId));
  });

  step('registers "Dân vận khéo" models after deployment, and refuses study sessions before the window opens', async () => {
    // Let the freshly started workflows settle first: the Java time-skipping server intermittently fails
    // workflow tasks ("invalid history builder state for action") when Updates race a new workflow's first tasks.
    await advanceTo(at(day('09-10'), 12));
    const register = (unit: Unit, name: string, field: 'economy' | 'culture-society' | 'defence-security' | 'political-system') =>
      reporter.submit({ kind: 'model-registration', unitCode: unit.code, report: { name, field, registeredOn: day('09-10') } });
    expect(await register(index.get('BG')!, 'Dân vận khéo trong xây dựng Đảng', 'political-system')).toMatchObject({ id: 'M1', stage: 'registered' });
    expect(await register(HH[0]!, 'Hiến đất làm đường giao thông nông thôn', 'economy')).toMatchObject({ id: 'M1' });
    expect(await register(HH[1]!, 'Khu dân cư không rác thải nhựa', 'culture-society')).toMatchObject({ id: 'M1' });
    expect(await register(LN[0]!, 'Tổ tự quản an ninh trật tự', 'defence-security')).toMatchObject({ id: 'M1' });
    expect(await register(ytFirst, 'Tổ hợp tác chăn nuôi', 'economy')).toMatchObject({ id: 'M1' });

    const early = await rejectionOf(reporter.submit(studySession(cellsOf(HH)[0]!, day('09-12'))));
    expect(early.type).toBe('wrong-phase');
    expect(early.message).toMatch(/in-progress/);
  });

  step('opens the window on 01/10 by itself, and refuses a phase move that skips a phase', async () => {
    await advanceTo(at(day('10-01'), 0, 5));
    await eventually(snapshot, (s) => s.phase === 'in-progress');
    const skip = await rejectionOf(campaign.executeUpdate(advancePhaseUpdate, { args: [{ to: 'closed', reason: 'đóng sớm', requestedBy: 'admin-bg' }] }));
    expect(skip.message).toBe('from in-progress the next phase is assessment, not closed');
    const back = await rejectionOf(campaign.executeUpdate(advancePhaseUpdate, { args: [{ to: 'deployed', reason: 'quay lại', requestedBy: 'admin-bg' }] }));
    expect(back.message).toMatch(/phases only move forward/);
  });

  step('takes October reports: Hiệp Hòa on time, half of Lục Nam on time, one Yên Thế commune after the first reminder', async () => {
    await advanceTo(at(day('10-10')));
    for (const cell of cellsOf(HH)) expect(await reporter.submit(studySession(cell, day('10-09')))).toMatchObject({ late: false });
    await advanceTo(at(day('10-12')));
    for (const [i, commune] of HH.entries()) await reporter.submit(dialogue(commune, day('10-12'), 100 + i));
    await reporter.submit(dialogue(HH[0]!, day('10-12'), 219));
    const kienNghi = await reporter.submit({
      kind: 'petition',
      unitCode: HH[0]!.code,
      report: { kind: 'kien-nghi', content: 'Đề nghị sửa đường liên thôn', receivedOn: day('10-12') },
    });
    await reporter.submit({
      kind: 'petition',
      unitCode: HH[0]!.code,
      report: { kind: 'khieu-nai', content: 'Khiếu nại về bồi thường giải phóng mặt bằng', receivedOn: day('10-12') },
    });
    await advanceTo(at(day('10-15')));
    for (const cell of cellsOf(lnOnTime)) await reporter.submit(studySession(cell, day('10-15'), 25, 27));
    const toCao = await reporter.submit({
      kind: 'petition',
      unitCode: LN[0]!.code,
      report: { kind: 'to-cao', content: 'Tố cáo lấn chiếm đất công', receivedOn: day('10-15') },
    });
    await advanceTo(at(day('10-20')));
    for (const commune of lnOnTime) await reporter.submit(dialogue(commune, day('10-20'), 150));
    await reporter.submit({
      kind: 'petition-resolution',
      unitCode: HH[0]!.code,
      petitionId: kienNghi.id!,
      report: { resolvedOn: day('10-20'), outcome: 'Đã đưa vào kế hoạch sửa chữa năm sau' },
    });
    expect(toCao.id).toBe('P1');

    // 24/10 08:00: the 7-day reminders go to every chi bộ and commune still owing a report, and no one else.
    await advanceTo(at(day('10-24'), 9));
    const reminded = await eventually(snapshot, (s) => s.progress.reminders.sent === cellsOf([...lnLate, ...YT]).length + lnLate.length + YT.length);
    expect(reminded.progress.reminders.escalations).toBe(0);

    await advanceTo(at(day('10-25')));
    for (const cell of cellsOf([ytFirst])) await reporter.submit(studySession(cell, day('10-25')));
  });

  step('refuses bad reports with a reason and without an event', async () => {
    const cell = cellsOf(YT)[5]!;
    const impossible = await rejectionOf(reporter.submit(studySession(cell, day('10-25'), 40, 30)));
    expect(impossible.message).toMatch(/membersPresent/);
    const commune = await rejectionOf(reporter.submit(studySession(HH[0]!, day('10-25'))));
    expect(commune.message).toMatch(/study-session reports come from chi bộ/);
    const wrongOwner = await rejectionOf(reporter.submit(studySession(cell, day('10-25')), randomUUID(), `unit:${campaignId}:${HH[0]!.code}`));
    expect(wrongOwner.type).toBe('not-found');
    const unknownPetition = await rejectionOf(
      reporter.submit({ kind: 'petition-resolution', unitCode: HH[0]!.code, petitionId: 'P99', report: { resolvedOn: day('10-25'), outcome: 'x' } }),
    );
    expect(unknownPetition.type).toBe('not-found');
    const future = await rejectionOf(reporter.submit(studySession(cell, day('10-27'))));
    expect(future.message).toMatch(/in the future/);
    const twice = await rejectionOf(reporter.submit(studySession(cellsOf(HH)[0]!, day('10-25'))));
    expect(twice.type).toBe('conflict');
    const tooEarlyAssessment = await rejectionOf(
      reporter.submit({ kind: 'model-assessment', unitCode: HH[0]!.code, modelId: 'M1', report: { action: 'assess', score: 90, remarks: 'x' } }),
    );
    expect(tooEarlyAssessment.type).toBe('wrong-phase');

    // The same idempotency key: the same report answers as before with one effect; a different report is refused.
    const key = randomUUID();
    const first = await reporter.submit(dialogue(ytFirst, day('10-25'), 80), key);
    expect(await reporter.submit(dialogue(ytFirst, day('10-25'), 80), key)).toEqual(first);
    const reused = await rejectionOf(reporter.submit(dialogue(ytFirst, day('10-25'), 81), key));
    expect(reused.type).toBe('idempotency-conflict');
  });

  step('extends the dialogue deadline to 10/11 on 29/10, which re-plans its reminders', async () => {
    await advanceTo(at(day('10-29')));
    const shorter = await rejectionOf(
      campaign.executeUpdate(extendDeadlineUpdate, { args: [{ deadline: 'dialogues', to: day('10-20'), reason: 'x', requestedBy: 'admin-bg' }] }),
    );
    expect(shorter.message).toMatch(/must move it later/);
    const extended = await campaign.executeUpdate(extendDeadlineUpdate, {
      args: [{ deadline: 'dialogues', to: day('11-10'), reason: 'mưa lũ kéo dài', requestedBy: 'admin-bg' }],
    });
    expect(extended.deadlines.dialogues).toBe(day('11-10'));
  });

  step('escalates missed study sessions after 31/10, accepts late reports marked late, and keeps reminding', async () => {
    await advanceTo(at(day('11-01'), 9));
    const afterDeadline = await eventually(snapshot, (s) => s.progress.reminders.escalations === cellsOf([...lnLate, ...ytRest]).length);
    expect(afterDeadline.progress.studySessions.overdue).toBe(cellsOf([...lnLate, ...ytRest]).length);
    expect(afterDeadline.overdueUnits.map((u) => u.code).sort()).toEqual(
      cellsOf([...lnLate, ...ytRest])
        .map((u) => u.code)
        .sort(),
    );

    await advanceTo(at(day('11-05')));
    for (const cell of cellsOf(lnLate)) expect(await reporter.submit(studySession(cell, day('11-04'), 20, 22))).toMatchObject({ late: true });
    // Held on 05/11, before the extended dialogue deadline: on time.
    for (const commune of lnLate) expect(await reporter.submit(dialogue(commune, day('11-05'), 120))).toMatchObject({ late: false });
    expect((await snapshot()).phase).toBe('in-progress');
  });

  step('moves to assessment when reporting ends (11/11), where the council assesses, recognizes and rejects', async () => {
    await advanceTo(at(day('11-12')));
    await eventually(snapshot, (s) => s.phase === 'assessment');
    const step = (unit: Unit, report: Extract<ReportCommand, { kind: 'model-assessment' }>['report']) =>
      reporter.submit({ kind: 'model-assessment', unitCode: unit.code, modelId: 'M1', report });
    const notAssessed = await rejectionOf(step(HH[0]!, { action: 'recognize', remarks: 'x' }));
    expect(notAssessed.type).toBe('conflict');
    for (const unit of [index.get('BG')!, HH[0]!, HH[1]!, LN[0]!, ytFirst]) await step(unit, { action: 'assess', score: 85, remarks: 'Hội đồng thẩm định' });
    for (const unit of [index.get('BG')!, HH[0]!, HH[1]!, LN[0]!])
      expect(await step(unit, { action: 'recognize', remarks: 'Công nhận' })).toMatchObject({ stage: 'recognized' });
    expect(await step(ytFirst, { action: 'reject', reason: 'Chưa lan tỏa' })).toMatchObject({ stage: 'rejected' });
  });

  step('moves to commendation after 15/11, where models are commended and the best proposed upward', async () => {
    await advanceTo(at(day('11-20')));
    await eventually(snapshot, (s) => s.phase === 'commendation');
    const step = (unit: Unit, report: Extract<ReportCommand, { kind: 'model-commendation' }>['report']) =>
      reporter.submit({ kind: 'model-commendation', unitCode: unit.code, modelId: 'M1', report });
    for (const unit of [HH[0]!, HH[1]!, LN[0]!]) await step(unit, { action: 'commend', form: 'giay-khen', awardedBy: 'Ban Thường vụ Huyện ủy' });
    expect(await step(HH[0]!, { action: 'propose-upward', remarks: 'Đề nghị Tỉnh ủy công nhận' })).toMatchObject({ stage: 'proposed-upward' });
  });

  let final: CampaignSnapshot;

  step('closes after the commendation deadline with the exact figures of the story', async () => {
    await advanceTo(at(day('12-01'), 9));
    // Closed on 01/12 with the khiếu nại and the tố cáo still open: the campaign waits for their resolution.
    await eventually(snapshot, (s) => s.phase === 'closed');
    expect((await campaign.describe()).status.name).toBe('RUNNING');
    const resolve = (unit: Unit, petitionId: string) =>
      reporter.submit({ kind: 'petition-resolution', unitCode: unit.code, petitionId, report: { resolvedOn: day('12-01'), outcome: 'Đã trả lời công dân' } });
    expect(await resolve(HH[0]!, 'P2')).toMatchObject({ status: 'resolved' });
    expect(await resolve(LN[0]!, 'P1')).toMatchObject({ status: 'resolved' });
    final = await campaign.result();
    const p = final.progress;
    const cells = cellsOf([...HH, ...LN, ...YT]);
    expect(final.phase).toBe('closed');
    expect(p.studySessions).toEqual({
      required: cells.length,
      done: cellsOf([...HH, ...LN, ytFirst]).length,
      late: cellsOf(lnLate).length,
      overdue: cellsOf(ytRest).length,
      membersPresent: cellsOf(HH).length * 18 + cellsOf(lnOnTime).length * 25 + cellsOf(lnLate).length * 20 + cellsOf([ytFirst]).length * 18,
      membersTotal: cellsOf(HH).length * 20 + cellsOf(lnOnTime).length * 27 + cellsOf(lnLate).length * 22 + cellsOf([ytFirst]).length * 20,
    });
    expect(p.dialogues).toEqual({
      required: 30,
      done: HH.length + LN.length + 1,
      late: 0,
      overdue: ytRest.length,
      conferences: HH.length + 1 + LN.length + 1,
      attendance: HH.reduce((sum, _, i) => sum + 100 + i, 0) + 219 + lnOnTime.length * 150 + lnLate.length * 120 + 80,
      lateConferences: 0,
    });
    expect(p.petitions).toEqual({
      'kien-nghi': { recorded: 1, resolved: 1 },
      'khieu-nai': { recorded: 1, resolved: 1 },
      'to-cao': { recorded: 1, resolved: 1 },
    });
    expect(p.models).toMatchObject({
      'political-system': { recognized: 1 },
      economy: { 'proposed-upward': 1, rejected: 1 },
      'culture-society': { commended: 1 },
      'defence-security': { commended: 1 },
    });

    // Study sessions: before 7 (24/10) lnLate+YT; 3 and 1 (28, 30/10) lnLate+ytRest; escalation 01/11 lnLate+ytRest;
    // overdue day 3 (03/11) lnLate+ytRest; days 6…30 (9 reminders) ytRest only.
    const lnLateCells = cellsOf(lnLate).length;
    const ytCells = cellsOf(YT).length;
    const ytRestCells = cellsOf(ytRest).length;
    const studyReminders = lnLateCells + ytCells + 3 * (lnLateCells + ytRestCells) + 9 * ytRestCells;
    // Dialogues: 24/10 lnLate+YT; 28/10 lnLate+ytRest (ytFirst reported 25/10); after the extension to 10/11:
    // 03/11 lnLate+ytRest; 07 and 09/11 ytRest; overdue 13…28/11 (6 reminders) ytRest.
    const dialogueReminders = lnLate.length + YT.length + 2 * (lnLate.length + ytRest.length) + 2 * ytRest.length + 6 * ytRest.length;
    expect(p.reminders).toEqual({ sent: studyReminders + dialogueReminders, escalations: lnLateCells + ytRestCells + ytRest.length });
  });

  step('never cancels a timer: every workflow of the campaign kept each timer it started', async () => {
    const counts = { started: 0, canceled: 0 };
    for (const id of workflowIds()) {
      for (const event of (await env.client.workflow.getHandle(id).fetchHistory()).events ?? []) {
        if (event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED) counts.started += 1;
        if (event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_CANCELED) counts.canceled += 1;
      }
    }
    expect(counts.started).toBeGreaterThan(workflowIds().length);
    expect(counts.canceled).toBe(0);
  });

  step('published the same story to Kafka: every event once, in order per workflow, reminders on their own topic too', async () => {
    const events = await readCampaignEvents(TOPICS.campaignEvents, campaignId);
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const event of events) expect(parseEvent(event)).toEqual({ ok: true, event, name: nameOf(event), version: 1 });

    // Each workflow's events arrive gap-free, in sequence order.
    const bySource = new Map<string, number[]>();
    for (const e of events) bySource.set(e.source, [...(bySource.get(e.source) ?? []), e.sequence]);
    for (const sequences of bySource.values()) expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(bySource.size).toBe(1 + 3 + 30);

    const count = (name: string) => events.filter((e) => nameOf(e) === name).length;
    const lnLateN = lnLate.length;
    const ytRestN = ytRest.length;
    expect(Object.fromEntries([...new Set(events.map(nameOf))].sort().map((name) => [name, count(name)]))).toEqual({
      'campaign.closed': 1,
      'campaign.issued': 1,
      'campaign.phase-changed': 5,
      'deadline.escalated': lnLateN + 2 * ytRestN,
      'deadline.extended': 1,
      'dialogue.reported': HH.length + 1 + LN.length + 1,
      'model.assessed': 5,
      'model.commended': 3,
      'model.proposed-upward': 1,
      'model.recognized': 4,
      'model.registered': 5,
      'model.rejected': 1,
      'petition.recorded': 3,
      'petition.resolved': 3,
      'reminder.sent': lnLateN * (4 + 3) + (1 + 1) + ytRestN * (13 + 11),
      'study-session.reported': cellsOf([...HH, ...LN, ytFirst]).length,
      'unit.deployed': 34,
    });
    // The closing figures are those of 01/12, with two petitions open; their resolutions follow it.
    const closedAt = events.findIndex((e) => nameOf(e) === 'campaign.closed');
    expect((events[closedAt]!.data as { figures: CampaignSnapshot['progress'] }).figures.petitions).toMatchObject({
      'khieu-nai': { resolved: 0 },
      'to-cao': { resolved: 0 },
    });
    expect(events.slice(closedAt).filter((e) => nameOf(e) === 'petition.resolved')).toHaveLength(2);
    expect(events.filter((e) => nameOf(e) === 'campaign.phase-changed').map((e) => (e.data as { to: string; trigger: string }).to)).toEqual([
      'deployed',
      'in-progress',
      'assessment',
      'commendation',
      'closed',
    ]);

    // Reminders go out at 08:00 Vietnam time (spread over 20 minutes) on the right day, escalations the day after the deadline.
    const isNotification = (e: DanvanEvent) => nameOf(e) === 'reminder.sent' || nameOf(e) === 'deadline.escalated';
    for (const e of events.filter(isNotification)) {
      const p = e.data as { deadlineDate: string; kind?: 'before' | 'overdue'; days?: number };
      const local = new Date(Date.parse(e.time) + 7 * 3_600_000);
      const localDay = local.toISOString().slice(0, 10);
      if (nameOf(e) === 'deadline.escalated') {
        expect(localDay).toBe(addDays(p.deadlineDate, 1));
        expect(local.getUTCHours()).toBe(0);
      } else {
        expect(localDay).toBe(addDays(p.deadlineDate, p.kind === 'before' ? -p.days! : p.days!));
        expect(local.getUTCHours()).toBe(8);
        expect(local.getUTCMinutes()).toBeLessThan(20);
      }
    }

    const notifications = await readCampaignEvents(TOPICS.reminders, campaignId);
    expect(notifications.map((e) => e.id).sort()).toEqual(
      events
        .filter(isNotification)
        .map((e) => e.id)
        .sort(),
    );
  });
});
