import fs from 'node:fs';
import path from 'node:path';
import { planTemplateSchema, type PlanTemplate } from '../domain/templates';

/** The templates shipped with danvan, one file each, named by their id. */
export const TEMPLATES_DIR = path.join(__dirname, '..', 'plans', 'templates');

/** An id names a shipped template; anything else is the path of a file of one's own. */
export function isTemplateId(idOrPath: string): boolean {
  return /^[a-z][a-z0-9-]*$/.test(idOrPath);
}

/** The ids of the templates shipped in `dir`, sorted. */
export function shippedTemplateIds(dir = TEMPLATES_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => path.basename(file, '.json'))
    .sort();
}

/**
 * A template by the id of a shipped one (thang-dan-van, dan-van-kheo) or by the path of a file of one's own: a new
 * kind of plan is a file, not a change to danvan. What is wrong with the file is thrown naming the file and the field.
 */
export function loadTemplate(idOrPath: string, dir = TEMPLATES_DIR): PlanTemplate {
  const file = isTemplateId(idOrPath) ? path.join(dir, `${idOrPath}.json`) : path.resolve(idOrPath);
  if (!fs.existsSync(file))
    throw new Error(`no plan template ${idOrPath} (${file}); the shipped ones are ${shippedTemplateIds(dir).join(', ')}, or give the path of a file`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = planTemplateSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'template'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
