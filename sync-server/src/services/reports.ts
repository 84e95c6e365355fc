/**
 * Manager reports over a time range [from, to): sales (by payment method, terminal and cashier),
 * occupancy per showtime, and cash-up per cashier. Each report reads its rows with one query, so
 * its totals come from one consistent snapshot even while sales go on; money is summed as
 * integers in minor units.
 *
 * Sales are attributed to the period the order was created in: a later refund lowers the net of
 * the period of the sale, because orders record how much was refunded but not when.
 */
import type { z } from 'zod';
import type {
  CashUpReport,
  Hall,
  Movie,
  OccupancyReport,
  ReportQuery,
  SalesReport,
  Showtime,
} from '@marquee/shared';
import { PAYMENT_METHODS, capacity, invalidField } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor } from '../db/database.ts';

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

/** Counts and BIGINT columns: PostgreSQL drivers return them as strings. */
type DbInt = number | string;

interface OrderRow {
  id: string;
  terminal_id: string | null;
  staff_user_id: string | null;
  total: DbInt;
  refunded: DbInt;
  tickets: DbInt;
  body: string;
}

/** The parts of an order body the reports read; offline orders may lack `change`. */
interface OrderBody {
  payments?: { method: string; amount: number; tendered?: number }[];
  change?: number;
}

async function ordersIn(ex: Executor, from: number, to: number): Promise<OrderRow[]> {
  return ex.all<OrderRow>(
    `SELECT o.id, o.terminal_id, o.staff_user_id, o.total, o.refunded, o.body,
            (SELECT COUNT(*) FROM tickets t WHERE t.order_id = o.id) AS tickets
       FROM orders o WHERE o.created_at >= ? AND o.created_at < ? ORDER BY o.created_at`,
    [from, to],
  );
}

async function namesOf(ex: Executor, table: 'terminals' | 'staff_users'): Promise<Map<string, string>> {
  const rows = await ex.all<{ id: string; name: string }>(`SELECT id, name FROM ${table}`);
  return new Map(rows.map((r) => [r.id, r.name]));
}

interface Tally {
  orders: number;
  gross: number;
  refunds: number;
  net: number;
}

const emptyTally = (): Tally => ({ orders: 0, gross: 0, refunds: 0, net: 0 });

function count(tally: Tally, row: OrderRow): void {
  tally.orders += 1;
  tally.gross += Number(row.total);
  tally.refunds += Number(row.refunded);
  tally.net += Number(row.total) - Number(row.refunded);
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
  const { rows, terminals, staff } = await ctx.db.read(async (ex) => ({
    rows: await ordersIn(ex, from, to),
    terminals: await namesOf(ex, 'terminals'),
    staff: await namesOf(ex, 'staff_users'),
  }));
  const total = emptyTally();
  let tickets = 0;
  const byMethod: Record<string, number> = Object.fromEntries(PAYMENT_METHODS.map((m) => [m, 0]));
  const byTerminal = new Map<string | null, Tally>();
  const byCashier = new Map<string | null, Tally>();
  for (const row of rows) {
    count(total, row);
    tickets += Number(row.tickets);
    for (const payment of (JSON.parse(row.body) as OrderBody).payments ?? []) {
      byMethod[payment.method] = (byMethod[payment.method] ?? 0) + payment.amount;
    }
    for (const [map, key] of [
      [byTerminal, row.terminal_id],
      [byCashier, row.staff_user_id],
    ] as const) {
      let tally = map.get(key);
      if (tally === undefined) map.set(key, (tally = emptyTally()));
      count(tally, row);
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
    showtimes: await ex.all<{ body: string }>(
      'SELECT body FROM showtimes WHERE starts_at >= ? AND starts_at < ? ORDER BY starts_at, hall_id',
      [from, to],
    ),
    sold: await ex.all<{ showtime_id: string; sold: DbInt; revenue: DbInt | null }>(
      `SELECT t.showtime_id, COUNT(*) AS sold, SUM(t.price) AS revenue
         FROM tickets t JOIN showtimes s ON s.id = t.showtime_id
        WHERE s.starts_at >= ? AND s.starts_at < ? AND t.status = 'valid'
        GROUP BY t.showtime_id`,
      [from, to],
    ),
    // Archived halls and films too: past showtimes still name them.
    halls: await ex.all<{ body: string }>('SELECT body FROM halls'),
    movies: await ex.all<{ body: string }>('SELECT body FROM movies'),
  }));
  const soldBy = new Map(sold.map((s) => [s.showtime_id, s]));
  const hallBy = new Map(
    halls.map((r) => {
      const hall = JSON.parse(r.body) as Hall;
      return [hall.id, { name: hall.name, capacity: capacity(hall.layout) }];
    }),
  );
  const titleBy = new Map(
    movies.map((r) => {
      const movie = JSON.parse(r.body) as Movie;
      return [movie.id, movie.titles[ctx.site.locale]];
    }),
  );
  const totals = { showtimes: 0, capacity: 0, sold: 0, revenue: 0, occupancyPercent: 0 };
  const rows = showtimes.map((r): OccupancyRow => {
    const showtime = JSON.parse(r.body) as Showtime;
    const hall = hallBy.get(showtime.hallId);
    const seats = hall?.capacity ?? 0;
    const tally = soldBy.get(showtime.id);
    const ticketCount = Number(tally?.sold ?? 0);
    const revenue = Number(tally?.revenue ?? 0);
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

function addOrderToCashUp(into: CashUpReport['totals'], row: OrderRow, body: OrderBody): void {
  into.orders += 1;
  into.refunds += Number(row.refunded);
  let changeFromTender = 0;
  for (const payment of body.payments ?? []) {
    into.byPaymentMethod[payment.method] = (into.byPaymentMethod[payment.method] ?? 0) + payment.amount;
    if (payment.method !== 'cash') continue;
    const tendered = payment.tendered ?? payment.amount;
    into.cashTendered += tendered;
    changeFromTender += tendered - payment.amount;
  }
  const change = body.change ?? changeFromTender;
  into.changeGiven += change;
  into.cashNet = into.cashTendered - into.changeGiven;
}

/** Cash taken minus change per cashier, for counting the drawers at the end of a shift. */
export async function cashUpReport(ctx: ServerContext, query: ReportRange): Promise<CashUpReport> {
  const { from, to } = rangeOf(query);
  const { rows, staff } = await ctx.db.read(async (ex) => ({
    rows: await ordersIn(ex, from, to),
    staff: await namesOf(ex, 'staff_users'),
  }));
  const totals = emptyCashUp();
  const byCashier = new Map<string | null, CashUpRow>();
  for (const row of rows) {
    const body = JSON.parse(row.body) as OrderBody;
    let entry = byCashier.get(row.staff_user_id);
    if (entry === undefined) {
      entry = {
        staffUserId: row.staff_user_id,
        name: row.staff_user_id === null ? null : (staff.get(row.staff_user_id) ?? null),
        ...emptyCashUp(),
        terminalIds: [],
      };
      byCashier.set(row.staff_user_id, entry);
    }
    addOrderToCashUp(entry, row, body);
    addOrderToCashUp(totals, row, body);
    if (row.terminal_id !== null && !entry.terminalIds.includes(row.terminal_id)) {
      entry.terminalIds.push(row.terminal_id);
    }
  }
  const cashiers = [...byCashier.values()].sort(
    (a, b) => b.cashNet - a.cashNet || (a.name ?? '').localeCompare(b.name ?? ''),
  );
  return { from: iso(from), to: iso(to), currency: ctx.site.currency, cashiers, totals };
}
