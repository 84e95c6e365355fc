/**
 * The durable print queue, in the terminal's SQLite file (migration 3 in `store.ts`).
 *
 * A job's life: `queued` → `sending` (committed before the first byte goes out) → `sent` (every
 * byte handed to the port) → `done` (the printer confirmed it printed them). Each step is committed
 * before the next one starts, so after a crash the row says how far it got:
 *
 * - `queued`: nothing was sent; it prints when a printer is ready.
 * - `sending` / `sent`: some or all bytes may be in the printer, which keeps printing what it has
 *   received whatever happens to the terminal. Whether the ticket came out cannot be known from
 *   here, so the job goes to `attention` and is never printed again by itself: a silent second
 *   copy would be an unmarked duplicate. The operator looks at the printer and answers — it
 *   printed (`done`), or print it again (a reprint, marked REPRINT). The same holds when the
 *   cable is pulled or the printer loses power mid-job.
 *
 * Originals carry a dedupe key (`ticket:<id>`), so queueing a sale's tickets twice (a retried
 * settlement) still prints them once; reprints are new jobs pointing at their original.
 */
import { randomUUID } from 'node:crypto';
import {
  MarqueeError,
  type PrintJobKind,
  type PrintJobStatus,
  type PrintJobView,
  type PrinterRole,
} from '@marquee/shared';
import type { Db } from '../store.ts';
import { parseJobData, type PrintJobData, type PrintJobSpec } from './print-jobs.ts';

export type StoredJobStatus = 'queued' | 'sending' | 'sent' | 'done' | 'attention' | 'cancelled';

export interface PrintJobRow {
  seq: number;
  id: string;
  kind: PrintJobKind;
  dedupe_key: string | null;
  order_id: string | null;
  ticket_id: string | null;
  payload: string;
  summary: string;
  reprint_of: string | null;
  status: StoredJobStatus;
  printer: PrinterRole | null;
  attempts: number;
  error: string | null;
  created_at: number;
  updated_at: number;
  done_at: number | null;
}

/**
 * Queues jobs. Call it inside the transaction that records the sale: the tickets are then queued
 * if and only if the sale is. Returns the ids actually queued (a dedupe key seen before is skipped).
 */
export function enqueuePrintJobs(db: Db, jobs: readonly PrintJobSpec[], now: number = Date.now()): string[] {
  const insert = db.prepare(
    `INSERT INTO print_jobs (id, kind, dedupe_key, order_id, ticket_id, payload, summary, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
  );
  const queued: string[] = [];
  for (const job of jobs) {
    const result = insert.run(
      job.id,
      job.kind,
      job.dedupeKey ?? null,
      job.orderId ?? null,
      job.ticketId ?? null,
      JSON.stringify(job.payload),
      job.summary,
      now,
      now,
    );
    if (result.changes > 0) queued.push(job.id);
  }
  return queued;
}

export function viewOf(row: PrintJobRow): PrintJobView {
  const status: PrintJobStatus = row.status === 'sending' || row.status === 'sent' ? 'printing' : row.status;
  return {
    id: row.id,
    kind: row.kind,
    status,
    summary: row.summary,
    ...(row.order_id === null ? {} : { orderId: row.order_id }),
    ...(row.ticket_id === null ? {} : { ticketId: row.ticket_id }),
    reprint: row.reprint_of !== null,
    ...(row.reprint_of === null ? {} : { reprintOf: row.reprint_of }),
    ...(row.printer === null ? {} : { printer: row.printer }),
    ...(row.error === null ? {} : { error: row.error }),
    attempts: row.attempts,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    ...(row.done_at === null ? {} : { doneAt: new Date(row.done_at).toISOString() }),
  };
}

export class PrintQueue {
  constructor(private readonly db: Db) {}

  get(id: string): PrintJobRow | undefined {
    return this.db.prepare('SELECT * FROM print_jobs WHERE id = ?').get(id) as PrintJobRow | undefined;
  }

  /** The oldest queued job not already being handled. */
  nextQueued(skip: ReadonlySet<string>): PrintJobRow | undefined {
    const rows = this.db
      .prepare("SELECT * FROM print_jobs WHERE status = 'queued' ORDER BY seq LIMIT ?")
      .all(skip.size + 1) as PrintJobRow[];
    return rows.find((row) => !skip.has(row.id));
  }

  data(row: PrintJobRow): PrintJobData | undefined {
    try {
      return parseJobData(row.kind, JSON.parse(row.payload));
    } catch {
      return undefined;
    }
  }

  /** Committed before the first byte is written. False if someone else changed the job meanwhile. */
  markSending(id: string, printer: PrinterRole, now: number): boolean {
    return (
      this.db
        .prepare(
          "UPDATE print_jobs SET status = 'sending', printer = ?, attempts = attempts + 1, error = NULL, updated_at = ? WHERE id = ? AND status = 'queued'",
        )
        .run(printer, now, id).changes === 1
    );
  }

  markSent(id: string, now: number): void {
    this.transition(id, ['sending'], 'sent', now);
  }

  markDone(id: string, now: number): void {
    this.db
      .prepare(
        "UPDATE print_jobs SET status = 'done', done_at = ?, updated_at = ?, error = NULL WHERE id = ? AND status IN ('sending', 'sent')",
      )
      .run(now, now, id);
  }

  /** Nothing reached the printer: back in the queue. */
  requeue(id: string, now: number, error: string): void {
    this.db
      .prepare(
        "UPDATE print_jobs SET status = 'queued', error = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'sending')",
      )
      .run(error, now, id);
  }

  /** The outcome cannot be known: an operator decides (see the module comment). */
  flag(id: string, now: number, error: string): void {
    this.db
      .prepare(
        "UPDATE print_jobs SET status = 'attention', error = ?, updated_at = ? WHERE id = ? AND status IN ('queued', 'sending', 'sent')",
      )
      .run(error, now, id);
  }

  /** At start-up: jobs a previous run left mid-print. */
  recoverInterrupted(now: number): number {
    return this.db
      .prepare(
        "UPDATE print_jobs SET status = 'attention', error = 'interrupted: the terminal stopped while this job was printing; check the printer', updated_at = ? WHERE status IN ('sending', 'sent')",
      )
      .run(now).changes;
  }

  /** An operator's answer to a job needing attention (or dropping one that cannot print). */
  resolve(id: string, outcome: 'printed' | 'cancelled', now: number): PrintJobRow {
    const row = this.need(id);
    const allowed: readonly StoredJobStatus[] =
      outcome === 'printed' ? ['attention'] : ['attention', 'queued'];
    if (!allowed.includes(row.status))
      throw new MarqueeError(
        'invalid_state',
        `this job is ${viewOf(row).status}; there is nothing to resolve`,
        {
          jobId: id,
        },
      );
    this.db
      .prepare('UPDATE print_jobs SET status = ?, done_at = ?, updated_at = ? WHERE id = ?')
      .run(outcome === 'printed' ? 'done' : 'cancelled', outcome === 'printed' ? now : null, now, id);
    return this.need(id);
  }

  /** A new job with the original's data, printed with the REPRINT mark. */
  reprint(id: string, now: number): PrintJobRow {
    const original = this.need(id);
    if (original.status === 'queued' || original.status === 'sending' || original.status === 'sent')
      throw new MarqueeError('invalid_state', 'this job has not finished printing yet', { jobId: id });
    const source = original.reprint_of === null ? original : this.need(original.reprint_of);
    const reprintId = randomUUID();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO print_jobs (id, kind, order_id, ticket_id, payload, summary, reprint_of, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
        )
        .run(
          reprintId,
          source.kind,
          source.order_id,
          source.ticket_id,
          source.payload,
          `REPRINT · ${source.summary}`,
          source.id,
          now,
          now,
        );
      if (original.status === 'attention') {
        this.db
          .prepare(
            "UPDATE print_jobs SET status = 'done', done_at = ?, updated_at = ?, error = 'resolved by a reprint' WHERE id = ?",
          )
          .run(now, now, original.id);
      }
    })();
    return this.need(reprintId);
  }

  list(filter: { status?: PrintJobStatus; orderId?: string; limit?: number }): PrintJobRow[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.status !== undefined) {
      const stored: StoredJobStatus[] = filter.status === 'printing' ? ['sending', 'sent'] : [filter.status];
      where.push(`status IN (${stored.map(() => '?').join(', ')})`);
      args.push(...stored);
    }
    if (filter.orderId !== undefined) {
      where.push('order_id = ?');
      args.push(filter.orderId);
    }
    const sql = `SELECT * FROM print_jobs ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY seq DESC LIMIT ?`;
    return this.db.prepare(sql).all(...args, filter.limit ?? 100) as PrintJobRow[];
  }

  counts(): { queued: number; printing: number; attention: number } {
    const rows = this.db
      .prepare(
        "SELECT status, COUNT(*) AS n FROM print_jobs WHERE status IN ('queued', 'sending', 'sent', 'attention') GROUP BY status",
      )
      .all() as { status: StoredJobStatus; n: number }[];
    const n = (status: StoredJobStatus) => rows.find((r) => r.status === status)?.n ?? 0;
    return { queued: n('queued'), printing: n('sending') + n('sent'), attention: n('attention') };
  }

  private need(id: string): PrintJobRow {
    const row = this.get(id);
    if (row === undefined) throw new MarqueeError('not_found', 'no such print job', { jobId: id });
    return row;
  }

  private transition(id: string, from: readonly StoredJobStatus[], to: StoredJobStatus, now: number): void {
    this.db
      .prepare(
        `UPDATE print_jobs SET status = ?, updated_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`,
      )
      .run(to, now, id, ...from);
  }
}
