/**
 * The change stream (DESIGN §7) against a real server: it pushes holds, sales and expiries to every
 * other terminal as they commit, sends a reconnecting terminal exactly what it missed, refuses bad
 * upgrades, and never skips a change for terminals that join while changes commit — also over a
 * database whose reads are slow and out of order.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { SYNC_COLLECTIONS } from '@marquee/shared';
import type { Checkpoint, StreamServerMessage, SyncDocument } from '@marquee/shared';
import type { Database } from '../sync-server/src/db/database.ts';
import { SqliteDatabase } from '../sync-server/src/db/sqlite.ts';
import { publish } from '../sync-server/src/sync/change-log.ts';
import { startTestServer } from './support/server.ts';
import { useSyncSite } from './support/sync-site.ts';
import {
  documentsIn,
  freeSeats,
  holdSeats,
  isChanges,
  isHello,
  openStream,
  pullAll,
  seatMapIn,
  seatStateIn,
  sellSeats,
  StreamRefused,
  type Stream,
} from './support/terminal.ts';

const site = useSyncSite({
  /** Sells. */
  till: { profile: 'box_office', name: 'Till 1' },
  /** Only listens. */
  door: { profile: 'gate', name: 'Door 1' },
});
const streams: Stream[] = [];
afterAll(() => Promise.all(streams.map((s) => s.close())));

async function listen(token: string, checkpoint?: Checkpoint): Promise<Stream> {
  const stream = await openStream(site.server.url, token, checkpoint);
  streams.push(stream);
  return stream;
}

/** A `changes` frame carrying the seat map of `showtimeId` in which `test` holds. */
function seatMapChange(showtimeId: string, test: (doc: SyncDocument) => boolean) {
  return (m: StreamServerMessage) =>
    documentsIn(m, 'seat_maps').some((doc) => doc.id === showtimeId && test(doc));
}

describe('stream', () => {
  it('greets a terminal with hello: the current checkpoint and the server time', async () => {
    const { server } = site;
    const { door } = site.devices;
    const pulled = await pullAll(server, door.token, 'site');
    const stream = await listen(door.token);
    const hello = await stream.next(isHello);
    expect(stream.messages[0]).toBe(hello);
    expect(hello.checkpoint.epoch).toBe(pulled.checkpoint.epoch);
    expect(hello.checkpoint.seq).toBeGreaterThanOrEqual(pulled.checkpoint.seq);
    expect(Math.abs(Date.parse(hello.serverTime) - server.clock.now())).toBeLessThan(5000);
  });

  it('shows terminal B a seat held on terminal A as a seat_maps change within 1 s', async () => {
    const { server } = site;
    const { till, door } = site.devices;
    const { showtimeId, seats } = await site.freshSeats();
    const [seat] = seats;
    const stream = await listen(door.token);
    await stream.next(isHello);
    const started = performance.now();
    await holdSeats(server, till.token, showtimeId, [seat!]);
    const frame = await stream.next(
      seatMapChange(showtimeId, (doc) => seatStateIn(doc, seat!) === 'held'),
      1000,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    const doc = documentsIn(frame, 'seat_maps').find((d) => d.id === showtimeId)!;
    expect(seatMapIn(doc).claims.find((c) => c.seatId === seat)).toMatchObject({
      state: 'held',
      terminalId: till.terminalId,
    });
    if (frame.type === 'changes') expect(frame.checkpoint.seq).toBeGreaterThanOrEqual(doc._seq);
  });

  it('frees an expired hold in the stream without any client asking', async () => {
    const { server, cashier } = site;
    const { till, door } = site.devices;
    const { showtimeId, seats } = await site.freshSeats();
    const [seat] = seats;
    const stream = await listen(door.token);
    await stream.next(isHello);
    const held = await holdSeats(server, till.token, showtimeId, [seat!], 60);
    await stream.next(seatMapChange(showtimeId, (doc) => seatStateIn(doc, seat!) === 'held'));
    server.clock.advance(Date.parse(held.expiresAt) - server.clock.now() + 1);
    // Nobody calls the server now: the sweeper notices the expiry on its own.
    const frame = await stream.next(
      seatMapChange(showtimeId, (doc) => seatStateIn(doc, seat!) === 'free'),
      2000,
    );
    expect(frame.type).toBe('changes');
    const map = await server.api('GET', `/showtimes/${showtimeId}/seats`, { token: cashier });
    expect((map.body.seats as { id: string; state: string }[]).find((s) => s.id === seat)?.state).toBe(
      'free',
    );
  });

  it('sends a reconnecting terminal exactly the changes it missed, then only new ones', async () => {
    const { server } = site;
    const { till, door } = site.devices;
    const { showtimeId, seats } = await site.freshSeats();
    const [a, b, c] = seats;
    const first = await listen(door.token);
    const { checkpoint: lastSeen } = await first.next(isHello);
    await first.close();

    // While B is away: a sale (tickets + seat map) and a hold.
    await sellSeats(server, till.token, showtimeId, [a!, b!]);
    const held = await holdSeats(server, till.token, showtimeId, [c!]);
    const missed = new Map<string, SyncDocument[]>();
    for (const collection of SYNC_COLLECTIONS) {
      const pulled = await pullAll(server, door.token, collection, lastSeen);
      if (pulled.documents.length > 0) missed.set(collection, pulled.documents);
    }
    expect([...missed.keys()].sort()).toEqual(['seat_maps', 'tickets']);
    expect(missed.get('tickets')).toHaveLength(2);

    const again = await listen(door.token, lastSeen);
    const hello = await again.next(isHello);
    const catchUp = await again.next(isChanges);
    expect(again.messages.indexOf(catchUp)).toBe(1);
    const received = new Map(catchUp.changes.map((ch) => [ch.collection, ch.documents]));
    expect(new Map([...received].sort())).toEqual(new Map([...missed].sort()));
    const maxSeq = Math.max(...[...missed.values()].flat().map((d) => d._seq));
    expect(catchUp.checkpoint).toEqual({ epoch: lastSeen.epoch, seq: maxSeq });
    expect(hello.checkpoint.seq).toBe(maxSeq);

    // What follows is only what is new.
    await server.api('DELETE', `/holds/${held.id}`, { token: till.token });
    const live = await again.next(isChanges);
    expect(live.changes.map((ch) => ch.collection)).toEqual(['seat_maps']);
    expect(live.changes[0]!.documents.map((d) => d._seq)).toEqual([maxSeq + 1]);
    expect(seatStateIn(live.changes[0]!.documents[0]!, c!)).toBe('free');
  });

  it('sends nothing on reconnect when nothing was missed', async () => {
    const { door } = site.devices;
    const first = await listen(door.token);
    const { checkpoint } = await first.next(isHello);
    await first.close();
    const again = await listen(door.token, checkpoint);
    await again.next(isHello);
    await sleep(300);
    expect(again.messages.map((m) => m.type)).toEqual(['hello']);
  });

  it('tells a terminal whose checkpoint is from another epoch to resync', async () => {
    const { door } = site.devices;
    const stream = await listen(door.token, { epoch: 'before-restore', seq: 5 });
    await stream.next(isHello);
    const resync = await stream.next((m) => m.type === 'resync');
    expect(resync).toMatchObject({ type: 'resync', reason: expect.any(String) });
  });

  it('accepts the token as ?access_token= for browsers', async () => {
    const { server } = site;
    const { door } = site.devices;
    const stream = await openStream(server.url, door.token, undefined, { tokenIn: 'query' });
    streams.push(stream);
    await stream.next(isHello);
  });

  it('refuses the upgrade with 400 validation_failed when the checkpoint is malformed', async () => {
    const { server } = site;
    const { door } = site.devices;
    for (const rawCheckpoint of ['yesterday', 'epoch:-1', ':5', 'a:b']) {
      const refused = await openStream(server.url, door.token, undefined, { rawCheckpoint }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused, rawCheckpoint).toBeInstanceOf(StreamRefused);
      expect((refused as StreamRefused).status).toBe(400);
      expect((refused as StreamRefused).body).toMatchObject({ error: { code: 'validation_failed' } });
    }
  });

  it('refuses the upgrade with 401 without a token or with a wrong one', async () => {
    const { server } = site;
    for (const token of [undefined, 'not-a-real-token-but-long-enough']) {
      const refused = await openStream(server.url, token).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(StreamRefused);
      expect((refused as StreamRefused).status).toBe(401);
      expect((refused as StreamRefused).body).toMatchObject({ error: { code: 'unauthenticated' } });
    }
  });

  it('never skips a change for terminals that connect while sales are committing', async () => {
    const { server, cashier } = site;
    const { till, door } = site.devices;
    const targets = site.freshShowtimes(16);
    const seats = await Promise.all(targets.map((id) => freeSeats(server, cashier, id)));
    const start = (await pullAll(server, door.token, 'seat_maps')).checkpoint;

    // Terminals connect (half from a checkpoint, half fresh) while holds commit on 16 showtimes.
    const joining = Array.from({ length: 24 }, async (_, i) => {
      await sleep(i);
      const checkpoint = i % 2 === 0 ? start : undefined;
      return { stream: await listen(door.token, checkpoint), checkpoint };
    });
    const holds = targets.flatMap((showtimeId, i) =>
      [0, 1, 2].map((k) => holdSeats(server, till.token, showtimeId, [seats[i]![k]!])),
    );
    const joined = await Promise.all(joining);
    await Promise.all(holds);
    const end = await pullAll(server, door.token, 'seat_maps', start);
    expect(end.documents.map((d) => d.id).sort()).toEqual([...targets].sort());

    for (const [n, { stream, checkpoint }] of joined.entries()) {
      const hello = await stream.next(isHello);
      // Everything committed after what this terminal had when it joined must reach it.
      const from = checkpoint?.seq ?? hello.checkpoint.seq;
      if (hello.checkpoint.seq < end.checkpoint.seq && checkpoint?.seq !== end.checkpoint.seq)
        await stream
          .next((m) => m.type === 'changes' && m.checkpoint.seq >= end.checkpoint.seq, 2000)
          .catch(() => undefined); // the assertions below name what is missing
      const seen = new Map<string, number>();
      for (const m of stream.messages)
        for (const doc of documentsIn(m, 'seat_maps'))
          seen.set(doc.id, Math.max(seen.get(doc.id) ?? 0, doc._seq));
      for (const doc of end.documents.filter((d) => d._seq > from))
        expect(seen.get(doc.id), `terminal ${n} missed the seat map of ${doc.id}`).toBe(doc._seq);
    }
  });
});

/** Reads that complete a few turns later and out of order, as they do over a network (PostgreSQL). */
class SlowReads implements Database {
  readonly kind = 'sqlite' as const;
  private turn = 0;
  constructor(private readonly inner: Database) {}
  async read<T>(fn: Parameters<Database['read']>[0]): Promise<T> {
    await this.pause();
    const value = (await this.inner.read(fn)) as T;
    await this.pause();
    return value;
  }
  write: Database['write'] = (fn) => this.inner.write(fn);
  lock: Database['lock'] = (ex, key) => this.inner.lock(ex, key);
  get skipLocked(): string {
    return this.inner.skipLocked;
  }
  announce: Database['announce'] = (seq) => this.inner.announce(seq);
  listen: Database['listen'] = (listener) => this.inner.listen(listener);
  close(): Promise<void> {
    return this.inner.close();
  }
  private async pause(): Promise<void> {
    for (let n = (this.turn = (this.turn * 7 + 3) % 11) % 3; n > 0; n--)
      await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('stream over a database with slow reads', () => {
  it('never skips a change for terminals that join while changes commit', async () => {
    const slow = await startTestServer({
      seed: false,
      database: (dataDir) => new SlowReads(new SqliteDatabase(join(dataDir, 'marquee.db'))),
    });
    const { ctx, url } = slow;
    const token = slow.adminToken;
    const opened: Stream[] = [];
    try {
      // One change after another (each its own document), while 40 terminals join.
      const written: { id: string; seq: number }[] = [];
      const control = { writing: true };
      const writer = (async () => {
        while (control.writing) {
          const id = `doc-${written.length}`;
          const seq = await ctx.db.write((ex, tx) => publish(ctx, ex, tx, 'movies', id, { id }));
          written.push({ id, seq });
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const joined: { stream: Stream; from: number | undefined }[] = [];
      for (let i = 0; i < 40; i++) {
        const last = written.at(-1)?.seq ?? 0;
        const from = i % 2 === 0 ? Math.max(0, last - 3) : undefined;
        const stream = await openStream(
          url,
          token,
          from === undefined ? undefined : { epoch: ctx.epoch, seq: from },
        );
        opened.push(stream);
        joined.push({ stream, from });
        await sleep(2);
      }
      control.writing = false;
      await writer;
      const lastSeq = written.at(-1)!.seq;

      for (const [n, { stream, from }] of joined.entries()) {
        const hello = await stream.next(isHello);
        const since = from ?? hello.checkpoint.seq;
        if (since < lastSeq)
          await stream
            .next((m) => m.type === 'changes' && m.checkpoint.seq >= lastSeq, 2000)
            .catch(() => undefined); // the assertion below names what is missing
        const seen = new Set(stream.messages.flatMap((m) => documentsIn(m, 'movies').map((d) => d.id)));
        const missed = written.filter((w) => w.seq > since && !seen.has(w.id)).map((w) => w.seq);
        expect(missed, `terminal ${n} (joined at ${since}) missed changes`).toEqual([]);
      }
    } finally {
      await Promise.all(opened.map((s) => s.close()));
      await slow.close();
    }
  });
});
