/**
 * Manager reports over a time range [from, to): sales (by payment method, terminal and cashier),
 * occupancy per showtime, and cash-up per cashier. Each report's money comes from one query (the
 * orders, or the valid tickets per showtime), so its totals agree with each other even while sales
 * go on; money is summed as integers in minor units. The reports own no table: they read through
 * the tables' owners.
 *
 * Sales are attributed to the period the order was created in: a later refund lowers the net of
 * the period of the sale, because tickets record that they were refunded but not when. An order's
 * refunds are what its refunded tickets were sold for, never what a refund request added up.
 */
import type { z } from 'zod';
import type { CashUpReport, Hall, Movie, OccupancyReport, ReportQuery, SalesReport } from '@marquee/shared';
import { PAYMENT_METHODS, capacity, invalidField } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { listEvery } from './catalogue-store.ts';
import { ordersCreatedIn, type OrderSummary } from './orders.ts';
import { everyShowtimeStartingIn } from './showtime-rows.ts';
import { terminalNames } from './terminals.ts';
import { validTicketsByShowtime } from './tickets.ts';
import { staffNames } from './users.ts';

export type ReportRange = z.infer<typeof ReportQuery>;

/** A year: long enough for annual figures, short enough to answer in one request. */
export const MAX_REPORT_RANGE_MS = 366 * 24 * 60 * 60 * 1000;

function rangeOf(query: ReportRange): { from: number; to: number } {
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  if (to <= from || to - from > MAX_REPORT_RANGE_MS) {
    throw invalidField('query.to', 'must be after from and at most 366 days later', { rule: 'range' });
  }
  return { from, to };
}

const iso = (ms: number): string => new Date(ms).toISOString();

interface Tally {
  orders: number;
  gross: number;
  refunds: number;
  net: number;
}

const emptyTally = (): Tally => ({ orders: 0, gross: 0, refunds: 0, net: 0 });

function count(tally: Tally, order: OrderSummary): void {
  tally.orders += 1;
  tally.gross += order.total;
  tally.refunds += order.refunded;
  tally.net += order.total - order.refunded;
}

const byNetThenId =
  <T extends { net: number }>(key: (t: T) => string | null) =>
  (a: T, b: T) =>
    b.net - a.net || (key(a) ?? '').localeCompare(key(b) ?? '');

// ---------------------------------------------------------------------------------------------

/**
 * Orders created in [from, to): counts, gross, refunds and net; what was taken per payment method
 * (before refunds, which do not record how they were paid out); per terminal and per cashier.
 * Orders sold by an unattended kiosk have no cashier (`staffUserId: null`).
 */
export async function salesReport(ctx: ServerContext, query: ReportRange): Promise<SalesReport> {
  const { from, to } = rangeOf(query);
  const { orders, terminals, staff } = await ctx.db.read(async (ex) => ({
    orders: await ordersCreatedIn(ex, from, to),
    terminals: await terminalNames(ex),
    staff: await staffNames(ex),
  }));
  const total = emptyTally();
  let tickets = 0;
  const byMethod: Record<string, number> = Object.fromEntries(PAYMENT_METHODS.map((m) => [m, 0]));
  const byTerminal = new Map<string | null, Tally>();
  const byCashier = new Map<string | null, Tally>();
  for (const order of orders) {
    count(total, order);
    tickets += order.tickets;
    for (const payment of order.payments) {
      byMethod[payment.method] = (byMethod[payment.method] ?? 0) + payment.amount;
    }
    for (const [map, key] of [
      [byTerminal, order.terminalId],
      [byCashier, order.staffUserId],
    ] as const) {
      let tally = map.get(key);
      if (tally === undefined) map.set(key, (tally = emptyTally()));
      count(tally, order);
    }
  }
  return {
    from: iso(from),
    to: iso(to),
    currency: ctx.site.currency,
    orders: total.orders,
    tickets,
    gross: total.gross,
    refunds: total.refunds,
    net: total.net,
    byPaymentMethod: byMethod,
    byTerminal: [...byTerminal.entries()]
      .map(([terminalId, t]) => ({
        terminalId,
        name: terminalId === null ? null : (terminals.get(terminalId) ?? null),
        ...t,
      }))
      .sort(byNetThenId((t) => t.terminalId)),
    byCashier: [...byCashier.entries()]
      .map(([staffUserId, t]) => ({
        staffUserId,
        name: staffUserId === null ? null : (staff.get(staffUserId) ?? null),
        ...t,
      }))
      .sort(byNetThenId((t) => t.staffUserId)),
  };
}

// ---------------------------------------------------------------------------------------------

type OccupancyRow = OccupancyReport['showtimes'][number];

const percent = (part: number, whole: number): number =>
  whole === 0 ? 0 : Math.round((part * 1000) / whole) / 10;

/**
 * Showtimes starting in [from, to) with seats sold against the hall's sellable seats (layout
 * seats not permanently blocked). Cancelled showtimes are listed but left out of the totals.
 */
export async function occupancyReport(ctx: ServerContext, query: ReportRange): Promise<OccupancyReport> {
  const { from, to } = rangeOf(query);
  const { showtimes, sold, halls, movies } = await ctx.db.read(async (ex) => ({
    showtimes: await everyShowtimeStartingIn(ex, from, to),
    sold: await validTicketsByShowtime(ex, from, to),
    // Archived halls and films too: past showtimes still name them.
    halls: await listEvery<Hall>(ex, 'halls'),
    movies: await listEvery<Movie>(ex, 'movies'),
  }));
  const hallBy = new Map(
    halls.map((hall) => [hall.id, { name: hall.name, capacity: capacity(hall.layout) }]),
  );
  const titleBy = new Map(movies.map((movie) => [movie.id, movie.titles[ctx.site.locale]]));
  const totals = { showtimes: 0, capacity: 0, sold: 0, revenue: 0, occupancyPercent: 0 };
  const rows = showtimes.map((showtime): OccupancyRow => {
    const hall = hallBy.get(showtime.hallId);
    const seats = hall?.capacity ?? 0;
    const tally = sold.get(showtime.id);
    const ticketCount = tally?.sold ?? 0;
    const revenue = tally?.revenue ?? 0;
    if (showtime.status !== 'cancelled') {
      totals.showtimes += 1;
      totals.capacity += seats;
      totals.sold += ticketCount;
      totals.revenue += revenue;
    }
    return {
      showtimeId: showtime.id,
      startsAt: showtime.startsAt,
      hallId: showtime.hallId,
      hallName: hall?.name ?? '',
      movieId: showtime.movieId,
      movieTitle: titleBy.get(showtime.movieId) ?? '',
      status: showtime.status,
      capacity: seats,
      sold: ticketCount,
      revenue,
      occupancyPercent: percent(ticketCount, seats),
    };
  });
  totals.occupancyPercent = percent(totals.sold, totals.capacity);
  return { from: iso(from), to: iso(to), currency: ctx.site.currency, showtimes: rows, totals };
}

// ---------------------------------------------------------------------------------------------

type CashUpRow = CashUpReport['cashiers'][number];

const emptyCashUp = (): CashUpReport['totals'] => ({
  orders: 0,
  cashTendered: 0,
  changeGiven: 0,
  cashNet: 0,
  byPaymentMethod: Object.fromEntries(PAYMENT_METHODS.map((m) => [m, 0])),
  refunds: 0,
});

function addOrderToCashUp(into: CashUpReport['totals'], order: OrderSummary): void {
  into.orders += 1;
  into.refunds += order.refunded;
  let changeFromTender = 0;
  for (const payment of order.payments) {
    into.byPaymentMethod[payment.method] = (into.byPaymentMethod[payment.method] ?? 0) + payment.amount;
    if (payment.method !== 'cash') continue;
    const tendered = payment.tendered ?? payment.amount;
    into.cashTendered += tendered;
    changeFromTender += tendered - payment.amount;
  }
  const change = order.change ?? changeFromTender;
  into.changeGiven += change;
  into.cashNet = into.cashTendered - into.changeGiven;
}

/** Cash taken minus change per cashier, for counting the drawers at the end of a shift. */
export async function cashUpReport(ctx: ServerContext, query: ReportRange): Promise<CashUpReport> {
  const { from, to } = rangeOf(query);
  const { orders, staff } = await ctx.db.read(async (ex) => ({
    orders: await ordersCreatedIn(ex, from, to),
    staff: await staffNames(ex),
  }));
  const totals = emptyCashUp();
  const byCashier = new Map<string | null, CashUpRow>();
  for (const order of orders) {
    let entry = byCashier.get(order.staffUserId);
    if (entry === undefined) {
      entry = {
        staffUserId: order.staffUserId,
        name: order.staffUserId === null ? null : (staff.get(order.staffUserId) ?? null),
        ...emptyCashUp(),
        terminalIds: [],
      };
      byCashier.set(order.staffUserId, entry);
    }
    addOrderToCashUp(entry, order);
    addOrderToCashUp(totals, order);
    if (order.terminalId !== null && !entry.terminalIds.includes(order.terminalId)) {
      entry.terminalIds.push(order.terminalId);
    }
  }
  const cashiers = [...byCashier.values()].sort(
    (a, b) => b.cashNet - a.cashNet || (a.name ?? '').localeCompare(b.name ?? ''),
  );
  return { from: iso(from), to: iso(to), currency: ctx.site.currency, cashiers, totals };
}
