import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { Progress } from '../domain/progress';
import { createApplier } from './apply';
import type { Obligation } from '../domain/units';
import { createReader, type CampaignState, type FiguresOptions, type LateSplit, type OverdueUnit, type UnitRecord } from './figures';
import type { ProjectedEvent } from './projected-event';
import { fail, ok, type Result } from './result';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.sql';

/**
 * The reference projection: every campaign's figures rebuilt from the event stream alone, in an embedded SQLite
 * file. One writer (the consumer) applies batches; readers (reports, dashboards) may open the same file at once.
 */
export interface Projection {
  readonly file: string;
  /**
   * Applies a batch in one transaction, dropping events already applied (by id), and answers how many were new.
   * When it answers, the batch is on disk: the consumer may commit its offsets.
   */
  apply(events: readonly ProjectedEvent[]): Result<number>;
  /** Plan, phase, deadlines in force and how complete the unit list is. */
  campaign(campaignId: string): Result<CampaignState>;
  /**
   * The campaign's figures as the campaign workflow rolls them up; with `unit`, the subtree's as that unit's workflow
   * rolls them up; with `period`, of the facts dated in it. An unknown unit or a malformed period is an error value.
   */
  figures(campaignId: string, opts?: FiguresOptions): Result<Progress>;
  /** The `late` figures of `figures` (same unit and period) split into held after the deadline day and only reported late. */
  lateness(campaignId: string, opts?: Pick<FiguresOptions, 'unit' | 'period'>): Result<Record<Obligation, LateSplit>>;
  /** A unit's name and kind as unit.deployed listed them. */
  unit(campaignId: string, unitCode: string): Result<UnitRecord>;
  /** Units past a deadline without their report; `unit` narrows to a subtree, `limit` caps each obligation's list. */
  overdueUnits(campaignId: string, opts?: Omit<FiguresOptions, 'period'> & { limit?: number }): Result<OverdueUnit[]>;
  /** The campaigns whose plan implements this campaign's (`plan.implements`), by id; none for a campaign unknown here. */
  implementedBy(campaignId: string): string[];
  /** The units directly under `unitCode`, in code order. */
  children(campaignId: string, unitCode: string): UnitRecord[];
  /** The unit's ancestors, nearest first, as far as unit.deployed events have named them. */
  ancestors(campaignId: string, unitCode: string): string[];
  /** Runs `read` in one read transaction: the answers it gathers are of one state of the file while the consumer writes. */
  snapshot<T>(read: () => T): T;
  close(): void;
}

/** The projection as its readers use it (reports over HTTP): everything but `apply`. */
export type ProjectionReader = Omit<Projection, 'apply'>;

function connect(file: string): Result<Database> {
  try {
    const db = new BetterSqlite3(file);
    // WAL lets reports read while the consumer writes; FULL syncs every commit, so an applied batch survives a power cut.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    return ok(db);
  } catch (error) {
    return fail('file', file, `cannot open the projection file: ${(error as Error).message}`);
  }
}

function storedVersion(db: Database): number | undefined {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return undefined;
  return (db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined)?.version;
}

function createSchema(db: Database): void {
  db.exec(SCHEMA_SQL);
  db.prepare('INSERT OR IGNORE INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
}

function readerOver(file: string, db: Database): ProjectionReader {
  const reader = createReader(db);
  return {
    file,
    campaign: reader.campaign,
    figures: reader.figures,
    lateness: reader.lateness,
    unit: reader.unit,
    overdueUnits: reader.overdueUnits,
    implementedBy: reader.implementedBy,
    children: reader.children,
    ancestors: reader.ancestors,
    snapshot: (read) => db.transaction(read)(),
    close: () => db.close(),
  };
}

function projectionOver(file: string, db: Database): Projection {
  return { ...readerOver(file, db), apply: createApplier(db) };
}

function versionProblem(file: string, version: number) {
  return fail(
    'schema_version',
    version,
    `${file} holds a projection of schema version ${version}; this code reads version ${SCHEMA_VERSION}. Rebuild it: resetProjection, then replay the topic from offset zero`,
  );
}

/** Opens the projection in `file`, creating its tables when missing; a file of another schema version is refused. */
export function openProjection(file: string): Result<Projection> {
  const connected = connect(file);
  if (!connected.ok) return connected;
  const db = connected.value;
  try {
    const setUp = db.transaction((): Result<Projection> => {
      const version = storedVersion(db);
      if (version !== undefined && version !== SCHEMA_VERSION) return versionProblem(file, version);
      createSchema(db);
      return ok(projectionOver(file, db));
    });
    const opened = setUp.immediate();
    if (!opened.ok) db.close();
    return opened;
  } catch (error) {
    db.close();
    return fail('file', file, `not a projection file: ${(error as Error).message}`);
  }
}

/**
 * Opens the projection in an existing `file` for reading only: nothing is created or written, so a reader (the API)
 * never competes with the consumer for the write lock. A file without the projection's tables yet, or of another
 * schema version, is refused.
 */
export function openProjectionReader(file: string): Result<ProjectionReader> {
  let db: Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    return fail('file', file, `cannot open the projection file: ${(error as Error).message}`);
  }
  try {
    const version = storedVersion(db);
    const problem =
      version === undefined
        ? fail('schema_version', null, `${file} has no projection tables yet`)
        : version !== SCHEMA_VERSION
          ? versionProblem(file, version)
          : undefined;
    if (!problem) return ok(readerOver(file, db));
    db.close();
    return problem;
  } catch (error) {
    db.close();
    return fail('file', file, `not a projection file: ${(error as Error).message}`);
  }
}

/**
 * Drops every table of the projection in `file` and creates empty ones, whatever schema version it held: the first
 * step of a rebuild, before replaying the topic from offset zero. The consumer must be stopped meanwhile.
 */
export function resetProjection(file: string): Result<Projection> {
  const connected = connect(file);
  if (!connected.ok) return connected;
  const db = connected.value;
  try {
    db.transaction(() => {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
      for (const { name } of tables) db.exec(`DROP TABLE "${name.replaceAll('"', '""')}"`);
      createSchema(db);
    }).immediate();
    return ok(projectionOver(file, db));
  } catch (error) {
    db.close();
    return fail('file', file, `cannot reset the projection file: ${(error as Error).message}`);
  }
}
