/** Every answer the core reads from the server is parsed: a malformed one is a clear error, never a cast. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MarqueeError } from '@marquee/shared';
import { ServerApi } from './server-api.ts';
import { loopbackServer, reply, type LoopbackServer } from './testing/fresh-store.ts';

const TOKEN = 'eyJ0aGlzIjoiaXMgYSB0ZXN0In0';
const TICKET = '4c1e7f4b-7a2e-4d43-9f7a-0d7f4c1e2a10';
let server: LoopbackServer;
/** What the fake server answers per path. */
const answers = new Map<string, { status: number; body: unknown }>();

beforeAll(async () => {
  server = await loopbackServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace('/api/v1', '');
    const answer = answers.get(path) ?? {
      status: 404,
      body: { error: { code: 'not_found', message: 'no' } },
    };
    reply(res, answer.status, answer.body);
  });
});
afterAll(() => server.close());

async function refusal(promise: Promise<unknown>): Promise<MarqueeError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MarqueeError)) throw new Error(`expected a MarqueeError, got ${String(error)}`);
  return error;
}

describe('the core’s server api', () => {
  it('parses a well-formed admission answer', async () => {
    answers.set('/admissions', {
      status: 200,
      body: { verdict: 'admitted', ticketId: TICKET, seatId: 'F-7', admittedAt: '2026-11-23T19:00:00Z' },
    });
    const api = new ServerApi(server.url, TOKEN);
    await expect(api.admit({ token: 'QR' })).resolves.toMatchObject({ verdict: 'admitted', seatId: 'F-7' });
  });

  it('refuses a malformed admission answer as internal, naming the call and the field', async () => {
    answers.set('/admissions', { status: 200, body: { verdict: 'come_in', seatId: 'F-7' } });
    const error = await refusal(new ServerApi(server.url, TOKEN).admit({ token: 'QR' }));
    expect(error.code).toBe('internal');
    expect(error.message).toMatch(/admission.*verdict/);
    expect(error.details).toMatchObject({ call: 'admissions.create', field: 'verdict' });
  });

  it('refuses malformed order, hold, login, enroll, pull and mutation answers the same way', async () => {
    answers.set('/orders/ABC123', { status: 200, body: { id: 'not-a-uuid' } });
    answers.set('/holds', { status: 201, body: { id: TICKET, seatIds: 'F-7' } });
    answers.set('/auth/login', { status: 200, body: { token: 42 } });
    answers.set('/devices/enroll', { status: 201, body: { terminalId: TICKET } });
    answers.set('/devices/me', { status: 200, body: { leasePolicy: { seatsPerShowtime: 'many' } } });
    answers.set('/sync/pull', { status: 200, body: { documents: [{ id: 'x' }] } });
    answers.set('/sync/mutations', { status: 200, body: { results: [{ id: TICKET, status: 'maybe' }] } });
    const api = new ServerApi(server.url, TOKEN);
    const calls: Promise<unknown>[] = [
      api.order('ABC123'),
      api.hold({ showtimeId: TICKET, seatIds: ['F-7'] }),
      api.signIn({ username: 'supervisor', password: 'pw' }),
      ServerApi.enroll(server.url, { code: 'ABCDEF', publicKey: 'k'.repeat(43) }),
      api.leasePolicy(),
      api.pull('seat_maps', undefined, 10),
      api.mutations({ terminalId: TICKET, mutations: [{ id: TICKET, name: 'hold.release', args: {} }] }),
    ];
    const errors = await Promise.all(calls.map(refusal));
    expect(errors.map((e) => e.code)).toEqual(calls.map(() => 'internal'));
  });

  it('still passes the server’s own error codes through, and says offline when it cannot be reached', async () => {
    answers.set('/holds', {
      status: 409,
      body: { error: { code: 'seats_unavailable', message: 'taken', details: { seatIds: ['F-7'] } } },
    });
    const taken = await refusal(
      new ServerApi(server.url, TOKEN).hold({ showtimeId: TICKET, seatIds: ['F-7'] }),
    );
    expect(taken.code).toBe('seats_unavailable');
    const nowhere = await refusal(new ServerApi('http://127.0.0.1:1', TOKEN).order('ABC123'));
    expect(nowhere.code).toBe('offline');
  });
});
