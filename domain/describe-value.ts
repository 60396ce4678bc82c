/** A value as an error message quotes it: JSON, cut to 80 characters; `nothing` for a missing one. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
