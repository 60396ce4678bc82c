import type { Database } from 'better-sqlite3';
import { phaseIndex, type Phase } from '../domain/campaign';
import { HONOUR_FORMS } from '../domain/honours';
import { MODEL_STAGES, MODEL_STEPS, type ModelStage } from '../domain/models';
import { vietnamDateOf } from '../domain/schedule';
import type { ProjectedEvent, ProjectedEventOf } from './projected-event';
import { fail, ok, type Result } from './result';

/**
 * The write side of the projection: each event becomes an upsert of the facts it states. Every statement is
 * idempotent and commutes with the others (phases, deadlines and model stages keep the furthest value seen), so
 * the stored facts do not depend on how the workflows' streams interleave; the dedupe by id only spares the work.
 */

/** How far along the model pipeline each stage lies, from the steps' own rules; stages at one depth (recognized, rejected) exclude each other. */
const STAGE_DEPTH: Record<ModelStage, number> = (() => {
  const depth = new Map<ModelStage, number>([['registered', 0]]);
  for (let grew = true; grew;) {
    grew = false;
    for (const step of Object.values(MODEL_STEPS)) {
      const from = Math.max(...step.from.map((stage) => depth.get(stage) ?? -Infinity));
      if (from >= 0 && !depth.has(step.to)) {
        depth.set(step.to, from + 1);
        grew = true;
      }
    }
  }
  return Object.fromEntries(
    MODEL_STAGES.map((stage) => {
      const d = depth.get(stage);
      if (d === undefined) throw new Error(`model stage ${stage} cannot be reached from registered by MODEL_STEPS`);
      return [stage, d];
    }),
  ) as Record<ModelStage, number>;
})();

function statements(db: Database) {
  return {
    markSeen: db.prepare('INSERT INTO seen_events (event_id, campaign_id, name, time_ms) VALUES (@id, @campaign, @name, @time) ON CONFLICT DO NOTHING'),
    touchCampaign: db.prepare(
      `INSERT INTO campaigns (campaign_id, last_event_ms) VALUES (@campaign, @time)
       ON CONFLICT (campaign_id) DO UPDATE SET last_event_ms = max(last_event_ms, excluded.last_event_ms)`,
    ),
    issuePlan: db.prepare('UPDATE campaigns SET plan_json = @plan, units_expected_json = @units, implements = @implements WHERE campaign_id = @campaign'),
    advancePhase: db.prepare('UPDATE campaigns SET phase = @phase, phase_rank = @rank WHERE campaign_id = @campaign AND phase_rank < @rank'),
    laterDeadline: db.prepare(
      `INSERT INTO deadlines (campaign_id, deadline, date) VALUES (@campaign, @deadline, @date)
       ON CONFLICT DO UPDATE SET date = max(date, excluded.date)`,
    ),
    deployUnit: db.prepare(
      `INSERT OR REPLACE INTO units (campaign_id, unit_code, name, kind, parent_code, owes_study_session, owes_dialogue)
       VALUES (@campaign, @code, @name, @kind, @parent, @owesStudySession, @owesDialogue)`,
    ),
    // The workflow accepts one study session per chi bộ and numbers conferences, so a key never carries two reports.
    studySession: db.prepare(
      `INSERT INTO study_sessions (campaign_id, unit_code, held_on, members_present, members_total, late)
       VALUES (@campaign, @unit, @heldOn, @membersPresent, @membersTotal, @late) ON CONFLICT DO NOTHING`,
    ),
    dialogue: db.prepare(
      `INSERT INTO dialogues (campaign_id, unit_code, conference, held_on, topic, attendance, late)
       VALUES (@campaign, @unit, @conference, @heldOn, @topic, @attendance, @late) ON CONFLICT DO NOTHING`,
    ),
    // The workflow numbers each unit's activity reports, so a key never carries two reports.
    activity: db.prepare(
      `INSERT INTO activities (campaign_id, unit_code, report_id, activity, held_on, measures_json, late)
       VALUES (@campaign, @unit, @reportId, @activity, @heldOn, @measures, @late) ON CONFLICT DO NOTHING`,
    ),
    petitionRecorded: db.prepare(
      `INSERT INTO petitions (campaign_id, unit_code, petition_id, kind, received_on) VALUES (@campaign, @unit, @petitionId, @kind, @receivedOn)
       ON CONFLICT DO UPDATE SET received_on = excluded.received_on`,
    ),
    petitionResolved: db.prepare(
      `INSERT INTO petitions (campaign_id, unit_code, petition_id, kind, resolved_on) VALUES (@campaign, @unit, @petitionId, @kind, @resolvedOn)
       ON CONFLICT DO UPDATE SET resolved_on = excluded.resolved_on`,
    ),
    modelRegistered: db.prepare(
      `INSERT INTO models (campaign_id, unit_code, model_id, name, field, registered_on, stage, stage_depth)
       VALUES (@campaign, @unit, @modelId, @name, @field, @registeredOn, 'registered', ${STAGE_DEPTH.registered})
       ON CONFLICT DO UPDATE SET name = excluded.name, registered_on = excluded.registered_on`,
    ),
    modelStep: db.prepare(
      `INSERT INTO models (campaign_id, unit_code, model_id, field, stage, stage_depth, origin_unit, origin_model, proposed_to)
       VALUES (@campaign, @unit, @modelId, @field, @stage, @depth, @originUnit, @originModel, @proposedTo)
       ON CONFLICT DO UPDATE SET stage = iif(excluded.stage_depth > models.stage_depth, excluded.stage, models.stage),
         stage_depth = max(excluded.stage_depth, models.stage_depth), origin_unit = coalesce(models.origin_unit, excluded.origin_unit),
         origin_model = coalesce(models.origin_model, excluded.origin_model), proposed_to = coalesce(models.proposed_to, excluded.proposed_to)`,
    ),
    honour: db.prepare(
      `INSERT INTO honours (campaign_id, unit_code, honour_key, kind, level, form, recipient, on_date)
       VALUES (@campaign, @unit, @key, @kind, @level, @form, @recipient, @onDate) ON CONFLICT DO NOTHING`,
    ),
    reminder: db.prepare(
      `INSERT INTO reminders (event_id, unit_code, campaign_id, deadline, deadline_date, kind)
       VALUES (@id, @unit, @campaign, @deadline, @deadlineDate, @kind) ON CONFLICT DO NOTHING`,
    ),
  };
}

type Statements = ReturnType<typeof statements>;
type Handler<T extends ProjectedEvent['name']> = (s: Statements, event: ProjectedEventOf<T>) => void;

function advancePhase(s: Statements, campaign: string, phase: Phase): void {
  s.advancePhase.run({ campaign, phase, rank: phaseIndex(phase) });
}

function modelStep(
  s: Statements,
  event: ProjectedEventOf<'model.assessed' | 'model.recognized' | 'model.rejected' | 'model.commended' | 'model.proposed-upward'>,
): void {
  const { modelId, field, to, level, origin } = event.data;
  const proposedTo = event.name === 'model.proposed-upward' ? event.data.proposedTo : undefined;
  const place = { campaign: event.campaignId, unit: event.subject };
  s.modelStep.run({
    ...place,
    modelId,
    field,
    stage: to,
    depth: STAGE_DEPTH[to],
    originUnit: origin?.unitCode ?? null,
    originModel: origin?.modelId ?? null,
    proposedTo: proposedTo ?? null,
  });
  const honour = { ...place, level: level ?? null, recipient: 'model', onDate: vietnamDateOf(new Date(event.time)) };
  if (event.name === 'model.recognized') s.honour.run({ ...honour, key: `recognized:${modelId}`, kind: 'recognized', form: null });
  // Commendations from before the list of forms carry free text: their models count by stage, not by form.
  if (event.name === 'model.commended' && (HONOUR_FORMS as readonly string[]).includes(event.data.form))
    s.honour.run({ ...honour, key: `commended:${modelId}`, kind: 'commended', form: event.data.form });
}

/** One handler per event name: a name added to the contract without one here fails to compile. */
const HANDLERS: { [T in ProjectedEvent['name']]: Handler<T> } = {
  'campaign.issued': (s, { campaignId: campaign, data: { plan, units } }) => {
    s.issuePlan.run({ campaign, plan: JSON.stringify(plan), units: JSON.stringify(units), implements: plan.implements?.campaignId ?? null });
    advancePhase(s, campaign, 'issued');
    for (const [deadline, date] of Object.entries(plan.deadlines)) s.laterDeadline.run({ campaign, deadline, date });
  },
  'campaign.phase-changed': (s, event) => advancePhase(s, event.campaignId, event.data.to),
  'campaign.closed': (s, event) => advancePhase(s, event.campaignId, 'closed'),
  'deadline.extended': (s, { campaignId: campaign, data }) => void s.laterDeadline.run({ campaign, deadline: data.deadline, date: data.to }),
  'unit.deployed': (s, { campaignId: campaign, data }) => {
    for (const u of data.units) {
      s.deployUnit.run({
        campaign,
        code: u.code,
        name: u.name,
        kind: u.kind,
        parent: u.parent ?? null,
        owesStudySession: u.obligations.includes('study-session') ? 1 : 0,
        owesDialogue: u.obligations.includes('dialogue') ? 1 : 0,
      });
    }
  },
  'reminder.sent': (s, { id, campaignId: campaign, data }) => {
    for (const unit of data.units) s.reminder.run({ id, unit, campaign, deadline: data.deadline, deadlineDate: data.deadlineDate, kind: data.kind });
  },
  'deadline.escalated': (s, { id, campaignId: campaign, data }) => {
    for (const { code } of data.units)
      s.reminder.run({ id, unit: code, campaign, deadline: data.deadline, deadlineDate: data.deadlineDate, kind: 'escalation' });
  },
  'study-session.reported': (s, { campaignId: campaign, subject: unit, data }) =>
    void s.studySession.run({
      campaign,
      unit,
      heldOn: data.heldOn,
      membersPresent: data.membersPresent,
      membersTotal: data.membersTotal,
      late: data.late ? 1 : 0,
    }),
  'dialogue.reported': (s, { campaignId: campaign, subject: unit, data }) =>
    void s.dialogue.run({
      campaign,
      unit,
      conference: data.conference,
      heldOn: data.heldOn,
      topic: data.topic,
      attendance: data.attendance,
      late: data.late ? 1 : 0,
    }),
  'activity.reported': (s, { campaignId: campaign, subject: unit, data }) =>
    void s.activity.run({
      campaign,
      unit,
      reportId: data.reportId,
      activity: data.activity,
      heldOn: data.heldOn,
      measures: JSON.stringify(data.measures),
      late: data.late ? 1 : 0,
    }),
  'petition.recorded': (s, { campaignId: campaign, subject: unit, data }) =>
    void s.petitionRecorded.run({ campaign, unit, petitionId: data.petitionId, kind: data.kind, receivedOn: data.receivedOn }),
  'petition.resolved': (s, { campaignId: campaign, subject: unit, data }) =>
    void s.petitionResolved.run({ campaign, unit, petitionId: data.petitionId, kind: data.kind, resolvedOn: data.resolvedOn }),
  'model.registered': (s, { campaignId: campaign, subject: unit, data }) =>
    void s.modelRegistered.run({ campaign, unit, modelId: data.modelId, name: data.name, field: data.field, registeredOn: data.registeredOn }),
  'model.assessed': modelStep,
  'model.recognized': modelStep,
  'model.rejected': modelStep,
  'model.commended': modelStep,
  'model.proposed-upward': modelStep,
  'honour.awarded': (s, { campaignId: campaign, subject: unit, data }) =>
    void s.honour.run({
      campaign,
      unit,
      key: `award:${data.awardId}`,
      kind: 'commended',
      level: data.level,
      form: data.form,
      recipient: data.recipient.kind,
      onDate: data.awardedOn,
    }),
};

function applyOne(s: Statements, event: ProjectedEvent): void {
  // The map is keyed by name, so the handler fits the event; TypeScript cannot follow that through a union.
  (HANDLERS[event.name] as Handler<ProjectedEvent['name']>)(s, event);
}

/** What the projection needs of every event before it may write anything; the payload itself was validated by the consumer (parseEvent). */
function envelopeProblem(event: ProjectedEvent, index: number): ReturnType<typeof fail> | undefined {
  if (typeof event.id !== 'string' || event.id === '')
    return fail(`events[${index}].id`, event.id, 'expected the event id <campaignId>/<sourceUnit>/<sequence>');
  if (!Object.hasOwn(HANDLERS, event.name)) return fail(`events[${index}].name`, event.name, `event ${event.id} has a name this projection does not know`);
  if (typeof event.campaignId !== 'string' || event.campaignId === '')
    return fail(`events[${index}].campaignId`, event.campaignId, `event ${event.id} has no campaign id`);
  if (typeof event.subject !== 'string' || event.subject === '') return fail(`events[${index}].subject`, event.subject, `event ${event.id} names no unit`);
  if (Number.isNaN(Date.parse(event.time)))
    return fail(`events[${index}].time`, event.time, `event ${event.id} has no readable time; expected ISO 8601 with offset`);
  return undefined;
}

/**
 * Applies a batch in one transaction and answers how many events were new. Nothing of a batch is written if one of
 * its events is unusable (the answer names it), so the caller can set that one aside and apply the rest.
 */
export function createApplier(db: Database): (events: readonly ProjectedEvent[]) => Result<number> {
  const s = statements(db);
  const applyBatch = db.transaction((events: readonly ProjectedEvent[]) => {
    let fresh = 0;
    for (const event of events) {
      const time = Date.parse(event.time);
      if (s.markSeen.run({ id: event.id, campaign: event.campaignId, name: event.name, time }).changes === 0) continue;
      s.touchCampaign.run({ campaign: event.campaignId, time });
      applyOne(s, event);
      fresh += 1;
    }
    return fresh;
  });
  return (events) => {
    for (const [index, event] of events.entries()) {
      const problem = envelopeProblem(event, index);
      if (problem) return problem;
    }
    return ok(applyBatch(events));
  };
}
