/** Telling what an update changed, so a no-op writes nothing and the audit names the fields. */

export const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** Optional request fields left out arrive as `undefined`; a merge must not copy those over. */
export function defined<T extends object>(input: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** JSON with sorted keys, to tell whether two documents say the same thing. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** The top-level fields whose values differ. */
export function changedFields(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return unique([...Object.keys(a), ...Object.keys(b)]).filter(
    (key) => canonical(a[key]) !== canonical(b[key]),
  );
}
