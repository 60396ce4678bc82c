import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Parser } from '@asyncapi/parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { RELEASED_EVENTS } from '../../domain/events';
import { ASYNCAPI_FILE, SCHEMAS_DIR, eventSchemaFile, generatedSchemaFiles } from '../../scripts/event-schemas';

/**
 * The published schemas are generated from the zod schemas and committed: a schema change without
 * `npm run schemas` fails here, so consumers never read a file that disagrees with what danvan writes.
 */
describe('published event schemas (schemas/)', () => {
  const generated = generatedSchemaFiles();

  it.each([...generated.keys()])('schemas/%s is committed as generated (npm run schemas)', (file) => {
    const committed = path.join(SCHEMAS_DIR, file);
    expect(fs.existsSync(committed) ? fs.readFileSync(committed, 'utf8') : `missing: ${file}`).toBe(generated.get(file));
  });

  it('holds no event schema that is no longer generated', () => {
    expect(
      fs
        .readdirSync(path.join(SCHEMAS_DIR, 'events'))
        .map((f) => `events/${f}`)
        .sort(),
    ).toEqual([...generated.keys()].filter((f) => f.startsWith('events/')).sort());
  });

  it('has one JSON Schema (2020-12) per released event version, each of which ajv compiles in strict mode', () => {
    const ajv = addFormats(new Ajv2020({ strict: true }));
    for (const event of RELEASED_EVENTS) {
      const schema = JSON.parse(generated.get(eventSchemaFile(event.type))!) as Record<string, unknown>;
      expect(schema).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: event.dataschema,
        properties: { type: { const: event.type } },
      });
      expect(() => ajv.compile(schema)).not.toThrow();
    }
  });

  it('publishes activity.reported with its kind and measures open, so a catalogue addition keeps version 1', () => {
    const schema = JSON.parse(generated.get(eventSchemaFile('vn.danvan.activity.reported.v1'))!) as {
      properties: { data: { properties: Record<string, Record<string, unknown>>; required: string[] } };
    };
    const data = schema.properties.data;
    expect(data.required).toEqual(expect.arrayContaining(['reportId', 'activity', 'heldOn', 'measures', 'late', 'submittedBy']));
    expect(data.properties.activity).not.toHaveProperty('enum');
    expect(data.properties.measures).toMatchObject({ type: 'object', additionalProperties: { type: 'integer', minimum: 0 } });
  });

  it('is a valid AsyncAPI 3.0 document with a message per released event type, offline', async () => {
    // Parsed from a scratch copy of what is generated, so this checks the generator whatever is committed.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'danvan-schemas-'));
    try {
      for (const [file, content] of generated) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
      }
      const { document, diagnostics } = await new Parser().parse(generated.get(ASYNCAPI_FILE)!, { source: path.join(dir, ASYNCAPI_FILE) });
      // Severity 0 is an error; the only other diagnostic is the hint that AsyncAPI 3.1 exists.
      expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
      expect(document?.version()).toBe('3.0.0');
      const campaignEvents = document!.channels().get('campaignEvents')!;
      expect(campaignEvents.address()).toBe('danvan.campaign-events.v1');
      expect(
        campaignEvents
          .messages()
          .all()
          .map((m) => m.id())
          .sort(),
      ).toEqual(RELEASED_EVENTS.map((e) => e.type).sort());
      const reported = campaignEvents.messages().get('vn.danvan.study-session.reported.v1')!;
      // The payload $ref was resolved to the event's JSON Schema file.
      expect(reported.payload()?.properties()?.data?.properties()?.membersPresent?.type()).toBe('integer');
      expect(reported.bindings().get('kafka')?.value()).toMatchObject({ key: { type: 'string' } });
      expect(
        document!
          .channels()
          .all()
          .map((c) => c.address())
          .sort(),
      ).toEqual(['danvan.campaign-events.v1', 'danvan.dead-letter.v1', 'danvan.reminders.v1']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
