/**
 * Tills cut off from their server (DESIGN §6): offline sales end with the lease on the monotonic
 * clock whatever the wall clock says, a lease is measured from its request even when the answer
 * came late, and sales made before the deadline still land after the server reclaimed the lease.
 */
import { describe, expect, it } from 'vitest';
import { startCore, type TestCore } from './support/core.ts';
import { startFaultProxy } from './support/fault-proxy.ts';
import { goOffline, heal, useOfflineSite } from './support/offline-site.ts';
import { leasedSeats } from './support/sell.ts';
import { ADMIN, startTestServer } from './support/server.ts';
import { createTestShowtime } from './support/test-showtime.ts';
import { waitFor } from './support/wait.ts';

const site = useOfflineSite();
const HOUR = 3_600_000;

async function sellOffline(core: TestCore, seatId: string) {
  const hold = await core.call('seats.hold', { showtimeId: site.show.id, seatIds: [seatId] });
  expect(hold.offline).toBe(true);
  const lines = [{ seatId, ticketTypeId: site.show.adultTicketTypeId }];
  const quote = await core.call('order.quote', { showtimeId: site.show.id, lines });
  return core.core.handle('order.sell', {
    holdId: hold.id,
    lines,
    payments: [{ method: 'cash', amount: quote.total }],
  });
}

describe('offline sales and the clocks', () => {
  it('a wall clock set forward does not end the lease; set back, it cannot stretch the lease past its monotonic deadline', async () => {
    const { server, show } = site;
    const proxy = await site.proxied();
    const seller = await site.coreBehind(proxy, 'box_office', { seatsPerShowtime: 3, hoursAhead: 1 });
    const [first, second, third] = (await leasedSeats(seller, show.id)) as [string, string, string];
    await goOffline(proxy, seller);

    // A month ahead on the wall, no time passed on the monotonic clock: the lease still sells.
    seller.clock.wallMs += 30 * 24 * HOUR;
    const sold = await sellOffline(seller, first);
    expect(sold.ok && sold.value.offline).toBe(true);

    // Hours back on the wall while the monotonic clock passes the deadline: refused.
    const hold = await seller.call('seats.hold', { showtimeId: show.id, seatIds: [second] });
    seller.clock.wallMs -= 30 * 24 * HOUR + 5 * HOUR;
    seller.clock.monoMs += 2 * HOUR;
    const lines = [{ seatId: second, ticketTypeId: show.adultTicketTypeId }];
    const late = await seller.core.handle('order.sell', {
      holdId: hold.id,
      lines,
      payments: [{ method: 'cash', amount: 5000 }],
    });
    expect(late.ok ? 'sold' : late.error.code).toBe('lease_expired');
    expect(seller.core.status().leaseSeatsLeft).toBe(0);
    const refused = await seller.core.handle('seats.hold', { showtimeId: show.id, seatIds: [third] });
    expect(refused.ok ? 'held' : refused.error.code).toBe('seats_unavailable');

    await heal(proxy, seller);
    if (!sold.ok) throw new Error('unreachable');
    const order = await server.api('GET', `/orders/${sold.value.orderId}`, { token: server.adminToken });
    expect(order.status).toBe(200);
    expect(order.body.tickets.map((t: { seatId: string }) => t.seatId)).toEqual([first]);
    const seats = await server.api('GET', `/showtimes/${show.id}/seats`, { token: server.adminToken });
    const state = (id: string) => seats.body.seats.find((s: { id: string }) => s.id === id)?.state;
    expect([state(first), state(second), state(third)]).toEqual(['sold', 'leased', 'leased']);
  });
});

describe('a lease whose grant answer was lost', () => {
  it('is measured from the request on the monotonic clock, not from the late answer', async () => {
    const { server, show } = site;
    const proxy = await site.proxied();
    const seller = await site.coreBehind(proxy, 'box_office', { seatsPerShowtime: 2, hoursAhead: 1 });
    await leasedSeats(seller, show.id);
    const terminalId = seller.core.terminalId!;
    // Answers come back slowly; a new show appears and the till asks for a lease on it.
    proxy.delay(3000, 'toClient');
    const late = await createTestShowtime(server, {
      startsAt: server.clock.now() + 50 * 60_000,
    });
    await waitFor(
      async () =>
        (await server.ctx.db.read((ex) =>
          ex.get('SELECT id FROM leases WHERE terminal_id = ? AND showtime_id = ?', [terminalId, late.id]),
        )) !== undefined,
      10_000,
      'the server granted the lease',
    );
    // The grant is applied; its answer dies with the connection, and the till stays cut off.
    await goOffline(proxy, seller);
    seller.clock.advance(20 * 60_000);
    // Back online, the till sends the request again and gets the stored answer.
    await heal(proxy, seller);
    // The lease recorded.
    await leasedSeats(seller, late.id);
    await goOffline(proxy, seller);
    // 20 + 50 minutes since the grant: past the lease, which ends 65 minutes after it.
    seller.clock.advance(50 * 60_000);
    const map = await seller.call('seatmap.get', { showtimeId: late.id });
    const seat = map.seats.find((s) => s.mine && s.state === 'leased')!.id;
    const hold = await seller.core.handle('seats.hold', { showtimeId: late.id, seatIds: [seat] });
    expect(hold.ok ? 'held offline' : hold.error.code).toBe('seats_unavailable');
  });
});

describe('a till that syncs long after its lease ended', () => {
  it('still delivers the sales it made before the deadline, after the server reclaimed the lease', async () => {
    const own = await startTestServer();
    const proxy = await startFaultProxy(Number(new URL(own.url).port), { seed: 99 });
    const seller = await startCore(own, 'box_office', {
      serverUrl: proxy.url,
      leasePolicy: { seatsPerShowtime: 2, hoursAhead: 1 },
    });
    try {
      const late = await createTestShowtime(own, {
        startsAt: own.clock.now() + 40 * 60_000,
      });
      const [seatId] = await leasedSeats(seller, late.id);
      await goOffline(proxy, seller);
      const hold = await seller.call('seats.hold', { showtimeId: late.id, seatIds: [seatId!] });
      const lines = [{ seatId: seatId!, ticketTypeId: late.adultTicketTypeId }];
      const quote = await seller.call('order.quote', { showtimeId: late.id, lines });
      const sale = await seller.call('order.sell', {
        holdId: hold.id,
        lines,
        payments: [{ method: 'cash', amount: quote.total }],
      });
      expect(sale.offline).toBe(true);

      // Two days pass before the till is back; the server reclaims the lease meanwhile.
      own.clock.advance(2 * 24 * HOUR);
      await waitFor(
        async () =>
          (
            await own.ctx.db.read((ex) =>
              ex.get<{ n: number }>(
                "SELECT COUNT(*) AS n FROM leases WHERE showtime_id = ? AND status = 'reclaimed'",
                [late.id],
              ),
            )
          )?.n === 1,
        5000,
        'the lease reclaimed',
      );
      seller.clock.advance(2 * 24 * HOUR);
      await heal(proxy, seller);
      const token = await own.login(ADMIN.username, ADMIN.password);
      const order = await own.api('GET', `/orders/${sale.orderId}`, { token });
      expect(order.status).toBe(200);
      expect(order.body.tickets.map((t: { id: string }) => t.id)).toEqual(sale.tickets.map((t) => t.id));
      const seats = await own.api('GET', `/showtimes/${late.id}/seats`, { token });
      expect(seats.body.seats.find((s: { id: string }) => s.id === seatId)?.state).toBe('sold');
      expect(seller.core.status().rejectedOutbox).toBe(0);
    } finally {
      seller.close();
      await proxy.close();
      await own.close();
    }
  });
});
