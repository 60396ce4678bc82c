import { z } from 'zod';
import { DEFAULT_PUBLIC_BASE_URL, dataschemaOf } from './cloudevent';
import type { ReleasedEvent } from './events';
import { submissionSchema } from './schemas';

/**
 * The published JSON Schemas (2020-12), generated from the zod schemas so that they never drift from what the
 * workflows write and parseEvent accepts. `npm run schemas` writes them under schemas/ with the default base URL;
 * the API serves them under its own (DANVAN_PUBLIC_BASE_URL), each `$id` the URL it is served at.
 */

/** Where, under the API's public base URL, the `submit` Update's schema is served; schemas/updates/submit.json holds it. */
export const SUBMIT_UPDATE_PATH = '/schemas/updates/submit.json';

/**
 * The whole CloudEvent of one type as JSON Schema. Objects stay open (no `additionalProperties: false`, the
 * zod input view): an additive change keeps its version, so a consumer holding an older copy of this file
 * must still accept events that carry a field it does not know.
 */
export function eventJsonSchema(event: ReleasedEvent, publicBaseUrl: string = DEFAULT_PUBLIC_BASE_URL): Record<string, unknown> {
  const { $schema, ...body } = z.toJSONSchema(event.schema, { target: 'draft-2020-12', io: 'input' });
  return { $schema, $id: dataschemaOf(event.name, event.version, publicBaseUrl), title: event.type, description: event.summary, ...body };
}

/** What the `submit` Update of a unit workflow accepts; the workflows check Updates against this file (domain/json-shape.ts). */
export function submitUpdateJsonSchema(publicBaseUrl: string = DEFAULT_PUBLIC_BASE_URL): Record<string, unknown> {
  const { $schema, ...body } = z.toJSONSchema(submissionSchema, { target: 'draft-2020-12', io: 'input' });
  return {
    $schema,
    $id: `${publicBaseUrl}${SUBMIT_UPDATE_PATH}`,
    title: 'submit',
    description:
      'The argument of the `submit` Update of a unit workflow: one report under an idempotency key. Rules that need the campaign state are checked by the workflow after this shape.',
    ...body,
  };
}
