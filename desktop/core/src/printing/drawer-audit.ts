/**
 * The `drawer_events` table: every cash drawer opening tried on this terminal, with who and why —
 * the local audit a cash-up is checked against. Every SQL statement on it is here.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store.ts';

export interface DrawerEvent {
  at: number;
  kind: 'sale' | 'manual';
  orderId: string | null;
  actorId: string | null;
  actorName: string | null;
  reason: string | null;
  printer: string | null;
  outcome: 'opened' | 'failed' | 'refused';
  error: string | null;
}

export function recordDrawerEvent(db: Db, event: DrawerEvent): void {
  db.prepare(
    'INSERT INTO drawer_events (id, at, kind, order_id, actor_id, actor_name, reason, printer, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(
    randomUUID(),
    event.at,
    event.kind,
    event.orderId,
    event.actorId,
    event.actorName,
    event.reason,
    event.printer,
    event.outcome,
    event.error,
  );
}

/** Openings that happened in `[from, to)`, by kind. */
export function drawerOpensBetween(db: Db, from: number, to: number): { sale: number; manual: number } {
  const rows = db
    .prepare(
      "SELECT kind, COUNT(*) AS n FROM drawer_events WHERE outcome = 'opened' AND at >= ? AND at < ? GROUP BY kind",
    )
    .all(from, to) as { kind: string; n: number }[];
  return {
    sale: rows.find((o) => o.kind === 'sale')?.n ?? 0,
    manual: rows.find((o) => o.kind === 'manual')?.n ?? 0,
  };
}
