/**
 * Invariant 6 at the HTTP boundary, for request bodies: every write route refuses a body that is
 * wrong in one way (malformed JSON, not an object, an unknown or mistyped field, float or negative
 * money, oversized arrays and bodies) with a 4xx in the stable error shape naming the offending
 * field, and the database is exactly as it was.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { layoutFromPatterns, rowFromPattern } from '../shared/src/testing/layouts.ts';
import {
  TARGET_NAMES,
  expectNamesField,
  expectValidationFailed,
  shapeProblems,
  show,
  useBadInputServer,
  type TargetName,
} from './support/bad-input.ts';
import { codeOf, errorOf } from './support/raw-http.ts';

const site = useBadInputServer();

/** A value of another JSON type than `value`. */
function wrongTypeFor(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return 'not-an-array';
  return ['not-an-object'];
}

describe.each(TARGET_NAMES)('%s refuses bad input', (name) => {
  it('malformed JSON → 400 validation_failed', async () => {
    const raws = [
      '{"showtimeId":',
      "{'a': 1}",
      '{"a": 1,}',
      'not json',
      '{"a":1}}',
      '{"a": NaN}',
      '\u0000',
      ' ',
    ];
    for (const raw of raws) {
      const answer = await site.post(name, { raw });
      expect(answer.status, `${JSON.stringify(raw)}: ${show(answer)}`).toBe(400);
      expect(shapeProblems(answer)).toEqual([]);
    }
  });

  it('a body that is not an object (array, string, number, null, boolean) → 400', async () => {
    const base = site.target(name).base();
    for (const body of [[], [{}], [base], 'a string', 42, null, true]) {
      const answer = await site.post(name, { raw: JSON.stringify(body) });
      expectValidationFailed(answer, JSON.stringify(body));
    }
  });

  it('no body, or JSON sent as text/plain → 400', async () => {
    expectValidationFailed(await site.post(name, {}), 'no body');
    const plain = await site.post(name, {
      raw: JSON.stringify(site.target(name).base()),
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.status, show(plain)).toBe(400);
    expect(shapeProblems(plain)).toEqual([]);
  });

  it('an unknown field → 400 naming the field', async () => {
    const answer = await site.post(name, { body: { ...site.target(name).base(), bogusField: 1 } });
    expectValidationFailed(answer, 'bogusField');
    expect(JSON.stringify(errorOf(answer))).toContain('bogusField');
  });

  it('a __proto__ or constructor key is an unknown field, not a way in', async () => {
    const base = JSON.stringify(site.target(name).base());
    for (const key of ['__proto__', 'constructor']) {
      const raw = `{"${key}": {"role": "admin", "status": "on_sale"}, ${base.slice(1)}`;
      const answer = await site.post(name, { raw });
      expectValidationFailed(answer, key);
    }
  });

  it('every field with a wrong type, null, or missing → 400 naming that field', async () => {
    const base = site.target(name).base();
    for (const [key, value] of Object.entries(base)) {
      for (const replacement of [wrongTypeFor(value), null]) {
        const answer = await site.post(name, { body: { ...base, [key]: replacement } });
        expectValidationFailed(answer, `${key}=${JSON.stringify(replacement)}`);
        expectNamesField(answer, `body.${key}`, `${key}=${JSON.stringify(replacement)}`);
      }
      const { [key]: _dropped, ...missing } = base;
      const answer = await site.post(name, { body: missing });
      expectValidationFailed(answer, `without ${key}`);
      expectNamesField(answer, `body.${key}`, `without ${key}`);
    }
  });

  it('a body over the size limit (300 KB) → 413 payload_too_large', async () => {
    const answer = await site.post(name, {
      body: { ...site.target(name).base(), padding: 'x'.repeat(300 * 1024) },
    });
    expect(answer.status, show(answer)).toBe(413);
    expect(codeOf(answer)).toBe('payload_too_large');
    expect(shapeProblems(answer)).toEqual([]);
  });

  it('an unsupported charset or encoding → 4xx, never 5xx', async () => {
    const raw = JSON.stringify(site.target(name).base());
    for (const headers of [
      { 'content-type': 'application/json; charset=ebcdic-37' },
      { 'content-encoding': 'gzip' },
      { 'content-encoding': 'br-nonsense' },
    ]) {
      const answer = await site.post(name, { raw, headers });
      expect(answer.status >= 400 && answer.status < 500, `${JSON.stringify(headers)}: ${show(answer)}`).toBe(
        true,
      );
      expect(shapeProblems(answer)).toEqual([]);
    }
  });
});

/** Field-level cases: [what, body change, field the error must name]. */
type Case = [string, Record<string, unknown>, string];

const tenThousandSeatIds = Array.from({ length: 10_000 }, (_, i) => `A${Math.floor(i / 1000)}-${i % 1000}`);
const BAD_UUIDS = [
  'abc',
  '',
  '00000000-0000-0000-0000-00000000000g',
  `${randomUUID()} `,
  `{${randomUUID()}}`,
  "' OR 1=1 --",
];

const FIELD_CASES: Record<TargetName, () => Case[]> = {
  'POST /holds': () => [
    ['no seats', { seatIds: [] }, 'body.seatIds'],
    ['the same seat twice', { seatIds: [site.fx.seatIds[0], site.fx.seatIds[0]] }, 'body.seatIds'],
    ['a seat id in the wrong format', { seatIds: ['f7'] }, 'body.seatIds.0'],
    ['an injection attempt as a seat id', { seatIds: ["A-1'; DROP TABLE seat_claims;--"] }, 'body.seatIds.0'],
    ['a seat that is not in the hall', { seatIds: ['ZZ-999'] }, 'body.seatIds'],
    ['ttlSeconds 0', { ttlSeconds: 0 }, 'body.ttlSeconds'],
    ['ttlSeconds negative', { ttlSeconds: -60 }, 'body.ttlSeconds'],
    ['ttlSeconds over the cap', { ttlSeconds: 1801 }, 'body.ttlSeconds'],
    ['ttlSeconds a float', { ttlSeconds: 1.5 }, 'body.ttlSeconds'],
    ['ttlSeconds 1e308', { ttlSeconds: 1e308 }, 'body.ttlSeconds'],
    ...BAD_UUIDS.map((id): Case => [
      `showtimeId ${JSON.stringify(id)}`,
      { showtimeId: id },
      'body.showtimeId',
    ]),
    ...BAD_UUIDS.map((id): Case => [`id ${JSON.stringify(id)}`, { id }, 'body.id']),
  ],
  'POST /orders': () => [
    ['expectedTotal -1', { expectedTotal: -1 }, 'body.expectedTotal'],
    ['expectedTotal 45.5', { expectedTotal: 45.5 }, 'body.expectedTotal'],
    ['expectedTotal 1e308', { expectedTotal: 1e308 }, 'body.expectedTotal'],
    ['expectedTotal 2^53', { expectedTotal: 2 ** 53 }, 'body.expectedTotal'],
    ['expectedTotal as a string', { expectedTotal: '5000' }, 'body.expectedTotal'],
    ['payment amount -1', { payments: [{ method: 'cash', amount: -1 }] }, 'body.payments.0.amount'],
    ['payment amount 45.5', { payments: [{ method: 'cash', amount: 45.5 }] }, 'body.payments.0.amount'],
    ['payment amount 1e308', { payments: [{ method: 'cash', amount: 1e308 }] }, 'body.payments.0.amount'],
    [
      'tendered -5',
      { payments: [{ method: 'cash', amount: 5000, tendered: -5 }] },
      'body.payments.0.tendered',
    ],
    [
      'an unknown payment method',
      { payments: [{ method: 'bitcoin', amount: 5000 }] },
      'body.payments.0.method',
    ],
    ['no payments', { payments: [] }, 'body.payments'],
    ['no lines', { lines: [] }, 'body.lines'],
    [
      'an unknown field inside a line',
      { lines: [{ seatId: site.fx.seatIds[0], ticketTypeId: site.fx.ticketTypeId, price: 1 }] },
      'body.lines.0',
    ],
    ...BAD_UUIDS.map((id): Case => [`id ${JSON.stringify(id)}`, { id }, 'body.id']),
    ...BAD_UUIDS.map((id): Case => [`holdId ${JSON.stringify(id)}`, { holdId: id }, 'body.holdId']),
    [
      'a bad ticketTypeId',
      { lines: [{ seatId: site.fx.seatIds[0], ticketTypeId: 'adult' }] },
      'body.lines.0.ticketTypeId',
    ],
  ],
  'POST /admissions': () => [
    ['an empty token', { token: '' }, 'body.token'],
    ['a 10,000-character token', { token: 'x'.repeat(10_000) }, 'body.token'],
    ...BAD_UUIDS.map((id): Case => [
      `showtimeId ${JSON.stringify(id)}`,
      { showtimeId: id },
      'body.showtimeId',
    ]),
  ],
  'POST /auth/login': () => [
    ['an empty username', { username: '' }, 'body.username'],
    ['a 65-character username', { username: 'a'.repeat(65) }, 'body.username'],
    ['an empty password', { password: '' }, 'body.password'],
    ['a 257-character password', { password: 'p'.repeat(257) }, 'body.password'],
  ],
  'POST /showtimes': () => [
    ['startsAt in words', { startsAt: 'tomorrow' }, 'body.startsAt'],
    ['startsAt without an offset', { startsAt: '2031-03-04T10:00:00' }, 'body.startsAt'],
    ['startsAt month 13', { startsAt: '2031-13-04T10:00:00Z' }, 'body.startsAt'],
    ['startsAt as epoch milliseconds', { startsAt: 1_900_000_000_000 }, 'body.startsAt'],
    ['cleaningMinutes -1', { cleaningMinutes: -1 }, 'body.cleaningMinutes'],
    ['cleaningMinutes 1.5', { cleaningMinutes: 1.5 }, 'body.cleaningMinutes'],
    ['trailerMinutes 61', { trailerMinutes: 61 }, 'body.trailerMinutes'],
    ['created already cancelled', { status: 'cancelled' }, 'body.status'],
    ...BAD_UUIDS.map((id): Case => [`movieId ${JSON.stringify(id)}`, { movieId: id }, 'body.movieId']),
    ...BAD_UUIDS.map((id): Case => [`hallId ${JSON.stringify(id)}`, { hallId: id }, 'body.hallId']),
    ['a bad priceListId', { priceListId: 'standard' }, 'body.priceListId'],
  ],
  'POST /halls': () => [
    ['an empty name', { name: '' }, 'body.name'],
    ['an unknown feature', { features: ['smell-o-vision'] }, 'body.features.0'],
    ['10,000 features', { features: Array.from({ length: 10_000 }, () => 'imax') }, 'body.features'],
    ['an empty layout', { layout: {} }, 'body.layout'],
    ['layout version 0', { layout: { ...layoutFromPatterns(['_']), version: 0 } }, 'body.layout.version'],
    [
      'a lower-case row label',
      { layout: { version: 1, rows: [rowFromPattern('a', '_')] } },
      'body.layout.rows.0.label',
    ],
    [
      'an unknown seat kind',
      // Written out: the layouts parser only knows the kinds that exist.
      {
        layout: { version: 1, rows: [{ label: 'A', cells: [{ type: 'seat', label: '1', kind: 'throne' }] }] },
      },
      'body.layout.rows.0.cells.0',
    ],
    [
      '10,000 seats in one row',
      {
        layout: { version: 1, rows: [rowFromPattern('A', '_'.repeat(10_000))] },
      },
      'body.layout.rows.0.cells',
    ],
    [
      '1,000 rows',
      {
        layout: { version: 1, rows: Array.from({ length: 1000 }, () => rowFromPattern('A', '_')) },
      },
      'body.layout.rows',
    ],
  ],
};

describe.each(TARGET_NAMES)('%s names the field that is wrong', (name) => {
  it('each wrong field value → 400 naming the field', async () => {
    const cases = FIELD_CASES[name]();
    expect(cases.length).toBeGreaterThan(0);
    for (const [what, change, field] of cases) {
      const answer = await site.post(name, { body: { ...site.target(name).base(), ...change } });
      expectValidationFailed(answer, what);
      expectNamesField(answer, field, what);
    }
  });
});

describe('huge arrays are refused, never a crash', () => {
  it('a hold of 10,000 seats → 400 naming seatIds', async () => {
    const answer = await site.post('POST /holds', {
      body: { ...site.target('POST /holds').base(), seatIds: tenThousandSeatIds },
    });
    expectValidationFailed(answer, '10,000 seats');
    expectNamesField(answer, 'body.seatIds', '10,000 seats');
  });

  it('an order of 10,000 lines → 400, or 413 when it exceeds the body limit', async () => {
    const lines = tenThousandSeatIds.map((seatId) => ({ seatId, ticketTypeId: site.fx.ticketTypeId }));
    const answer = await site.post('POST /orders', {
      body: { ...site.target('POST /orders').base(), lines },
    });
    expect([400, 413], show(answer)).toContain(answer.status);
    expect(shapeProblems(answer)).toEqual([]);
    const payments = Array.from({ length: 10_000 }, () => ({ method: 'cash', amount: 1 }));
    const many = await site.post('POST /orders', {
      body: { ...site.target('POST /orders').base(), payments },
    });
    expect([400, 413], show(many)).toContain(many.status);
    expect(shapeProblems(many)).toEqual([]);
  });

  it('a 10,000-deep nested body → 4xx, never a stack overflow', async () => {
    const raw = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    for (const name of TARGET_NAMES) {
      const answer = await site.post(name, { raw });
      expect(answer.status >= 400 && answer.status < 500, `${name}: ${show(answer)}`).toBe(true);
      const objects = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
      const nested = await site.post(name, { raw: objects });
      expect(nested.status >= 400 && nested.status < 500, `${name}: ${show(nested)}`).toBe(true);
    }
  });
});

describe('after all the bad requests above', () => {
  it('nothing changed: no hold, order, ticket, claim, admission, showtime or hall, and no change sequence', async () => {
    expect(await site.snapshot()).toEqual(site.before);
  });
});
