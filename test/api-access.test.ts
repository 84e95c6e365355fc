/**
 * Role checks on every route (DESIGN §8, §11): the route list is read from the server itself, so
 * a route added tomorrow is walked tomorrow. Every route is called by every principal, with no
 * token and with a garbage token; the gate must answer 401/403 exactly where the declaration says
 * and nowhere else, and every error body must be the stable `{error:{code,message}}` shape
 * without a trace of the server's internals.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '@marquee/shared';
import type { TerminalProfile } from '@marquee/shared';
import { generateDemoData } from '../shared/src/demo/demo-data.ts';
import type { RouteSpec } from '../sync-server/src/http/route.ts';
import { ALL_PRINCIPALS, type Principal } from '@marquee/shared';
import { ADMIN, DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from './support/server.ts';
import { codeOf, errorOf, isRecord, sendRaw, type Answer } from './support/raw-http.ts';
import { enrollDevice } from './support/enroll.ts';

const STAFF_ROLES = ['cashier', 'supervisor', 'manager', 'admin'] as const satisfies readonly Principal[];
const DEVICE_PROFILES = ['kiosk', 'box_office', 'gate'] as const satisfies readonly Principal[];
const PRINCIPALS: readonly Principal[] = [...STAFF_ROLES, ...DEVICE_PROFILES];

interface Caller {
  name: string;
  principal: Principal | null;
  headers: Record<string, string>;
}

interface Call {
  route: RouteSpec;
  label: string;
  caller: Caller;
  answer: Answer;
}

let t: TestServer;
const tokens = new Map<Principal, string>();
const terminalIds = new Map<TerminalProfile, string>();
let callers: Caller[] = [];
let calls: Call[] = [];

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const send = (
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown } = {},
) => sendRaw(t.url, method, path, options);

/** A concrete request for a route: random UUIDs for path parameters, `{}` as the body of writes. */
function concretePath(route: RouteSpec): string {
  return `/api/v1${route.path.replace(/:([A-Za-z0-9_]+)/g, () => randomUUID())}`;
}
const hasBody = (route: RouteSpec) =>
  route.method === 'post' || route.method === 'patch' || route.method === 'put';
const labelOf = (route: RouteSpec) => `${route.method.toUpperCase()} ${route.path}`;
const allows = (route: RouteSpec, principal: Principal) =>
  route.allow !== 'public' && route.allow.includes(principal);

/**
 * Routes that could end the caller's own session run last (signing out the very last), so the walk
 * keeps its tokens; staff sign in again after it.
 */
const endsSession = (route: RouteSpec) =>
  /logout|sign-?out/i.test(route.path) ? 2 : /sessions/i.test(route.path) ? 1 : 0;

/** Anything that looks like a stack frame, a source path or a driver error in a response. */
function leaksInternals(text: string): string | undefined {
  const patterns = [
    /\n\s*at /,
    /\bat [\w$.<>]+ \(/,
    /\bat (?:file|node):/,
    /\.(?:ts|js|mjs|cjs):\d+/,
    /node_modules/,
    /\/work\/|\/home\/|\/tmp\//,
    /file:\/\//,
    /SqliteError|SQLITE_|TypeError|ReferenceError|RangeError/,
  ];
  return patterns.find((pattern) => pattern.test(text))?.source;
}

/** The problems with an error answer, or an empty list when it is the stable shape of §8. */
function errorShapeProblems(answer: Answer): string[] {
  const problems: string[] = [];
  if (!answer.contentType.includes('application/json')) problems.push(`content-type ${answer.contentType}`);
  if (!isRecord(answer.body)) return [...problems, `body is not a JSON object: ${answer.text.slice(0, 80)}`];
  const keys = Object.keys(answer.body);
  if (keys.join() !== 'error') problems.push(`top-level keys ${keys.join()}`);
  const error = errorOf(answer);
  if (error === undefined) return [...problems, 'no error object'];
  const code = error['code'];
  if (typeof code !== 'string' || !Object.hasOwn(ERROR_CODES, code))
    problems.push(`unknown code ${String(code)}`);
  else if (ERROR_CODES[code as keyof typeof ERROR_CODES] !== answer.status)
    problems.push(`code ${code} with status ${answer.status}`);
  const message = error['message'];
  const details = error['details'];
  if (typeof message !== 'string' || message === '') problems.push('no message');
  if (details !== undefined && !isRecord(details)) problems.push('details is not an object');
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k));
  if (extra.length > 0) problems.push(`extra error keys ${extra.join()}`);
  const leak = leaksInternals(answer.text);
  if (leak !== undefined) problems.push(`leaks internals (${leak}): ${answer.text.slice(0, 200)}`);
  return problems;
}

const describeCall = (call: Call) =>
  `${call.label} as ${call.caller.name} → ${call.answer.status} ${call.answer.text.slice(0, 120)}`;

/** Signs every staff role in (again: the walk signs them out); the admin is `t.adminToken`. */
async function signInStaff(): Promise<void> {
  const staff = generateDemoData({ seed: 1, startDate: '2030-01-07', days: 1, halls: 1 }).staff;
  for (const role of STAFF_ROLES) {
    const member = role === 'admin' ? undefined : staff.find((s) => s.role === role);
    if (role !== 'admin' && member === undefined) throw new Error(`the demo has no ${role}`);
    const token =
      member === undefined
        ? await t.login(ADMIN.username, ADMIN.password)
        : await t.login(member.username, DEMO_STAFF_PASSWORD);
    tokens.set(role, token);
    if (role === 'admin') t.adminToken = token;
  }
}

beforeAll(async () => {
  t = await startTestServer();
  await signInStaff();
  for (const profile of DEVICE_PROFILES) {
    const device = await enrollDevice(t, profile, `Walk ${profile}`);
    tokens.set(profile, device.token);
    terminalIds.set(profile, device.terminalId);
  }
  callers = [
    ...PRINCIPALS.map((principal) => ({
      name: principal,
      principal,
      headers: bearer(tokens.get(principal) ?? ''),
    })),
    { name: 'no token', principal: null, headers: {} },
    { name: 'garbage token', principal: null, headers: bearer(randomBytes(32).toString('base64url')) },
    {
      name: 'malformed authorization header',
      principal: null,
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
    },
  ];

  const ordered = [...t.server.routes].sort((a, b) => endsSession(a) - endsSession(b));
  calls = [];
  for (const route of ordered) {
    for (const caller of callers) {
      const answer = await send(route.method.toUpperCase(), concretePath(route), {
        headers: caller.headers,
        ...(hasBody(route) ? { body: {} } : {}),
      });
      calls.push({ route, label: labelOf(route), caller, answer });
    }
  }
  await signInStaff();
});

afterAll(async () => {
  await t.close();
});

describe('role checks on every route', () => {
  it('walks every declared route with all seven principals, no token and bad tokens', () => {
    expect([...ALL_PRINCIPALS].sort()).toEqual([...PRINCIPALS].sort());
    expect(t.server.routes.length).toBeGreaterThan(10);
    expect(calls.length).toBe(t.server.routes.length * callers.length);
    // The route list is real: every declared route is mounted (none answers the 404 of no route).
    const unmounted = calls.filter(
      (c) => c.answer.status === 404 && errorOf(c.answer)?.['message'] === 'no such route',
    );
    expect(unmounted.map(describeCall)).toEqual([]);
  });

  it('public routes never ask anyone for a token', () => {
    const bad = calls.filter(
      (c) => c.route.allow === 'public' && (c.answer.status === 401 || c.answer.status === 403),
    );
    // Enrolling with a wrong code is a 401 by design, but `{}` never gets that far.
    expect(bad.map(describeCall)).toEqual([]);
  });

  it('a request without a valid token gets 401 unauthenticated on every non-public route', () => {
    const bad = calls.filter(
      (c) =>
        c.route.allow !== 'public' &&
        c.caller.principal === null &&
        !(c.answer.status === 401 && codeOf(c.answer) === 'unauthenticated'),
    );
    expect(bad.map(describeCall)).toEqual([]);
  });

  it('a principal outside a route’s allow list gets 403 forbidden', () => {
    const bad = calls.filter(
      (c) =>
        c.caller.principal !== null &&
        c.route.allow !== 'public' &&
        !allows(c.route, c.caller.principal) &&
        !(c.answer.status === 403 && codeOf(c.answer) === 'forbidden'),
    );
    expect(bad.map(describeCall)).toEqual([]);
  });

  it('a principal inside a route’s allow list is let through (only the dummy input is refused)', () => {
    const bad = calls.filter(
      (c) =>
        c.caller.principal !== null &&
        allows(c.route, c.caller.principal) &&
        (c.answer.status === 401 || c.answer.status === 403),
    );
    expect(bad.map(describeCall)).toEqual([]);
  });

  it('no route answers any caller with a server error', () => {
    const bad = calls.filter((c) => c.answer.status >= 500);
    expect(bad.map(describeCall)).toEqual([]);
  });

  it('every error is {error:{code,message}} JSON with a status matching its code and no stack trace', () => {
    const bad = calls
      .filter((c) => c.answer.status >= 400)
      .flatMap((c) => errorShapeProblems(c.answer).map((problem) => `${describeCall(c)}: ${problem}`));
    expect(bad).toEqual([]);
    // Successful answers do not leak internals either.
    const leaky = calls.filter((c) => c.answer.status < 400 && leaksInternals(c.answer.text) !== undefined);
    expect(leaky.map(describeCall)).toEqual([]);
  });
});

describe('a failure inside the server', () => {
  it('answers 500 internal with no stack trace, file path or driver message, and the server keeps serving', async () => {
    const db = t.ctx.db;
    const original = db.read.bind(db);
    db.read = () =>
      Promise.reject(
        new Error(
          'SQLITE_CORRUPT: database disk image is malformed\n    at read (/work/main/sync-server/src/db/sqlite.ts:42:7)',
        ),
      );
    let answer: Answer;
    try {
      answer = await send('GET', '/api/v1/sync/pull?collection=site', { headers: bearer(t.adminToken) });
    } finally {
      db.read = original;
    }
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ error: { code: 'internal', message: expect.any(String) as string } });
    expect(errorShapeProblems(answer)).toEqual([]);
    expect((await send('GET', '/api/v1/health')).status).toBe(200);
    expect(
      (await send('GET', '/api/v1/sync/pull?collection=site', { headers: bearer(t.adminToken) })).status,
    ).toBe(200);
  });
});

describe('a kiosk can never reach manager routes', () => {
  /**
   * The manager's back office by path, independent of the declared allow lists, so a route that
   * was declared with a too-wide list is caught too.
   */
  const isManagerArea = (route: RouteSpec) => {
    const path = route.path;
    // A new terminal enrolls itself, and a terminal may read its own record.
    if (path === '/devices/enroll' || path === '/devices/me') return false;
    if (/^\/(reports|users|devices|audit)(\/|$)/.test(path)) return true;
    const write = route.method !== 'get';
    return write && /^\/(halls|movies|price-lists|ticket-types|showtimes)(\/|$)/.test(path);
  };

  it('the back office, reports, users and devices are declared for managers only', () => {
    const area = t.server.routes.filter(isManagerArea);
    const areas = new Set(area.map((r) => r.path.split('/')[1]));
    for (const expected of ['showtimes', 'halls', 'devices']) expect(areas).toContain(expected);
    const tooWide = area.filter(
      (r) => r.allow === 'public' || r.allow.some((p) => p !== 'manager' && p !== 'admin'),
    );
    expect(tooWide.map((r) => `${labelOf(r)} allows ${String(r.allow)}`)).toEqual([]);
  });

  it('a kiosk token gets 403 forbidden on every manager route', () => {
    const kioskCalls = calls.filter((c) => c.caller.principal === 'kiosk' && isManagerArea(c.route));
    expect(kioskCalls.length).toBeGreaterThanOrEqual(5);
    const bad = kioskCalls.filter((c) => !(c.answer.status === 403 && codeOf(c.answer) === 'forbidden'));
    expect(bad.map(describeCall)).toEqual([]);
  });

  it('a kiosk token is refused a manager action with a real body too', async () => {
    const kiosk = tokens.get('kiosk') ?? '';
    const code = await send('POST', '/api/v1/devices/enrollment-codes', {
      headers: bearer(kiosk),
      body: { name: 'Sneaky kiosk', profile: 'box_office' },
    });
    expect(code.status).toBe(403);
    expect(codeOf(code)).toBe('forbidden');
    const reports = t.server.routes.filter((r) => r.path.startsWith('/reports') && r.method === 'get');
    const now = Date.now();
    const range = `from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now).toISOString()}`;
    for (const report of reports) {
      const answer = await send('GET', `${concretePath(report)}?${range}`, { headers: bearer(kiosk) });
      expect(answer.status, labelOf(report)).toBe(403);
    }
  });
});

describe('tokens that stop being valid', () => {
  const pullSite = (token: string) =>
    send('GET', '/api/v1/sync/pull?collection=site', { headers: bearer(token) });

  it('a revoked terminal’s token is refused with 401', async () => {
    const device = await enrollDevice(t, 'kiosk', 'Kiosk to revoke');
    expect((await pullSite(device.token)).status).toBe(200);
    const revokeRoute = t.server.routes.find((r) => r.method === 'patch' && r.path === '/devices/:id');
    expect(revokeRoute, 'PATCH /devices/:id is the manager’s way to revoke a terminal').toBeDefined();
    const manager = tokens.get('manager') ?? '';
    const revoked = await send('PATCH', `/api/v1/devices/${device.terminalId}`, {
      headers: bearer(manager),
      body: { status: 'revoked' },
    });
    expect(revoked.status, revoked.text).toBe(200);

    const after = await pullSite(device.token);
    expect(after.status).toBe(401);
    expect(codeOf(after)).toBe('unauthenticated');
    const hold = await send('POST', '/api/v1/holds', {
      headers: bearer(device.token),
      body: { showtimeId: randomUUID(), seatIds: ['A-1'] },
    });
    expect(hold.status).toBe(401);
    // Other terminals are untouched.
    expect((await pullSite(tokens.get('kiosk') ?? '')).status).toBe(200);
  });

  it('a staff session ends after a shift; a terminal’s does not', async () => {
    const cashier = tokens.get('cashier') ?? '';
    expect((await pullSite(cashier)).status).toBe(200);
    t.clock.advance(8 * 60 * 60 * 1000 + 60_000);
    const expired = await pullSite(cashier);
    expect(expired.status).toBe(401);
    expect(codeOf(expired)).toBe('unauthenticated');
    expect((await pullSite(tokens.get('gate') ?? '')).status).toBe(200);
  });
});
