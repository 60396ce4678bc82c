import fs from 'node:fs';
import path from 'node:path';
import { generatedSchemaFiles, SCHEMAS_DIR } from './event-schemas';

/**
 * `npm run schemas` writes the published schemas (schemas/events/*.json, schemas/asyncapi.yaml) from the zod
 * schemas; `npm run schemas -- --check` changes nothing and exits 1 naming every file that is stale, missing,
 * or no longer generated. Samples (schemas/samples/) are recorded by hand and never touched here.
 */
function main(argv: string[]): number {
  const check = argv.includes('--check');
  const expected = generatedSchemaFiles();
  const eventsDir = path.join(SCHEMAS_DIR, 'events');
  const existing = fs.existsSync(eventsDir) ? fs.readdirSync(eventsDir).map((f) => `events/${f}`) : [];
  const leftOver = existing.filter((f) => !expected.has(f));
  const stale = [...expected].filter(([file, content]) => {
    const full = path.join(SCHEMAS_DIR, file);
    return !fs.existsSync(full) || fs.readFileSync(full, 'utf8') !== content;
  });
  if (check) {
    for (const [file] of stale) console.error(`${fs.existsSync(path.join(SCHEMAS_DIR, file)) ? 'stale' : 'missing'}: schemas/${file} (run npm run schemas)`);
    for (const file of leftOver) console.error(`not generated any more: schemas/${file} (run npm run schemas)`);
    return stale.length + leftOver.length > 0 ? 1 : 0;
  }
  for (const [file, content] of stale) {
    fs.mkdirSync(path.dirname(path.join(SCHEMAS_DIR, file)), { recursive: true });
    fs.writeFileSync(path.join(SCHEMAS_DIR, file), content);
    console.log(`wrote schemas/${file}`);
  }
  for (const file of leftOver) {
    fs.rmSync(path.join(SCHEMAS_DIR, file));
    console.log(`removed schemas/${file}`);
  }
  console.log(`${expected.size} files, ${stale.length + leftOver.length} changed`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
