/**
 * The `sales` table: every sale this terminal made, as the shift report reads them back. An online
 * sale keeps the server's order, an offline one the arguments of its `sale.offline` mutation;
 * both carry `total` and `payments`.
 */
import type { OrderResponse } from '@marquee/shared';
import type { Db } from '../store.ts';

export interface StoredSaleRow {
  offline: number;
  body: string;
}

/** Inside the offline sale's transaction. */
export function recordOfflineSale(
  db: Db,
  sale: { orderId: string; showtimeId: string; body: unknown; at: number },
): void {
  db.prepare('INSERT INTO sales (id, showtime_id, offline, body, created_at) VALUES (?, ?, 1, ?, ?)').run(
    sale.orderId,
    sale.showtimeId,
    JSON.stringify(sale.body),
    sale.at,
  );
}

/** Inside the transaction that records the server's answer; a second answer replaces the first. */
export function recordOnlineSale(db: Db, order: OrderResponse): void {
  db.prepare(
    'INSERT INTO sales (id, showtime_id, offline, body, created_at) VALUES (?, ?, 0, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
  ).run(order.id, order.showtimeId, JSON.stringify(order), Date.parse(order.createdAt));
}

/** Sales made in `[from, to)`. */
export function salesBetween(db: Db, from: number, to: number): StoredSaleRow[] {
  return db
    .prepare('SELECT offline, body FROM sales WHERE created_at >= ? AND created_at < ?')
    .all(from, to) as StoredSaleRow[];
}
