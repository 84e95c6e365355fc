/** The programme and seat views as a till sees them, from a real core's replica and leases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type TestCore } from '../../../../test/support/core.ts';
import { waitFor } from '../../../../test/support/wait.ts';
import { createTestShowtime, type TestShowtime } from '../../../../test/support/test-showtime.ts';
import { startTestServer, type TestServer } from '../../../../test/support/server.ts';
import { Programme, programmeHandlers } from './programme.ts';

let server: TestServer;
let show: TestShowtime;
let till: TestCore;

beforeAll(async () => {
  server = await startTestServer();
  show = await createTestShowtime(server, {
    startsAt: server.clock.now() + 40 * 60_000,
    rows: 4,
    seatsPerRow: 6,
  });
  till = await startCore(server, 'box_office', { leasePolicy: { seatsPerShowtime: 4, hoursAhead: 1 } });
  await waitFor(
    () => till.core.parts.leases.sellableSeats(show.id).length === 4,
    10_000,
    'a lease of 4 seats',
  );
});
afterAll(async () => {
  till.close();
  await server.close();
});

function programme(online: boolean): ReturnType<typeof programmeHandlers> {
  const { replica, leases, enrollment } = till.core.parts;
  const views = new Programme({
    replica,
    clock: till.clock,
    leases,
    online: () => online,
    terminalId: () => enrollment.terminalId,
  });
  return programmeHandlers(views, replica);
}

describe('the programme', () => {
  it('lists the showtimes starting in a window, in start order', async () => {
    const now = server.clock.now();
    const shows = await programme(true)['showtimes.list']({
      from: new Date(now).toISOString(),
      to: new Date(now + 2 * 3_600_000).toISOString(),
    });
    expect(shows.map((s) => s.id)).toContain(show.id);
    expect(shows.map((s) => s.startsAt)).toEqual([...shows.map((s) => s.startsAt)].sort());
  });

  it('shows leased seats as mine and a seat sold here offline as sold at once', async () => {
    const [first] = till.core.parts.leases.sellableSeats(show.id);
    if (first === undefined) throw new Error('no leased seat');
    const hold = till.core.parts.offlineSales.hold(show.id, [first.seatId]);
    const lines = [{ seatId: first.seatId, ticketTypeId: show.adultTicketTypeId }];
    const quote = await programme(true)['order.quote']({ showtimeId: show.id, lines });
    expect(quote.lines).toEqual([{ seatId: first.seatId, price: quote.total }]);
    const local = till.core.parts.offlineSales.localHold(hold.id);
    if (local === undefined) throw new Error('no local hold');
    till.core.parts.offlineSales.sell(local, {
      holdId: hold.id,
      lines,
      payments: [{ method: 'card', amount: quote.total }],
    });
    const map = await programme(true)['seatmap.get']({ showtimeId: show.id });
    const seat = (id: string) => map.seats.find((s) => s.id === id);
    expect(seat(first.seatId)?.state).toBe('sold');
    const leased = map.seats.filter((s) => s.state === 'leased');
    expect(leased).toHaveLength(3);
    expect(leased.every((s) => s.mine)).toBe(true);
  });

  it('offline, suggests only seats leased to this terminal', async () => {
    const leased = new Set(till.core.parts.leases.sellableSeats(show.id).map((s) => s.seatId));
    const offline = await programme(false)['seats.bestAvailable']({ showtimeId: show.id, count: 2 });
    expect(offline?.every((id) => leased.has(id))).toBe(true);
    expect(await programme(false)['seats.bestAvailable']({ showtimeId: show.id, count: 5 })).toBeNull();
    const online = await programme(true)['seats.bestAvailable']({ showtimeId: show.id, count: 5 });
    expect(online).toHaveLength(5);
  });
});
