/**
 * Invariant 6 at the HTTP boundary: bad input gets a clear error and changes nothing.
 * Every request here is wrong in one way (malformed JSON, a body that is not an object, an unknown
 * or mistyped field, float or negative money, oversized arrays and bodies, bad query strings),
 * followed by a seeded fuzz run. The answers must be 4xx with the stable error shape and name the
 * offending field; the database must be exactly as it was.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdmissionRequest,
  CreateHallRequest,
  CreateHoldRequest,
  CreateOrderRequest,
  CreateShowtimeRequest,
  ERROR_CODES,
  LoginRequest,
} from '@marquee/shared';
import { seededRandom } from '../shared/src/testing/random.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { codeOf, errorOf, isRecord, sendRaw, type Answer } from './support/raw-http.ts';

let t: TestServer;

async function send(
  method: string,
  path: string,
  options: {
    token?: string | undefined;
    body?: unknown;
    raw?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  return sendRaw(t.url, method, path, options);
}

/** Problems with an error answer; empty when it is `{error:{code,message,details?}}` of DESIGN §8. */
function shapeProblems(answer: Answer): string[] {
  const problems: string[] = [];
  if (!answer.contentType.includes('application/json')) problems.push(`content-type ${answer.contentType}`);
  const error = errorOf(answer);
  if (error === undefined) return [...problems, `no error object: ${answer.text.slice(0, 120)}`];
  if (isRecord(answer.body) && Object.keys(answer.body).join() !== 'error')
    problems.push('extra top-level keys');
  const code = String(error['code']);
  if (!Object.hasOwn(ERROR_CODES, code)) problems.push(`unknown code ${code}`);
  else if (ERROR_CODES[code as keyof typeof ERROR_CODES] !== answer.status)
    problems.push(`code ${code} with status ${answer.status}`);
  const message = error['message'];
  if (typeof message !== 'string' || message === '') problems.push('no message');
  const details = error['details'];
  if (details !== undefined && !isRecord(details)) problems.push('details is not an object');
  if (/\n\s*at |\.(?:ts|js):\d+|node_modules|\/work\/|SqliteError|SQLITE_|TypeError/.test(answer.text))
    problems.push(`leaks internals: ${answer.text.slice(0, 200)}`);
  return problems;
}

const show = (answer: Answer) => `${answer.status} ${answer.text.slice(0, 300)}`;

/** A 400 `validation_failed` in the stable shape. */
function expectValidationFailed(answer: Answer, what: string): void {
  expect(answer.status, `${what}: ${show(answer)}`).toBe(400);
  expect(codeOf(answer), what).toBe('validation_failed');
  expect(shapeProblems(answer), what).toEqual([]);
}

/** The error names `field` (e.g. `body.seatIds`) in details.field, an issue, or the message. */
function expectNamesField(answer: Answer, field: string, what: string): void {
  const error = errorOf(answer) ?? {};
  const details = isRecord(error['details']) ? error['details'] : {};
  const issues = Array.isArray(details['issues']) ? (details['issues'] as unknown[]) : [];
  const fields = [details['field'], ...issues.map((i) => (isRecord(i) ? i['field'] : undefined))].filter(
    (f): f is string => typeof f === 'string',
  );
  const message = error['message'];
  const named =
    fields.some((f) => f === field || f.startsWith(`${field}.`)) ||
    (typeof message === 'string' && message.includes(field));
  expect(named, `${what}: expected the error to name ${field}, got ${show(answer)}`).toBe(true);
}

// --- the database must not move ----------------------------------------------------------------

const COUNTED_TABLES = [
  'holds',
  'orders',
  'tickets',
  'seat_claims',
  'admissions',
  'showtimes',
  'halls',
] as const;

async function snapshot(): Promise<Record<string, number>> {
  return t.ctx.db.read(async (ex) => {
    const out: Record<string, number> = {};
    for (const table of COUNTED_TABLES) {
      const row = await ex.get<{ n: number | bigint }>(`SELECT COUNT(*) AS n FROM ${table}`);
      out[table] = Number(row?.n ?? -1);
    }
    const seq = await ex.get<{ seq: number | bigint }>('SELECT MAX(seq) AS seq FROM sites');
    out['sites.seq'] = Number(seq?.seq ?? -1);
    return out;
  });
}

// --- fixtures: real ids, so each bad request is wrong in exactly one way -----------------------

interface Fixture {
  showtimeId: string;
  movieId: string;
  hallId: string;
  hallName: string;
  ticketTypeId: string;
  seatIds: [string, string];
}
let fx: Fixture;
let before: Record<string, number>;

interface Target {
  path: string;
  /** Staff token to call it with; the login route is called without one. */
  auth: boolean;
  /** A body that would pass validation; tests only ever send it changed. */
  base: () => Record<string, unknown>;
  /** The schema the server validates with, to tell a fuzzed body that happens to be valid. */
  schema: { safeParse(value: unknown): { success: boolean } };
  /**
   * What the fuzzer mutates: a body that passes the schema but can never change anything (it names
   * no showtime, hold or film that exists; the hall's layout breaks a structural rule and its name
   * is taken), so a fuzzed body that happens to stay valid is still refused.
   */
  fuzzBase: (next: () => number) => Record<string, unknown>;
  /** A valid fuzzed body may get a 2xx here (a scan of a forged ticket is answered `invalid`). */
  validMayPass?: boolean;
}

const ORDER_ID = randomUUID();
const HOLD_ID = randomUUID();

const TARGETS: Record<string, Target> = {
  'POST /holds': {
    path: '/holds',
    auth: true,
    base: () => ({ showtimeId: fx.showtimeId, seatIds: [...fx.seatIds] }),
    schema: CreateHoldRequest,
    fuzzBase: (next) => ({ showtimeId: randomUUIDFrom(next), seatIds: ['A-1', 'A-2'], ttlSeconds: 60 }),
  },
  'POST /orders': {
    path: '/orders',
    auth: true,
    base: () => ({
      id: ORDER_ID,
      holdId: HOLD_ID,
      lines: [{ seatId: fx.seatIds[0], ticketTypeId: fx.ticketTypeId }],
      payments: [{ method: 'cash', amount: 5000 }],
      expectedTotal: 5000,
    }),
    schema: CreateOrderRequest,
    fuzzBase: (next) => ({
      ...target('POST /orders').base(),
      id: randomUUIDFrom(next),
      holdId: randomUUIDFrom(next),
      payments: [{ method: 'cash', amount: 5000, tendered: 10000 }],
    }),
  },
  'POST /admissions': {
    path: '/admissions',
    auth: true,
    base: () => ({ token: 'MQ1.not-a-ticket' }),
    schema: AdmissionRequest,
    fuzzBase: (next) => ({ token: 'MQ1.not-a-ticket', showtimeId: randomUUIDFrom(next) }),
    validMayPass: true,
  },
  'POST /auth/login': {
    path: '/auth/login',
    auth: false,
    base: () => ({ username: 'cashier1', password: 'not-the-password' }),
    schema: LoginRequest,
    fuzzBase: () => ({ username: 'fuzz-nobody', password: 'not-the-password' }),
  },
  'POST /showtimes': {
    path: '/showtimes',
    auth: true,
    base: () => ({ movieId: fx.movieId, hallId: fx.hallId, startsAt: '2031-03-04T10:00:00Z' }),
    schema: CreateShowtimeRequest,
    fuzzBase: (next) => ({
      movieId: randomUUIDFrom(next),
      hallId: randomUUIDFrom(next),
      startsAt: '2031-03-04T10:00:00Z',
      cleaningMinutes: 15,
    }),
  },
  'POST /halls': {
    path: '/halls',
    auth: true,
    base: () => ({
      name: 'Test hall',
      features: [],
      layout: { version: 1, rows: [{ label: 'A', cells: [{ type: 'seat', label: '1', kind: 'standard' }] }] },
    }),
    schema: CreateHallRequest,
    fuzzBase: () => ({
      name: fx.hallName,
      features: ['imax'],
      layout: {
        version: 1,
        rows: [
          { label: 'A', cells: [{ type: 'seat', label: '1', kind: 'standard' }, { type: 'gap' }] },
          { label: 'A', cells: [{ type: 'seat', label: '1', kind: 'premium' }] },
        ],
      },
    }),
  },
};
const TARGET_NAMES = Object.keys(TARGETS);

function target(name: string): Target {
  const found = TARGETS[name];
  if (found === undefined) throw new Error(`no target ${name}`);
  return found;
}

function post(name: string, options: { body?: unknown; raw?: string; headers?: Record<string, string> }) {
  const { path, auth } = target(name);
  return send('POST', `/api/v1${path}`, { token: auth ? t.adminToken : undefined, ...options });
}

/** A value of another JSON type than `value`. */
function wrongTypeFor(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return 'yes';
  if (Array.isArray(value)) return 'not-an-array';
  return ['not-an-object'];
}

beforeAll(async () => {
  t = await startTestServer();
  const now = Date.now();
  const list = await t.api(
    'GET',
    `/showtimes?from=${new Date(now + 3_600_000).toISOString()}&to=${new Date(now + 7 * 86_400_000).toISOString()}`,
    { token: t.adminToken },
  );
  expect(list.status, JSON.stringify(list.body)).toBe(200);
  const { showtimes } = list.body as {
    showtimes: { id: string; movieId: string; hallId: string; status: string }[];
  };
  const showtime = showtimes.find((s) => s.status === 'on_sale');
  if (showtime === undefined) throw new Error('the demo has no showtime on sale this week');
  const details = await t.api('GET', `/showtimes/${showtime.id}`, { token: t.adminToken });
  const ticketTypeId = (details.body as { ticketTypes: { ticketType: { id: string } }[] }).ticketTypes[0]
    ?.ticketType.id;
  const seats = await t.api('GET', `/showtimes/${showtime.id}/seats`, { token: t.adminToken });
  const free = (seats.body as { seats: { id: string; state: string }[] }).seats.filter(
    (s) => s.state === 'free',
  );
  const [first, second] = free;
  if (ticketTypeId === undefined || first === undefined || second === undefined)
    throw new Error('the demo showtime has no ticket types or free seats');
  fx = {
    showtimeId: showtime.id,
    movieId: showtime.movieId,
    hallId: showtime.hallId,
    hallName: (details.body as { hall: { name: string } }).hall.name,
    ticketTypeId,
    seatIds: [first.id, second.id],
  };
  before = await snapshot();
});

afterAll(async () => {
  await t.close();
});

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
      const answer = await post(name, { raw });
      expect(answer.status, `${JSON.stringify(raw)}: ${show(answer)}`).toBe(400);
      expect(shapeProblems(answer)).toEqual([]);
    }
  });

  it('a body that is not an object (array, string, number, null, boolean) → 400', async () => {
    const base = target(name).base();
    for (const body of [[], [{}], [base], 'a string', 42, null, true]) {
      const answer = await post(name, { raw: JSON.stringify(body) });
      expectValidationFailed(answer, JSON.stringify(body));
    }
  });

  it('no body, or JSON sent as text/plain → 400', async () => {
    expectValidationFailed(await post(name, {}), 'no body');
    const plain = await post(name, {
      raw: JSON.stringify(target(name).base()),
      headers: { 'content-type': 'text/plain' },
    });
    expect(plain.status, show(plain)).toBe(400);
    expect(shapeProblems(plain)).toEqual([]);
  });

  it('an unknown field → 400 naming the field', async () => {
    const answer = await post(name, { body: { ...target(name).base(), bogusField: 1 } });
    expectValidationFailed(answer, 'bogusField');
    expect(JSON.stringify(errorOf(answer))).toContain('bogusField');
  });

  it('a __proto__ or constructor key is an unknown field, not a way in', async () => {
    const base = JSON.stringify(target(name).base());
    for (const key of ['__proto__', 'constructor']) {
      const raw = `{"${key}": {"role": "admin", "status": "on_sale"}, ${base.slice(1)}`;
      const answer = await post(name, { raw });
      expectValidationFailed(answer, key);
    }
  });

  it('every field with a wrong type, null, or missing → 400 naming that field', async () => {
    const base = target(name).base();
    for (const [key, value] of Object.entries(base)) {
      for (const replacement of [wrongTypeFor(value), null]) {
        const answer = await post(name, { body: { ...base, [key]: replacement } });
        expectValidationFailed(answer, `${key}=${JSON.stringify(replacement)}`);
        expectNamesField(answer, `body.${key}`, `${key}=${JSON.stringify(replacement)}`);
      }
      const { [key]: _dropped, ...missing } = base;
      const answer = await post(name, { body: missing });
      expectValidationFailed(answer, `without ${key}`);
      expectNamesField(answer, `body.${key}`, `without ${key}`);
    }
  });

  it('a body over the size limit (300 KB) → 413 payload_too_large', async () => {
    const answer = await post(name, { body: { ...target(name).base(), padding: 'x'.repeat(300 * 1024) } });
    expect(answer.status, show(answer)).toBe(413);
    expect(codeOf(answer)).toBe('payload_too_large');
    expect(shapeProblems(answer)).toEqual([]);
  });

  it('an unsupported charset or encoding → 4xx, never 5xx', async () => {
    const raw = JSON.stringify(target(name).base());
    for (const headers of [
      { 'content-type': 'application/json; charset=ebcdic-37' },
      { 'content-encoding': 'gzip' },
      { 'content-encoding': 'br-nonsense' },
    ]) {
      const answer = await post(name, { raw, headers });
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

const FIELD_CASES: Record<string, () => Case[]> = {
  'POST /holds': () => [
    ['no seats', { seatIds: [] }, 'body.seatIds'],
    ['the same seat twice', { seatIds: [fx.seatIds[0], fx.seatIds[0]] }, 'body.seatIds'],
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
      { lines: [{ seatId: fx.seatIds[0], ticketTypeId: fx.ticketTypeId, price: 1 }] },
      'body.lines.0',
    ],
    ...BAD_UUIDS.map((id): Case => [`id ${JSON.stringify(id)}`, { id }, 'body.id']),
    ...BAD_UUIDS.map((id): Case => [`holdId ${JSON.stringify(id)}`, { holdId: id }, 'body.holdId']),
    [
      'a bad ticketTypeId',
      { lines: [{ seatId: fx.seatIds[0], ticketTypeId: 'adult' }] },
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
    [
      'layout version 0',
      { layout: { version: 0, rows: [{ label: 'A', cells: [{ type: 'gap' }] }] } },
      'body.layout.version',
    ],
    [
      'a lower-case row label',
      { layout: { version: 1, rows: [{ label: 'a', cells: [{ type: 'gap' }] }] } },
      'body.layout.rows.0.label',
    ],
    [
      'an unknown seat kind',
      {
        layout: { version: 1, rows: [{ label: 'A', cells: [{ type: 'seat', label: '1', kind: 'throne' }] }] },
      },
      'body.layout.rows.0.cells.0',
    ],
    [
      '10,000 seats in one row',
      {
        layout: {
          version: 1,
          rows: [{ label: 'A', cells: Array.from({ length: 10_000 }, () => ({ type: 'gap' })) }],
        },
      },
      'body.layout.rows.0.cells',
    ],
    [
      '1,000 rows',
      {
        layout: {
          version: 1,
          rows: Array.from({ length: 1000 }, () => ({ label: 'A', cells: [{ type: 'gap' }] })),
        },
      },
      'body.layout.rows',
    ],
  ],
};

describe.each(TARGET_NAMES)('%s names the field that is wrong', (name) => {
  it('each wrong field value → 400 naming the field', async () => {
    const cases = FIELD_CASES[name]?.() ?? [];
    expect(cases.length).toBeGreaterThan(0);
    for (const [what, change, field] of cases) {
      const answer = await post(name, { body: { ...target(name).base(), ...change } });
      expectValidationFailed(answer, what);
      expectNamesField(answer, field, what);
    }
  });
});

describe('huge arrays are refused, never a crash', () => {
  it('a hold of 10,000 seats → 400 naming seatIds', async () => {
    const answer = await post('POST /holds', {
      body: { ...target('POST /holds').base(), seatIds: tenThousandSeatIds },
    });
    expectValidationFailed(answer, '10,000 seats');
    expectNamesField(answer, 'body.seatIds', '10,000 seats');
  });

  it('an order of 10,000 lines → 400, or 413 when it exceeds the body limit', async () => {
    const lines = tenThousandSeatIds.map((seatId) => ({ seatId, ticketTypeId: fx.ticketTypeId }));
    const answer = await post('POST /orders', { body: { ...target('POST /orders').base(), lines } });
    expect([400, 413], show(answer)).toContain(answer.status);
    expect(shapeProblems(answer)).toEqual([]);
    const payments = Array.from({ length: 10_000 }, () => ({ method: 'cash', amount: 1 }));
    const many = await post('POST /orders', { body: { ...target('POST /orders').base(), payments } });
    expect([400, 413], show(many)).toContain(many.status);
    expect(shapeProblems(many)).toEqual([]);
  });

  it('a 10,000-deep nested body → 4xx, never a stack overflow', async () => {
    const raw = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    for (const name of TARGET_NAMES) {
      const answer = await post(name, { raw });
      expect(answer.status >= 400 && answer.status < 500, `${name}: ${show(answer)}`).toBe(true);
      const objects = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
      const nested = await post(name, { raw: objects });
      expect(nested.status >= 400 && nested.status < 500, `${name}: ${show(nested)}`).toBe(true);
    }
  });
});

describe('unknown routes', () => {
  it('answer 404 not_found as JSON', async () => {
    const requests: [string, string][] = [
      ['GET', '/api/v1/nope'],
      ['POST', '/api/v1/holds/extra/deep'],
      ['PUT', '/api/v1/holds'],
      ['DELETE', '/api/v1/health'],
      ['GET', '/api/v2/health'],
      ['GET', '/'],
      ['GET', '/api/v1/../../etc/passwd'],
      ['GET', '/api/v1/%E0%A4%A'],
    ];
    for (const [method, path] of requests) {
      const answer = await send(method, path, { token: t.adminToken });
      expect(answer.status, `${method} ${path}: ${show(answer)}`).toBe(404);
      expect(codeOf(answer)).toBe('not_found');
      expect(shapeProblems(answer)).toEqual([]);
    }
  });
});

describe('bad query strings', () => {
  const day = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const now = Date.now();
  const range = `from=${iso(now)}&to=${iso(now + day)}`;

  it('GET /showtimes refuses missing, malformed, reversed and too long ranges and bad limits', async () => {
    const cases: [string, string][] = [
      ['', 'query.from'],
      [`to=${iso(now)}`, 'query.from'],
      [`from=yesterday&to=${iso(now)}`, 'query.from'],
      [`from=${iso(now)}&to=2030-01-01`, 'query.to'],
      [`from=${iso(now + day)}&to=${iso(now)}`, 'query.to'],
      [`from=${iso(now)}&to=${iso(now + 40 * day)}`, 'query.to'],
      [`${range}&limit=0`, 'query.limit'],
      [`${range}&limit=100000`, 'query.limit'],
      [`${range}&limit=-1`, 'query.limit'],
      [`${range}&limit=1.5`, 'query.limit'],
      [`${range}&limit=abc`, 'query.limit'],
      [`${range}&limit=`, 'query.limit'],
      [`${range}&bogus=1`, 'bogus'],
      [`${range}&from=${iso(now)}`, 'query.from'],
    ];
    for (const [query, field] of cases) {
      const answer = await send('GET', `/api/v1/showtimes?${query}`, { token: t.adminToken });
      expectValidationFailed(answer, `?${query}`);
      expectNamesField(answer, field, `?${query}`);
    }
    expect((await send('GET', `/api/v1/showtimes?${range}&limit=5`, { token: t.adminToken })).status).toBe(
      200,
    );
  });

  it('GET /sync/pull refuses a bad collection, checkpoint or limit', async () => {
    const cases: [string, string][] = [
      ['', 'query.collection'],
      ['collection=bogus', 'query.collection'],
      ['collection=seat_maps&collection=site', 'query.collection'],
      ['collection=site&checkpoint=garbage', 'query.checkpoint'],
      ['collection=site&checkpoint=:5', 'query.checkpoint'],
      ['collection=site&checkpoint=e:-1', 'query.checkpoint'],
      ['collection=site&checkpoint=e:1.5', 'query.checkpoint'],
      ['collection=site&checkpoint=e:99999999999999999999', 'query.checkpoint'],
      ['collection=site&checkpoint=%7B%22epoch%22%3A1%7D', 'query.checkpoint'],
      ['collection=site&limit=0', 'query.limit'],
      ['collection=site&limit=100000', 'query.limit'],
      ['collection=site&limit=abc', 'query.limit'],
      ['collection=site&bogus=1', 'bogus'],
    ];
    for (const [query, field] of cases) {
      const answer = await send('GET', `/api/v1/sync/pull?${query}`, { token: t.adminToken });
      expectValidationFailed(answer, `?${query}`);
      expectNamesField(answer, field, `?${query}`);
    }
    expect(
      (await send('GET', '/api/v1/sync/pull?collection=site&limit=1', { token: t.adminToken })).status,
    ).toBe(200);
  });

  it('a bad UUID in a path is refused naming params.id', async () => {
    for (const path of ['/showtimes/not-a-uuid', '/showtimes/not-a-uuid/seats']) {
      const answer = await send('GET', `/api/v1${path}`, { token: t.adminToken });
      expectValidationFailed(answer, path);
      expectNamesField(answer, 'params.id', path);
    }
    const patch = await send('PATCH', '/api/v1/holds/1%20OR%201=1', {
      token: t.adminToken,
      body: { ttlSeconds: 60 },
    });
    expectValidationFailed(patch, 'PATCH /holds/<bad id>');
    expectNamesField(patch, 'params.id', 'PATCH /holds/<bad id>');
  });
});

describe('after all the bad requests above', () => {
  it('nothing changed: no hold, order, ticket, claim, admission, showtime or hall, and no change sequence', async () => {
    expect(await snapshot()).toEqual(before);
  });
});

// --- fuzz ----------------------------------------------------------------------------------------

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

/** A well-formed v4 UUID from the PRNG: never one of the demo's ids. */
function randomUUIDFrom(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '8';
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
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
    const { fuzzBase, schema, validMayPass } = target(name);
    const seed = 0x5eed + TARGET_NAMES.indexOf(name);
    const next = seededRandom(seed);
    const keys = Object.keys(fuzzBase(next));
    const failures: string[] = [];
    const counts = await snapshot();
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
      const answer = await post(name, { raw: JSON.stringify(body) });
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
    const health = await send('GET', '/api/v1/health');
    expect(health.status).toBe(200);
    expect(await snapshot()).toEqual(counts);
  });

  it('leaves the database exactly as it was before any bad request', async () => {
    expect(await snapshot()).toEqual(before);
  });
});
