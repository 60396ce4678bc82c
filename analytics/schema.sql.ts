/**
 * The projection's tables. Each stores facts as the events state them, keyed so that applying an event twice or
 * in another order leaves the same rows: figures are counted from these rows when asked, never kept as running
 * totals, so no interleaving of the workflows' streams can skew them.
 *
 * Bump SCHEMA_VERSION with any change here: a file written by another version is refused on open and must be
 * rebuilt (resetProjection, then replay the topic from offset zero).
 */
export const SCHEMA_VERSION = 3;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER NOT NULL PRIMARY KEY
);

-- Every event applied, by id, written in the same transaction as its effect: a redelivery finds its id and changes nothing.
CREATE TABLE IF NOT EXISTS seen_events (
  event_id    TEXT NOT NULL PRIMARY KEY,
  campaign_id TEXT NOT NULL,
  name        TEXT NOT NULL,
  time_ms     INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per campaign, created by whichever of its events comes first (unit workflows publish independently of the root).
CREATE TABLE IF NOT EXISTS campaigns (
  campaign_id         TEXT NOT NULL PRIMARY KEY,
  plan_json           TEXT,     -- campaign.issued: the plan with its defaults filled in
  units_expected_json TEXT,     -- campaign.issued: unit counts by kind, to tell a complete unit list from a partial one
  phase               TEXT,
  phase_rank          INTEGER NOT NULL DEFAULT -1,  -- phases only move forward: the highest seen is the current one
  last_event_ms       INTEGER NOT NULL,             -- stream time: the latest workflow time among its events
  implements          TEXT      -- campaign.issued: the campaign whose plan this one's implements (plan.implements)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS campaigns_by_implements ON campaigns (implements) WHERE implements IS NOT NULL;

-- The deadline in force: the plan's, or the latest extension (extensions only move a deadline later).
CREATE TABLE IF NOT EXISTS deadlines (
  campaign_id TEXT NOT NULL,
  deadline    TEXT NOT NULL,
  date        TEXT NOT NULL,
  PRIMARY KEY (campaign_id, deadline)
) WITHOUT ROWID;

-- unit.deployed: every unit of the tree, its parent and what it owes. Required counts and subtrees come from here.
CREATE TABLE IF NOT EXISTS units (
  campaign_id        TEXT NOT NULL,
  unit_code          TEXT NOT NULL,
  name               TEXT NOT NULL,
  kind               TEXT NOT NULL,
  parent_code        TEXT,
  owes_study_session INTEGER NOT NULL,
  owes_dialogue      INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, unit_code)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS units_by_parent ON units (campaign_id, parent_code);

-- A chi bộ reports its study session once; the workflow refuses a second.
CREATE TABLE IF NOT EXISTS study_sessions (
  campaign_id     TEXT NOT NULL,
  unit_code       TEXT NOT NULL,
  held_on         TEXT NOT NULL,
  members_present INTEGER NOT NULL,
  members_total   INTEGER NOT NULL,
  late            INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, unit_code)
) WITHOUT ROWID;

-- Conferences are numbered per commune from 1; the first one decides whether the commune complied late.
CREATE TABLE IF NOT EXISTS dialogues (
  campaign_id TEXT NOT NULL,
  unit_code   TEXT NOT NULL,
  conference  INTEGER NOT NULL,
  held_on     TEXT NOT NULL,
  topic       TEXT NOT NULL,
  attendance  INTEGER NOT NULL,
  late        INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, unit_code, conference)
) WITHOUT ROWID;

-- Petition ids are per unit (P1, P2 …); resolved once resolved_on is set.
CREATE TABLE IF NOT EXISTS petitions (
  campaign_id TEXT NOT NULL,
  unit_code   TEXT NOT NULL,
  petition_id TEXT NOT NULL,
  kind        TEXT NOT NULL,
  received_on TEXT,
  resolved_on TEXT,
  PRIMARY KEY (campaign_id, unit_code, petition_id)
) WITHOUT ROWID;

-- Model ids are per unit (M1, M2 …); a model is in the deepest stage any of its events reached. A model proposed to a
-- council from below has a row there too, with its origin: it is counted where it was registered.
CREATE TABLE IF NOT EXISTS models (
  campaign_id   TEXT NOT NULL,
  unit_code     TEXT NOT NULL,
  model_id      TEXT NOT NULL,
  name          TEXT,
  field         TEXT NOT NULL,
  registered_on TEXT,
  stage         TEXT NOT NULL,
  stage_depth   INTEGER NOT NULL,
  origin_unit   TEXT,
  origin_model  TEXT,
  proposed_to   TEXT,  -- the unit whose council it was proposed to (model.proposed-upward)
  PRIMARY KEY (campaign_id, unit_code, model_id)
) WITHOUT ROWID;

-- Honours by the unit that gave them: a model's recognition (key recognized:M3) and commendation (commended:M3), a
-- collective's or individual's commendation (award:K2). level is the unit's kind, NULL in events from before levels.
CREATE TABLE IF NOT EXISTS honours (
  campaign_id TEXT NOT NULL,
  unit_code   TEXT NOT NULL,
  honour_key  TEXT NOT NULL,
  kind        TEXT NOT NULL,  -- recognized | commended
  level       TEXT,
  form        TEXT,
  recipient   TEXT,
  on_date     TEXT NOT NULL,
  PRIMARY KEY (campaign_id, unit_code, honour_key)
) WITHOUT ROWID;

-- activity.reported: report ids are per unit (A1, A2 …); measures as reported, summed when figures are asked.
CREATE TABLE IF NOT EXISTS activities (
  campaign_id   TEXT NOT NULL,
  unit_code     TEXT NOT NULL,
  report_id     TEXT NOT NULL,
  activity      TEXT NOT NULL,
  held_on       TEXT NOT NULL,
  measures_json TEXT NOT NULL,
  late          INTEGER NOT NULL,  -- after the deadline of an obligation the unit had to report it by
  PRIMARY KEY (campaign_id, unit_code, report_id)
) WITHOUT ROWID;

-- One row per unit reminded (kind before / overdue) or escalated (kind escalation) by one event.
CREATE TABLE IF NOT EXISTS reminders (
  event_id      TEXT NOT NULL,
  unit_code     TEXT NOT NULL,
  campaign_id   TEXT NOT NULL,
  deadline      TEXT NOT NULL,
  deadline_date TEXT NOT NULL,
  kind          TEXT NOT NULL,
  PRIMARY KEY (event_id, unit_code)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reminders_by_unit ON reminders (campaign_id, unit_code);
`;
