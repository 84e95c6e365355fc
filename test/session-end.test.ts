/**
 * Ending a session ends everything it opened (issue 16, defects 4 and 5): logout, a manager ending
 * a user's sessions, deactivation, a new password, a revoked terminal and an expired token each make
 * the token useless over HTTP and close its open change stream with code 4001 — also on a second
 * server instance on the same database, which learns of it only from the sessions table.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_CLOSE_SESSION_ENDED } from '@marquee/shared';
import { enrollDevice } from './support/enroll.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { isHello, openStream, StreamRefused, type Stream } from './support/terminal.ts';

const TTL_SECONDS = 120;
const ENV = { MARQUEE_STREAM_SESSION_CHECK_MS: '100', MARQUEE_STAFF_TOKEN_TTL: String(TTL_SECONDS) };

let server: TestServer;
/** A second instance on the same SQLite file, with its own (in-process) change feed. */
let other: TestServer;
const streams: Stream[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: ENV });
  other = await startTestServer({ dataDir: server.dataDir, seed: false, env: ENV, clock: server.clock });
});
afterAll(async () => {
  await Promise.all(streams.map((s) => s.close()));
  await other.close();
  await server.close();
});

async function listen(on: TestServer, token: string): Promise<Stream> {
  const stream = await openStream(on.url, token);
  streams.push(stream);
  await stream.next(isHello);
  return stream;
}

/** A new cashier, signed in; answers the user id and the token. */
async function newCashier(): Promise<{ id: string; token: string }> {
  const username = `c.${randomUUID().slice(0, 8)}`;
  const password = 'a long enough password';
  const created = await server.api('POST', '/users', {
    token: server.adminToken,
    body: { username, name: username, role: 'cashier', password },
  });
  expect(created.status).toBe(201);
  return { id: created.body.id as string, token: await server.login(username, password) };
}

async function expectEnded(token: string, stream: Stream): Promise<void> {
  expect(await stream.closed()).toEqual({ code: STREAM_CLOSE_SESSION_ENDED, reason: 'session ended' });
  expect((await server.api('GET', '/showtimes/' + randomUUID(), { token })).status).toBe(401);
  const again = await openStream(server.url, token).then(
    () => 'opened',
    (error: unknown) => (error instanceof StreamRefused ? error.status : String(error)),
  );
  expect(again).toBe(401);
}

describe('ending a session', () => {
  it('logout ends the token and closes its stream; it is in the OpenAPI document', async () => {
    const cashier = await newCashier();
    const stream = await listen(server, cashier.token);
    const out = await server.api('POST', '/auth/logout', { token: cashier.token });
    expect(out.status).toBe(204);
    await expectEnded(cashier.token, stream);
    expect((await server.api('POST', '/auth/logout', { token: cashier.token })).status).toBe(401);
    const doc = await server.api('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths['/api/v1/auth/logout'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.body.paths['/api/v1/users/{id}/sessions'] ?? {})).toEqual(['delete']);
  });

  it('a manager ends every session of a user; a cashier may not', async () => {
    const cashier = await newCashier();
    const stream = await listen(server, cashier.token);
    const denied = await server.api('DELETE', `/users/${cashier.id}/sessions`, { token: cashier.token });
    expect(denied.status).toBe(403);
    const ended = await server.api('DELETE', `/users/${cashier.id}/sessions`, { token: server.adminToken });
    expect(ended.status).toBe(204);
    await expectEnded(cashier.token, stream);
  });

  it.each([
    ['deactivating a user', { active: false }],
    ['a new password', { password: 'another long password' }],
  ])('%s closes the stream of the old session', async (_what, change) => {
    const cashier = await newCashier();
    const stream = await listen(server, cashier.token);
    const changed = await server.api('PATCH', `/users/${cashier.id}`, {
      token: server.adminToken,
      body: change,
    });
    expect(changed.status).toBe(200);
    await expectEnded(cashier.token, stream);
  });

  it('revoking a terminal closes its stream', async () => {
    const kiosk = await enrollDevice(server, 'kiosk');
    const stream = await listen(server, kiosk.token);
    const revoked = await server.api('PATCH', `/devices/${kiosk.terminalId}`, {
      token: server.adminToken,
      body: { status: 'revoked' },
    });
    expect(revoked.status).toBe(200);
    await expectEnded(kiosk.token, stream);
  });

  it('a session ended through one instance closes its stream on another', async () => {
    const cashier = await newCashier();
    const elsewhere = await listen(other, cashier.token);
    const off = await server.api('PATCH', `/users/${cashier.id}`, {
      token: server.adminToken,
      body: { active: false },
    });
    expect(off.status).toBe(200);
    expect((await elsewhere.closed()).code).toBe(STREAM_CLOSE_SESSION_ENDED);
    expect((await other.api('GET', '/showtimes/' + randomUUID(), { token: cashier.token })).status).toBe(401);
  });

  it('a staff token lives MARQUEE_STAFF_TOKEN_TTL: then HTTP refuses it and its stream closes', async () => {
    const cashier = await newCashier();
    const login = await server.api('POST', '/auth/login', {
      body: { username: 'admin', password: 'admin-password-for-tests' },
    });
    expect(Date.parse(login.body.expiresAt) - server.clock.now()).toBe(TTL_SECONDS * 1000);
    const stream = await listen(server, cashier.token);
    const probe = () => server.api('GET', '/showtimes/' + randomUUID(), { token: cashier.token });
    expect((await probe()).status).toBe(404);
    server.clock.advance(TTL_SECONDS * 1000 + 1);
    await expectEnded(cashier.token, stream);
  });
});
