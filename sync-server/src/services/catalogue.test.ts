/**
 * The back-office services called directly, against a real server's SQLite file: schedule rules,
 * layouts, ticket types, price lists, staff, archiving, migration 2 and the demo seed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallLayout, LayoutCell, Showtime } from '@marquee/shared';
import { startTestServer, TestClock, type TestServer } from '../../../test/support/server.ts';
import type { ServerContext } from '../context.ts';
import { applyMigrations } from '../db/sqlite.ts';
import type { Actor } from './actors.ts';
import {
  cancelShowtime,
  createHall,
  createMovie,
  createPriceList,
  createShowtime,
  createTicketType,
  createUser,
  deleteHall,
  deleteTicketType,
  listHalls,
  updateHall,
  updateShowtime,
  updateUser,
} from './catalogue.ts';
import { createHold } from './holds.ts';
import { sell } from './orders.ts';
import { MIGRATIONS } from '../db/migrations.ts';
import { seedDemo } from '../seed.ts';

const MINUTE = 60_000;
/** A fixed "now", so programme times in these tests read like a timetable. */
const NOW = Date.parse('2031-03-03T01:00:00Z');
const at = (hhmm: string, day = '2031-03-05') => `${day}T${hhmm}:00.000Z`;

function buildLayout(rows = 3, seatsPerRow = 8): HallLayout {
  return {
    version: 1,
    rows: Array.from({ length: rows }, (_, r) => ({
      label: String.fromCharCode(65 + r),
      cells: Array.from({ length: seatsPerRow }, (_, s): LayoutCell => ({
        type: 'seat',
        label: String(s + 1),
        kind: 'standard',
      })),
    })),
  };
}

interface Catalogue {
  hallId: string;
  otherHallId: string;
  movieId: string;
  priceListId: string;
  adultId: string;
}

let server: TestServer;
let ctx: ServerContext;
let admin: Actor;
let catalogue: Catalogue;
let hallCount = 0;

/** A hall, a 105-minute film (120 minutes with trailers), adult tickets at 50.00. */
async function buildCatalogue(): Promise<Catalogue> {
  hallCount += 1;
  const adult = await createTicketType(ctx, admin, {
    code: `adult${hallCount}`,
    names: { en: 'Adult', 'zh-CN': '成人' },
  });
  const priceList = await createPriceList(ctx, admin, {
    name: `Standard ${hallCount}`,
    prices: [{ ticketTypeId: adult.id, priceClass: 'standard', amount: 5000 }],
  });
  const hall = await createHall(ctx, admin, {
    name: `Hall ${hallCount}`,
    features: [],
    layout: buildLayout(),
  });
  const otherHall = await createHall(ctx, admin, {
    name: `Hall ${hallCount}b`,
    features: ['3d'],
    layout: buildLayout(),
  });
  const movie = await createMovie(ctx, admin, {
    titles: { en: 'The Long Take', 'zh-CN': '长镜头' },
    runtimeMinutes: 105,
    rating: 'PG',
    genres: ['drama'],
  });
  return {
    hallId: hall.id,
    otherHallId: otherHall.id,
    movieId: movie.id,
    priceListId: priceList.id,
    adultId: adult.id,
  };
}

function schedule(startsAt: string, overrides: { hallId?: string; cleaningMinutes?: number } = {}) {
  return createShowtime(ctx, admin, {
    movieId: catalogue.movieId,
    hallId: overrides.hallId ?? catalogue.hallId,
    startsAt,
    ...(overrides.cleaningMinutes === undefined ? {} : { cleaningMinutes: overrides.cleaningMinutes }),
  });
}

async function count(sql: string, params: (string | number)[] = []): Promise<number> {
  const row = await ctx.db.read((ex) => ex.get<{ n: number }>(sql, params));
  return row?.n ?? 0;
}

async function sellSeats(showtime: Showtime, seatIds: string[]) {
  const hold = await createHold(ctx, admin, { showtimeId: showtime.id, seatIds });
  return sell(ctx, admin, {
    id: ctx.newId(),
    holdId: hold.id,
    lines: seatIds.map((seatId) => ({ seatId, ticketTypeId: catalogue.adultId })),
    payments: [{ method: 'card', amount: 5000 * seatIds.length }],
    expectedTotal: 5000 * seatIds.length,
  });
}

beforeAll(async () => {
  server = await startTestServer({ seed: false, clock: new TestClock(NOW) });
  ctx = server.ctx;
  const row = await ctx.db.read((ex) =>
    ex.get<{ id: string; name: string }>("SELECT id, name FROM staff_users WHERE role = 'admin'"),
  );
  if (row === undefined) throw new Error('no admin');
  admin = { kind: 'staff', id: row.id, role: 'admin', name: row.name };
  catalogue = await buildCatalogue();
});

afterAll(async () => {
  await server.close();
});

describe('scheduling showtimes', () => {
  it('fills in the end, cleaning, price list, sales window and layout version', async () => {
    const showtime = await schedule(at('08:00', '2031-03-04'));
    expect(showtime).toMatchObject({
      startsAt: '2031-03-04T08:00:00.000Z',
      endsAt: '2031-03-04T10:00:00.000Z', // 15 min of trailers + 105 min of film
      cleaningMinutes: 15,
      priceListId: catalogue.priceListId,
      status: 'on_sale',
      layoutVersion: 1,
      salesWindow: { opensAt: new Date(NOW).toISOString(), closesAt: '2031-03-04T08:15:00.000Z' },
    });
    const docs = await count(
      "SELECT COUNT(*) AS n FROM sync_docs WHERE id = ? AND collection IN ('showtimes', 'seat_maps')",
      [showtime.id],
    );
    expect(docs).toBe(2);
  });

  it('refuses a showtime overlapping another in the same hall, naming it, and writes nothing', async () => {
    const first = await schedule(at('10:00'));
    const before = await count('SELECT COUNT(*) AS n FROM showtimes');
    await expect(schedule(at('11:00'))).rejects.toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: first.id, reason: 'overlap', overlapMinutes: 60 },
    });
    expect(await count('SELECT COUNT(*) AS n FROM showtimes')).toBe(before);
  });

  it("refuses a start inside the previous showtime's cleaning time, and one whose cleaning runs into the next", async () => {
    const first = await schedule(at('14:00', '2031-03-11'));
    await expect(schedule(at('16:05', '2031-03-11'))).rejects.toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: first.id, reason: 'cleaning_buffer', overlapMinutes: 10 },
    });
    // 11:55–13:55, cleaned until 14:10: the 14:00 show could not start clean.
    await expect(schedule(at('11:55', '2031-03-11'))).rejects.toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: first.id, reason: 'cleaning_buffer' },
    });
  });

  it('accepts a showtime starting exactly when the previous cleaning ends, and the same time in another hall', async () => {
    await schedule(at('18:00'));
    await expect(schedule(at('20:15'))).resolves.toMatchObject({ startsAt: at('20:15') });
    await expect(schedule(at('18:00'), { hallId: catalogue.otherHallId })).resolves.toMatchObject({
      hallId: catalogue.otherHallId,
    });
  });

  it('refuses a start in the past', async () => {
    await expect(schedule(new Date(NOW - MINUTE).toISOString())).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'body.startsAt', rule: 'in_past' },
    });
  });

  it('names an unknown film as a field of the request', async () => {
    await expect(
      createShowtime(ctx, admin, {
        movieId: ctx.newId(),
        hallId: catalogue.hallId,
        startsAt: at('06:00', '2031-03-10'),
      }),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'body.movieId' } });
  });

  it('re-checks the schedule when a showtime moves, keeping its length', async () => {
    const early = await schedule(at('10:00', '2031-03-06'));
    const late = await schedule(at('13:00', '2031-03-06'));
    await expect(
      updateShowtime(ctx, admin, late.id, { startsAt: at('11:00', '2031-03-06') }),
    ).rejects.toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: early.id },
    });
    // Its own old slot is no obstacle.
    const moved = await updateShowtime(ctx, admin, late.id, { startsAt: at('12:30', '2031-03-06') });
    expect(moved).toMatchObject({ startsAt: at('12:30', '2031-03-06'), endsAt: at('14:30', '2031-03-06') });
    // A longer cleaning time is a schedule change too.
    await expect(updateShowtime(ctx, admin, early.id, { cleaningMinutes: 60 })).rejects.toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: late.id, reason: 'cleaning_buffer' },
    });
  });

  it('refuses to move a showtime with sold tickets, but still lets it be re-priced', async () => {
    const showtime = await schedule(at('10:00', '2031-03-07'));
    await sellSeats(showtime, ['A-1', 'A-2']);
    await expect(
      updateShowtime(ctx, admin, showtime.id, { startsAt: at('15:00', '2031-03-07') }),
    ).rejects.toMatchObject({
      code: 'invalid_state',
      details: { showtimeId: showtime.id, ticketsSold: 2 },
    });
    await expect(updateShowtime(ctx, admin, showtime.id, { status: 'closed' })).resolves.toMatchObject({
      status: 'closed',
    });
  });

  it('cancels a showtime: kept as cancelled, holds released, tickets kept, hall free again', async () => {
    const showtime = await schedule(at('10:00', '2031-03-08'));
    await sellSeats(showtime, ['B-1']);
    const hold = await createHold(ctx, admin, { showtimeId: showtime.id, seatIds: ['C-1'] });
    const cancelled = await cancelShowtime(ctx, admin, showtime.id);
    expect(cancelled.status).toBe('cancelled');
    expect(
      await count("SELECT COUNT(*) AS n FROM showtimes WHERE id = ? AND status = 'cancelled'", [showtime.id]),
    ).toBe(1);
    expect(
      await count("SELECT COUNT(*) AS n FROM holds WHERE id = ? AND status = 'released'", [hold.id]),
    ).toBe(1);
    expect(
      await count("SELECT COUNT(*) AS n FROM tickets WHERE showtime_id = ? AND status = 'valid'", [
        showtime.id,
      ]),
    ).toBe(1);
    await expect(schedule(at('10:00', '2031-03-08'))).resolves.toMatchObject({ status: 'on_sale' });
    // Idempotent.
    await expect(cancelShowtime(ctx, admin, showtime.id)).resolves.toMatchObject({ status: 'cancelled' });
    await expect(updateShowtime(ctx, admin, showtime.id, { status: 'on_sale' })).rejects.toMatchObject({
      code: 'invalid_state',
    });
  });
});

describe('halls', () => {
  it('refuses a layout with a repeated seat, naming the rule and the seat, and writes nothing', async () => {
    const layout = buildLayout(2, 4);
    const row = layout.rows[0];
    if (row === undefined) throw new Error('no row');
    row.cells[2] = { type: 'seat', label: '1', kind: 'standard' };
    const halls = await count('SELECT COUNT(*) AS n FROM halls');
    const docs = await count("SELECT COUNT(*) AS n FROM sync_docs WHERE collection = 'halls'");
    await expect(createHall(ctx, admin, { name: 'Broken', features: [], layout })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'body.layout', rule: 'duplicate_seat', row: 'A', seat: '1' },
    });
    expect(await count('SELECT COUNT(*) AS n FROM halls')).toBe(halls);
    expect(await count("SELECT COUNT(*) AS n FROM sync_docs WHERE collection = 'halls'")).toBe(docs);
  });

  it('names the field of a layout that does not even parse', async () => {
    const layout = {
      version: 1,
      rows: [{ label: 'A', cells: [{ type: 'seat', label: 'a1', kind: 'standard' }] }],
    };
    await expect(
      createHall(ctx, admin, { name: 'Lower', features: [], layout: layout as HallLayout }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'body.layout.rows.0.cells.0.label' },
    });
  });

  it('refuses a second hall with the same name', async () => {
    await expect(
      createHall(ctx, admin, { name: 'hall 1', features: [], layout: buildLayout() }),
    ).rejects.toMatchObject({
      code: 'conflict',
      details: { field: 'body.name' },
    });
  });

  it('bumps the layout version on a change and moves upcoming showtimes to it', async () => {
    const hall = await createHall(ctx, admin, { name: 'Studio 9', features: [], layout: buildLayout(2, 4) });
    const showtime = await schedule(at('10:00'), { hallId: hall.id });
    const same = await updateHall(ctx, admin, hall.id, { layout: buildLayout(2, 4) });
    expect(same.layout.version).toBe(1);
    const bigger = await updateHall(ctx, admin, hall.id, { layout: buildLayout(3, 4) });
    expect(bigger.layout.version).toBe(2);
    const doc = await ctx.db.read((ex) =>
      ex.get<{ body: string }>("SELECT body FROM sync_docs WHERE collection = 'seat_maps' AND id = ?", [
        showtime.id,
      ]),
    );
    expect(JSON.parse(doc?.body ?? '{}')).toMatchObject({ layoutVersion: 2 });
    await sellSeats({ ...showtime, layoutVersion: 2 }, ['C-4']);
    await expect(updateHall(ctx, admin, hall.id, { layout: buildLayout(2, 4) })).rejects.toMatchObject({
      code: 'invalid_state',
      details: { seatIds: ['C-4'] },
    });
  });

  it('keeps a hall with upcoming showtimes, and archives one that only has history', async () => {
    const hall = await createHall(ctx, admin, { name: 'Closing soon', features: [], layout: buildLayout() });
    const showtime = await schedule(at('10:00', '2031-03-09'), { hallId: hall.id });
    await expect(deleteHall(ctx, admin, hall.id)).rejects.toMatchObject({
      code: 'conflict',
      details: { showtimeIds: [showtime.id], count: 1 },
    });
    await cancelShowtime(ctx, admin, showtime.id);
    await deleteHall(ctx, admin, hall.id);
    expect((await listHalls(ctx)).map((h) => h.id)).not.toContain(hall.id);
    expect(
      await count('SELECT COUNT(*) AS n FROM halls WHERE id = ? AND archived_at IS NOT NULL', [hall.id]),
    ).toBe(1);
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM sync_docs WHERE collection = 'halls' AND id = ? AND deleted = 1",
        [hall.id],
      ),
    ).toBe(1);
  });
});

describe('ticket types and price lists', () => {
  it('refuses a second ticket type with the same code', async () => {
    await expect(
      createTicketType(ctx, admin, { code: 'adult1', names: { en: 'Adult again', 'zh-CN': '成人' } }),
    ).rejects.toMatchObject({ code: 'conflict', details: { field: 'body.code', code: 'adult1' } });
  });

  it('refuses a price for a ticket type that does not exist, naming the entry', async () => {
    await expect(
      createPriceList(ctx, admin, {
        name: 'Ghosts',
        prices: [
          { ticketTypeId: catalogue.adultId, priceClass: 'standard', amount: 100 },
          { ticketTypeId: ctx.newId(), priceClass: 'standard', amount: 100 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'body.prices.1.ticketTypeId' } });
  });

  it('prices in the site currency', async () => {
    const list = await createPriceList(ctx, admin, {
      name: 'Matinee',
      prices: [{ ticketTypeId: catalogue.adultId, priceClass: 'premium', amount: 6000 }],
    });
    expect(list.currency).toBe(ctx.site.currency);
  });

  it('keeps a ticket type a price list still uses', async () => {
    await expect(deleteTicketType(ctx, admin, catalogue.adultId)).rejects.toMatchObject({
      code: 'conflict',
      details: { priceListIds: expect.arrayContaining([catalogue.priceListId]) as unknown },
    });
  });
});

describe('staff accounts', () => {
  it('does not let an admin deactivate or demote themself', async () => {
    if (admin.kind !== 'staff') throw new Error('admin is staff');
    await expect(updateUser(ctx, admin, admin.id, { active: false })).rejects.toMatchObject({
      code: 'invalid_state',
    });
    await expect(updateUser(ctx, admin, admin.id, { role: 'manager' })).rejects.toMatchObject({
      code: 'invalid_state',
    });
  });

  it('lets only an admin grant the admin role, and refuses a taken username', async () => {
    const manager = await createUser(ctx, admin, {
      username: 'mgr.one',
      name: 'Manager One',
      role: 'manager',
      password: 'a long enough password',
    });
    const asManager: Actor = { kind: 'staff', id: manager.id, role: 'manager', name: manager.name };
    await expect(
      createUser(ctx, asManager, {
        username: 'boss',
        name: 'Boss',
        role: 'admin',
        password: 'a long enough password',
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      createUser(ctx, admin, {
        username: 'mgr.one',
        name: 'Again',
        role: 'cashier',
        password: 'a long enough password',
      }),
    ).rejects.toMatchObject({ code: 'conflict', details: { field: 'body.username' } });
  });
});

describe('migration 2 (catalogue-archive)', () => {
  it('adds archived_at to the catalogue tables of an existing database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-migration-'));
    try {
      const connection = new BetterSqlite3(join(dir, 'm.db'));
      applyMigrations(
        connection,
        MIGRATIONS.filter((m) => m.id === 1),
      );
      connection.prepare("INSERT INTO halls (id, name, body) VALUES ('h', 'Old', '{}')").run();
      expect(applyMigrations(connection)).toEqual([2]);
      for (const table of ['halls', 'movies', 'ticket_types', 'price_lists']) {
        const columns = connection.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
        expect(columns.map((c) => c.name)).toContain('archived_at');
      }
      expect(connection.prepare('SELECT archived_at FROM halls').get()).toEqual({ archived_at: null });
      connection.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the demo seed', () => {
  it('seeds 14 days × 10 halls into an empty database within seconds, publishing every document', async () => {
    const seeded = await startTestServer({ seed: false });
    try {
      const started = performance.now();
      const result = await seedDemo(seeded.ctx, {
        seed: 7,
        startDate: '2031-04-01',
        staffPassword: 'demo-password',
        days: 14,
        halls: 10,
      });
      const elapsed = performance.now() - started;
      expect(result.halls).toBe(10);
      expect(result.showtimes).toBeGreaterThan(700);
      // About half a second on an idle machine; the bound leaves room for a loaded CI runner.
      expect(elapsed).toBeLessThan(3000);
      const docs = await seeded.ctx.db.read((ex) =>
        ex.all<{ collection: string; n: number }>(
          'SELECT collection, COUNT(*) AS n FROM sync_docs GROUP BY collection',
        ),
      );
      const byCollection = Object.fromEntries(docs.map((d) => [d.collection, d.n]));
      expect(byCollection).toMatchObject({
        halls: 10,
        showtimes: result.showtimes,
        seat_maps: result.showtimes,
      });
      expect(seeded.ctx.site.name).toBe('Marquee Cinema Xuhui');
      // The configured admin keeps its password; the other demo staff sign in with the demo one.
      await expect(seeded.login('cashier1', 'demo-password')).resolves.toEqual(expect.any(String));
      await expect(
        seedDemo(seeded.ctx, { seed: 7, startDate: '2031-04-01', staffPassword: 'demo-password' }),
      ).rejects.toMatchObject({ code: 'invalid_state' });
    } finally {
      await seeded.close();
    }
  });
});
