/**
 * Money is exact whatever the refund requests say: a ticket listed twice is refused, and for any
 * sequence of sales and refunds the sales, cash-up and occupancy reports equal the sums over the
 * tickets as the orders show them (issue 16, defect 1).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.ts';
import { createTestShowtime, type TestShowtime } from './support/test-showtime.ts';

let server: TestServer;
let from: string;
const to = new Date(Date.now() + 365 * 86_400_000).toISOString();
/** Every order this file sold, for the sums over tickets. */
const orderIds: string[] = [];

interface Ticket {
  id: string;
  price: number;
  status: string;
}

beforeAll(async () => {
  server = await startTestServer();
  from = new Date(server.clock.now() - 60_000).toISOString();
});
afterAll(() => server.close());

async function showtime(): Promise<TestShowtime & { seats: string[] }> {
  const show = await createTestShowtime(server, { startsAt: server.clock.now() + 3 * 3_600_000 });
  const map = await server.api('GET', `/showtimes/${show.id}/seats`, { token: server.adminToken });
  return { ...show, seats: (map.body.seats as { id: string }[]).map((s) => s.id) };
}

async function sell(show: TestShowtime, seatIds: string[]): Promise<{ id: string; tickets: Ticket[] }> {
  const token = server.adminToken;
  const hold = await server.api('POST', '/holds', { token, body: { showtimeId: show.id, seatIds } });
  expect(hold.status).toBe(201);
  const lines = seatIds.map((seatId) => ({ seatId, ticketTypeId: show.adultTicketTypeId }));
  const quote = await server.api('POST', '/orders', {
    token,
    body: {
      id: randomUUID(),
      holdId: hold.body.id,
      lines,
      payments: [{ method: 'card', amount: 1 }],
      expectedTotal: 1,
    },
  });
  // The server names its own total when the expected one differs.
  expect(quote.body.error.code).toBe('price_mismatch');
  const total = quote.body.error.details.total as number;
  const order = await server.api('POST', '/orders', {
    token,
    body: {
      id: randomUUID(),
      holdId: hold.body.id,
      lines,
      payments: [{ method: 'cash', amount: total, tendered: total }],
      expectedTotal: total,
    },
  });
  expect(order.status).toBe(201);
  orderIds.push(order.body.id as string);
  return order.body as { id: string; tickets: Ticket[] };
}

/** The sums over every ticket of every order, read back from the server's orders. */
async function sumsOverTickets() {
  let gross = 0;
  let refunds = 0;
  for (const id of orderIds) {
    const order = await server.api('GET', `/orders/${id}`, { token: server.adminToken });
    for (const t of order.body.tickets as Ticket[]) {
      gross += t.price;
      if (t.status === 'refunded') refunds += t.price;
    }
  }
  return { gross, refunds, net: gross - refunds };
}

async function reports() {
  const q = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const token = server.adminToken;
  const sales = await server.api('GET', `/reports/sales?${q}`, { token });
  const cashUp = await server.api('GET', `/reports/cash-up?${q}`, { token });
  expect([sales.status, cashUp.status]).toEqual([200, 200]);
  return { sales: sales.body, cashUp: cashUp.body };
}

describe('refunds and the reports', () => {
  it('refuses a refund listing a ticket twice and refunds nothing, then counts each ticket once', async () => {
    const show = await showtime();
    const order = await sell(show, show.seats.slice(0, 2));
    const [t1, t2] = order.tickets as [Ticket, Ticket];
    const before = await reports();
    const twice = await server.api('POST', `/orders/${order.id}/refund`, {
      token: server.adminToken,
      body: { ticketIds: [t1.id, t1.id] },
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.code).toBe('validation_failed');
    expect(twice.body.error.details.field).toBe('body.ticketIds');
    const unchanged = await server.api('GET', `/orders/${order.id}`, { token: server.adminToken });
    expect((unchanged.body.tickets as Ticket[]).map((t) => t.status)).toEqual(['valid', 'valid']);
    expect((await reports()).sales.refunds).toBe(before.sales.refunds);

    for (const ticket of [t1, t2]) {
      const one = await server.api('POST', `/orders/${order.id}/refund`, {
        token: server.adminToken,
        body: { ticketIds: [ticket.id] },
      });
      expect(one.status).toBe(200);
    }
    const after = await reports();
    expect(after.sales.refunds - before.sales.refunds).toBe(t1.price + t2.price);
    expect(after.sales.gross - after.sales.refunds).toBe(after.sales.net);
    expect(after.sales.net).toBeGreaterThanOrEqual(0);
  });

  it('for any sequence of sales and refunds, the reports equal the sums over the tickets', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('sell' as const), seats: fc.integer({ min: 1, max: 4 }) }),
      fc.record({
        kind: fc.constant('refund' as const),
        order: fc.nat(),
        // Indexes into the order's tickets, duplicates allowed; null: the whole order.
        tickets: fc.option(fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 5 })),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const show = await showtime();
        let nextSeat = 0;
        const sold: { id: string; tickets: Ticket[] }[] = [];
        for (const s of steps) {
          if (s.kind === 'sell') {
            sold.push(await sell(show, show.seats.slice(nextSeat, nextSeat + s.seats)));
            nextSeat += s.seats;
            continue;
          }
          const order = sold[s.order % Math.max(1, sold.length)];
          if (order === undefined) continue;
          const ids = s.tickets?.map((i) => order.tickets[i % order.tickets.length]!.id);
          const res = await server.api('POST', `/orders/${order.id}/refund`, {
            token: server.adminToken,
            body: ids === undefined ? {} : { ticketIds: ids },
          });
          const listedTwice = ids !== undefined && new Set(ids).size !== ids.length;
          const valid = new Set(order.tickets.filter((t) => t.status === 'valid').map((t) => t.id));
          const expected = listedTwice
            ? 400
            : (ids ?? [...valid]).length > 0 && (ids ?? [...valid]).every((id) => valid.has(id))
              ? 200
              : 409;
          expect(res.status).toBe(expected);
          if (res.status === 200) order.tickets = res.body.tickets as Ticket[];
        }
        const sums = await sumsOverTickets();
        const { sales, cashUp } = await reports();
        expect({ gross: sales.gross, refunds: sales.refunds, net: sales.net }).toEqual(sums);
        expect(cashUp.totals.refunds).toBe(sums.refunds);
        const occupancy = await server.api(
          'GET',
          `/reports/occupancy?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
          { token: server.adminToken },
        );
        const row = (occupancy.body.showtimes as { showtimeId: string; revenue: number }[]).find(
          (r) => r.showtimeId === show.id,
        );
        const valid = sold.flatMap((o) => o.tickets).filter((t) => t.status === 'valid');
        expect(row?.revenue).toBe(valid.reduce((sum, t) => sum + t.price, 0));
      }),
      { numRuns: 12 },
    );
  });
});
