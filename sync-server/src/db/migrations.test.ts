/**
 * Each migration applied to a database as the version before it left it: one test per migration
 * (DESIGN §10, numbered and append-only).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.ts';
import { applyMigrations } from './sqlite.ts';

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
