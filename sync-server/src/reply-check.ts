/**
 * Whether an answer is what its schema says, to the letter: it parses, and parsing it dropped or
 * changed nothing (a field the schema does not describe would silently vanish in a client that
 * parses). Used under `validateResponses` (tests) for HTTP answers and mutation results.
 */
import type { z } from 'zod';

/** The first difference between what was sent and what the schema made of it, as `path: what`. */
function firstDifference(sent: unknown, parsed: unknown, path: string): string | undefined {
  const at = path === '' ? '(the answer)' : path;
  if (Array.isArray(sent) && Array.isArray(parsed)) {
    if (sent.length !== parsed.length) return `${at}: ${sent.length} items became ${parsed.length}`;
    for (const [i, item] of sent.entries()) {
      const found = firstDifference(item, parsed[i], path === '' ? String(i) : `${path}.${i}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isObject(sent) && isObject(parsed)) {
    for (const key of Object.keys(sent)) {
      const child = path === '' ? key : `${path}.${key}`;
      if (!(key in parsed)) return `${child}: not described by the schema`;
      const found = firstDifference(sent[key], parsed[key], child);
      if (found !== undefined) return found;
    }
    const added = Object.keys(parsed).find((key) => !(key in sent));
    return added === undefined
      ? undefined
      : `${path === '' ? added : `${path}.${added}`}: added by the schema`;
  }
  return Object.is(sent, parsed)
    ? undefined
    : `${at}: ${JSON.stringify(sent)} became ${JSON.stringify(parsed)}`;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Undefined when `value`, as JSON, is exactly an instance of `schema`; otherwise what is wrong. */
export function replyProblem(schema: z.ZodType, value: unknown): string | undefined {
  const sent: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  const parsed = schema.safeParse(sent);
  if (!parsed.success) {
    return parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.') || '(the answer)'}: ${issue.message}`)
      .join('; ');
  }
  const roundTrip: unknown = parsed.data === undefined ? undefined : JSON.parse(JSON.stringify(parsed.data));
  return firstDifference(sent, roundTrip, '');
}
