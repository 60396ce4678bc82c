import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { PHASE_NAMES_VI } from '../domain/campaign';
import { CATALOGUE, MEASURES } from '../domain/catalogue';
import { HONOUR_FORM_NAMES_VI, LEVEL_NAMES_VI, RECIPIENT_NAMES_VI } from '../domain/honours';
import { DEFAULT_OBLIGATIONS } from '../domain/obligations';
import type { Plan } from '../domain/plan';
import { campaignSnapshotQuery, campaignWorkflowId } from '../workflows/messages';
import { ROLES } from './auth';
import { ACTIONS, authorize, requireAllowed } from './authorization';
import { campaignNotFound, problem } from './problems';
import { campaignParams, type DanvanApp } from './unit-routes';

/**
 * The dashboard (web/): its pages, its modules and the few it imports from node_modules, served as written with no
 * build step; `GET /v1/me`, which tells a page who signed in and what they may do; and `GET /v1/campaigns/{id}/plan`,
 * the plan every unit works to, which a reporter's page needs to say how late an overdue unit is but may not read
 * through the campaign's snapshot (that is the whole tree's figures). Every figure a page shows it reads from the
 * JSON API with the user's own token, so the dashboard shows what the API answers and nothing else.
 */

const DASHBOARD_PATH = '/dashboard';
const APP_PATH = `${DASHBOARD_PATH}/app/`;
const VENDOR_PATH = `${DASHBOARD_PATH}/vendor/`;
const WEB_DIR = path.resolve(__dirname, '..', 'web');

/** The modules the client imports by bare name: one file of an exactly pinned package each, served at `/dashboard/vendor/<name>.js`. */
const VENDOR: Record<string, { pkg: string; file: string }> = {
  preact: { pkg: 'preact', file: 'dist/preact.mjs' },
  'preact/hooks': { pkg: 'preact', file: 'hooks/dist/hooks.mjs' },
  htm: { pkg: 'htm', file: 'dist/htm.module.js' },
  'htm/preact': { pkg: 'htm', file: 'preact/index.module.js' },
};

/**
 * Bare names resolved by the browser: the vendor files import `preact` and `htm` by name themselves, so an import
 * map is needed whatever the client writes. It is an inline script, allowed by the CSP through its hash alone.
 */
const IMPORT_MAP = JSON.stringify({ imports: Object.fromEntries(Object.keys(VENDOR).map((name) => [name, `${VENDOR_PATH}${name}.js`])) });
export const DASHBOARD_IMPORT_MAP_HASH = `'sha256-${createHash('sha256').update(IMPORT_MAP).digest('base64')}'`;

const PAGE = [
  '<!doctype html>',
  '<html lang="vi">',
  '<head>',
  '<meta charset="utf-8">',
  '<meta name="viewport" content="width=device-width, initial-scale=1">',
  '<title>Dân vận</title>',
  // No favicon request: the API would answer it with a 404 problem in the console.
  '<link rel="icon" href="data:,">',
  `<link rel="stylesheet" href="${APP_PATH}style.css">`,
  `<script type="importmap">${IMPORT_MAP}</script>`,
  `<script type="module" src="${APP_PATH}main.js"></script>`,
  '</head>',
  '<body><div id="app"></div><noscript>Trang theo dõi cần JavaScript.</noscript></body>',
  '</html>',
  '',
].join('\n');

/**
 * The words of domain/ that the pages print, and the obligations of a plan that names none, as a module generated
 * from domain/ itself, so a catalogue kind or an honour form added there reaches the pages with no second copy. Its
 * shape is web/domain-names.d.ts.
 */
function domainNamesModule(): string {
  const names = {
    PHASE_NAMES: PHASE_NAMES_VI,
    ACTIVITIES: CATALOGUE.map((kind) => ({ id: kind.id, vi: kind.vi, measures: kind.measures })),
    MEASURE_NAMES: Object.fromEntries(Object.entries(MEASURES).map(([id, measure]) => [id, measure.vi])),
    LEVEL_NAMES: LEVEL_NAMES_VI,
    HONOUR_FORM_NAMES: HONOUR_FORM_NAMES_VI,
    RECIPIENT_NAMES: RECIPIENT_NAMES_VI,
    DEFAULT_OBLIGATIONS,
  };
  return `${Object.entries(names)
    .map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`)
    .join('\n')}\n`;
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

function asset(body: Buffer | string, type: string): Asset {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return { body: bytes, type, etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"` };
}

/** The directory a package is installed in (htm's `exports` hides its package.json from `require.resolve`). */
function packageDir(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (
    !fs.existsSync(path.join(dir, 'package.json')) ||
    (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name
  ) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package ${name} has no package.json above ${require.resolve(name)}`);
    dir = parent;
  }
  return dir;
}

/** Every file the dashboard serves, read once at start: only these are served, so no URL can name another file. */
function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (TYPES[path.extname(entry.name)])
        assets.set(`${APP_PATH}${path.relative(WEB_DIR, file).split(path.sep).join('/')}`, asset(fs.readFileSync(file), TYPES[path.extname(entry.name)]!));
    }
  };
  walk(WEB_DIR);
  assets.set(`${APP_PATH}domain-names.js`, asset(domainNamesModule(), TYPES['.js']!));
  for (const [name, { pkg, file }] of Object.entries(VENDOR))
    assets.set(`${VENDOR_PATH}${name}.js`, asset(fs.readFileSync(path.join(packageDir(pkg), file)), TYPES['.js']!));
  return assets;
}

const meSchema = z.object({
  sub: z.string(),
  role: z.enum(ROLES),
  unit: z.string().optional(),
  /** Whether every permission is bound to `unit` and the units below it (reporters, council members). */
  scopedToUnit: z.boolean(),
  actions: z.array(z.enum(ACTIONS)),
});

export function registerDashboardRoutes(app: DanvanApp, deps: { temporal: Client; problemSchema: z.ZodType }): void {
  const assets = loadAssets();
  const page = asset(PAGE, 'text/html; charset=utf-8');

  for (const url of [
    DASHBOARD_PATH,
    `${DASHBOARD_PATH}/sign-in`,
    `${DASHBOARD_PATH}/campaigns/:campaignId`,
    `${DASHBOARD_PATH}/campaigns/:campaignId/units/:unitCode`,
  ])
    app.get(url, { schema: { hide: true } }, async (_request, reply) => reply.type(page.type).header('cache-control', 'no-cache').send(page.body));

  app.get(`${DASHBOARD_PATH}/*`, { schema: { hide: true } }, async (request, reply) => {
    const found = assets.get(request.url.split('?')[0]!);
    if (!found) throw problem(404, 'not-found', { en: `no dashboard file ${request.url}`, vi: `Không có tệp ${request.url} của trang theo dõi` });
    // Revalidated on every load, so a page never runs a module older than the one beside it.
    reply.header('cache-control', 'no-cache').header('etag', found.etag);
    if (request.headers['if-none-match'] === found.etag) return reply.code(304).send();
    return reply.type(found.type).send(found.body);
  });

  app.get(
    '/v1/me',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'Who the token speaks for, and what it may do',
        security: [{ bearer: [] }],
        response: { 200: meSchema, 401: deps.problemSchema },
      },
    },
    async (request) => {
      const principal = request.principal!;
      return {
        sub: principal.sub,
        role: principal.role,
        ...(principal.unit !== undefined ? { unit: principal.unit } : {}),
        // A unit code is never empty, so only a role bound to no unit may read a unit that is not its own.
        scopedToUnit: !authorize(principal, 'unit:read', { unitCode: '', ancestors: [] }).allowed,
        actions: ACTIONS.filter((action) => authorize(principal, action).allowed),
      };
    },
  );

  app.get(
    '/v1/campaigns/:campaignId/plan',
    {
      schema: {
        tags: ['campaigns'],
        summary: "A campaign's plan as issued, for every role: each unit works to it (its deadlines in force are in the snapshots)",
        security: [{ bearer: [] }],
        params: campaignParams,
        response: {
          200: z.custom<Plan>((v) => typeof v === 'object' && v !== null && 'number' in v),
          400: deps.problemSchema,
          401: deps.problemSchema,
          403: deps.problemSchema,
          404: deps.problemSchema,
        },
      },
    },
    async (request) => {
      requireAllowed(request.principal!, 'campaign:list');
      const { campaignId } = request.params;
      try {
        return (await deps.temporal.workflow.getHandle(campaignWorkflowId(campaignId)).query(campaignSnapshotQuery)).plan;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw campaignNotFound(campaignId);
        throw error;
      }
    },
  );
}
