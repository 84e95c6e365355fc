/** The PostgreSQL adapter on a real throwaway PostgreSQL (test/support/postgres.ts). */
import { describe, expect, it } from 'vitest';
import { perFile } from '../../../test/support/per-file.ts';
import { startPostgres } from '../../../test/support/postgres.ts';
import { PostgresDatabase, toPostgresPlaceholders } from './postgres.ts';
import { MIGRATIONS } from './migrations.ts';
import { nextChangeNumber, settledHorizon } from '../sync/change-horizon.ts';

const postgres = perFile('postgres', startPostgres, (p) => p.stop());

describe('PostgreSQL adapter', () => {
  it('maps placeholders outside literals', () => {
    expect(toPostgresPlaceholders("SELECT ? , '?' -- ?\n, ?")).toBe("SELECT $1 , '?' -- ?\n, $2");
  });

  it('migrates once when two instances start together, and reads BIGINT sums as exact numbers', async () => {
    const url = postgres.createDatabase();
    const [a, b] = await Promise.all([
      PostgresDatabase.open({ url, poolSize: 2 }),
      PostgresDatabase.open({ url, poolSize: 2 }),
    ]);
    try {
      const applied = await a.read((ex) =>
        ex.all<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id'),
      );
      expect(applied.map((r) => r.id)).toEqual(MIGRATIONS.map((m) => m.id));
      await a.write((ex) =>
        ex.run(
          "INSERT INTO orders (id, code, showtime_id, total, currency, status, created_at, body) VALUES ('o1', 'c1', 's', ?, 'CNY', 'paid', ?, '{}'), ('o2', 'c2', 's', ?, 'CNY', 'paid', 1, '{}')",
          [4_503_599_627_370_495, 1_700_000_000_000, 1],
        ),
      );
      const row = await b.read((ex) =>
        ex.get<{ n: unknown; s: unknown }>('SELECT COUNT(*) AS n, SUM(total) AS s FROM orders'),
      );
      expect(row).toEqual({ n: 2, s: 4_503_599_627_370_496 });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('holds the change-log horizon below a number whose transaction has not committed yet', async () => {
    const db = await PostgresDatabase.open({ url: postgres.createDatabase(), poolSize: 4 });
    try {
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let early = 0;
      const taken = new Promise<void>((resolve) => {
        void db.write(async (ex) => {
          early = await nextChangeNumber(ex);
          resolve();
          await gate;
        });
      });
      await taken;
      const late = await db.write((ex) => nextChangeNumber(ex));
      expect(late).toBeGreaterThan(early);
      // The later number committed first: the horizon waits for the earlier one instead of passing it.
      const horizon = db.read((ex) => settledHorizon(ex));
      let settled = false;
      void horizon.then(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(settled).toBe(false);
      release();
      expect(await horizon).toBeGreaterThanOrEqual(late);
    } finally {
      await db.close();
    }
  });
});
