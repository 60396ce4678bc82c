#!/usr/bin/env node
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { devTokenTtl, mintToken, principalSchema, tokenSettingsOf } from '../api/auth';
import { formatDuration, parseDuration } from '../infra/duration';
import type { FiguresOptions } from '../analytics/figures';
import { projectionReportFigures } from '../analytics/report';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../analytics/report-formats';
import { openProjectionReader } from '../analytics/projection';
import { loadConfig, type Config } from '../infra/config';
import { resolveJwtSecret } from '../infra/secrets';
import { isTemplateId, loadTemplate } from '../infra/templates';
import { planFromTemplate, type PlanTemplate, type TemplateGivens } from '../domain/templates';
import { formatVietnameseDate, formatVietnameseNumber, vietnamDateOf } from '../domain/schedule';
import { percent, type Progress } from '../domain/progress';
import type { CampaignSnapshot } from '../workflows/messages';

/**
 * `danvan`: the administrator's work over the HTTP API. Every command prints what happened, or one line
 * saying what went wrong, and exits non-zero on failure.
 */

class CliError extends Error {}

const USAGE = `usage: danvan <command> [options]

  token <role> [--unit CODE] [--sub NAME] [--ttl 12h]   mint a development token (admin, council, reporter, viewer)
  issue <plan.json|plan.yaml> [--tree FILE | --sample bac-giang|bac-ninh-2025]
  issue --template <id|file> --number 205-KH/BDVQU --issuer-code CODE --issuer-name NAME --issued-on YYYY-MM-DD --year YYYY
        [--tree FILE | --sample NAME]                     a plan from a template: a shipped one (thang-dan-van, dan-van-kheo) or a file of one's own
  deploy <campaignId> [--reason TEXT]
  list [--year Y] [--phase P] [--issuer CODE] [--province CODE]
  show <campaignId>                                       progress as a table
  phase <campaignId> <assessment|commendation|closed> --reason TEXT
  extend <campaignId> <study-sessions|dialogues|assessment|commendation> <YYYY-MM-DD> --reason TEXT
  report <campaignId> [--unit CODE] [--period 2024|2024-H1|2024-Q3] [--format text|html|csv|xlsx] [--out FILE] [--db FILE]
                                                          the Vietnamese report (text, html) or the figures per unit (csv, xlsx) from the API,
                                                          of one unit's subtree, of the facts dated in one year, half-year or quarter;
                                                          --out writes a file (its extension names the format), --db reads a projection file offline
  schedule add <template> --issuer-code CODE --issuer-name NAME [--draft-ahead DAYS]
                                                          draft the template's plan for the commission every year, DAYS (30) before its window
  schedule list
  schedule pause|resume <scheduleId> --reason TEXT
  drafts                                                  drafted plans waiting to be issued
  draft issue <draftId> --number 215-KH/BDVTU --issued-on YYYY-MM-DD [--tree FILE | --sample NAME]
  draft discard <draftId> --reason TEXT

  --api URL      the API (default $DANVAN_API_URL or http://127.0.0.1:$API_PORT)
  --token JWT    the bearer token (default $DANVAN_TOKEN, else an admin token minted from the local secret)`;

interface Options {
  api: string;
  token?: string;
}

/** A body larger than this goes gzipped where the route takes it (`issue`: a national tree is 5 MB of JSON, 0.25 MB gzipped). */
const GZIP_BODY_ABOVE_BYTES = 64 * 1024;

async function request(opts: Options, method: string, url: string, body?: unknown, gzipLarge = false): Promise<unknown> {
  const token = opts.token ?? (await localAdminToken());
  const payload = body !== undefined ? JSON.stringify(body) : undefined;
  const gzip = gzipLarge && payload !== undefined && Buffer.byteLength(payload) > GZIP_BODY_ABOVE_BYTES;
  let response: Response;
  try {
    response = await fetch(`${opts.api}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'accept-language': terminalLanguage(),
        ...(payload !== undefined ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
      ...(payload !== undefined ? { body: gzip ? gzipSync(payload) : payload } : {}),
    });
  } catch (error) {
    throw unreachable(opts, error);
  }
  const text = await response.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  if (!response.ok) throw new CliError(problemLine({ status: response.status, title: response.statusText, ...json }));
  return json;
}

/** A problem the API answered, as one line and a line per field. */
function problemLine(problem: Record<string, unknown>): string {
  const fields = Array.isArray(problem.errors)
    ? (problem.errors as Array<{ field: string; value?: unknown; reason: string }>)
        .map((e) => `\n  ${e.field}${e.value !== undefined ? `=${JSON.stringify(e.value)}` : ''}: ${e.reason}`)
        .join('')
    : '';
  return `${String(problem.status)} ${String(problem.title)}${problem.detail ? ` — ${String(problem.detail)}` : ''}${fields}`;
}

interface Operation {
  href: string;
  status: 'running' | 'succeeded' | 'failed';
  progress?: { unitsRunning: number; unitsTotal: number };
  result?: CampaignSnapshot;
  problem?: Record<string, unknown>;
}

const OPERATION_POLL_MS = 2_000;

/**
 * Follows an operation the API answered 202 for until it ends, its progress on stderr (one line rewritten on a
 * terminal, a line per change otherwise); answers its result, or fails with its problem.
 */
async function followOperation(opts: Options, href: string, what: string): Promise<CampaignSnapshot> {
  let shown = '';
  for (;;) {
    const operation = (await request(opts, 'GET', href)) as Operation;
    if (operation.progress) {
      const line = `${what}: ${formatVietnameseNumber(operation.progress.unitsRunning)}/${formatVietnameseNumber(operation.progress.unitsTotal)} đơn vị`;
      if (line !== shown) process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
      shown = line;
    }
    if (operation.status !== 'running') {
      if (process.stderr.isTTY && shown) process.stderr.write('\n');
      if (operation.status === 'failed') throw new CliError(problemLine(operation.problem ?? {}));
      return operation.result!;
    }
    await new Promise((resolve) => setTimeout(resolve, OPERATION_POLL_MS));
  }
}

/** `--ttl` of `danvan token`: the development default (12 h) unless given, and never past DANVAN_TOKEN_MAX_LIFETIME, which the API would refuse. */
function ttlOf(flag: string | undefined, config: Config): number {
  if (flag === undefined) return devTokenTtl(config);
  const seconds = parseDuration(flag);
  if (seconds === undefined) throw new CliError(`--ttl ${flag}: expected a whole number and a unit (s, m, h, d), e.g. 12h`);
  if (seconds > config.DANVAN_TOKEN_MAX_LIFETIME)
    throw new CliError(
      `--ttl ${flag} is longer than the ${formatDuration(config.DANVAN_TOKEN_MAX_LIFETIME)} the API accepts (DANVAN_TOKEN_MAX_LIFETIME); ask for ${formatDuration(config.DANVAN_TOKEN_MAX_LIFETIME)} or less`,
    );
  return seconds;
}

/** The API's refusals in the terminal's language: Vietnamese under a vi_VN locale, English (the CLI's own) otherwise. */
function terminalLanguage(): 'vi' | 'en' {
  const locale = process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '';
  return /^vi([_.-]|$)/i.test(locale) ? 'vi' : 'en';
}

async function localAdminToken(): Promise<string> {
  const config = loadConfig();
  return mintToken(
    resolveJwtSecret(config.DANVAN_JWT_SECRET, path.join(config.DANVAN_DATA_DIR, 'dev')),
    { sub: 'danvan-cli', role: 'admin' },
    Math.min(3600, config.DANVAN_TOKEN_MAX_LIFETIME),
    tokenSettingsOf(config),
  );
}

function readStructured(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
  try {
    return /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(error as Error).message}`);
  }
}

type GivenFlag = 'number' | 'issuer-code' | 'issuer-name' | 'issued-on' | 'year';

/** The tree a plan is issued to: a file of one's own, or a bundled sample (bac-giang unless named). */
function treeArg(values: { tree?: string; sample?: string }): unknown {
  return values.tree ? readStructured(values.tree) : { sample: values.sample ?? 'bac-giang' };
}

/** What the issuing commission gives a template, from its flags; the first one missing is named before anything is sent. */
function templateGivens(values: Partial<Record<GivenFlag, string>>): TemplateGivens {
  const flag = (name: GivenFlag, example: string) => {
    const value = values[name];
    if (value === undefined) throw new CliError(`issue --template needs --${name}, e.g. --${name} ${example}`);
    return value;
  };
  const number = flag('number', '205-KH/BDVQU');
  const issuer = { unitCode: flag('issuer-code', 'HN-HBT'), name: flag('issuer-name', '"Ban Dân vận Quận ủy Hai Bà Trưng"') };
  const issuedOn = flag('issued-on', '2026-01-05');
  const year = flag('year', '2026');
  // The template's dates are days of this year: a year that is not one would make every one of them wrong.
  if (!/^\d{4}$/.test(year)) throw new CliError(`--year must be a year like 2026, got ${JSON.stringify(year)}`);
  return { number, issuer, issuedOn, year: Number(year) };
}

/**
 * The body of `issue`: a plan file, or a template and what the commission gives. A file of one's own is made into
 * the plan here, so the API never reads a client's files. Nothing is read while a flag is missing.
 */
function issueBody(values: Partial<Record<GivenFlag | 'template' | 'tree' | 'sample', string>>, planFile: string | undefined): unknown {
  const tree = () => treeArg(values);
  if (values.template === undefined) return { plan: readStructured(planFile!), tree: tree() };
  if (planFile !== undefined) throw new CliError(`issue takes a plan file or --template, not both (got ${planFile} and --template ${values.template})`);
  const givens = templateGivens(values);
  // A shipped template is read by the API; a file of one's own only here.
  if (isTemplateId(values.template)) return { template: values.template, plan: givens, tree: tree() };
  let template: PlanTemplate;
  try {
    template = loadTemplate(values.template);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  return { plan: planFromTemplate(template, givens), tree: tree() };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

function showSnapshot(s: CampaignSnapshot): string {
  const row = (name: string, p: Progress) => [
    name,
    `${formatVietnameseNumber(p.studySessions.done)}/${formatVietnameseNumber(p.studySessions.required)}`,
    `${percent(p.studySessions.done, p.studySessions.required)}%`,
    formatVietnameseNumber(p.studySessions.overdue),
    `${formatVietnameseNumber(p.dialogues.done)}/${formatVietnameseNumber(p.dialogues.required)}`,
    formatVietnameseNumber(p.dialogues.conferences),
    formatVietnameseNumber(p.dialogues.attendance),
  ];
  const deadlines = Object.entries(s.deadlines)
    .map(([name, date]) => `${name} ${formatVietnameseDate(date)}`)
    .join(', ');
  return [
    `${s.campaignId} — ${s.phase}`,
    `deadlines: ${deadlines}`,
    '',
    table([
      ['unit', 'study sessions', '%', 'overdue', 'dialogues', 'conferences', 'attendance'],
      ...s.children.map((c) => row(`${c.unitCode} ${c.name}`, c.progress)),
      row('total', s.progress),
    ]),
  ].join('\n');
}

function unreachable(opts: Options, error: unknown): CliError {
  const cause = (error as Error).cause ? String((error as { cause: unknown }).cause) : (error as Error).message;
  return new CliError(`cannot reach the API at ${opts.api} (${cause}); is \`npm start\` running?`);
}

/** A report as the API answers it (GET …/report): the file's bytes, and the source of its figures and their time. */
async function apiReport(opts: Options, campaignId: string, scope: Pick<FiguresOptions, 'unit' | 'period'>, format: ReportFormat) {
  const query = new URLSearchParams({
    format,
    ...(scope.unit === undefined ? {} : { unit: scope.unit }),
    ...(scope.period === undefined ? {} : { period: scope.period }),
  });
  const token = opts.token ?? (await localAdminToken());
  let response: Response;
  try {
    response = await fetch(`${opts.api}/v1/campaigns/${encodeURIComponent(campaignId)}/report?${query}`, {
      headers: { authorization: `Bearer ${token}`, 'accept-language': terminalLanguage() },
    });
  } catch (error) {
    throw unreachable(opts, error);
  }
  if (!response.ok) {
    const text = await response.text();
    throw new CliError(problemLine({ status: response.status, title: response.statusText, ...(text ? (JSON.parse(text) as Record<string, unknown>) : {}) }));
  }
  const figures = `figures from the ${response.headers.get('x-danvan-figures-source') ?? '?'} as of ${response.headers.get('x-danvan-figures-as-of') ?? '?'}`;
  return { body: Buffer.from(await response.arrayBuffer()), figures };
}

/** `report --db FILE`: the projection file alone, read-only, no API and no token; the same words and files as the API's. */
async function offlineReport(file: string, campaignId: string, scope: Pick<FiguresOptions, 'unit' | 'period'>, format: ReportFormat) {
  if (!fs.existsSync(file)) throw new CliError(`no analytics projection at ${file}: run \`npm run analytics\` to build it, or name the file with --db`);
  const opened = openProjectionReader(file);
  if (!opened.ok) throw new CliError(`${opened.error.field}=${JSON.stringify(opened.error.value)}: ${opened.error.message}`);
  try {
    const report = projectionReportFigures(opened.value, campaignId, scope);
    if (!report.ok) throw new CliError(`${report.error.field}=${JSON.stringify(report.error.value)}: ${report.error.message} (${file})`);
    const body = await renderReport(format, report.value);
    return {
      body: typeof body === 'string' ? Buffer.from(body) : body,
      figures: `figures from the projection as of ${report.value.facts.source!.asOf.toISOString()}`,
    };
  } finally {
    opened.value.close();
  }
}

/** `report`'s format: --format, else the one --out's extension names, else text. */
function reportFormat(format: string | undefined, out: string | undefined): ReportFormat {
  if (format !== undefined) {
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) throw new CliError(`--format ${format}: expected one of ${REPORT_FORMATS.join(', ')}`);
    return format as ReportFormat;
  }
  const extension = out === undefined ? '' : path.extname(out).slice(1).toLowerCase();
  return (REPORT_FORMATS as readonly string[]).includes(extension) ? (extension as ReportFormat) : extension === 'htm' ? 'html' : 'text';
}

interface ScheduleListed {
  scheduleId: string;
  template: string;
  issuer: { unitCode: string };
  draftsOn: string;
  paused: boolean;
  note: string | null;
  nextActionTimes: string[];
}

interface DraftListed {
  draftId: string;
  template: string;
  year: number;
  issuer: { unitCode: string };
  expiresAt: string;
}

/** An instant as the Vietnamese day it falls on, written as the seeds write dates. */
function vietnamDay(instant: string | undefined): string {
  return instant ? formatVietnameseDate(vietnamDateOf(new Date(instant))) : '—';
}

/** `schedule add|list|pause|resume`: the yearly kick-off's schedules. */
async function scheduleCommand(
  opts: Options,
  args: string[],
  values: Partial<Record<'issuer-code' | 'issuer-name' | 'draft-ahead', string>>,
  reason: () => string,
): Promise<string> {
  const [action, target] = args;
  const describe = (s: ScheduleListed) =>
    `${s.scheduleId}: ${s.template} for ${s.issuer.unitCode}, drafted each ${s.draftsOn.split('-').reverse().map(Number).join('/')}; ${s.paused ? `paused (${s.note ?? ''})` : `next ${vietnamDay(s.nextActionTimes[0])}`}`;
  switch (action) {
    case 'add': {
      if (!target) throw new CliError('schedule add needs a template, e.g. schedule add thang-dan-van');
      if (!values['issuer-code'] || !values['issuer-name'])
        throw new CliError('schedule add needs --issuer-code CODE and --issuer-name NAME, e.g. --issuer-code BG --issuer-name "Ban Dân vận Tỉnh ủy Bắc Giang"');
      const draftAhead = values['draft-ahead'] === undefined ? undefined : Number(values['draft-ahead']);
      if (draftAhead !== undefined && !Number.isInteger(draftAhead))
        throw new CliError(`--draft-ahead must be a number of days like 30, got ${JSON.stringify(values['draft-ahead'])}`);
      const body = {
        template: target,
        issuer: { unitCode: values['issuer-code'], name: values['issuer-name'] },
        ...(draftAhead === undefined ? {} : { draftAhead }),
      };
      const s = (await request(opts, 'POST', '/v1/schedules', body)) as ScheduleListed & { created: boolean };
      return s.created ? `scheduled ${describe(s)}` : `already scheduled: ${describe(s)}`;
    }
    case 'list': {
      const { items } = (await request(opts, 'GET', '/v1/schedules')) as { items: ScheduleListed[] };
      return items.length > 0 ? items.map(describe).join('\n') : 'no yearly schedules';
    }
    case 'pause':
    case 'resume': {
      if (!target) throw new CliError(`schedule ${action} needs a schedule id, e.g. yearly-thang-dan-van-BG`);
      const s = (await request(opts, 'POST', `/v1/schedules/${target}/${action === 'pause' ? 'pause' : 'unpause'}`, { reason: reason() })) as ScheduleListed;
      return describe(s);
    }
    default:
      throw new CliError(`schedule takes add, list, pause or resume, not ${JSON.stringify(action)}\n\n${USAGE}`);
  }
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      api: { type: 'string' },
      token: { type: 'string' },
      unit: { type: 'string' },
      sub: { type: 'string' },
      ttl: { type: 'string' },
      tree: { type: 'string' },
      sample: { type: 'string' },
      reason: { type: 'string' },
      year: { type: 'string' },
      template: { type: 'string' },
      number: { type: 'string' },
      'issuer-code': { type: 'string' },
      'issuer-name': { type: 'string' },
      'issued-on': { type: 'string' },
      phase: { type: 'string' },
      issuer: { type: 'string' },
      province: { type: 'string' },
      db: { type: 'string' },
      period: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'draft-ahead': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    if (!command && !values.help) process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  const opts: Options = {
    api: (values.api ?? process.env.DANVAN_API_URL ?? `http://127.0.0.1:${config.API_PORT}`).replace(/\/$/, ''),
    ...((values.token ?? process.env.DANVAN_TOKEN) ? { token: values.token ?? process.env.DANVAN_TOKEN } : {}),
  };
  const need = (n: number, what: string) => {
    if (args.length < n) throw new CliError(`${command} needs ${what}\n\n${USAGE}`);
  };
  const reason = () => {
    if (!values.reason) throw new CliError(`${command} needs --reason "…": every phase move and extension is explained`);
    return values.reason;
  };

  switch (command) {
    case 'token': {
      need(1, 'a role');
      const principal = principalSchema.safeParse({ sub: values.sub ?? `dev-${args[0]}`, role: args[0], ...(values.unit ? { unit: values.unit } : {}) });
      if (!principal.success)
        throw new CliError(`cannot mint that token: ${principal.error.issues.map((i) => `${i.path.join('.') || 'role'}: ${i.message}`).join('; ')}`);
      console.log(
        await mintToken(
          resolveJwtSecret(config.DANVAN_JWT_SECRET, path.join(config.DANVAN_DATA_DIR, 'dev')),
          principal.data,
          ttlOf(values.ttl, config),
          tokenSettingsOf(config),
        ),
      );
      return;
    }
    case 'issue': {
      if (values.template === undefined) need(1, 'a plan file (JSON or YAML), or --template');
      const answer = (await request(opts, 'POST', '/v1/campaigns', issueBody(values, args[0]), true)) as { campaignId: string; created: boolean };
      console.log(answer.created ? `issued ${answer.campaignId}` : `${answer.campaignId} already exists; nothing changed`);
      return;
    }
    case 'deploy': {
      need(1, 'a campaign id');
      const accepted = (await request(opts, 'POST', `/v1/campaigns/${args[0]}/deploy`, { reason: values.reason ?? 'triển khai kế hoạch' })) as Operation;
      const s = await followOperation(opts, accepted.href, 'triển khai');
      console.log(`deployed ${s.campaignId}: ${s.children.length} unit workflows running, phase ${s.phase}`);
      return;
    }
    case 'list': {
      const query = new URLSearchParams(
        Object.entries({ year: values.year, phase: values.phase, issuer: values.issuer, province: values.province }).filter(
          (e): e is [string, string] => e[1] !== undefined,
        ),
      );
      const rows: string[][] = [['campaign', 'plan', 'year', 'phase']];
      let cursor: string | null = null;
      do {
        if (cursor) query.set('cursor', cursor);
        const page = (await request(opts, 'GET', `/v1/campaigns?${query}`)) as {
          items: Array<{ campaignId: string; planNumber: string; year: number; phase: string }>;
          nextCursor: string | null;
        };
        for (const c of page.items) rows.push([c.campaignId, c.planNumber, String(c.year), c.phase]);
        cursor = page.nextCursor;
      } while (cursor);
      console.log(rows.length > 1 ? table(rows) : 'no campaigns match');
      return;
    }
    case 'show': {
      need(1, 'a campaign id');
      console.log(showSnapshot((await request(opts, 'GET', `/v1/campaigns/${args[0]}`)) as CampaignSnapshot));
      return;
    }
    case 'phase': {
      need(2, 'a campaign id and the next phase');
      const s = (await request(opts, 'POST', `/v1/campaigns/${args[0]}/phase`, { to: args[1], reason: reason() })) as CampaignSnapshot;
      console.log(`${s.campaignId} is now ${s.phase}`);
      return;
    }
    case 'extend': {
      need(3, 'a campaign id, a deadline and the new date');
      const s = (await request(opts, 'POST', `/v1/campaigns/${args[0]}/deadlines/${args[1]}/extension`, { to: args[2], reason: reason() })) as CampaignSnapshot;
      console.log(`${args[1]} of ${s.campaignId} now ends on ${formatVietnameseDate(s.deadlines[args[1]!] ?? args[2]!)}`);
      return;
    }
    case 'report': {
      need(1, 'a campaign id');
      const format = reportFormat(values.format, values.out);
      if (format === 'xlsx' && values.out === undefined) throw new CliError('an xlsx workbook is binary: name the file to write with --out FILE');
      const scope = { unit: values.unit, period: values.period };
      const report = values.db === undefined ? await apiReport(opts, args[0]!, scope, format) : await offlineReport(values.db, args[0]!, scope, format);
      if (values.out === undefined) process.stdout.write(report.body);
      else {
        fs.writeFileSync(values.out, report.body);
        console.log(`wrote ${values.out} (${format}, ${report.figures})`);
      }
      return;
    }
    case 'schedule': {
      need(1, 'add, list, pause or resume');
      console.log(await scheduleCommand(opts, args, values, reason));
      return;
    }
    case 'drafts': {
      const { items } = (await request(opts, 'GET', '/v1/drafts')) as { items: DraftListed[] };
      const rows = [
        ['draft', 'template', 'year', 'issuer', 'expires'],
        ...items.map((d) => [d.draftId, d.template, String(d.year), d.issuer.unitCode, vietnamDay(d.expiresAt)]),
      ];
      console.log(items.length > 0 ? table(rows) : 'no drafts waiting');
      return;
    }
    case 'draft': {
      need(2, 'issue or discard, and a draft id');
      const [action, draftId] = args as [string, string];
      if (action === 'issue') {
        if (!values.number || !values['issued-on']) throw new CliError('draft issue needs --number, e.g. --number 215-KH/BDVTU, and --issued-on YYYY-MM-DD');
        const answer = (await request(opts, 'POST', `/v1/drafts/${draftId}/issue`, {
          plan: { number: values.number, issuedOn: values['issued-on'] },
          tree: treeArg(values),
        })) as {
          campaignId: string;
          created: boolean;
        };
        console.log(answer.created ? `issued ${draftId} as ${answer.campaignId}` : `${answer.campaignId} already exists; nothing changed`);
        return;
      }
      if (action === 'discard') {
        await request(opts, 'POST', `/v1/drafts/${draftId}/discard`, { reason: reason() });
        console.log(`discarded ${draftId}`);
        return;
      }
      throw new CliError(`draft takes issue or discard, not ${JSON.stringify(action)}\n\n${USAGE}`);
    }
    default:
      throw new CliError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof CliError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) console.error(`danvan: ${(error as Error).message}`);
  else console.error('danvan: failed:', error);
  process.exit(1);
});
