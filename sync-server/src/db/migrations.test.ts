/**
 * Each migration applied to a database as the version before it left it, with rows in it: one
 * test per migration (DESIGN §10, numbered and append-only).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.ts';
import { applyMigrations } from './sqlite.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A database file migrated up to, not including, migration `id`. */
function databaseBefore(id: number): BetterSqlite3.Database {
  dir = mkdtempSync(join(tmpdir(), 'marquee-migration-'));
  const connection = new BetterSqlite3(join(dir, 'm.db'));
  applyMigrations(
    connection,
    MIGRATIONS.filter((m) => m.id < id),
  );
  return connection;
}

/** Applies migration `id` (only it): answers the ids applied. */
const upgradeTo = (connection: BetterSqlite3.Database, id: number) =>
  applyMigrations(
    connection,
    MIGRATIONS.filter((m) => m.id <= id),
  );

const UUID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function insertShowtime(connection: BetterSqlite3.Database, id: string, priceListId: string): void {
  connection
    .prepare(
      "INSERT INTO showtimes (id, hall_id, movie_id, starts_at, ends_at, status, body) VALUES (?, 'h', 'm', 0, 1, 'on_sale', ?)",
    )
    .run(id, JSON.stringify({ id, hallId: 'h', movieId: 'm', priceListId, status: 'on_sale' }));
}

describe('migration 2 (catalogue-archive)', () => {
  it('adds archived_at to the catalogue tables of an existing database', () => {
    const connection = databaseBefore(2);
    connection.prepare("INSERT INTO halls (id, name, body) VALUES ('h', 'Old', '{}')").run();
    expect(upgradeTo(connection, 2)).toEqual([2]);
    for (const table of ['halls', 'movies', 'ticket_types', 'price_lists']) {
      const columns = connection.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      expect(columns.map((c) => c.name)).toContain('archived_at');
    }
    expect(connection.prepare('SELECT archived_at FROM halls').get()).toEqual({ archived_at: null });
    connection.close();
  });
});

describe('migration 3 (showtime-price-list)', () => {
  it("gives every existing showtime its price list's id as a column, indexed", () => {
    const connection = databaseBefore(3);
    connection.pragma('foreign_keys = OFF');
    insertShowtime(connection, UUID(1), UUID(10));
    insertShowtime(connection, UUID(2), UUID(11));
    expect(upgradeTo(connection, 3)).toEqual([3]);
    expect(connection.prepare('SELECT id, price_list_id FROM showtimes ORDER BY id').all()).toEqual([
      { id: UUID(1), price_list_id: UUID(10) },
      { id: UUID(2), price_list_id: UUID(11) },
    ]);
    const plan = connection
      .prepare('EXPLAIN QUERY PLAN SELECT id FROM showtimes WHERE price_list_id = ? LIMIT 1')
      .all(UUID(10)) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('showtimes_by_price_list');
    connection.close();
  });
});

describe('migration 4 (price-list-ticket-types)', () => {
  it('records the ticket types every existing price list prices or names in a rule, once each', () => {
    const connection = databaseBefore(4);
    const adult = UUID(1);
    const child = UUID(2);
    const senior = UUID(3);
    const list = {
      id: UUID(10),
      prices: [
        { ticketTypeId: adult, priceClass: 'standard', amount: 5000 },
        { ticketTypeId: adult, priceClass: 'premium', amount: 6000 },
        { ticketTypeId: child, priceClass: 'standard', amount: 3000 },
      ],
      rules: [{ name: 'Matinee', ticketTypeIds: [senior, adult] }, { name: 'All' }],
    };
    const unused = { id: UUID(11), prices: [{ ticketTypeId: child }], rules: [] };
    for (const body of [list, unused]) {
      connection
        .prepare('INSERT INTO price_lists (id, body) VALUES (?, ?)')
        .run(body.id, JSON.stringify(body));
    }
    expect(upgradeTo(connection, 4)).toEqual([4]);
    expect(
      connection
        .prepare(
          'SELECT price_list_id AS list, ticket_type_id AS type FROM price_list_ticket_types ORDER BY 1, 2',
        )
        .all(),
    ).toEqual([
      { list: UUID(10), type: adult },
      { list: UUID(10), type: child },
      { list: UUID(10), type: senior },
      { list: UUID(11), type: child },
    ]);
    connection.close();
  });
});
