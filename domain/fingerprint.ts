/**
 * A short, stable digest of a JSON value, to tell "the same report again" from "a different report under the
 * same idempotency key". Keys are sorted so property order does not matter. Not cryptographic: it guards
 * against honest mistakes, and runs inside workflows where Node's crypto is unavailable.
 */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** cyrb53: 53 bits from two 32-bit multiply-xorshift lanes. */
function cyrb53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export function fingerprint(value: unknown): string {
  const text = canonical(value);
  return `${cyrb53(text).toString(16)}${cyrb53(text, 1).toString(16)}`;
}

/**
 * The Temporal Update id of a request under an idempotency key. Temporal answers a repeated Update id with the
 * first outcome without asking the workflow, so the id carries the fingerprint of what is asked too: the same
 * request under the same key is deduplicated by Temporal, a different one under the same key reaches the workflow
 * and is refused there.
 */
export function updateIdOf(idempotencyKey: string, asked: unknown): string {
  return `${idempotencyKey}.${fingerprint(asked)}`;
}

/** A deterministic spread in [0, windowMs) for a key, so units sharing a deadline do not all wake at one instant. */
export function spreadMs(key: string, windowMs: number): number {
  return windowMs <= 0 ? 0 : cyrb53(key) % windowMs;
}
