/**
 * Every replicated change takes the next number of the change log inside the writing transaction
 * and stores the document's latest version under it. Readers read up to the horizon
 * (`currentCheckpointSeq`), below which nothing can still commit, so a checkpoint never skips a
 * change that commits late. SQLite serialises its writers: the number is the `sites.seq` counter
 * and the horizon its value. PostgreSQL runs writers concurrently: a sequence numbers them and the
 * horizon waits for the transactions in flight (change-horizon.ts).
 */
import type { SyncCollection } from '@marquee/shared';
import type { Executor, TxContext } from '../db/database.ts';
import type { ServerContext } from '../context.ts';
import { claimsOf } from '../services/seat-claims.ts';
import { findShowtime } from '../services/showtime-rows.ts';
import { nextChangeNumber, settledHorizon } from './change-horizon.ts';

async function nextSeq(ctx: ServerContext, ex: Executor): Promise<number> {
  if (ctx.db.kind === 'postgres') return nextChangeNumber(ex);
  const row = await ex.get<{ seq: number }>('UPDATE sites SET seq = seq + 1 WHERE id = ? RETURNING seq', [
    ctx.site.id,
  ]);
  if (row === undefined) throw new Error('site row missing');
  return row.seq;
}

export async function publish(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  collection: SyncCollection,
  id: string,
  body: object | null,
): Promise<number> {
  const seq = await nextSeq(ctx, ex);
  await ex.run(
    `INSERT INTO sync_docs (collection, id, seq, deleted, body) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted, body = excluded.body`,
    [collection, id, seq, body === null ? 1 : 0, JSON.stringify(body ?? { id })],
  );
  tx.afterCommit(() => {
    ctx.feed.notify(seq);
    ctx.db.announce(seq);
  });
  return seq;
}

/** Re-derives the per-showtime seat-map document from `seat_claims` and publishes it. */
export async function publishSeatMap(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  showtimeId: string,
): Promise<void> {
  // Rebuilt from the claims as this transaction reads them: two writers on one showtime take
  // turns, or the later commit would publish a map without the other's seats (PostgreSQL).
  await ctx.db.lock(ex, `seat-map:${showtimeId}`);
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

/** The horizon: every change numbered up to it has committed or rolled back. Outside a write. */
export async function currentCheckpointSeq(ctx: ServerContext, ex: Executor): Promise<number> {
  if (ctx.db.kind === 'postgres') return settledHorizon(ex);
  const row = await ex.get<{ seq: number }>('SELECT seq FROM sites WHERE id = ?', [ctx.site.id]);
  return row?.seq ?? 0;
}
