/**
 * Invariant 1 — a seat is sold at most once per showtime — in a hot-show race: 200 clients (five
 * enrolled tills and five staff sessions) fight over 20 seats at once, the winners pay at once,
 * and the same again with the server shut down and started on the same data in the middle.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { HoldResponse, OrderResponse } from '@marquee/shared';
import { seededRandom } from '../shared/src/testing/random.ts';
import { DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from './support/server.ts';
import { freeSeats, pullAll, seatMapIn, sellSeats, upcomingShowtimes } from './support/terminal.ts';
import { enrollDevice } from './support/enroll.ts';

const CLIENTS = 200;
const SEATS = 20;

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

/** Five tills and five staff sessions: the principals the 200 clients act as. */
async function principals(server: TestServer): Promise<string[]> {
  const devices = await Promise.all(
    [1, 2, 3, 4, 5].map((n) => enrollDevice(server, 'box_office', `Till ${n}`)),
  );
  const staff = await Promise.all(
    ['cashier1', 'cashier2', 'supervisor', 'manager'].map((u) => server.login(u, DEMO_STAFF_PASSWORD)),
  );
  return [...devices.map((d) => d.token), ...staff, server.adminToken];
}

interface Attempt {
  token: string;
  wanted: string[];
  status: number;
  hold?: HoldResponse;
  taken?: string[];
  code?: string;
}

/** Every client asks for 2–4 of `seats` at the same moment. */
async function race(
  server: TestServer,
  tokens: readonly string[],
  showtimeId: string,
  seats: readonly string[],
  seed: number,
): Promise<Attempt[]> {
  const random = seededRandom(seed);
  const wishes = Array.from({ length: CLIENTS }, (_, i) => {
    const pool = [...seats];
    const wanted: string[] = [];
    for (let n = 2 + Math.floor(random() * 3); n > 0; n--)
      wanted.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
    return { token: tokens[i % tokens.length]!, wanted };
  });
  return Promise.all(
    wishes.map(async ({ token, wanted }): Promise<Attempt> => {
      const res = await server.api('POST', '/holds', { token, body: { showtimeId, seatIds: wanted } });
      if (res.status === 201) return { token, wanted, status: 201, hold: res.body as HoldResponse };
      const error = res.body?.error as { code: string; details?: { seatIds?: string[] } } | undefined;
      return {
        token,
        wanted,
        status: res.status,
        taken: error?.details?.seatIds ?? [],
        code: error?.code ?? '',
      };
    }),
  );
}

/** The arbitration outcome every observer must agree on, checked from the replies alone. */
function checkReplies(attempts: readonly Attempt[], unavailable: ReadonlySet<string> = new Set()) {
  const winners = attempts.filter((a) => a.status === 201);
  const losers = attempts.filter((a) => a.status !== 201);
  if (unavailable.size === 0) expect(winners.length).toBeGreaterThan(0);
  for (const loser of losers) expect([loser.status, loser.code]).toEqual([409, 'seats_unavailable']);

  const owner = new Map<string, string>();
  for (const winner of winners) {
    expect(winner.hold!.seatIds.sort()).toEqual([...winner.wanted].sort());
    for (const seat of winner.wanted) {
      expect(owner.has(seat), `seat ${seat} held twice`).toBe(false);
      expect(unavailable.has(seat), `seat ${seat} was already taken`).toBe(false);
      owner.set(seat, winner.hold!.id);
    }
  }
  // A loser is told which of its seats were taken: some, and only seats someone really had.
  for (const loser of losers) {
    expect(loser.taken!.length).toBeGreaterThan(0);
    for (const seat of loser.taken!) {
      expect(loser.wanted).toContain(seat);
      expect(owner.has(seat) || unavailable.has(seat), `seat ${seat} reported taken but was free`).toBe(true);
    }
  }
  return { winners, owner };
}

async function claims(server: TestServer, showtimeId: string) {
  return server.ctx.db.read((ex) =>
    ex.all<{ seat_id: string; state: string; owner_id: string }>(
      'SELECT seat_id, state, owner_id FROM seat_claims WHERE showtime_id = ? ORDER BY seat_id',
      [showtimeId],
    ),
  );
}

/** One valid ticket per sold seat in the database, and the replicated seat map agrees. */
async function checkSold(server: TestServer, showtimeId: string, sold: ReadonlySet<string>) {
  const tickets = await server.ctx.db.read((ex) =>
    ex.all<{ seat_id: string; n: number }>(
      "SELECT seat_id, COUNT(*) AS n FROM tickets WHERE showtime_id = ? AND status = 'valid' GROUP BY seat_id",
      [showtimeId],
    ),
  );
  expect(tickets.filter((t) => t.n !== 1)).toEqual([]);
  expect(new Set(tickets.map((t) => t.seat_id))).toEqual(sold);

  const pulled = await pullAll(server, server.adminToken, 'seat_maps');
  const doc = pulled.documents.find((d) => d.id === showtimeId);
  expect(doc).toBeDefined();
  const map = seatMapIn(doc!);
  expect(new Set(map.claims.filter((c) => c.state === 'sold').map((c) => c.seatId))).toEqual(sold);
  expect(map.claims.filter((c) => c.state !== 'sold')).toEqual([]);
}

async function setUp(server: TestServer) {
  const tokens = await principals(server);
  const [showtimeId] = await upcomingShowtimes(server, server.adminToken);
  const seats = (await freeSeats(server, server.adminToken, showtimeId!)).slice(0, SEATS);
  expect(seats).toHaveLength(SEATS);
  return { tokens, showtimeId: showtimeId!, seats };
}

describe('200 clients racing for 20 seats of one showtime', () => {
  it('gives every seat to at most one hold, tells losers exactly which seats were taken, and sells each seat once', async () => {
    const server = await startTestServer();
    cleanup.push(() => server.close());
    const { tokens, showtimeId, seats } = await setUp(server);

    const attempts = await race(server, tokens, showtimeId, seats, 1);
    const { winners, owner } = checkReplies(attempts);
    expect(winners.length).toBeLessThan(CLIENTS);
    // The database holds exactly the winners' claims, all-or-nothing: nothing of a loser's.
    expect((await claims(server, showtimeId)).map((c) => [c.seat_id, c.state, c.owner_id])).toEqual(
      [...owner].sort(([a], [b]) => (a < b ? -1 : 1)).map(([seat, holdId]) => [seat, 'held', holdId]),
    );

    const orders = await Promise.all(
      winners.map((w) => sellSeats(server, w.token, showtimeId, w.wanted, { holdId: w.hold!.id })),
    );
    expect(orders.map((o) => o.order.tickets.length)).toEqual(winners.map((w) => w.wanted.length));
    await checkSold(server, showtimeId, new Set(owner.keys()));

    // Late clients lose on every sold seat and win only free ones.
    const late = await race(server, tokens, showtimeId, seats, 2);
    const again = checkReplies(late, new Set(owner.keys()));
    await Promise.all(
      again.winners.map((w) => sellSeats(server, w.token, showtimeId, w.wanted, { holdId: w.hold!.id })),
    );
    await checkSold(server, showtimeId, new Set([...owner.keys(), ...again.owner.keys()]));
  });

  it('keeps sold seats sold and every acknowledged sale when the server restarts mid-sale', async () => {
    const first = await startTestServer({ keepData: true });
    cleanup.push(() => rmSync(first.dataDir, { recursive: true, force: true }));
    let firstClosed = false;
    cleanup.push(() => (firstClosed ? undefined : first.close()));
    const { tokens, showtimeId, seats } = await setUp(first);

    const { winners, owner } = checkReplies(await race(first, tokens, showtimeId, seats, 3));
    const sales = winners.map((w) => ({ ...w, orderId: randomUUID() }));
    // Half the winners pay at once. The first acknowledged sale starts a shutdown, and the other
    // half try to pay just as the server goes down.
    const pay = (s: (typeof sales)[number]) =>
      sellSeats(first, s.token, showtimeId, s.wanted, { holdId: s.hold!.id, orderId: s.orderId });
    const half = Math.ceil(sales.length / 2);
    let others: Promise<PromiseSettledResult<Awaited<ReturnType<typeof pay>>>[]> | undefined;
    let closing: Promise<void> | undefined;
    const early = await Promise.allSettled(
      sales.slice(0, half).map(async (s) => {
        const sold = await pay(s);
        if (closing === undefined) {
          closing = first.close();
          others = Promise.allSettled(sales.slice(half).map(pay));
        }
        return sold;
      }),
    );
    await closing;
    const outcomes = [...early, ...((await others) ?? [])];
    firstClosed = true;
    const acknowledged = new Map<string, OrderResponse>();
    for (const [i, outcome] of outcomes.entries())
      if (outcome.status === 'fulfilled') acknowledged.set(sales[i]!.orderId, outcome.value.order);

    const second = await startTestServer({ dataDir: first.dataDir, clock: first.clock });
    cleanup.push(() => second.close());
    // Every acknowledged sale survived, unchanged.
    for (const [orderId, order] of acknowledged) {
      const found = await second.api('GET', `/orders/${orderId}`, { token: second.adminToken });
      expect(found.status).toBe(200);
      expect(found.body).toEqual(order);
    }
    // The tills retry what was not acknowledged (same order ids): each sale lands exactly once.
    const retried = await Promise.all(
      sales.map((s) =>
        sellSeats(second, s.token, showtimeId, s.wanted, { holdId: s.hold!.id, orderId: s.orderId }),
      ),
    );
    for (const [i, { order }] of retried.entries()) {
      const before = acknowledged.get(sales[i]!.orderId);
      if (before !== undefined) expect(order).toEqual(before);
    }
    await checkSold(second, showtimeId, new Set(owner.keys()));

    // After the restart the sold seats are still nobody else's.
    const late = checkReplies(await race(second, tokens, showtimeId, seats, 4), new Set(owner.keys()));
    await Promise.all(
      late.winners.map((w) => sellSeats(second, w.token, showtimeId, w.wanted, { holdId: w.hold!.id })),
    );
    await checkSold(second, showtimeId, new Set([...owner.keys(), ...late.owner.keys()]));
    expect(acknowledged.size).toBeGreaterThan(0);
  });
});
