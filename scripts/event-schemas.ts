import path from 'node:path';
import { stringify } from 'yaml';
import { CLOUDEVENTS_CONTENT_TYPE, NOTIFICATION_EVENTS, RELEASED_EVENTS } from '../domain/events';
import { eventJsonSchema, submitUpdateJsonSchema } from '../domain/json-schemas';
import { TOPICS } from '../domain/topics';

/**
 * The published form of the event contract, generated from the zod schemas in domain/events.ts so that it can
 * never drift from what the workflows write and parseEvent accepts: one JSON Schema (2020-12) per released
 * event type and an AsyncAPI 3.0 document of the topics; and the JSON Schema of the `submit` Update (both built by
 * domain/json-schemas.ts, which the API serves them with). `npm run schemas` writes them; a unit test fails when
 * the committed files differ from what this generates.
 */

export const SCHEMAS_DIR = path.resolve(__dirname, '..', 'schemas');
export const ASYNCAPI_FILE = 'asyncapi.yaml';

export function eventSchemaFile(type: string): string {
  return `events/${type}.json`;
}

/** What the `submit` Update of a unit workflow accepts; the workflows check Updates against this file (domain/json-shape.ts). */
export const SUBMIT_UPDATE_FILE = 'updates/submit.json';

const KAFKA_BINDING_VERSION = '0.5.0';

function channelOf(topic: string, description: string, messages: string[]) {
  return {
    address: topic,
    description,
    messages: Object.fromEntries(messages.map((name) => [name, { $ref: `#/components/messages/${name}` }])),
    bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
  };
}

function sendOperation(channel: string, summary: string, messages: string[]) {
  return {
    action: 'send',
    channel: { $ref: `#/channels/${channel}` },
    summary,
    messages: messages.map((name) => ({ $ref: `#/channels/${channel}/messages/${name}` })),
  };
}

/** The AsyncAPI 3.0 document: danvan's three topics, what is sent to each, one message per released event type. */
export function asyncApiDocument(): Record<string, unknown> {
  const types = RELEASED_EVENTS.map((e) => e.type);
  const notificationTypes = RELEASED_EVENTS.filter((e) => NOTIFICATION_EVENTS.includes(e.name)).map((e) => e.type);
  const messages = Object.fromEntries(
    RELEASED_EVENTS.map((e) => [
      e.type,
      {
        name: e.type,
        title: `${e.name}, version ${e.version}`,
        summary: e.summary,
        ...(e.published ? {} : { description: 'Released but no longer published: found only in older records.' }),
        contentType: 'application/cloudevents+json',
        headers: { $ref: '#/components/schemas/cloudEventsHeaders' },
        payload: { $ref: eventSchemaFile(e.type) },
        bindings: { kafka: { key: { $ref: '#/components/schemas/campaignKey' }, bindingVersion: KAFKA_BINDING_VERSION } },
      },
    ]),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'danvan events',
      version: '1.0.0',
      description:
        'Every state change of a "Tháng Dân vận" campaign, as CloudEvents 1.0 in structured mode: the Kafka record value is the whole event as JSON, ' +
        "the key is the campaign id, so one campaign's events stay in order on one partition. Delivery is at least once; drop duplicates by `id`.",
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      embedded: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The single-node broker `npm start` runs; production brokers come from KAFKA_BROKERS.',
      },
    },
    channels: {
      campaignEvents: channelOf(TOPICS.campaignEvents, 'Every domain event of every campaign.', types),
      reminders: channelOf(
        TOPICS.reminders,
        'Reminders, escalations and drafted plans, for notification services (SMS, e-mail); the same events are also on the campaign topic.',
        notificationTypes,
      ),
      deadLetter: {
        address: TOPICS.deadLetter,
        description: 'Records a consumer could not validate, for inspection; consumption never stops on one bad record.',
        messages: { deadLetter: { $ref: '#/components/messages/deadLetter' } },
        bindings: { kafka: { topic: TOPICS.deadLetter, bindingVersion: KAFKA_BINDING_VERSION } },
      },
    },
    operations: {
      publishCampaignEvents: sendOperation(
        'campaignEvents',
        'The workflows publish their outbox, in order per workflow, retrying until Kafka takes it.',
        types,
      ),
      publishReminders: sendOperation(
        'reminders',
        'Reminders, escalations and drafted plans, published in the same produce request as on the campaign topic.',
        notificationTypes,
      ),
      deadLetterRecords: sendOperation('deadLetter', 'A consumer (analytics/) sets aside a record it could not validate.', ['deadLetter']),
    },
    components: {
      schemas: {
        campaignKey: {
          type: 'string',
          description:
            "The campaign id, UTF-8, e.g. BG-2024-202-KH-BDVTU; a drafted plan's events, which have no campaign yet, the draft's id, e.g. BG-2025-thang-dan-van.",
        },
        cloudEventsHeaders: {
          type: 'object',
          properties: {
            'content-type': { type: 'string', const: CLOUDEVENTS_CONTENT_TYPE, description: 'CloudEvents structured mode: the value is the whole event.' },
          },
          required: ['content-type'],
        },
      },
      messages: {
        ...messages,
        deadLetter: {
          name: 'deadLetter',
          title: 'A record set aside',
          summary: 'The rejected record: its key and value unchanged, and why it was rejected.',
          headers: {
            type: 'object',
            properties: {
              'dead-letter-reason': { type: 'string', description: "Why it was rejected, e.g. parseEvent's reason naming the field and the value." },
              'dead-letter-topic': { type: 'string' },
              'dead-letter-partition': { type: 'string' },
              'dead-letter-offset': { type: 'string' },
            },
            required: ['dead-letter-reason'],
          },
          payload: { description: 'The original record value, byte for byte: it may not even be JSON.' },
          bindings: { kafka: { key: { type: 'string', description: 'The original record key.' }, bindingVersion: KAFKA_BINDING_VERSION } },
        },
      },
    },
  };
}

/** Every generated file, by path under schemas/, with the exact content it must have. */
export function generatedSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const event of RELEASED_EVENTS) files.set(eventSchemaFile(event.type), `${JSON.stringify(eventJsonSchema(event), null, 2)}\n`);
  files.set(ASYNCAPI_FILE, stringify(asyncApiDocument(), { lineWidth: 0 }));
  files.set(SUBMIT_UPDATE_FILE, `${JSON.stringify(submitUpdateJsonSchema(), null, 2)}\n`);
  return files;
}
