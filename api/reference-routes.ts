import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RELEASED_EVENTS, SCHEMA_PATH, eventTypeOf } from '../domain/events';
import { SUBMIT_UPDATE_PATH, eventJsonSchema, submitUpdateJsonSchema } from '../domain/json-schemas';
import { PROBLEM_TYPES, isProblemSlug, languageOf, problem, problemTypePath, type Language, type ProblemSlug } from './problems';

/**
 * What the API's answers and events point at, served where they point: the page of every problem `type`, and the
 * JSON Schema of every event's `dataschema` (and of the `submit` Update), each `$id` the URL it is served at. No
 * token: a consumer resolving a schema or a person following a link has none.
 */

const JSON_SCHEMA_TYPE = 'application/schema+json';

const PAGE_TEXT = {
  vi: {
    all: 'Các loại lỗi của API danvan',
    back: 'Tất cả các loại lỗi',
    intro: 'Mỗi lỗi của API là một problem details (RFC 9457) có `type` là một trong các trang sau.',
  },
  en: {
    all: 'Problem types of the danvan API',
    back: 'All problem types',
    intro: 'Every error of the API is a problem details document (RFC 9457) whose `type` is one of these pages.',
  },
} as const satisfies Record<Language, Record<string, string>>;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(language: Language, title: string, body: string): string {
  return [
    '<!doctype html>',
    `<html lang="${language}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)} — danvan</title></head>`,
    `<body><main>${body}</main></body>`,
    '</html>',
    '',
  ].join('\n');
}

export function registerReferenceRoutes(app: FastifyInstance, deps: { publicBaseUrl: () => string }): void {
  const events = new Map(RELEASED_EVENTS.map((event) => [`${eventTypeOf(event.name, event.version)}.json`, event]));
  const pageOf = (language: Language, slug: ProblemSlug) => {
    const { title, description } = PROBLEM_TYPES[slug];
    return page(
      language,
      title[language],
      [
        `<h1>${escapeHtml(title[language])}</h1>`,
        `<p><code>${escapeHtml(deps.publicBaseUrl() + problemTypePath(slug))}</code></p>`,
        `<p>${escapeHtml(description[language])}</p>`,
        `<p><a href="/problems">${escapeHtml(PAGE_TEXT[language].back)}</a></p>`,
      ].join('\n'),
    );
  };

  app.get('/problems', { schema: { hide: true } }, async (request, reply) => {
    const language = languageOf(request.headers['accept-language']);
    const items = Object.entries(PROBLEM_TYPES)
      .map(([slug, { title }]) => `<li><a href="${problemTypePath(slug)}">${escapeHtml(title[language])}</a> <code>${slug}</code></li>`)
      .join('\n');
    const text = PAGE_TEXT[language];
    return reply
      .type('text/html; charset=utf-8')
      .header('content-language', language)
      .send(page(language, text.all, `<h1>${escapeHtml(text.all)}</h1>\n<p>${escapeHtml(text.intro)}</p>\n<ul>\n${items}\n</ul>`));
  });

  app.get('/problems/:slug', { schema: { hide: true, params: z.object({ slug: z.string() }) } }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    if (!isProblemSlug(slug))
      throw problem(404, 'not-found', { en: `no problem type ${slug}; the list is at /problems`, vi: `Không có loại lỗi ${slug}; danh sách ở /problems` });
    const language = languageOf(request.headers['accept-language']);
    return reply.type('text/html; charset=utf-8').header('content-language', language).header('vary', 'Accept-Language').send(pageOf(language, slug));
  });

  app.get(`${SCHEMA_PATH}:file`, { schema: { hide: true, params: z.object({ file: z.string() }) } }, async (request, reply) => {
    const { file } = request.params as { file: string };
    const event = events.get(file);
    if (!event)
      throw problem(404, 'not-found', {
        en: `no released event type ${file}; the types are listed in schemas/asyncapi.yaml`,
        vi: `Không có loại sự kiện ${file}; danh sách ở schemas/asyncapi.yaml`,
      });
    return reply.type(JSON_SCHEMA_TYPE).send(eventJsonSchema(event, deps.publicBaseUrl()));
  });

  app.get(SUBMIT_UPDATE_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply.type(JSON_SCHEMA_TYPE).send(submitUpdateJsonSchema(deps.publicBaseUrl())),
  );
}
