/**
 * Holds, sales, refunds and admissions through the public HTTP API of a real server: what a
 * cashier sees, and the invariants behind it (one sale per seat, one order per order id, the
 * server's prices, the first admission wins).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from './support/server.ts';

let server: TestServer;
let cashier: string;
let supervisor: string;

interface Offer {
  showtimeId: string;
  adultId: string;
  childId: string;
  /** Free standard seats, in layout order. */
  seats: string[];
  priceOf: (ticketTypeId: string) => number;
}

/**
 * A showtime starting within the next days, in a hall with plenty of standard seats (the VIP hall
 * has none), with its adult/child standard prices. `skip` picks a later such showtime.
 */
async function offer(skip = 0): Promise<Offer> {
  const now = server.clock.now();
  const list = await server.api(
    'GET',
    `/showtimes?from=${new Date(now + 3_600_000).toISOString()}&to=${new Date(now + 5 * 86_400_000).toISOString()}`,
    { token: cashier },
  );
  let skipped = 0;
  for (const showtime of list.body.showtimes as { id: string }[]) {
    const seatMap = await server.api('GET', `/showtimes/${showtime.id}/seats`, { token: cashier });
    const seats = (seatMap.body.seats as { id: string; kind: string; state: string }[])
      .filter((s) => s.kind === 'standard' && s.state === 'free')
      .map((s) => s.id);
    if (seats.length < 60 || skipped++ < skip) continue;
    const details = await server.api('GET', `/showtimes/${showtime.id}`, { token: cashier });
    const types = details.body.ticketTypes as {
      ticketType: { id: string; code: string };
      prices: { priceClass: string; amount: number }[];
    }[];
    const byCode = (code: string) => {
      const t = types.find((x) => x.ticketType.code === code);
      if (t === undefined) throw new Error(`no ${code}`);
      return t;
    };
    return {
      showtimeId: showtime.id,
      adultId: byCode('adult').ticketType.id,
      childId: byCode('child').ticketType.id,
      seats,
      priceOf: (id) =>
        types.find((t) => t.ticketType.id === id)?.prices.find((p) => p.priceClass === 'standard')?.amount ??
        NaN,
    };
  }
  throw new Error('no showtime with enough free standard seats');
}

async function seatState(showtimeId: string, seatId: string): Promise<string> {
  const map = await server.api('GET', `/showtimes/${showtimeId}/seats`, { token: cashier });
  return (map.body.seats as { id: string; state: string }[]).find((s) => s.id === seatId)?.state ?? 'missing';
}

async function sellOne(o: Offer, seatIds: string[], token = cashier) {
  const hold = await server.api('POST', '/holds', { token, body: { showtimeId: o.showtimeId, seatIds } });
  expect(hold.status).toBe(201);
  const total = seatIds.length * o.priceOf(o.adultId);
  const order = await server.api('POST', '/orders', {
    token,
    body: {
      id: randomUUID(),
      holdId: hold.body.id,
      lines: seatIds.map((seatId) => ({ seatId, ticketTypeId: o.adultId })),
      payments: [{ method: 'cash', amount: total, tendered: total + 500 }],
      expectedTotal: total,
    },
  });
  expect(order.status).toBe(201);
  return order.body as {
    id: string;
    code: string;
    total: number;
    change: number;
    tickets: { id: string; seatId: string; token: string }[];
  };
}

beforeAll(async () => {
  server = await startTestServer();
  cashier = await server.login('cashier1', DEMO_STAFF_PASSWORD);
  supervisor = await server.login('supervisor', DEMO_STAFF_PASSWORD);
});
afterAll(() => server.close());

describe('holds', () => {
  it('holds free seats for the cashier and shows them held to everyone', async () => {
    const o = await offer();
    const [a, b] = o.seats;
    const hold = await server.api('POST', '/holds', {
      token: cashier,
      body: { showtimeId: o.showtimeId, seatIds: [a, b] },
    });
    expect(hold.status).toBe(201);
    expect(hold.body.seatIds).toEqual([a, b]);
    expect(Date.parse(hold.body.expiresAt)).toBeGreaterThan(server.clock.now());
    expect(await seatState(o.showtimeId, a!)).toBe('held');
  });

  it('refuses the whole hold when one seat is taken and names that seat', async () => {
    const o = await offer();
    const [, , c, d] = o.seats;
    const first = await server.api('POST', '/holds', {
      token: cashier,
      body: { showtimeId: o.showtimeId, seatIds: [c] },
    });
    expect(first.status).toBe(201);
    const second = await server.api('POST', '/holds', {
      token: supervisor,
      body: { showtimeId: o.showtimeId, seatIds: [d, c] },
    });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('seats_unavailable');
    expect(second.body.error.details.seatIds).toEqual([c]);
    expect(await seatState(o.showtimeId, d!)).toBe('free');
  });

  it('lets a client retry a create with its own id and get the same hold', async () => {
    const o = await offer();
    const seat = o.seats[10]!;
    const id = randomUUID();
    const body = { id, showtimeId: o.showtimeId, seatIds: [seat] };
    const a = await server.api('POST', '/holds', { token: cashier, body });
    const b = await server.api('POST', '/holds', { token: cashier, body });
    expect(a.status).toBe(201);
    expect(b.body).toEqual(a.body);
  });

  it('changes the seats of a hold, extends it up to the cap and releases it', async () => {
    const o = await offer();
    const [s1, s2] = [o.seats[12]!, o.seats[13]!];
    const hold = await server.api('POST', '/holds', {
      token: cashier,
      body: { showtimeId: o.showtimeId, seatIds: [s1] },
    });
    const changed = await server.api('PATCH', `/holds/${hold.body.id}`, {
      token: cashier,
      body: { seatIds: [s2] },
    });
    expect(changed.status).toBe(200);
    expect(await seatState(o.showtimeId, s1)).toBe('free');
    expect(await seatState(o.showtimeId, s2)).toBe('held');
    const extended = await server.api('PATCH', `/holds/${hold.body.id}`, {
      token: cashier,
      body: { ttlSeconds: 1800 },
    });
    const cap = Date.parse(hold.body.expiresAt) - 480_000 + server.ctx.config.holdMaxSeconds * 1000;
    expect(Date.parse(extended.body.expiresAt)).toBeLessThanOrEqual(cap);
    const other = await server.api('DELETE', `/holds/${hold.body.id}`, { token: supervisor });
    expect(other.status).toBe(403);
    const released = await server.api('DELETE', `/holds/${hold.body.id}`, { token: cashier });
    expect(released.status).toBe(204);
    expect(await seatState(o.showtimeId, s2)).toBe('free');
    expect((await server.api('DELETE', `/holds/${hold.body.id}`, { token: cashier })).status).toBe(204);
  });

  it('frees the seats of an expired hold and refuses to sell it', async () => {
    const o = await offer(1);
    const seat = o.seats[0]!;
    const hold = await server.api('POST', '/holds', {
      token: cashier,
      body: { showtimeId: o.showtimeId, seatIds: [seat], ttlSeconds: 60 },
    });
    server.clock.advance(61_000);
    expect(await seatState(o.showtimeId, seat)).toBe('free');
    const price = o.priceOf(o.adultId);
    const sale = await server.api('POST', '/orders', {
      token: cashier,
      body: {
        id: randomUUID(),
        holdId: hold.body.id,
        lines: [{ seatId: seat, ticketTypeId: o.adultId }],
        payments: [{ method: 'card', amount: price }],
        expectedTotal: price,
      },
    });
    expect(sale.status).toBe(409);
    expect(sale.body.error.code).toBe('hold_expired');
  });
});

describe('orders', () => {
  it('sells a hold at the server price, gives change and signed tickets', async () => {
    const o = await offer();
    const [a, b] = [o.seats[20]!, o.seats[21]!];
    const hold = await server.api('POST', '/holds', {
      token: cashier,
      body: { showtimeId: o.showtimeId, seatIds: [a, b] },
    });
    const total = o.priceOf(o.adultId) + o.priceOf(o.childId);
    const order = await server.api('POST', '/orders', {
      token: cashier,
      body: {
        id: randomUUID(),
        holdId: hold.body.id,
        lines: [
          { seatId: a, ticketTypeId: o.adultId },
          { seatId: b, ticketTypeId: o.childId },
        ],
        payments: [{ method: 'cash', amount: total, tendered: total + 1234 }],
        expectedTotal: total,
      },
    });
    expect(order.status).toBe(201);
    expect(order.body.total).toBe(total);
    expect(order.body.change).toBe(1234);
    expect(order.body.code).toMatch(/^[A-Z2-9]{8}$/);
    expect(order.body.tickets).toHaveLength(2);
    expect(await seatState(o.showtimeId, a)).toBe('sold');
  });

  it('refuses a client total that differs from the server price and tells the real total', async () => {
    const o = await offer();
    const seat = o.seats[24]!;
    const hold = await server.api('POST', '/holds', {
      token: cashier,
      body: { showtimeId: o.showtimeId, seatIds: [seat] },
    });
    const price = o.priceOf(o.adultId);
    const order = await server.api('POST', '/orders', {
      token: cashier,
      body: {
        id: randomUUID(),
        holdId: hold.body.id,
        lines: [{ seatId: seat, ticketTypeId: o.adultId }],
        payments: [{ method: 'card', amount: price - 100 }],
        expectedTotal: price - 100,
      },
    });
    expect(order.status).toBe(409);
    expect(order.body.error.code).toBe('price_mismatch');
    expect(order.body.error.details.total).toBe(price);
    expect(await seatState(o.showtimeId, seat)).toBe('held');
  });

  it('answers a repeated order id with the same order and tickets, and 50 concurrent sales of one hold make one order', async () => {
    const o = await offer();
    const seat = o.seats[26]!;
    const hold = await server.api('POST', '/holds', {
      token: cashier,
      body: { showtimeId: o.showtimeId, seatIds: [seat] },
    });
    const price = o.priceOf(o.adultId);
    const body = {
      id: randomUUID(),
      holdId: hold.body.id,
      lines: [{ seatId: seat, ticketTypeId: o.adultId }],
      payments: [{ method: 'card', amount: price }],
      expectedTotal: price,
    };
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => server.api('POST', '/orders', { token: cashier, body })),
    );
    expect(answers.every((a) => a.status === 201 || a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    const ids = new Set(answers.map((a) => JSON.stringify(a.body.tickets)));
    expect(ids.size).toBe(1);
    // A different order id on the same (now sold) hold is refused.
    const other = await server.api('POST', '/orders', {
      token: cashier,
      body: { ...body, id: randomUUID() },
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('hold_expired');
    const count = await server.ctx.db.read((ex) =>
      ex.get<{ n: number }>('SELECT COUNT(*) AS n FROM tickets WHERE showtime_id = ? AND seat_id = ?', [
        o.showtimeId,
        seat,
      ]),
    );
    expect(count?.n).toBe(1);
  });

  it('looks an order up by its printed code', async () => {
    const o = await offer();
    const order = await sellOne(o, [o.seats[28]!]);
    const found = await server.api('GET', `/orders/${order.code}`, { token: cashier });
    expect(found.status).toBe(200);
    expect(found.body.id).toBe(order.id);
  });

  it('refunds a ticket for a supervisor only, frees the seat and voids the ticket at the door', async () => {
    const o = await offer();
    const order = await sellOne(o, [o.seats[30]!, o.seats[31]!]);
    const ticket = order.tickets[0]!;
    const denied = await server.api('POST', `/orders/${order.id}/refund`, {
      token: cashier,
      body: { ticketIds: [ticket.id] },
    });
    expect(denied.status).toBe(403);
    const refunded = await server.api('POST', `/orders/${order.id}/refund`, {
      token: supervisor,
      body: { ticketIds: [ticket.id], reason: 'wrong film' },
    });
    expect(refunded.status).toBe(200);
    expect(refunded.body.status).toBe('partially_refunded');
    expect(await seatState(o.showtimeId, ticket.seatId)).toBe('free');
    const again = await server.api('POST', `/orders/${order.id}/refund`, {
      token: supervisor,
      body: { ticketIds: [ticket.id] },
    });
    expect(again.status).toBe(409);
    const audit = await server.ctx.db.read((ex) =>
      ex.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'order.refund' AND subject = ?",
        [order.id],
      ),
    );
    expect(audit?.n).toBe(1);
  });
});

describe('admissions', () => {
  async function startingSoon(): Promise<Offer> {
    // Move the clock to 30 minutes before a showtime so its doors are open.
    const o = await offer();
    const show = await server.api('GET', `/showtimes/${o.showtimeId}`, { token: cashier });
    server.clock.ms = Date.parse(show.body.showtime.startsAt) - 30 * 60_000;
    return o;
  }

  it('admits a ticket once: concurrent scans at several doors give exactly one admitted', async () => {
    const o = await offer();
    const order = await sellOne(o, [o.seats[40]!]);
    const saved = server.clock.ms;
    const show = await server.api('GET', `/showtimes/${o.showtimeId}`, { token: cashier });
    server.clock.ms = Date.parse(show.body.showtime.startsAt) - 30 * 60_000;
    try {
      // The showtime may be the next morning: a shift's session would have ended by then.
      const door = await server.login('cashier1', DEMO_STAFF_PASSWORD);
      const token = order.tickets[0]!.token;
      const verdicts = await Promise.all(
        Array.from({ length: 20 }, () => server.api('POST', '/admissions', { token: door, body: { token } })),
      );
      const counts = verdicts.reduce<Record<string, number>>(
        (acc, v) => ({ ...acc, [v.body.verdict]: (acc[v.body.verdict] ?? 0) + 1 }),
        {},
      );
      expect(counts).toEqual({ admitted: 1, already_admitted: 19 });
    } finally {
      server.clock.ms = saved;
    }
  });

  it('refuses forged, refunded, wrong-showtime and too-early tickets with the reason', async () => {
    const o = await offer();
    const order = await sellOne(o, [o.seats[42]!, o.seats[43]!]);
    const [t1, t2] = order.tickets;
    if (t1 === undefined || t2 === undefined) throw new Error('expected two tickets');
    const early = await server.api('POST', '/admissions', { token: cashier, body: { token: t1.token } });
    expect(early.body.verdict).toBe('too_early');
    const saved = server.clock.ms;
    await startingSoon();
    try {
      // Sessions signed in now: the clock may have moved past the end of the earlier shift.
      const cashier = await server.login('cashier1', DEMO_STAFF_PASSWORD);
      const supervisor = await server.login('supervisor', DEMO_STAFF_PASSWORD);
      const forged = t1.token.slice(0, 40) + (t1.token[40] === 'A' ? 'B' : 'A') + t1.token.slice(41);
      expect(
        (await server.api('POST', '/admissions', { token: cashier, body: { token: forged } })).body.verdict,
      ).toBe('invalid');
      expect(
        (await server.api('POST', '/admissions', { token: cashier, body: { token: 'not a ticket' } })).body
          .verdict,
      ).toBe('invalid');
      const wrong = await server.api('POST', '/admissions', {
        token: cashier,
        body: { token: t1.token, showtimeId: randomUUID() },
      });
      expect(wrong.body.verdict).toBe('wrong_showtime');
      await server.api('POST', `/orders/${order.id}/refund`, {
        token: supervisor,
        body: { ticketIds: [t2.id] },
      });
      expect(
        (await server.api('POST', '/admissions', { token: cashier, body: { token: t2.token } })).body.verdict,
      ).toBe('refunded');
    } finally {
      server.clock.ms = saved;
    }
  });
});
