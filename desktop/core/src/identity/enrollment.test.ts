import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '@marquee/shared';
import { enrollmentCode } from '../../../../test/support/enroll.ts';
import { startTestServer, type TestServer } from '../../../../test/support/server.ts';
import { ServerApi } from '../server-api.ts';
import { freshStore, type FreshStore } from '../testing/fresh-store.ts';
import { Enrollment, enrollmentHandlers } from './enrollment.ts';

let server: TestServer;
const stores: FreshStore[] = [];

beforeAll(async () => {
  server = await startTestServer({ seed: false });
});
afterAll(async () => {
  for (const store of stores) store.close();
  await server.close();
});

function newTerminal() {
  const store = freshStore();
  stores.push(store);
  const api = new ServerApi('http://127.0.0.1:1', undefined);
  let started = 0;
  const enrollment = new Enrollment({
    db: store.db,
    key: generateSigningKeyPair(randomBytes(32)),
    server: api,
    onEnrolled: () => {
      started++;
    },
  });
  return { enrollment, api, started: () => started };
}

describe('enrollment', () => {
  it('redeems a code once, keeps who the terminal is, and gives the server api its token', async () => {
    const { enrollment, api, started } = newTerminal();
    const code = await enrollmentCode(server, 'gate');
    const handlers = enrollmentHandlers(enrollment, () => ({
      enrolled: enrollment.terminalId !== undefined,
      connection: 'offline',
      since: new Date(0).toISOString(),
      pendingOutbox: 0,
      rejectedOutbox: 0,
      leaseSeatsLeft: 0,
    }));
    await expect(handlers['terminal.enroll']({ serverUrl: `${server.url}/`, code })).resolves.toMatchObject({
      enrolled: true,
    });
    expect(enrollment.profile).toBe('gate');
    expect(enrollment.serverUrl).toBe(server.url);
    expect(enrollment.terminalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(started()).toBe(1);
    await expect(api.leasePolicy()).resolves.toMatchObject({ seatsPerShowtime: expect.any(Number) });
    await expect(enrollment.enroll(server.url, code)).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('stores nothing when the server refuses the code', async () => {
    const { enrollment, started } = newTerminal();
    await expect(enrollment.enroll(server.url, 'WRONG-CODE')).rejects.toMatchObject({
      code: expect.stringMatching(/not_found|validation_failed|forbidden|unauthenticated/),
    });
    expect(enrollment.terminalId).toBeUndefined();
    expect(enrollment.profile).toBeUndefined();
    expect(started()).toBe(0);
  });
});
