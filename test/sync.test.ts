/**
 * The sync protocol (DESIGN §7) against a real server: RxDB-shaped pulls with checkpoints, one
 * seat-map document per showtime, and a change stream that pushes holds, sales and expiries to
 * every other terminal as they commit — including the ones a reconnecting terminal missed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeatMapDoc, SYNC_COLLECTIONS } from '@marquee/shared';
import type { Checkpoint, HoldResponse, StreamServerMessage, SyncDocument } from '@marquee/shared';
import { createMarqueeServer } from '../sync-server/src/app.ts';
import { bootstrap } from '../sync-server/src/bootstrap.ts';
import { loadConfig } from '../sync-server/src/config.ts';
import type { Database } from '../sync-server/src/db/database.ts';
import { SqliteDatabase } from '../sync-server/src/db/sqlite.ts';
import { publish } from '../sync-server/src/sync/change-log.ts';
import { ADMIN, DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from './support/server.ts';
import {
  documentsIn,
  freeSeats,
  isChanges,
  isHello,
  openStream,
  pullAll,
  sellSeats,
  StreamRefused,
  upcomingShowtimes,
  type Stream,
} from './support/terminal.ts';
import { enrollDevice, type Device } from './support/enroll.ts';

let server: TestServer;
/** Terminal A sells; terminal B (a door) only listens. */
let till: Device;
let door: Device;
let cashier: string;
let showtimes: string[];
const streams: Stream[] = [];

/** Each test sells on its own showtime so tests never see each other's seats. */
let nextShowtime = 0;
function aShowtime(): string {
  const id = showtimes[nextShowtime++];
  if (id === undefined) throw new Error('not enough showtimes on sale');
  return id;
}

async function listen(token: string, checkpoint?: Checkpoint): Promise<Stream> {
  const stream = await openStream(server.url, token, checkpoint);
  streams.push(stream);
  return stream;
}

/** The seat map in a synced document, checked against the contract. */
function seatMap(doc: SyncDocument): SeatMapDoc {
  const { _deleted, _seq, ...body } = doc;
  return SeatMapDoc.parse(body);
}

function stateOf(doc: SyncDocument, seatId: string): string {
  return seatMap(doc).claims.find((c) => c.seatId === seatId)?.state ?? 'free';
}

/** A `changes` frame carrying the seat map of `showtimeId` in which `test` holds. */
function seatMapChange(showtimeId: string, test: (doc: SyncDocument) => boolean) {
  return (m: StreamServerMessage) =>
    documentsIn(m, 'seat_maps').some((doc) => doc.id === showtimeId && test(doc));
}

async function hold(token: string, showtimeId: string, seatIds: string[], ttlSeconds?: number) {
  const res = await server.api('POST', '/holds', {
    token,
    body: { showtimeId, seatIds, ...(ttlSeconds === undefined ? {} : { ttlSeconds }) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as HoldResponse;
}

beforeAll(async () => {
  server = await startTestServer();
  [till, door] = await Promise.all([
    enrollDevice(server, 'box_office', 'Till 1'),
    enrollDevice(server, 'gate', 'Door 1'),
  ]);
  cashier = await server.login('cashier1', DEMO_STAFF_PASSWORD);
  showtimes = await upcomingShowtimes(server, cashier);
});
afterAll(async () => {
  await Promise.all(streams.map((s) => s.close()));
  await server.close();
});

describe('pull', () => {
  it('answers in the shape RxDB replicates: documents with _deleted and _seq, and the checkpoint of the last one', async () => {
    const res = await server.api('GET', '/sync/pull?collection=showtimes&limit=5', { token: door.token });
    expect(res.status).toBe(200);
    const body = res.body as { documents: SyncDocument[]; checkpoint: Checkpoint };
    expect(Object.keys(body).sort()).toEqual(['checkpoint', 'documents']);
    expect(body.documents).toHaveLength(5);
    const seqs = body.documents.map((d) => d._seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const doc of body.documents) {
      expect(typeof doc.id).toBe('string');
      expect(doc._deleted).toBe(false);
    }
    const health = await server.api('GET', '/health');
    expect(body.checkpoint).toEqual({ epoch: health.body.epoch, seq: seqs.at(-1) });
  });

  it('paging by a small limit visits every showtime exactly once', async () => {
    const paged = await pullAll(server, door.token, 'showtimes', undefined, 37);
    const ids = paged.documents.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    const inDb = await server.ctx.db.read((ex) => ex.all<{ id: string }>('SELECT id FROM showtimes'));
    expect(inDb.length).toBeGreaterThan(37 * 3);
    expect(new Set(ids)).toEqual(new Set(inDb.map((r) => r.id)));
    expect(paged.pages).toBe(Math.ceil(inDb.length / 37));
    // Pulling again from the end finds nothing new.
    const again = await pullAll(server, door.token, 'showtimes', paged.checkpoint);
    expect(again.documents).toEqual([]);
    expect(again.checkpoint).toEqual(paged.checkpoint);
  });

  it('tells a replica from another epoch (a restored database) to resync from the beginning', async () => {
    const fresh = await server.api('GET', '/sync/pull?collection=showtimes&limit=10', { token: door.token });
    const res = await server.api(
      'GET',
      '/sync/pull?collection=showtimes&limit=10&checkpoint=before-restore:999999',
      {
        token: door.token,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.resync).toBe(true);
    expect(res.body.checkpoint.epoch).toBe(fresh.body.checkpoint.epoch);
    expect(res.body.documents).toEqual(fresh.body.documents);
    expect(fresh.body.resync).toBeUndefined();
  });

  it('refuses a malformed checkpoint or an unknown collection with validation_failed', async () => {
    for (const query of [
      'collection=showtimes&checkpoint=12',
      'collection=everything',
      'collection=showtimes&limit=0',
    ]) {
      const res = await server.api('GET', `/sync/pull?${query}`, { token: door.token });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});

describe('seat map document', () => {
  it('is one document per showtime that changes as a seat is held, sold and released', async () => {
    const showtimeId = aShowtime();
    const [a, b] = await freeSeats(server, cashier, showtimeId);
    const start = (await pullAll(server, door.token, 'seat_maps')).checkpoint;

    const held = await hold(till.token, showtimeId, [a!]);
    const afterHold = await pullAll(server, door.token, 'seat_maps', start);
    expect(afterHold.documents.map((d) => d.id)).toEqual([showtimeId]);
    const heldDoc = afterHold.documents[0]!;
    expect(seatMap(heldDoc).claims).toContainEqual(
      expect.objectContaining({
        seatId: a,
        state: 'held',
        terminalId: till.terminalId,
        expiresAt: held.expiresAt,
      }),
    );

    await sellSeats(server, till.token, showtimeId, [a!], { holdId: held.id });
    const afterSale = await pullAll(server, door.token, 'seat_maps', afterHold.checkpoint);
    expect(afterSale.documents.map((d) => d.id)).toEqual([showtimeId]);
    expect(stateOf(afterSale.documents[0]!, a!)).toBe('sold');

    const second = await hold(till.token, showtimeId, [b!]);
    const afterSecond = await pullAll(server, door.token, 'seat_maps', afterSale.checkpoint);
    expect(stateOf(afterSecond.documents[0]!, b!)).toBe('held');
    expect((await server.api('DELETE', `/holds/${second.id}`, { token: till.token })).status).toBeLessThan(
      300,
    );
    const afterRelease = await pullAll(server, door.token, 'seat_maps', afterSecond.checkpoint);
    expect(afterRelease.documents.map((d) => d.id)).toEqual([showtimeId]);
    expect(stateOf(afterRelease.documents[0]!, b!)).toBe('free');
    expect(stateOf(afterRelease.documents[0]!, a!)).toBe('sold');

    // A full pull still has one document per showtime: the latest version only.
    const all = await pullAll(server, door.token, 'seat_maps');
    const ids = all.documents.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    const latest = all.documents.find((d) => d.id === showtimeId)!;
    expect(latest._seq).toBe(afterRelease.documents[0]!._seq);
    expect(seatMap(latest).claims.map((c) => [c.seatId, c.state])).toEqual([[a, 'sold']]);
  });
});

describe('stream', () => {
  it('greets a terminal with hello: the current checkpoint and the server time', async () => {
    const pulled = await pullAll(server, door.token, 'site');
    const stream = await listen(door.token);
    const hello = await stream.next(isHello);
    expect(stream.messages[0]).toBe(hello);
    expect(hello.checkpoint.epoch).toBe(pulled.checkpoint.epoch);
    expect(hello.checkpoint.seq).toBeGreaterThanOrEqual(pulled.checkpoint.seq);
    expect(Math.abs(Date.parse(hello.serverTime) - server.clock.now())).toBeLessThan(5000);
  });

  it('shows terminal B a seat held on terminal A as a seat_maps change within 1 s', async () => {
    const showtimeId = aShowtime();
    const [seat] = await freeSeats(server, cashier, showtimeId);
    const stream = await listen(door.token);
    await stream.next(isHello);
    const started = performance.now();
    await hold(till.token, showtimeId, [seat!]);
    const frame = await stream.next(
      seatMapChange(showtimeId, (doc) => stateOf(doc, seat!) === 'held'),
      1000,
    );
    expect(performance.now() - started).toBeLessThan(1000);
    const doc = documentsIn(frame, 'seat_maps').find((d) => d.id === showtimeId)!;
    expect(seatMap(doc).claims.find((c) => c.seatId === seat)).toMatchObject({
      state: 'held',
      terminalId: till.terminalId,
    });
    if (frame.type === 'changes') expect(frame.checkpoint.seq).toBeGreaterThanOrEqual(doc._seq);
  });

  it('frees an expired hold in the stream without any client asking', async () => {
    const showtimeId = aShowtime();
    const [seat] = await freeSeats(server, cashier, showtimeId);
    const stream = await listen(door.token);
    await stream.next(isHello);
    const held = await hold(till.token, showtimeId, [seat!], 60);
    await stream.next(seatMapChange(showtimeId, (doc) => stateOf(doc, seat!) === 'held'));
    server.clock.advance(Date.parse(held.expiresAt) - server.clock.now() + 1);
    // Nobody calls the server now: the sweeper notices the expiry on its own.
    const frame = await stream.next(
      seatMapChange(showtimeId, (doc) => stateOf(doc, seat!) === 'free'),
      2000,
    );
    expect(frame.type).toBe('changes');
    const map = await server.api('GET', `/showtimes/${showtimeId}/seats`, { token: cashier });
    expect((map.body.seats as { id: string; state: string }[]).find((s) => s.id === seat)?.state).toBe(
      'free',
    );
  });

  it('sends a reconnecting terminal exactly the changes it missed, then only new ones', async () => {
    const showtimeId = aShowtime();
    const [a, b, c] = await freeSeats(server, cashier, showtimeId);
    const first = await listen(door.token);
    const { checkpoint: lastSeen } = await first.next(isHello);
    await first.close();

    // While B is away: a sale (tickets + seat map) and a hold.
    await sellSeats(server, till.token, showtimeId, [a!, b!]);
    const held = await hold(till.token, showtimeId, [c!]);
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
    expect(stateOf(live.changes[0]!.documents[0]!, c!)).toBe('free');
  });

  it('sends nothing on reconnect when nothing was missed', async () => {
    const first = await listen(door.token);
    const { checkpoint } = await first.next(isHello);
    await first.close();
    const again = await listen(door.token, checkpoint);
    await again.next(isHello);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(again.messages.map((m) => m.type)).toEqual(['hello']);
  });

  it('tells a terminal whose checkpoint is from another epoch to resync', async () => {
    const stream = await listen(door.token, { epoch: 'before-restore', seq: 5 });
    await stream.next(isHello);
    const resync = await stream.next((m) => m.type === 'resync');
    expect(resync).toMatchObject({ type: 'resync', reason: expect.any(String) });
  });

  it('accepts the token as ?access_token= for browsers', async () => {
    const stream = await openStream(server.url, door.token, undefined, { tokenIn: 'query' });
    streams.push(stream);
    await stream.next(isHello);
  });

  it('refuses the upgrade with 400 validation_failed when the checkpoint is malformed', async () => {
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
    const targets = showtimes.slice(nextShowtime, nextShowtime + 16);
    nextShowtime += targets.length;
    const seats = await Promise.all(targets.map((id) => freeSeats(server, cashier, id)));
    const start = (await pullAll(server, door.token, 'seat_maps')).checkpoint;

    // Terminals connect (half from a checkpoint, half fresh) while holds commit on 16 showtimes.
    const joining = Array.from({ length: 24 }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i));
      const checkpoint = i % 2 === 0 ? start : undefined;
      return { stream: await listen(door.token, checkpoint), checkpoint };
    });
    const holds = targets.flatMap((showtimeId, i) =>
      [0, 1, 2].map((k) => hold(till.token, showtimeId, [seats[i]![k]!])),
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
    const dataDir = mkdtempSync(join(tmpdir(), 'marquee-slow-reads-'));
    const loaded = loadConfig({
      MARQUEE_DATA_DIR: dataDir,
      MARQUEE_ADMIN_USER: ADMIN.username,
      MARQUEE_ADMIN_PASSWORD: ADMIN.password,
      MARQUEE_LOG_LEVEL: 'silent',
    });
    if (!loaded.ok) throw new Error(loaded.message);
    const db = new SlowReads(new SqliteDatabase(join(dataDir, 'marquee.db')));
    const { ctx } = await bootstrap(loaded.config, pino({ level: 'silent' }), { db });
    const slow = createMarqueeServer(ctx);
    await new Promise<void>((resolve) => slow.http.listen(0, '127.0.0.1', () => resolve()));
    const address = slow.http.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const opened: Stream[] = [];
    try {
      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      });
      const { token } = (await login.json()) as { token: string };

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
        await new Promise((resolve) => setTimeout(resolve, 2));
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
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
