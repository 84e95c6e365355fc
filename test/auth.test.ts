/** Staff sign-in and terminal enrollment: what a manager and a new terminal see. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeyPair, publicKeyToB64 } from '@marquee/shared';
import { randomBytes } from 'node:crypto';
import { ADMIN, DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from './support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const newKey = () => publicKeyToB64(generateSigningKeyPair(randomBytes(32)).publicKey);

describe('staff sign-in', () => {
  it('answers a wrong password with unauthenticated and never says whether the user exists', async () => {
    const wrong = await server.api('POST', '/auth/login', {
      body: { username: 'cashier1', password: 'not-the-password' },
    });
    const nobody = await server.api('POST', '/auth/login', {
      body: { username: 'nobody', password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    expect(nobody.status).toBe(401);
    expect(wrong.body.error).toEqual(nobody.body.error);
  });

  it('locks out a username after five wrong passwords, even for the right one, and not other users', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await server.api('POST', '/auth/login', {
        body: { username: 'cashier2', password: `guess-${i}-xxxxxx` },
      });
      expect(res.status).toBe(401);
    }
    const locked = await server.api('POST', '/auth/login', {
      body: { username: 'cashier2', password: DEMO_STAFF_PASSWORD },
    });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('rate_limited');
    expect(locked.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    const other = await server.api('POST', '/auth/login', {
      body: { username: 'supervisor', password: DEMO_STAFF_PASSWORD },
    });
    expect(other.status).toBe(200);
  });

  it('gives a token that expires with the shift', async () => {
    const token = await server.login(ADMIN.username, ADMIN.password);
    expect((await server.api('GET', '/users', { token })).status).toBe(200);
    server.clock.advance(8 * 3_600_000 + 1000);
    expect((await server.api('GET', '/users', { token })).status).toBe(401);
  });
});

describe('terminal enrollment', () => {
  it('enrolls a terminal once per code and never again with the same code', async () => {
    const admin = await server.login(ADMIN.username, ADMIN.password);
    const code = await server.api('POST', '/devices/enrollment-codes', {
      token: admin,
      body: { name: 'Gate 2', profile: 'gate' },
    });
    expect(code.status).toBe(201);
    expect(code.body.code).toMatch(/^[A-Z2-9]{10}$/);
    const first = await server.api('POST', '/devices/enroll', {
      body: { code: code.body.code, publicKey: newKey() },
    });
    expect(first.status).toBe(201);
    expect(first.body.profile).toBe('gate');
    const me = await server.api('GET', '/devices/me', { token: first.body.token });
    expect(me.body.name).toBe('Gate 2');
    const again = await server.api('POST', '/devices/enroll', {
      body: { code: code.body.code, publicKey: newKey() },
    });
    expect(again.status).toBe(401);
  });

  it('refuses an expired code and a malformed key without using up the code', async () => {
    const admin = await server.login(ADMIN.username, ADMIN.password);
    const code = await server.api('POST', '/devices/enrollment-codes', {
      token: admin,
      body: { name: 'Kiosk 9', profile: 'kiosk' },
    });
    const badKey = await server.api('POST', '/devices/enroll', {
      body: { code: code.body.code, publicKey: 'A'.repeat(43) },
    });
    expect(badKey.status).toBe(400);
    const reused = await server.api('POST', '/devices/enroll', {
      body: { code: code.body.code, publicKey: newKey() },
    });
    expect(reused.status).toBe(201);
    const late = await server.api('POST', '/devices/enrollment-codes', {
      token: admin,
      body: { name: 'Kiosk 10', profile: 'kiosk' },
    });
    server.clock.advance(24 * 3_600_000 + 1000);
    const expired = await server.api('POST', '/devices/enroll', {
      body: { code: late.body.code, publicKey: newKey() },
    });
    expect(expired.status).toBe(401);
  });
});
