import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layers of README's "Layout": what ships never imports the dev tooling (which hands it the embedded servers'
 * addresses through configuration instead), and domain/ stands on its own without import circles, so each of its
 * modules can be read, and loaded by the workflows, without the others.
 */
const root = path.resolve(__dirname, '..', '..');
const PRODUCT = ['domain', 'workflows', 'activities', 'worker', 'api', 'analytics', 'infra', 'bin/danvan.ts'];
const TOOLING = ['stack', 'bench', 'scripts', 'test', 'bin/start.ts', 'bin/analytics.ts'];

function sourcesUnder(entry: string): string[] {
  const full = path.join(root, entry);
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((child) => {
    const relative = path.posix.join(entry, child.name);
    if (child.isDirectory()) return sourcesUnder(relative);
    return child.name.endsWith('.ts') ? [relative] : [];
  });
}

/** The files of this tree a source imports, type-only imports and re-exports included; packages are left out. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(root, file), 'utf8'), true, false);
  const specifiers = new Set(importedFiles.map((imported) => imported.fileName));
  return [...specifiers]
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => {
      const target = path.posix.join(path.posix.dirname(file), specifier);
      return [`${target}.ts`, `${target}/index.ts`, target].find((candidate) => fs.existsSync(path.join(root, candidate))) ?? target;
    });
}

const within = (file: string, entries: readonly string[]) => entries.some((entry) => file === entry || file.startsWith(`${entry}/`));

describe('layers', () => {
  it('the product never imports the dev tooling', () => {
    const crossings = PRODUCT.flatMap(sourcesUnder).flatMap((file) =>
      importsOf(file)
        .filter((target) => within(target, TOOLING))
        .map((target) => `${file} -> ${target}`),
    );
    expect(crossings).toEqual([]);
  });

  it('domain/ imports nothing outside itself, and no import circle runs through it', () => {
    const files = sourcesUnder('domain');
    const graph = new Map(files.map((file) => [file, importsOf(file)]));
    expect([...graph].flatMap(([file, targets]) => targets.filter((target) => !within(target, ['domain'])).map((target) => `${file} -> ${target}`))).toEqual(
      [],
    );

    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(circles).toEqual([]);
  });
});
