import type { Checkpoint, PullResponse, SyncCollection, SyncDocument } from '@marquee/shared';
import { PULL_MAX_LIMIT } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { currentCheckpointSeq } from './change-log.ts';

export interface DocRow {
  collection: SyncCollection;
  id: string;
  seq: number;
  deleted: number;
  body: string;
}

export function toSyncDocument(row: DocRow): SyncDocument {
  const body = JSON.parse(row.body) as Record<string, unknown>;
  return { ...body, id: row.id, _deleted: row.deleted === 1, _seq: row.seq };
}

/**
 * RxDB-style pull: documents of one collection changed after the checkpoint, oldest first, each in
 * its latest version. A checkpoint from another epoch (the database was restored) answers with
 * `resync` and the documents from the beginning.
 */
export async function pull(
  ctx: ServerContext,
  collection: SyncCollection,
  checkpoint: Checkpoint | undefined,
  limit = PULL_MAX_LIMIT,
): Promise<PullResponse> {
  const resync = checkpoint !== undefined && checkpoint.epoch !== ctx.epoch;
  const after = checkpoint === undefined || resync ? 0 : checkpoint.seq;
  const rows = await ctx.db.read(async (ex) =>
    ex.all<DocRow>(
      'SELECT collection, id, seq, deleted, body FROM sync_docs WHERE collection = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      [collection, after, await currentCheckpointSeq(ctx, ex), limit],
    ),
  );
  const last = rows.at(-1);
  const response: PullResponse = {
    documents: rows.map(toSyncDocument),
    checkpoint: { epoch: ctx.epoch, seq: last === undefined ? after : last.seq },
  };
  if (resync) response.resync = true;
  return response;
}

/** All collections' changes after `seq` up to the horizon `upTo`, for the stream. */
export function changesAfter(ex: Executor, seq: number, upTo: number, limit: number): Promise<DocRow[]> {
  return ex.all<DocRow>(
    'SELECT collection, id, seq, deleted, body FROM sync_docs WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
    [seq, upTo, limit],
  );
}
