/**
 * Answers of the projection. Whatever a caller can get wrong or run into (an unknown campaign, an event with an
 * unreadable time, a projection file written by another schema version) comes back as a value naming the field
 * and the value at fault, so the Kafka consumer can dead-letter one event or tell the operator to rebuild.
 */
export interface ProjectionError {
  field: string;
  value: unknown;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ProjectionError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(field: string, value: unknown, message: string): { ok: false; error: ProjectionError } {
  return { ok: false, error: { field, value, message } };
}
