/**
 * PostgreSQL through the `pg` driver: a pool of connections (size configurable), the portable `?`
 * placeholders mapped to `$n`, BIGINT and counts read as numbers (refusing one beyond 2^53, so
 * money in minor units stays exact), write transactions that retry on a deadlock, and the shared
 * numbered migrations applied at start under an advisory lock so instances starting together
 * migrate once. LISTEN/NOTIFY carries the "changes committed" wake-up between instances.
 */
import pg from 'pg';
import type { Database, Executor, SqlValue, TxContext } from './database.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

const INT8_OID = 20;
const NUMERIC_OID = 1700;
/** Advisory lock keys (the first of the two int4 keys says "marquee"). */
const LOCK_SPACE = 0x4d51;
const MIGRATION_LOCK = 1;
const CHANGES_CHANNEL = 'marquee_changes';
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

function exactNumber(text: string): number {
  const value = Number(text);
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new Error(`integer ${text} is beyond what a number holds exactly`);
  }
  return value;
}

const builtinParser = pg.types.getTypeParser as (oid: number, format?: string) => (text: string) => unknown;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID || oid === NUMERIC_OID
      ? exactNumber
      : builtinParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

const mapped = new Map<string, string>();

/** `?` → `$1, $2, …`, leaving string literals, quoted names and comments alone. */
export function toPostgresPlaceholders(sql: string): string {
  const cached = mapped.get(sql);
  if (cached !== undefined) return cached;
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i] as string;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop + 1);
      i = stop;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  mapped.set(sql, out);
  return out;
}

class PostgresExecutor implements Executor {
  constructor(private readonly client: pg.PoolClient | pg.Pool) {}

  private async query<T>(
    sql: string,
    params: readonly SqlValue[],
  ): Promise<{ rows: T[]; rowCount: number | null }> {
    const values = params.map((p) => (typeof p === 'bigint' ? p.toString() : p));
    const result: { rows: unknown[]; rowCount: number | null } = await this.client.query(
      toPostgresPlaceholders(sql),
      values,
    );
    return { rows: result.rows as T[], rowCount: result.rowCount };
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.query<T>(sql, params)).rows;
  }

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.query<T>(sql, params)).rows[0];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }
}

export interface PostgresOptions {
  url: string;
  poolSize: number;
  migrations?: readonly Migration[];
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** Applies the migrations not yet applied, holding a session advisory lock while it does. */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[]): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set(
      (await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id),
    );
    const newlyApplied: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.id)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.postgres ?? migration.sql);
        await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
          migration.id,
          migration.name,
          Date.now(),
        ]);
        await client.query('COMMIT');
        newlyApplied.push(migration.id);
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return newlyApplied;
  } finally {
    await client
      .query('SELECT pg_advisory_unlock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK])
      .catch(() => undefined);
    client.release();
  }
}

export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly skipLocked = ' FOR UPDATE SKIP LOCKED';
  private readonly poolExecutor: PostgresExecutor;
  private listener: pg.Client | undefined;
  private readonly listeners = new Set<(seq: number) => void>();
  private announcing: Promise<void> | undefined;
  private pendingAnnounce: number | undefined;
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    private readonly url: string,
  ) {
    this.poolExecutor = new PostgresExecutor(pool);
  }

  /** Connects, migrates (once across instances) and answers the database. */
  static async open(options: PostgresOptions): Promise<PostgresDatabase> {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize, types });
    // An idle connection that dies (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    try {
      await migratePostgres(pool, options.migrations ?? MIGRATIONS);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresDatabase(pool, options.url);
  }

  read<T>(fn: (ex: Executor) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    // Autocommit statements on pooled connections: each sees what has committed when it starts.
    return fn(this.poolExecutor);
  }

  async write<T>(fn: (ex: Executor, tx: TxContext) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new Error('database is closed');
      const client = await this.pool.connect();
      const callbacks: (() => void)[] = [];
      let result: T;
      try {
        await client.query('BEGIN');
        result = await fn(new PostgresExecutor(client), { afterCommit: (cb) => callbacks.push(cb) });
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
        // Rows locked in opposite orders by two transactions: PostgreSQL aborts one; run it again.
        if (attempt < MAX_ATTEMPTS && RETRYABLE.has(errorCode(error) ?? '')) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
          continue;
        }
        throw error;
      }
      client.release();
      for (const callback of callbacks) callback();
      return result;
    }
  }

  async lock(ex: Executor, key: string): Promise<void> {
    await ex.get('SELECT pg_advisory_xact_lock(?, hashtext(?))', [LOCK_SPACE + 1, key]);
  }

  /** NOTIFY other instances, at most one in flight: a burst of commits is one notification. */
  announce(seq: number): void {
    if (this.closed) return;
    this.pendingAnnounce = Math.max(this.pendingAnnounce ?? 0, seq);
    if (this.announcing !== undefined) return;
    const send = async (): Promise<void> => {
      while (this.pendingAnnounce !== undefined && !this.closed) {
        const value = this.pendingAnnounce;
        this.pendingAnnounce = undefined;
        await this.pool
          .query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, String(value)])
          .catch(() => undefined);
      }
      this.announcing = undefined;
    };
    this.announcing = send();
  }

  async listen(listener: (seq: number) => void): Promise<() => void> {
    this.listeners.add(listener);
    if (this.listener === undefined) {
      const client = new pg.Client({ connectionString: this.url, types });
      client.on('error', () => undefined);
      client.on('notification', (message) => {
        const seq = Number(message.payload);
        if (Number.isFinite(seq)) for (const each of this.listeners) each(seq);
      });
      this.listener = client;
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    }
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.announcing;
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
    await this.pool.end();
  }
}
