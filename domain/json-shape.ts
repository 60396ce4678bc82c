import { isCalendarDate } from './calendar';
import { describeValue } from './describe-value';

/**
 * Checks a value against a JSON Schema generated from one of danvan's zod schemas (`npm run schemas`), without
 * zod: the workflows use it for the `submit` Update, so the shape rule stays the zod schema's, written once, while
 * each workflow instance is spared its own copy of zod and of every schema (see domain/schemas.ts). It knows the
 * keywords zod's generator writes for those schemas and refuses, when compiled, a schema that uses any other, so a
 * schema change that needs more fails the tests instead of being half-checked.
 */

export type Shape = { ok: true; value: unknown } | { ok: false; field: string; message: string; value: unknown };

interface Node {
  type?: 'object' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, Node>;
  required?: string[];
  const?: unknown;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  oneOf?: Node[];
  /** Only `false` (zod's strict objects): a property not declared is refused rather than dropped. */
  additionalProperties?: false;
}

const CHECKED = new Set([
  'type',
  'properties',
  'required',
  'const',
  'enum',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'pattern',
  'format',
  'oneOf',
  'additionalProperties',
]);
const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description']);
const FORMATS: Record<string, (value: string) => boolean> = { date: isCalendarDate };
const TYPES = new Set(['object', 'string', 'integer', 'number', 'boolean']);
/** Compiled once per schema node; without the `u` flag, as zod compiles the same patterns. */
const patterns = new WeakMap<Node, RegExp>();

/** `report.heldOn`: the dotted path of a property, as the rejection's `field` names it. */
function at(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function unsupported(path: string, what: string): never {
  throw new Error(`json-shape: ${what} at ${path || 'the root'} is not supported; extend domain/json-shape.ts before using it`);
}

/** Refuses keywords and formats it cannot check, once, when the schema is loaded. */
function vet(node: Record<string, unknown>, path: string): Node {
  for (const key of Object.keys(node)) if (!CHECKED.has(key) && !ANNOTATIONS.has(key)) unsupported(path, `keyword "${key}"`);
  if (node.type !== undefined && !TYPES.has(node.type as string)) unsupported(path, `type ${JSON.stringify(node.type)}`);
  if (typeof node.format === 'string' && !FORMATS[node.format]) unsupported(path, `format "${node.format}"`);
  if (node.additionalProperties !== undefined && node.additionalProperties !== false) unsupported(path, 'additionalProperties other than false');
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) vet(child, at(path, name));
  for (const branch of (node.oneOf ?? []) as Record<string, unknown>[]) vet(branch, path);
  if (typeof node.pattern === 'string') patterns.set(node as Node, new RegExp(node.pattern));
  return node as Node;
}

function fail(field: string, message: string, value: unknown): Shape {
  return { ok: false, field, message: `${message}, got ${describeValue(value)}`, value };
}

function typeProblem(node: Node, value: unknown): string | undefined {
  switch (node.type) {
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? undefined : 'expected an object';
    case 'string':
      return typeof value === 'string' ? undefined : 'expected a string';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'expected a whole number';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected true or false';
    default:
      return undefined;
  }
}

/** The branch a discriminated union means: the one whose `const` properties the value carries. */
function branchFor(branches: Node[], value: unknown): Node | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  return branches.find((b) => {
    const consts = Object.entries(b.properties ?? {}).filter(([, p]) => p.const !== undefined);
    return consts.length > 0 && consts.every(([name, p]) => (value as Record<string, unknown>)[name] === p.const);
  });
}

function check(node: Node, value: unknown, path: string): Shape {
  if (node.oneOf) {
    const branch = branchFor(node.oneOf, value);
    if (branch) return check(branch, value, path);
    const passing = node.oneOf.map((b) => check(b, value, path)).filter((r) => r.ok);
    if (passing.length === 1) return passing[0]!;
    const tags = node.oneOf.flatMap((b) =>
      Object.entries(b.properties ?? {})
        .filter(([, p]) => p.const !== undefined)
        .map(([name, p]) => ({ name, value: p.const })),
    );
    const tag = tags[0]?.name;
    if (tag !== undefined)
      return fail(
        at(path, tag),
        `expected one of ${tags
          .filter((t) => t.name === tag)
          .map((t) => JSON.stringify(t.value))
          .join(', ')}`,
        (value as Record<string, unknown> | null)?.[tag],
      );
    return fail(path, 'expected exactly one of the allowed forms', value);
  }
  const wrongType = typeProblem(node, value);
  if (wrongType) return fail(path, wrongType, value);
  if (node.const !== undefined && value !== node.const) return fail(path, `expected ${JSON.stringify(node.const)}`, value);
  if (node.enum && !node.enum.includes(value)) return fail(path, `expected one of ${node.enum.map((v) => JSON.stringify(v)).join(', ')}`, value);
  if (typeof value === 'string') {
    if (node.minLength !== undefined && value.length < node.minLength) return fail(path, `expected at least ${node.minLength} characters`, value);
    if (node.maxLength !== undefined && value.length > node.maxLength) return fail(path, `expected at most ${node.maxLength} characters`, value);
    if (node.pattern !== undefined && !patterns.get(node)!.test(value)) return fail(path, `expected to match ${node.pattern}`, value);
    if (node.format !== undefined && !FORMATS[node.format]!(value)) return fail(path, `expected a ${node.format}`, value);
  }
  if (typeof value === 'number') {
    if (node.minimum !== undefined && value < node.minimum) return fail(path, `expected at least ${node.minimum}`, value);
    if (node.maximum !== undefined && value > node.maximum) return fail(path, `expected at most ${node.maximum}`, value);
  }
  if (node.type === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of node.required ?? []) if (object[name] === undefined) return fail(at(path, name), 'required', undefined);
    if (node.additionalProperties === false) {
      const known = Object.keys(node.properties ?? {});
      const unknown = Object.keys(object).find((name) => !known.includes(name));
      if (unknown !== undefined) return fail(at(path, unknown), `unknown property; expected one of ${known.join(', ')}`, object[unknown]);
    }
    // Only declared properties are kept, as zod's object schemas keep them: nothing unknown reaches workflow state.
    const kept: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      if (object[name] === undefined) continue;
      const result = check(child, object[name], at(path, name));
      if (!result.ok) return result;
      kept[name] = result.value;
    }
    return { ok: true, value: kept };
  }
  return { ok: true, value };
}

/** Compiles a generated JSON Schema into a checker; throws if the schema uses anything the checker cannot check. */
export function jsonShape(schema: Record<string, unknown>): (value: unknown) => Shape {
  const root = vet(schema, '');
  return (value) => check(root, value, '');
}
