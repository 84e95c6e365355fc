import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../store.ts';
import type { PrintJobSpec, TicketPrint } from './print-jobs.ts';
import { PrintQueue, enqueuePrintJobs, viewOf } from './print-queue.ts';

let dir: string;
let db: Db;
let queue: PrintQueue;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'marquee-print-queue-'));
  db = openStore(join(dir, 'terminal.db'));
  queue = new PrintQueue(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function ticketJob(ticketId = randomUUID(), orderId = randomUUID()): PrintJobSpec {
  const payload: TicketPrint = {
    cinema: 'Marquee',
    film: { en: 'Starfall Protocol', 'zh-CN': '星陨协议' },
    hall: 'Hall 1',
    features: [],
    startsAt: '2026-11-23T11:30:00.000Z',
    timeZone: 'Asia/Shanghai',
    seatId: 'F-7',
    ticketType: { en: 'Adult', 'zh-CN': '成人' },
    price: 4500,
    currency: 'CNY',
    orderId,
    ticketId,
    token: 'TOKEN',
    offline: false,
  };
  return {
    id: randomUUID(),
    kind: 'ticket',
    dedupeKey: `ticket:${ticketId}`,
    orderId,
    ticketId,
    payload,
    summary: 'Ticket F-7',
  };
}

describe('migration 3 (print queue and drawer audit)', () => {
  it('creates the tables on a terminal database that predates it, once', () => {
    const file = join(dir, 'old.db');
    const old = openStore(file);
    old.exec('DROP TABLE print_jobs; DROP TABLE drawer_events; DELETE FROM schema_migrations WHERE id = 3;');
    old.prepare("INSERT INTO kv (key, value) VALUES ('terminalId', 'kept')").run();
    old.close();
    const upgraded = openStore(file);
    const tables = (
      upgraded.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['print_jobs', 'drawer_events']));
    expect(upgraded.prepare("SELECT value FROM kv WHERE key = 'terminalId'").get()).toEqual({
      value: 'kept',
    });
    upgraded.close();
    const again = openStore(file);
    expect(again.prepare('SELECT COUNT(*) AS n FROM schema_migrations WHERE id = 3').get()).toEqual({ n: 1 });
    again.close();
  });
});

describe('the print queue', () => {
  it('queues jobs only if the sale transaction that wrote them commits', () => {
    const job = ticketJob();
    expect(() =>
      db.transaction(() => {
        enqueuePrintJobs(db, [job], 1000);
        throw new Error('the sale failed');
      })(),
    ).toThrow('the sale failed');
    expect(queue.get(job.id)).toBeUndefined();
    db.transaction(() => enqueuePrintJobs(db, [job], 1000))();
    expect(queue.get(job.id)?.status).toBe('queued');
  });

  it('prints a ticket once even if its sale is queued twice (a retried settlement)', () => {
    const ticketId = randomUUID();
    const first = enqueuePrintJobs(db, [ticketJob(ticketId)], 1000);
    const second = enqueuePrintJobs(db, [ticketJob(ticketId)], 2000);
    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
    expect(queue.counts()).toEqual({ queued: 1, printing: 0, attention: 0 });
  });

  it('walks a job through sending, sent and done, oldest first', () => {
    const [a, b] = [ticketJob(), ticketJob()];
    enqueuePrintJobs(db, [a, b], 1000);
    expect(queue.nextQueued(new Set())?.id).toBe(a.id);
    expect(queue.nextQueued(new Set([a.id]))?.id).toBe(b.id);
    expect(queue.markSending(a.id, 'primary', 1100)).toBe(true);
    // A job that is no longer queued cannot be claimed twice.
    expect(queue.markSending(a.id, 'backup', 1101)).toBe(false);
    expect(viewOf(queue.get(a.id)!).status).toBe('printing');
    queue.markSent(a.id, 1200);
    expect(queue.get(a.id)?.status).toBe('sent');
    queue.markDone(a.id, 1300);
    const done = viewOf(queue.get(a.id)!);
    expect(done).toMatchObject({ status: 'done', printer: 'primary', attempts: 1, reprint: false });
    expect(done.doneAt).toBe(new Date(1300).toISOString());
    expect(queue.data(queue.get(a.id)!)?.kind).toBe('ticket');
  });

  it('after a restart, flags jobs that were mid-print instead of printing them again', () => {
    const [sending, sent, waiting] = [ticketJob(), ticketJob(), ticketJob()];
    enqueuePrintJobs(db, [sending, sent, waiting], 1000);
    queue.markSending(sending.id, 'primary', 1100);
    queue.markSending(sent.id, 'primary', 1100);
    queue.markSent(sent.id, 1200);
    expect(queue.recoverInterrupted(5000)).toBe(2);
    expect(queue.get(sending.id)?.status).toBe('attention');
    expect(queue.get(sent.id)?.error).toMatch(/interrupted/);
    expect(queue.get(waiting.id)?.status).toBe('queued');
    expect(queue.counts()).toEqual({ queued: 1, printing: 0, attention: 2 });
  });

  it('lets an operator say a flagged job printed, or drop it', () => {
    const [a, b] = [ticketJob(), ticketJob()];
    enqueuePrintJobs(db, [a, b], 1000);
    for (const job of [a, b]) {
      queue.markSending(job.id, 'primary', 1100);
      queue.flag(job.id, 1200, 'the printer was disconnected');
    }
    expect(queue.resolve(a.id, 'printed', 1300).status).toBe('done');
    expect(queue.resolve(b.id, 'cancelled', 1300).status).toBe('cancelled');
    expect(() => queue.resolve(a.id, 'printed', 1400)).toThrow(/nothing to resolve/);
  });

  it('reprints a printed job as a new job that points at it, and refuses one not printed yet', () => {
    const [printed, pending] = [ticketJob(), ticketJob()];
    enqueuePrintJobs(db, [printed, pending], 1000);
    queue.markSending(printed.id, 'primary', 1100);
    queue.markDone(printed.id, 1200);
    const copy = viewOf(queue.reprint(printed.id, 2000));
    expect(copy).toMatchObject({ status: 'queued', reprint: true, reprintOf: printed.id, kind: 'ticket' });
    expect(copy.summary).toMatch(/^REPRINT/);
    expect(queue.get(copy.id)?.payload).toBe(queue.get(printed.id)?.payload);
    expect(() => queue.reprint(pending.id, 2000)).toThrow(/not finished printing/);
    // A reprint of a reprint still points at the original.
    queue.markSending(copy.id, 'primary', 2100);
    queue.markDone(copy.id, 2200);
    expect(queue.reprint(copy.id, 2300).reprint_of).toBe(printed.id);
  });

  it('resolves a flagged job when it is reprinted', () => {
    const job = ticketJob();
    enqueuePrintJobs(db, [job], 1000);
    queue.markSending(job.id, 'primary', 1100);
    queue.flag(job.id, 1200, 'uncertain');
    queue.reprint(job.id, 1300);
    expect(queue.get(job.id)).toMatchObject({ status: 'done', error: 'resolved by a reprint' });
  });

  it('lists jobs newest first, by status or order', () => {
    const orderId = randomUUID();
    const jobs = [ticketJob(undefined, orderId), ticketJob(undefined, orderId), ticketJob()];
    enqueuePrintJobs(db, jobs, 1000);
    queue.markSending(jobs[0]!.id, 'primary', 1100);
    expect(queue.list({ orderId }).map((r) => r.id)).toEqual([jobs[1]!.id, jobs[0]!.id]);
    expect(queue.list({ status: 'printing' }).map((r) => r.id)).toEqual([jobs[0]!.id]);
    expect(queue.list({ limit: 1 })).toHaveLength(1);
  });

  it('flags a job whose stored data does not parse rather than printing it half right', () => {
    const job = ticketJob();
    enqueuePrintJobs(db, [job], 1000);
    db.prepare('UPDATE print_jobs SET payload = ? WHERE id = ?').run('{"cinema":1}', job.id);
    expect(queue.data(queue.get(job.id)!)).toBeUndefined();
  });
});
