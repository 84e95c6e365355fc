/**
 * Invariant 6 at the HTTP boundary, fuzzed: 300 seeded random JSON values per write route (mostly a
 * valid-but-harmless body changed deep down), each answered with a 4xx in the stable error shape,
 * never a 5xx, and the database unchanged. A failure names its seed and case number.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../shared/src/testing/random.ts';
import { TARGET_NAMES, randomUUIDFrom, shapeProblems, show, useBadInputServer } from './support/bad-input.ts';
import { codeOf, isRecord } from './support/raw-http.ts';

const site = useBadInputServer();

function fuzzValue(next: () => number, keys: readonly string[], depth: number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const int = (max: number) => Math.floor(next() * max);
  const strings = [
    '',
    'A-1',
    'ZZ-999',
    'cash',
    'admin',
    'cashier1',
    '2031-03-04T10:00:00Z',
    'not-a-date',
    '00000000-0000-0000-0000-000000000000',
    "'; DROP TABLE holds; --",
    '\u0000\u202e\ud83c\udfac',
    '__proto__',
    'x'.repeat(int(3000)),
  ];
  const numbers = [0, -1, 1, 45.5, 1e308, -1e308, 2 ** 53, 2 ** 31, -0, 1801, 5000, Number.MIN_VALUE];
  const choice = depth > 3 ? int(4) : int(8);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return next() < 0.5 ? pick(numbers) : int(1_000_000) - 500_000;
    case 3:
      return next() < 0.7 ? pick(strings) : randomUUIDFrom(next);
    case 4:
      return Array.from({ length: int(6) }, () => fuzzValue(next, keys, depth + 1));
    case 5:
      return next() < 0.3
        ? Array.from({ length: int(200) }, () => pick(strings))
        : [fuzzValue(next, keys, depth + 1)];
    default: {
      // An object, mostly with the route's own field names so validation is exercised deeply.
      const all = [
        ...keys,
        'seatId',
        'ticketTypeId',
        'method',
        'amount',
        'label',
        'cells',
        'rows',
        'type',
        'extra',
      ];
      const out: Record<string, unknown> = {};
      for (let i = int(all.length + 1); i > 0; i--) out[pick(all)] = fuzzValue(next, keys, depth + 1);
      return out;
    }
  }
}

/** One random change deep inside a JSON value: replace, delete or add a field, or an array item. */
function mutate(next: () => number, value: unknown, keys: readonly string[], depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const roll = next();
  if (isRecord(value) && depth < 5) {
    const own = Object.keys(value);
    if (own.length === 0 || roll < 0.1)
      return { ...value, [pick([...keys, 'extra'])]: fuzzValue(next, keys, 2) };
    const key = pick(own);
    if (roll < 0.2) return Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
    if (roll < 0.7) return { ...value, [key]: mutate(next, value[key], keys, depth + 1) };
    return { ...value, [key]: fuzzValue(next, keys, 2) };
  }
  if (Array.isArray(value) && depth < 5) {
    if (value.length === 0 || roll < 0.15) return [...(value as unknown[]), fuzzValue(next, keys, 3)];
    if (roll < 0.25) return [];
    if (roll < 0.35) return [...(value as unknown[]), ...(value as unknown[])];
    const at = Math.floor(next() * value.length);
    return (value as unknown[]).map((item, i) => (i === at ? mutate(next, item, keys, depth + 1) : item));
  }
  return fuzzValue(next, keys, 2);
}

describe('fuzz: 300 seeded random JSON values per route', () => {
  it.each(TARGET_NAMES)('%s answers every one with a 4xx (never a 5xx) and changes nothing', async (name) => {
    const { fuzzBase, schema, validMayPass } = site.target(name);
    const seed = 0x5eed + TARGET_NAMES.indexOf(name);
    const next = seededRandom(seed);
    const keys = Object.keys(fuzzBase(next));
    const failures: string[] = [];
    const counts = await site.snapshot();
    let valid = 0;
    for (let i = 0; i < 300; i++) {
      // Mostly a valid-but-harmless body changed in one to three places, so validation is
      // exercised deep down; otherwise an object of the route's fields, or any JSON value at all.
      const roll = next();
      let body: unknown;
      if (roll < 0.6) {
        body = fuzzBase(next);
        for (let n = 1 + Math.floor(next() * 3); n > 0; n--) body = mutate(next, body, keys);
      } else body = roll < 0.85 ? fuzzValue(next, keys, 3) : fuzzValue(next, keys, 0);
      const answer = await site.post(name, { raw: JSON.stringify(body) });
      const passes = schema.safeParse(body).success;
      if (passes) valid++;
      const expected = passes
        ? answer.status < 500 && (validMayPass === true || answer.status >= 400)
        : (answer.status === 400 && codeOf(answer) === 'validation_failed') || answer.status === 413;
      const problems = answer.status >= 400 ? shapeProblems(answer) : [];
      if (!expected || problems.length > 0)
        failures.push(
          `seed ${seed} #${i} (${passes ? 'valid' : 'invalid'}): ${JSON.stringify(body).slice(0, 200)} → ${show(answer)} ${problems.join('; ')}`,
        );
    }
    expect(failures).toEqual([]);
    expect(valid).toBeLessThan(300);
    const health = await site.send('GET', '/api/v1/health');
    expect(health.status).toBe(200);
    expect(await site.snapshot()).toEqual(counts);
  });

  it('leaves the database exactly as it was before any bad request', async () => {
    expect(await site.snapshot()).toEqual(site.before);
  });
});
