/**
 * The bad-input tests' server and vocabulary (invariant 6 at the HTTP boundary): a real server with
 * real ids to be wrong about, the write routes they send bad bodies to, and what a good refusal
 * looks like — 4xx, the stable error shape, the field named, the database untouched.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import {
  AdmissionRequest,
  CreateHallRequest,
  CreateHoldRequest,
  CreateOrderRequest,
  CreateShowtimeRequest,
  ERROR_CODES,
  LoginRequest,
} from '@marquee/shared';
import { layoutFromPatterns, rowFromPattern } from '../../shared/src/testing/layouts.ts';
import { perFile } from './per-file.ts';
import { codeOf, errorOf, isRecord, sendRaw, type Answer } from './raw-http.ts';
import { startTestServer, type TestServer } from './server.ts';

/** Problems with an error answer; empty when it is `{error:{code,message,details?}}` of DESIGN §8. */
export function shapeProblems(answer: Answer): string[] {
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

export const show = (answer: Answer): string => `${answer.status} ${answer.text.slice(0, 300)}`;

/** A 400 `validation_failed` in the stable shape. */
export function expectValidationFailed(answer: Answer, what: string): void {
  expect(answer.status, `${what}: ${show(answer)}`).toBe(400);
  expect(codeOf(answer), what).toBe('validation_failed');
  expect(shapeProblems(answer), what).toEqual([]);
}

/** The error names `field` (e.g. `body.seatIds`) in details.field, an issue, or the message. */
export function expectNamesField(answer: Answer, field: string, what: string): void {
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

async function countRows(server: TestServer): Promise<Record<string, number>> {
  return server.ctx.db.read(async (ex) => {
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

export interface Fixture {
  showtimeId: string;
  movieId: string;
  hallId: string;
  hallName: string;
  ticketTypeId: string;
  seatIds: [string, string];
}

export interface Target {
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

/** The write routes every bad-input test sends to, in the order the fuzz seeds follow. */
export const TARGET_NAMES = [
  'POST /holds',
  'POST /orders',
  'POST /admissions',
  'POST /auth/login',
  'POST /showtimes',
  'POST /halls',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** A well-formed v4 UUID from the PRNG: never one of the demo's ids. */
export function randomUUIDFrom(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '8';
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export interface RequestOptions {
  token?: string | undefined;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface BadInputServer {
  readonly server: TestServer;
  readonly fx: Fixture;
  /** The database's row counts before any bad request. */
  readonly before: Record<string, number>;
  target(name: TargetName): Target;
  /** A request to the server (the path includes `/api/v1`). */
  send(method: string, path: string, options?: RequestOptions): Promise<Answer>;
  /** A POST to a target route, as admin where the route needs a token. */
  post(name: TargetName, options: Omit<RequestOptions, 'token'>): Promise<Answer>;
  /** The database's row counts now. */
  snapshot(): Promise<Record<string, number>>;
}

/** The target routes, with bodies made of the fixture's real ids. */
function targetsFor(fx: Fixture): Record<TargetName, Target> {
  const ORDER_ID = randomUUID();
  const HOLD_ID = randomUUID();
  const targets: Record<TargetName, Target> = {
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
        ...targets['POST /orders'].base(),
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
        layout: layoutFromPatterns(['S']),
      }),
      schema: CreateHallRequest,
      fuzzBase: () => ({
        name: fx.hallName,
        features: ['imax'],
        // Row A twice: the structural rule the server checks after the schema.
        layout: { version: 1, rows: [rowFromPattern('A', 'S_'), rowFromPattern('A', 'P')] },
      }),
    },
  };
  return targets;
}

/** Real ids on the demo site: a showtime on sale this week, its hall, film, ticket type and seats. */
async function findFixture(server: TestServer): Promise<Fixture> {
  const now = Date.now();
  const list = await server.api(
    'GET',
    `/showtimes?from=${new Date(now + 3_600_000).toISOString()}&to=${new Date(now + 7 * 86_400_000).toISOString()}`,
    { token: server.adminToken },
  );
  expect(list.status, JSON.stringify(list.body)).toBe(200);
  const { showtimes } = list.body as {
    showtimes: { id: string; movieId: string; hallId: string; status: string }[];
  };
  const showtime = showtimes.find((s) => s.status === 'on_sale');
  if (showtime === undefined) throw new Error('the demo has no showtime on sale this week');
  const details = await server.api('GET', `/showtimes/${showtime.id}`, { token: server.adminToken });
  const ticketTypeId = (details.body as { ticketTypes: { ticketType: { id: string } }[] }).ticketTypes[0]
    ?.ticketType.id;
  const seats = await server.api('GET', `/showtimes/${showtime.id}/seats`, { token: server.adminToken });
  const free = (seats.body as { seats: { id: string; state: string }[] }).seats.filter(
    (s) => s.state === 'free',
  );
  const [first, second] = free;
  if (ticketTypeId === undefined || first === undefined || second === undefined)
    throw new Error('the demo showtime has no ticket types or free seats');
  return {
    showtimeId: showtime.id,
    movieId: showtime.movieId,
    hallId: showtime.hallId,
    hallName: (details.body as { hall: { name: string } }).hall.name,
    ticketTypeId,
    seatIds: [first.id, second.id],
  };
}

/** The server of one bad-input test file: started before its tests, closed after them. */
export function useBadInputServer(): BadInputServer {
  return perFile(
    'the bad-input server',
    async () => {
      const server = await startTestServer();
      const fx = await findFixture(server);
      const before = await countRows(server);
      const targets = targetsFor(fx);
      const send: BadInputServer['send'] = (method, path, options = {}) =>
        sendRaw(server.url, method, path, options);
      return {
        server,
        fx,
        before,
        target: (name: TargetName) => targets[name],
        send,
        post(name: TargetName, options: Omit<RequestOptions, 'token'>) {
          const { path, auth } = targets[name];
          return send('POST', `/api/v1${path}`, { token: auth ? server.adminToken : undefined, ...options });
        },
        snapshot: () => countRows(server),
      };
    },
    (site) => site.server.close(),
  );
}
