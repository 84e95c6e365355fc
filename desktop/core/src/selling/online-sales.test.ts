/** Selling through a real server: holds, a sale through the outbox, lookups, and the offline fallback. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type TestCore } from '../../../../test/support/core.ts';
import { createTestShowtime, type TestShowtime } from '../../../../test/support/test-showtime.ts';
import { startTestServer, type TestServer } from '../../../../test/support/server.ts';
import { ServerApi } from '../server-api.ts';
import { freshStore, type FreshStore } from '../testing/fresh-store.ts';
import { OnlineSales, sellingHandlers } from './online-sales.ts';

let server: TestServer;
let show: TestShowtime;
let till: TestCore;
let store: FreshStore;

beforeAll(async () => {
  server = await startTestServer();
  show = await createTestShowtime(server, { startsAt: server.clock.now() + 3 * 3_600_000 });
  till = await startCore(server, 'box_office', { leasePolicy: { seatsPerShowtime: 0, hoursAhead: 0 } });
  store = freshStore();
});
afterAll(async () => {
  till.close();
  store.close();
  await server.close();
});

const selling = () => sellingHandlers(till.core.parts.onlineSales);
const adult = (seatIds: readonly string[]) =>
  seatIds.map((seatId) => ({ seatId, ticketTypeId: show.adultTicketTypeId }));

describe('online selling', () => {
  it('holds on the server, sells through the outbox at its price, and finds the order by its code', async () => {
    const hold = await selling()['seats.hold']({ showtimeId: show.id, seatIds: ['B-2', 'B-3'] });
    expect(hold.offline).toBe(false);
    const quote = await till.call('order.quote', { showtimeId: show.id, lines: adult(hold.seatIds) });
    const sale = await selling()['order.sell']({
      holdId: hold.id,
      lines: adult(hold.seatIds),
      payments: [{ method: 'cash', amount: quote.total, tendered: quote.total + 300 }],
    });
    expect(sale).toMatchObject({ offline: false, total: quote.total, change: 300 });
    expect(sale.tickets.map((t) => t.seatId).sort()).toEqual(['B-2', 'B-3']);
    const found = await selling()['order.lookup']({ code: sale.code ?? '' });
    expect(found).toMatchObject({ id: sale.orderId, status: 'paid', total: quote.total });
  });

  it("answers the server's refusal of a sale with its code, and frees a released hold", async () => {
    const hold = await selling()['seats.hold']({ showtimeId: show.id, seatIds: ['C-2'] });
    const refused = till.core.parts.onlineSales.sell({
      holdId: hold.id,
      lines: adult(['C-2']),
      payments: [{ method: 'card', amount: 1 }],
    });
    await expect(refused).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(selling()['seats.release']({ holdId: hold.id })).resolves.toEqual({ released: true });
    const again = await selling()['seats.hold']({ showtimeId: show.id, seatIds: ['C-2'] });
    expect(again.seatIds).toEqual(['C-2']);
  });

  it('falls back to the leases when the server cannot be reached, and kicks the link', async () => {
    let kicked = 0;
    const { replica, outbox, offlineSales } = till.core.parts;
    const cutOff = new OnlineSales({
      db: store.db,
      replica,
      clock: till.clock,
      server: new ServerApi('http://127.0.0.1:1', undefined),
      outbox,
      printing: till.core.printing,
      link: {
        online: () => true,
        kick: () => {
          kicked++;
        },
      },
      offline: offlineSales,
      saleTimeoutMs: 1000,
    });
    await expect(cutOff.hold(show.id, ['D-2'])).rejects.toMatchObject({
      code: 'seats_unavailable',
      details: { seatIds: ['D-2'], offline: true },
    });
    expect(kicked).toBe(1);
  });
});
