/**
 * Reports over a few known sales: cash with change, card, a terminal's sale, a refund, and a sale
 * outside the range that must not count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridHall } from '../../../shared/src/testing/layouts.ts';
import { startTestServer, TestClock, type TestServer } from '../../../test/support/server.ts';
import type { ServerContext } from '../context.ts';
import type { Actor } from './actors.ts';
import { adminOf } from '../testing/back-office.ts';
import { createHall } from './halls.ts';
import { createMovie } from './movies.ts';
import { createPriceList } from './price-lists.ts';
import { cancelShowtime, createShowtime } from './showtimes.ts';
import { createTicketType } from './ticket-types.ts';
import { createUser } from './users.ts';
import { createHold } from './holds.ts';
import { refund, sell } from './orders.ts';
import { cashUpReport, occupancyReport, salesReport } from './reports.ts';

const HOUR = 3_600_000;
const NOW = Date.parse('2031-05-05T02:00:00Z');
const RANGE = { from: '2031-05-05T00:00:00Z', to: '2031-05-06T00:00:00Z' };
const ADULT = 5000;
const CHILD = 3000;

let server: TestServer;
let ctx: ServerContext;
let admin: Actor;
let cashier: Actor;
const TILL_ID = '5f0a4a43-53a4-4d39-9d3e-0d1f2a3b4c5d';
const till: Actor = { kind: 'device', id: TILL_ID, profile: 'box_office', name: 'Till 2' };
let showtimeId: string;
let cancelledId: string;
let adultId: string;
let childId: string;
let cashierOrderId: string;
let childTicketId: string;

async function sale(
  actor: Actor,
  lines: { seatId: string; ticketTypeId: string }[],
  payments: { method: 'cash' | 'card'; amount: number; tendered?: number }[],
) {
  const hold = await createHold(ctx, actor, { showtimeId, seatIds: lines.map((l) => l.seatId) });
  const total = payments.reduce((sum, p) => sum + p.amount, 0);
  return (await sell(ctx, actor, { id: ctx.newId(), holdId: hold.id, lines, payments, expectedTotal: total }))
    .order;
}

beforeAll(async () => {
  server = await startTestServer({ seed: false, clock: new TestClock(NOW) });
  ctx = server.ctx;
  admin = await adminOf(ctx);
  const user = await createUser(ctx, admin, {
    username: 'cashier.ann',
    name: 'Ann',
    role: 'cashier',
    password: 'a long enough password',
  });
  cashier = { kind: 'staff', id: user.id, role: 'cashier', name: user.name };

  adultId = (await createTicketType(ctx, admin, { code: 'adult', names: { en: 'Adult', 'zh-CN': '成人' } }))
    .id;
  childId = (await createTicketType(ctx, admin, { code: 'child', names: { en: 'Child', 'zh-CN': '儿童' } }))
    .id;
  await createPriceList(ctx, admin, {
    name: 'Standard',
    prices: [
      { ticketTypeId: adultId, priceClass: 'standard', amount: ADULT },
      { ticketTypeId: childId, priceClass: 'standard', amount: CHILD },
    ],
  });
  const hall = await createHall(ctx, admin, { name: 'Hall 1', features: [], layout: gridHall(3, 8) });
  const movie = await createMovie(ctx, admin, {
    titles: { en: 'Counting House', 'zh-CN': '账房' },
    runtimeMinutes: 90,
    rating: 'G',
    genres: [],
  });
  const showtime = await createShowtime(ctx, admin, {
    movieId: movie.id,
    hallId: hall.id,
    startsAt: '2031-05-05T10:00:00Z',
  });
  showtimeId = showtime.id;
  cancelledId = (
    await createShowtime(ctx, admin, { movieId: movie.id, hallId: hall.id, startsAt: '2031-05-05T14:00:00Z' })
  ).id;
  await cancelShowtime(ctx, admin, cancelledId);

  // Cash, two adults, 120.00 handed over for 100.00.
  await sale(
    admin,
    [
      { seatId: 'A-1', ticketTypeId: adultId },
      { seatId: 'A-2', ticketTypeId: adultId },
    ],
    [{ method: 'cash', amount: 2 * ADULT, tendered: 12000 }],
  );
  // Card, adult + child; the child ticket is refunded later.
  const order = await sale(
    cashier,
    [
      { seatId: 'B-1', ticketTypeId: adultId },
      { seatId: 'B-2', ticketTypeId: childId },
    ],
    [{ method: 'card', amount: ADULT + CHILD }],
  );
  cashierOrderId = order.id;
  childTicketId = order.tickets.find((t) => t.seatId === 'B-2')?.id ?? '';
  await refund(ctx, admin, cashierOrderId, { ticketIds: [childTicketId] });
  // A terminal's sale, split between cash and card.
  await sale(
    till,
    [{ seatId: 'C-1', ticketTypeId: adultId }],
    [
      { method: 'cash', amount: 2000 },
      { method: 'card', amount: ADULT - 2000 },
    ],
  );
  // The next day: outside the range.
  server.clock.advance(24 * HOUR);
  const tomorrow = await createShowtime(ctx, admin, {
    movieId: movie.id,
    hallId: hall.id,
    startsAt: '2031-05-06T12:00:00Z',
  });
  showtimeId = tomorrow.id;
  await sale(admin, [{ seatId: 'A-1', ticketTypeId: adultId }], [{ method: 'cash', amount: ADULT }]);
});

afterAll(async () => {
  await server.close();
});

describe('sales report', () => {
  it('adds up the orders of the range: gross, refunds, net, payment methods', async () => {
    const report = await salesReport(ctx, RANGE);
    expect(report).toMatchObject({
      currency: ctx.site.currency,
      orders: 3,
      tickets: 5,
      gross: 2 * ADULT + ADULT + CHILD + ADULT,
      refunds: CHILD,
      net: 3 * ADULT + ADULT,
      byPaymentMethod: { cash: 2 * ADULT + 2000, card: ADULT + CHILD + ADULT - 2000 },
    });
  });

  it('splits the net by terminal and by cashier', async () => {
    const report = await salesReport(ctx, RANGE);
    if (admin.kind !== 'staff' || cashier.kind !== 'staff') throw new Error('staff actors');
    expect(report.byTerminal).toEqual([
      expect.objectContaining({ terminalId: null, orders: 2, net: 2 * ADULT + ADULT }),
      expect.objectContaining({ terminalId: TILL_ID, orders: 1, net: ADULT }),
    ]);
    // Largest net first; the two equal ones in either order.
    expect(report.byCashier[0]).toMatchObject({ staffUserId: admin.id, orders: 1, net: 2 * ADULT });
    expect(report.byCashier).toHaveLength(3);
    expect(report.byCashier).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ staffUserId: cashier.id, orders: 1, net: ADULT, name: 'Ann' }),
        expect.objectContaining({ staffUserId: null, orders: 1, net: ADULT }),
      ]),
    );
  });

  it('refuses a range that ends before it starts', async () => {
    await expect(salesReport(ctx, { from: RANGE.to, to: RANGE.from })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'query.to' },
    });
  });
});

describe('occupancy report', () => {
  it('counts valid tickets against sellable seats, leaving cancelled showtimes out of the totals', async () => {
    const report = await occupancyReport(ctx, RANGE);
    expect(report.showtimes).toHaveLength(2);
    expect(report.showtimes[0]).toMatchObject({
      capacity: 24,
      sold: 4,
      revenue: 4 * ADULT,
      occupancyPercent: 16.7,
      hallName: 'Hall 1',
      movieTitle: expect.any(String) as unknown,
    });
    expect(report.showtimes[1]).toMatchObject({ showtimeId: cancelledId, status: 'cancelled', sold: 0 });
    expect(report.totals).toEqual({
      showtimes: 1,
      capacity: 24,
      sold: 4,
      revenue: 4 * ADULT,
      occupancyPercent: 16.7,
    });
  });
});

describe('cash-up', () => {
  it('gives each cashier the cash tendered minus the change handed back', async () => {
    const report = await cashUpReport(ctx, RANGE);
    const byId = new Map(report.cashiers.map((c) => [c.staffUserId, c]));
    if (admin.kind !== 'staff' || cashier.kind !== 'staff') throw new Error('staff actors');
    expect(byId.get(admin.id)).toMatchObject({
      orders: 1,
      cashTendered: 12000,
      changeGiven: 2000,
      cashNet: 10000,
    });
    expect(byId.get(cashier.id)).toMatchObject({
      cashNet: 0,
      byPaymentMethod: { cash: 0, card: ADULT + CHILD },
      refunds: CHILD,
    });
    expect(byId.get(null)).toMatchObject({
      cashNet: 2000,
      terminalIds: [TILL_ID],
    });
    expect(report.totals).toMatchObject({
      orders: 3,
      cashTendered: 14000,
      changeGiven: 2000,
      cashNet: 12000,
    });
  });
});
