/**
 * Every replicated change bumps the site's sequence inside the writing transaction and stores the
 * document's latest version under that sequence. Commit order equals sequence order because the
 * sequence row is written by every transaction (SQLite serialises writers; PostgreSQL row-locks
 * it), so a checkpoint never skips a row that commits late.
 */
import type { SyncCollection } from '@marquee/shared';
import type { Executor, TxContext } from '../db/database.ts';
import type { ServerContext } from '../context.ts';
import { claimsOf } from '../services/seat-claims.ts';
import { findShowtime } from '../services/showtime-rows.ts';

export async function publish(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  collection: SyncCollection,
  id: string,
  body: object | null,
): Promise<number> {
  const row = await ex.get<{ seq: number }>('UPDATE sites SET seq = seq + 1 WHERE id = ? RETURNING seq', [
    ctx.site.id,
  ]);
  if (row === undefined) throw new Error('site row missing');
  const seq = row.seq;
  await ex.run(
    `INSERT INTO sync_docs (collection, id, seq, deleted, body) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted, body = excluded.body`,
    [collection, id, seq, body === null ? 1 : 0, JSON.stringify(body ?? { id })],
  );
  tx.afterCommit(() => ctx.feed.notify(seq));
  return seq;
}

/** Re-derives the per-showtime seat-map document from `seat_claims` and publishes it. */
export async function publishSeatMap(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  showtimeId: string,
): Promise<void> {
  const showtime = await findShowtime(ex, showtimeId);
  if (showtime === undefined) return;
  await publish(ctx, ex, tx, 'seat_maps', showtimeId, {
    id: showtimeId,
    showtimeId,
    hallId: showtime.hallId,
    layoutVersion: showtime.layoutVersion,
    claims: await claimsOf(ex, showtimeId),
  });
}

export async function currentCheckpointSeq(ctx: ServerContext, ex: Executor): Promise<number> {
  const row = await ex.get<{ seq: number }>('SELECT seq FROM sites WHERE id = ?', [ctx.site.id]);
  return row?.seq ?? 0;
}
