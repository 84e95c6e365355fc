/** A terminal core against a real server: enroll, replicate, sell online, admit at the door. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from './support/server.ts';
import { startCore, type TestCore } from './support/core.ts';
import { waitFor } from './support/wait.ts';

let server: TestServer;
let till: TestCore;
let gate: TestCore;

beforeAll(async () => {
  server = await startTestServer();
  till = await startCore(server, 'box_office', { leasePolicy: { seatsPerShowtime: 0, hoursAhead: 0 } });
  gate = await startCore(server, 'gate');
});
afterAll(async () => {
  till.close();
  gate.close();
  await server.close();
});

describe('a box office core', () => {
  it('replicates the programme, sells online, finds the order by its code and refunds with a supervisor', async () => {
    const now = server.clock.now();
    const shows = await till.call('showtimes.list', {
      from: new Date(now + 3_600_000).toISOString(),
      to: new Date(now + 2 * 86_400_000).toISOString(),
    });
    expect(shows.length).toBeGreaterThan(5);
    const show = shows[0]!;
    const seats = await till.call('seats.bestAvailable', { showtimeId: show.id, count: 2 });
    expect(seats).toHaveLength(2);
    const hold = await till.call('seats.hold', { showtimeId: show.id, seatIds: seats });
    expect(hold.offline).toBe(false);
    const types = (await server.api('GET', `/showtimes/${show.id}`, { token: server.adminToken })).body
      .ticketTypes;
    const adult = types.find((t: any) => t.ticketType.code === 'adult').ticketType.id as string;
    const lines = seats!.map((seatId) => ({ seatId, ticketTypeId: adult }));
    const quote = await till.call('order.quote', { showtimeId: show.id, lines });
    const sale = await till.call('order.sell', {
      holdId: hold.id,
      lines,
      payments: [{ method: 'cash', amount: quote.total, tendered: quote.total + 1000 }],
    });
    expect(sale.offline).toBe(false);
    expect(sale.total).toBe(quote.total);
    expect(sale.change).toBe(1000);
    await waitFor(
      async () => {
        const map = await gate.call('seatmap.get', { showtimeId: show.id });
        return map.seats.filter((s) => seats!.includes(s.id)).every((s) => s.state === 'sold');
      },
      5000,
      'gate sees the seats sold',
    );

    const found = await till.call('order.lookup', { code: sale.code });
    expect(found.id).toBe(sale.orderId);
    const refused = await till.core.handle('order.refund', {
      orderId: sale.orderId,
      ticketIds: [sale.tickets[1]!.id],
      approval: { username: 'cashier1', password: DEMO_STAFF_PASSWORD },
    });
    expect(refused.ok ? 'refunded' : refused.error.code).toBe('forbidden');
    const refunded = await till.call('order.refund', {
      orderId: sale.orderId,
      ticketIds: [sale.tickets[1]!.id],
      approval: { username: 'supervisor', password: DEMO_STAFF_PASSWORD },
    });
    expect(refunded.status).toBe('partially_refunded');

    server.clock.ms = Date.parse(show.startsAt) - 20 * 60_000;
    gate.clock.wallMs = server.clock.ms;
    const first = await gate.call('ticket.admit', { token: sale.tickets[0]!.token });
    expect(first.verdict).toBe('admitted');
    const second = await gate.call('ticket.admit', { token: sale.tickets[0]!.token });
    expect(second.verdict).toBe('already_admitted');
  });
});
