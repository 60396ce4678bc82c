import fs from 'node:fs';
import path from 'node:path';
import { planTemplateSchema, type PlanTemplate } from '../domain/templates';

/** The templates shipped with danvan, one file each, named by their id. */
export const TEMPLATES_DIR = path.join(__dirname, '..', 'plans', 'templates');

/**
 * A template by the id of a shipped one (thang-dan-van, dan-van-kheo) or by the path of a file of one's own: a new
 * kind of plan is a file, not a change to danvan. What is wrong with the file is thrown naming the file and the field.
 */
export function loadTemplate(idOrPath: string, dir = TEMPLATES_DIR): PlanTemplate {
  const file = /^[a-z][a-z0-9-]*$/.test(idOrPath) ? path.join(dir, `${idOrPath}.json`) : path.resolve(idOrPath);
  if (!fs.existsSync(file)) {
    const shipped = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => f.slice(0, -5))
      : [];
    throw new Error(`no plan template ${idOrPath} (${file}); the shipped ones are ${shipped.join(', ')}, or give the path of a file`);
  }
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
