/**
 * The `tickets` table: one row per issued ticket, with its signed token. Orders issue and refund
 * tickets, doors read them, the back office asks whether any were sold; all through here. The
 * partial unique index `tickets_one_valid_per_seat` is invariant 1 a second time.
 */
import type { Ticket, TicketView } from '@marquee/shared';
import type { z } from 'zod';
import type { DbInt, Executor } from '../db/database.ts';

export interface TicketRow {
  id: string;
  order_id: string;
  showtime_id: string;
  seat_id: string;
  ticket_type_id: string;
  price: number;
  status: Ticket['status'];
  token: string;
  issued_at: number;
}

/**
 * The replicated ticket: what a door needs to judge a scan offline (status, showtime, seat), but
 * not the signed token itself — a terminal's replica must not be a stash of working tickets.
 */
export function ticketDoc(row: TicketRow): Omit<Ticket, 'token'> {
  return {
    id: row.id,
    orderId: row.order_id,
    showtimeId: row.showtime_id,
    seatId: row.seat_id,
    ticketTypeId: row.ticket_type_id,
    price: row.price,
    status: row.status,
    issuedAt: new Date(row.issued_at).toISOString(),
  };
}

/** The ticket as an order (or a door's answer) shows it, token included. */
export function ticketView(row: TicketRow): z.infer<typeof TicketView> {
  return {
    id: row.id,
    seatId: row.seat_id,
    ticketTypeId: row.ticket_type_id,
    price: row.price,
    status: row.status,
    token: row.token,
  };
}

export async function insertTicket(ex: Executor, row: TicketRow): Promise<void> {
  await ex.run(
    `INSERT INTO tickets (id, order_id, showtime_id, seat_id, ticket_type_id, price, status, token, issued_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.id,
      row.order_id,
      row.showtime_id,
      row.seat_id,
      row.ticket_type_id,
      row.price,
      row.status,
      row.token,
      row.issued_at,
    ],
  );
}

export function findTicket(ex: Executor, id: string): Promise<TicketRow | undefined> {
  return ex.get<TicketRow>('SELECT * FROM tickets WHERE id = ?', [id]);
}

/** An order's tickets by seat. */
export function ticketsOfOrder(ex: Executor, orderId: string): Promise<TicketRow[]> {
  return ex.all<TicketRow>('SELECT * FROM tickets WHERE order_id = ? ORDER BY seat_id', [orderId]);
}

export async function markRefunded(ex: Executor, ticketId: string): Promise<void> {
  await ex.run("UPDATE tickets SET status = 'refunded' WHERE id = ?", [ticketId]);
}

/** What an order's refunded tickets were sold for: the one source of an order's refunds. */
export const REFUNDED_OF_ORDER_SQL = (orderColumn: string) =>
  `(SELECT COALESCE(SUM(r.price), 0) FROM tickets r WHERE r.order_id = ${orderColumn} AND r.status = 'refunded')`;

/** Valid tickets of a showtime: customers who expect it to happen as sold. */
export async function countValidTickets(ex: Executor, showtimeId: string): Promise<number> {
  const row = await ex.get<{ n: DbInt }>(
    "SELECT COUNT(*) AS n FROM tickets WHERE showtime_id = ? AND status = 'valid'",
    [showtimeId],
  );
  return Number(row?.n ?? 0);
}

/** Valid tickets and their takings per showtime, for the showtimes starting in [from, to). */
export async function validTicketsByShowtime(
  ex: Executor,
  from: number,
  to: number,
): Promise<Map<string, { sold: number; revenue: number }>> {
  const rows = await ex.all<{ showtime_id: string; sold: DbInt; revenue: DbInt | null }>(
    `SELECT t.showtime_id, COUNT(*) AS sold, SUM(t.price) AS revenue
       FROM tickets t JOIN showtimes s ON s.id = t.showtime_id
      WHERE s.starts_at >= ? AND s.starts_at < ? AND t.status = 'valid'
      GROUP BY t.showtime_id`,
    [from, to],
  );
  return new Map(rows.map((r) => [r.showtime_id, { sold: Number(r.sold), revenue: Number(r.revenue ?? 0) }]));
}

/** Whether any ticket was ever sold as this type (its code is then signed into tokens). */
export async function soldAsType(ex: Executor, ticketTypeId: string): Promise<boolean> {
  const row = await ex.get('SELECT id FROM tickets WHERE ticket_type_id = ? LIMIT 1', [ticketTypeId]);
  return row !== undefined;
}
