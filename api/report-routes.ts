import fs from 'node:fs';
import type { Client } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { CampaignState, UnitRecord } from '../analytics/figures';
import { parsePeriod } from '../analytics/period';
import { openProjectionReader, type ProjectionReader } from '../analytics/projection';
import { projectionReportFigures, type ImplementingPlan, type ReportFacts, type ReportFigures } from '../analytics/report';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../analytics/report-formats';
import { ledgerProgress, type ComplianceContext } from '../domain/ledger';
import { planObligations } from '../domain/obligations';
import { emptyProgress, type Progress } from '../domain/progress';
import { unitCodeSchema } from '../domain/schemas';
import type { UnitIndex, UnitKind } from '../domain/units';
import { campaignSnapshotQuery, campaignWorkflowId, snapshotQuery, type CampaignSnapshot, type NodeSnapshot } from '../workflows/messages';
import { requireAllowed } from './authorization';
import { EXAMPLE_COMMUNE } from './examples';
import { problemFromWorkflow } from './failures';
import { implementedBy } from './implementing';
import type { UnitLocator } from './locator';
import { problem } from './problems';
import { campaignParams, type DanvanApp } from './unit-routes';

/**
 * `GET /v1/campaigns/{campaignId}/report`: the Vietnamese report as text or a printable HTML page, or the figures per
 * unit as CSV or XLSX, for the campaign or a unit's subtree, over the campaign or one period. The figures come from
 * the analytics projection (DANVAN_ANALYTICS_DB, read-only) when it has applied the campaign's plan and names the
 * unit, else live from the workflows' snapshots; a period needs dated facts, which only the projection keeps. Every
 * answer says which source answered and how fresh it is.
 */

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** What `Accept` names each format by. */
const MEDIA_TYPES: Record<ReportFormat, string> = { text: 'text/plain', html: 'text/html', csv: 'text/csv', xlsx: XLSX_TYPE };
/** What each answer is sent as. */
const CONTENT_TYPES: Record<ReportFormat, string> = {
  text: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  xlsx: XLSX_TYPE,
};
const EXTENSIONS: Record<ReportFormat, string> = { text: 'txt', html: 'html', csv: 'csv', xlsx: 'xlsx' };
export const FIGURES_SOURCE_HEADER = 'x-danvan-figures-source';
export const FIGURES_AS_OF_HEADER = 'x-danvan-figures-as-of';

const PERIOD_VI = 'phải là một năm (2024), nửa năm (2024-H1, 2024-H2) hoặc một quý (2024-Q1 … 2024-Q4), năm từ 1930 đến 2100';

const reportQuery = z.object({
  unit: unitCodeSchema.optional().meta({ description: "a unit's subtree instead of the whole campaign", examples: [EXAMPLE_COMMUNE] }),
  period: z
    .string()
    .superRefine((text, ctx) => {
      const parsed = parsePeriod(text);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error.message, params: { vi: PERIOD_VI } });
    })
    .optional()
    .meta({ description: 'the facts dated in a year, a half-year or a quarter (needs the analytics projection)', examples: ['2024-Q4'] }),
  format: z.enum(REPORT_FORMATS).optional().meta({ description: 'instead of the Accept header' }),
});

/**
 * The format `Accept` prefers most among those served (q-values; the first listed wins a tie); `*∕*`, `text/*` or no
 * header: text. Undefined when it accepts none of them.
 */
export function negotiateFormat(accept: string | undefined): ReportFormat | undefined {
  if (accept === undefined || accept.trim() === '') return 'text';
  let best: { format: ReportFormat; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const type = range.trim();
    const format = type === '*/*' || type === 'text/*' ? 'text' : REPORT_FORMATS.find((f) => MEDIA_TYPES[f] === type);
    if (!format) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (Number.isFinite(q) && q > 0 && (best === undefined || q > best.q)) best = { format, q };
  }
  return best?.format;
}

/** `bao-cao-<campaignId>[-<unit>][-<period>].<ext>`: every part is letters, digits, '.', '-' or '_' (their schemas). */
export function reportFileName(campaignId: string, unit: string | undefined, period: string | undefined, format: ReportFormat): string {
  return `bao-cao-${[campaignId, unit, period].filter((part) => part !== undefined).join('-')}.${EXTENSIONS[format]}`;
}

/**
 * The projection file, opened read-only once it exists and again whenever it is replaced (a new inode); a file that
 * cannot be read (no tables yet, another schema version) is logged once per reason, and the workflows answer.
 */
function projectionFile(file: string | undefined, log: FastifyBaseLogger) {
  let open: { reader: ProjectionReader; inode: number } | undefined;
  let lastProblem: string | undefined;
  const close = () => {
    open?.reader.close();
    open = undefined;
  };
  const current = (): ProjectionReader | undefined => {
    if (file === undefined) return undefined;
    let inode: number;
    try {
      inode = fs.statSync(file).ino;
    } catch {
      close();
      return undefined;
    }
    if (open?.inode === inode) return open.reader;
    close();
    const opened = openProjectionReader(file);
    if (!opened.ok) {
      const reason = `${opened.error.field}=${JSON.stringify(opened.error.value)}: ${opened.error.message}`;
      if (reason !== lastProblem) log.warn({ file, reason }, 'cannot read the analytics projection; reports come from the workflows');
      lastProblem = reason;
      return undefined;
    }
    lastProblem = undefined;
    open = { reader: opened.value, inode };
    return open.reader;
  };
  return { current, close };
}

/**
 * What the projection needs to answer: the campaign's plan applied and the unit named by unit.deployed; otherwise
 * undefined, and the workflows answer. Where the scope sits, for authorization, comes from the same events.
 */
function projectionScope(projection: ProjectionReader, campaignId: string, unit: string | undefined) {
  return projection.snapshot(() => {
    const state = projection.campaign(campaignId);
    if (!state.ok || !state.value.plan) return undefined;
    if (unit !== undefined && !projection.unit(campaignId, unit).ok) return undefined;
    return { root: state.value.plan.issuer.unitCode, ancestors: unit === undefined ? [] : projection.ancestors(campaignId, unit) };
  });
}

function kindCounts(index: UnitIndex): Partial<Record<UnitKind, number>> {
  const counts: Partial<Record<UnitKind, number>> = {};
  for (const unit of index.subtree(index.root.code)) counts[unit.kind] = (counts[unit.kind] ?? 0) + 1;
  return counts;
}

function stateOf(snapshot: CampaignSnapshot, units: CampaignState['units'], at: Date): CampaignState {
  return { campaignId: snapshot.campaignId, plan: snapshot.plan, phase: snapshot.phase, deadlines: snapshot.deadlines, units, lastEventAt: at.toISOString() };
}

/** How long one implementing campaign's snapshot is waited for: a campaign whose worker is down must not hold up the report. */
const IMPLEMENTING_DEADLINE_MS = 5_000;

/** The plans implementing this one, each from its own campaign workflow; one that does not answer in time is left out. */
async function implementingFromWorkflows(temporal: Client, campaignId: string, at: Date, log: FastifyBaseLogger): Promise<ImplementingPlan[]> {
  const listed = await implementedBy(temporal, campaignId, log);
  const plans = await Promise.all(
    (listed?.campaigns ?? []).map(async ({ campaignId: id }) => {
      try {
        const snapshot = await temporal.withDeadline(Date.now() + IMPLEMENTING_DEADLINE_MS, () =>
          temporal.workflow.getHandle(campaignWorkflowId(id)).query(campaignSnapshotQuery),
        );
        const units = { expected: {}, known: {} };
        return [{ state: stateOf(snapshot, units, at), figures: snapshot.progress }];
      } catch {
        return [];
      }
    }),
  );
  return plans.flat();
}

/**
 * From the workflows' snapshots, queried now: the scope's own workflow (the campaign's for the whole campaign) has its
 * subtree's figures, its children's reports and the records of the leaf units it tracks (a commune's chi bộ), whose
 * figures are counted here by the workflows' own rule (ledgerProgress).
 */
async function fromWorkflows(
  temporal: Client,
  index: UnitIndex,
  owner: string,
  campaignId: string,
  unit: string | undefined,
  log: FastifyBaseLogger,
): Promise<ReportFigures> {
  const scope = unit ?? index.root.code;
  // A unit workflow not started yet (the plan not deployed) is a 404 saying so, as the unit's own route answers.
  const query = async <T>(ask: () => Promise<T>): Promise<T> => {
    try {
      return await ask();
    } catch (error) {
      throw problemFromWorkflow(error, { en: `unit ${scope}`, vi: `Đơn vị ${scope}` }) ?? error;
    }
  };
  const campaign = await query(() => temporal.workflow.getHandle(campaignWorkflowId(campaignId)).query(campaignSnapshotQuery));
  const node: NodeSnapshot = scope === index.root.code ? campaign : await query(() => temporal.workflow.getHandle(owner).query(snapshotQuery));
  const asOf = new Date();
  const compliance: ComplianceContext = { now: asOf, deadlines: campaign.deadlines, obligations: planObligations(campaign.plan) };
  const tracked = (code: string): Progress => {
    const record = node.units.find((u) => u.code === code);
    return record ? ledgerProgress({ units: { [code]: record }, processed: {} }, compliance) : emptyProgress();
  };
  const named = (code: string): UnitRecord => {
    const u = index.get(code)!;
    return { code, name: u.name, kind: u.kind };
  };
  const rows = index
    .children(scope)
    .map((child) => ({ ...named(child.code), figures: node.children.find((c) => c.unitCode === child.code)?.progress ?? tracked(child.code) }));
  const figures = node.unitCode === scope ? node.progress : tracked(scope);
  const counts = kindCounts(index);
  const facts: ReportFacts = {
    state: stateOf(campaign, { expected: counts, known: counts }, asOf),
    figures,
    asOf,
    ...(unit === undefined ? {} : { unit: named(unit) }),
    // reportDocument leaves the implementing plans out of a unit's report: no need to ask for them.
    implementing: unit === undefined ? await implementingFromWorkflows(temporal, campaignId, asOf, log) : [],
    source: { kind: 'workflow', asOf },
  };
  return { facts, rows, total: { ...named(scope), figures } };
}

/** A period asked of the workflows: they keep counts, not the dates a period is counted by. */
function periodNeedsProjection(period: string, hasProjection: boolean) {
  return problem(
    422,
    'invalid',
    {
      en: `figures of a period need the analytics projection, which ${hasProjection ? 'has not applied this campaign or unit yet' : 'this API has none of (DANVAN_ANALYTICS_DB)'}; the workflows keep no dated figures`,
      vi: `Số liệu theo kỳ báo cáo cần bản tổng hợp sự kiện (projection), mà ${hasProjection ? 'bản tổng hợp chưa có số liệu của chiến dịch hoặc đơn vị này' : 'API này không được cấu hình (DANVAN_ANALYTICS_DB)'}; các workflow không lưu số liệu theo ngày`,
    },
    [{ field: 'querystring.period', value: period, reason: { en: 'needs the analytics projection', vi: 'cần bản tổng hợp sự kiện (projection)' } }],
  );
}

export interface ReportRouteDeps {
  temporal: Client;
  locator: UnitLocator;
  problemSchema: z.ZodType;
  /** DANVAN_ANALYTICS_DB: the projection the analytics consumer writes; unset or missing, the workflows answer alone. */
  analyticsDb?: string | undefined;
}

export function registerReportRoutes(app: DanvanApp, deps: ReportRouteDeps): void {
  const projection = projectionFile(deps.analyticsDb, app.log);
  app.addHook('onClose', async () => projection.close());
  const text = z.string();

  app.get(
    '/v1/campaigns/:campaignId/report',
    {
      schema: {
        tags: ['reports'],
        summary:
          'The Vietnamese report (text, html) or the figures per unit (csv, xlsx) of a campaign or a unit subtree, over the campaign or a period; ' +
          'format by ?format= or Accept. X-Danvan-Figures-Source says projection or workflow, X-Danvan-Figures-As-Of how fresh',
        security: [{ bearer: [] }],
        params: campaignParams,
        querystring: reportQuery,
        response: {
          200: {
            description: 'The report, or the figures per unit and their total',
            content: {
              'text/plain': { schema: text },
              'text/html': { schema: text },
              'text/csv': { schema: text },
              [XLSX_TYPE]: { schema: text.meta({ format: 'binary' }) },
            },
          },
          400: deps.problemSchema,
          401: deps.problemSchema,
          403: deps.problemSchema,
          404: deps.problemSchema,
          406: deps.problemSchema,
          422: deps.problemSchema,
        },
      },
    },
    async (request, reply) => {
      const { campaignId } = request.params;
      const { unit, period } = request.query;
      const accept = request.headers.accept;
      const format = request.query.format ?? negotiateFormat(accept);
      if (!format)
        throw problem(406, 'invalid-request', { en: 'the request headers are invalid', vi: 'Tiêu đề của yêu cầu không hợp lệ' }, [
          {
            field: 'headers.accept',
            value: accept,
            reason: {
              en: `expected one of ${Object.values(MEDIA_TYPES).join(', ')}, or ?format=${REPORT_FORMATS.join('|')}`,
              vi: `phải nhận một trong các kiểu ${Object.values(MEDIA_TYPES).join(', ')}, hoặc dùng ?format=${REPORT_FORMATS.join('|')}`,
            },
          },
        ]);

      const reader = projection.current();
      const projected = reader ? projectionScope(reader, campaignId, unit) : undefined;
      let report: ReportFigures;
      if (reader && projected) {
        const position = unit === undefined ? { unitCode: projected.root, ancestors: [] } : { unitCode: unit, ancestors: projected.ancestors };
        requireAllowed(request.principal!, unit === undefined ? 'campaign:read' : 'unit:read', position);
        const gathered = projectionReportFigures(reader, campaignId, { unit, period });
        // The scope was just found in the projection, which only ever grows: a refusal now is a bug, not the client's.
        if (!gathered.ok)
          throw new Error(
            `the projection refused the report it had just found: ${gathered.error.field}=${String(gathered.error.value)}: ${gathered.error.message}`,
          );
        report = gathered.value;
      } else {
        const index = await deps.locator.tree(campaignId);
        const location = await deps.locator.locate(campaignId, unit ?? index.root.code);
        const position = unit === undefined ? { unitCode: index.root.code, ancestors: [] } : { unitCode: unit, ancestors: location.ancestors };
        requireAllowed(request.principal!, unit === undefined ? 'campaign:read' : 'unit:read', position);
        if (period !== undefined) throw periodNeedsProjection(period, reader !== undefined);
        report = await fromWorkflows(deps.temporal, index, location.owner, campaignId, unit, request.log);
      }
      // Both sources stamp their facts (projectionReportFigures, fromWorkflows).
      const stamp = report.facts.source;
      if (!stamp) throw new Error('a report without the source of its figures');

      return reply
        .header(FIGURES_SOURCE_HEADER, stamp.kind)
        .header(FIGURES_AS_OF_HEADER, stamp.asOf.toISOString())
        .header('vary', 'Accept')
        .header('cache-control', 'private, no-store')
        .header(
          'content-disposition',
          `${format === 'csv' || format === 'xlsx' ? 'attachment' : 'inline'}; filename="${reportFileName(campaignId, unit, period, format)}"`,
        )
        .type(CONTENT_TYPES[format])
        .send(await renderReport(format, report));
    },
  );
}
