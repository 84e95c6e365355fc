/**
 * The local replica of the server's documents. Applying a document is idempotent and ordered by
 * the server's sequence: an older version arriving late (a pull racing the stream) never
 * overwrites a newer one. Each applied change gets a local sequence (`lseq`) that the UI's RxDB
 * replication pulls from.
 */
import type { SyncCollection, SyncDocument } from '@marquee/shared';
import type { HandlerMap } from './api/handler-map.ts';
import type { Db } from './store.ts';

/** The replica, read-only: what the capability modules read documents through. */
export interface ReplicaReader {
  get<T>(collection: SyncCollection, id: string): T | undefined;
  all<T>(collection: SyncCollection): T[];
}

export interface ReplicaChange {
  collection: SyncCollection;
  lseq: number;
}

export class Replica implements ReplicaReader {
  private lseq: number;
  private readonly upsert;
  private readonly current;
  private readonly byId;
  private readonly latestOf;

  constructor(private readonly db: Db) {
    this.lseq = (db.prepare('SELECT COALESCE(MAX(lseq), 0) AS n FROM docs').get() as { n: number }).n;
    this.upsert = db.prepare(
      `INSERT INTO docs (collection, id, seq, lseq, deleted, body) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (collection, id) DO UPDATE SET seq = excluded.seq, lseq = excluded.lseq, deleted = excluded.deleted, body = excluded.body`,
    );
    this.current = db.prepare('SELECT seq FROM docs WHERE collection = ? AND id = ?');
    this.byId = db.prepare('SELECT body, deleted FROM docs WHERE collection = ? AND id = ?');
    this.latestOf = db.prepare('SELECT MAX(lseq) AS n FROM docs WHERE collection = ?');
  }

  /** Applies documents inside the caller's transaction; returns how many changed. */
  apply(collection: SyncCollection, documents: readonly SyncDocument[]): number {
    let changed = 0;
    for (const doc of documents) {
      const existing = this.current.get(collection, doc.id) as { seq: number } | undefined;
      if (existing !== undefined && existing.seq >= doc._seq) continue;
      const { _deleted, _seq, ...body } = doc;
      this.lseq += 1;
      this.upsert.run(collection, doc.id, _seq, this.lseq, _deleted ? 1 : 0, JSON.stringify(body));
      changed += 1;
    }
    return changed;
  }

  get latestLseq(): number {
    return this.lseq;
  }

  /** Changes whenever a document of `collection` changes (its newest local sequence; -1 when empty). */
  collectionVersion(collection: SyncCollection): number {
    return (this.latestOf.get(collection) as { n: number | null }).n ?? -1;
  }

  get<T>(collection: SyncCollection, id: string): T | undefined {
    const row = this.byId.get(collection, id) as { body: string; deleted: number } | undefined;
    if (row === undefined || row.deleted === 1) return undefined;
    return JSON.parse(row.body) as T;
  }

  all<T>(collection: SyncCollection): T[] {
    const rows = this.db
      .prepare('SELECT body FROM docs WHERE collection = ? AND deleted = 0')
      .all(collection) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as T);
  }

  /** RxDB pull over the replica: changed after `lseq`, oldest first. */
  changesSince(
    collection: SyncCollection,
    lseq: number,
    limit: number,
  ): { documents: (Record<string, unknown> & { id: string; _deleted: boolean })[]; lseq: number } {
    const rows = this.db
      .prepare(
        'SELECT id, lseq, deleted, body FROM docs WHERE collection = ? AND lseq > ? ORDER BY lseq LIMIT ?',
      )
      .all(collection, lseq, limit) as { id: string; lseq: number; deleted: number; body: string }[];
    return {
      documents: rows.map((r) => ({
        ...(JSON.parse(r.body) as Record<string, unknown>),
        id: r.id,
        _deleted: r.deleted === 1,
      })),
      lseq: rows.at(-1)?.lseq ?? lseq,
    };
  }

  /**
   * When another door admitted this ticket, from the replicated admissions (indexed on the
   * ticket id: migration 2), or undefined.
   */
  admittedAt(ticketId: string): string | undefined {
    const row = this.db
      .prepare(
        "SELECT body FROM docs WHERE collection = 'admissions' AND deleted = 0 AND json_extract(body, '$.ticketId') = ? LIMIT 1",
      )
      .get(ticketId) as { body: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.body) as { at: string }).at;
  }

  clear(): void {
    this.db.prepare('DELETE FROM docs').run();
    this.db.prepare('DELETE FROM checkpoints').run();
  }
}

export type ReplicaHandlers = HandlerMap<'replica.pull'>;

/** The RxDB pull handler the renderer replicates its collections with. */
export function replicaHandlers(replica: Replica): ReplicaHandlers {
  return {
    'replica.pull': (input) => {
      const page = replica.changesSince(input.collection, input.checkpoint?.lseq ?? 0, input.limit);
      return { documents: page.documents, checkpoint: { lseq: page.lseq } };
    },
  };
}
