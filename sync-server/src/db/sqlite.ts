import BetterSqlite3 from 'better-sqlite3';
import type { Database, Executor, SqlValue, TxContext } from './database.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';

type Connection = BetterSqlite3.Database;

/** Executor over one better-sqlite3 connection, with prepared statements cached by SQL text. */
class SqliteExecutor implements Executor {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly connection: Connection) {}

  private prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.connection.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  allSync<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.prepare(sql).all(...params) as T[];
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return Promise.resolve(this.allSync<T>(sql, params));
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return Promise.resolve(this.prepare(sql).get(...params) as T | undefined);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const statement = this.prepare(sql);
    // better-sqlite3 refuses run() on statements that return rows (e.g. `RETURNING`).
    if (statement.reader) return Promise.resolve(statement.all(...params).length);
    return Promise.resolve(statement.run(...params).changes);
  }
}

function openConnection(file: string, readonly: boolean): Connection {
  const connection = new BetterSqlite3(file, { readonly, fileMustExist: readonly });
  connection.pragma('busy_timeout = 5000');
  if (!readonly) {
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    connection.pragma('foreign_keys = ON');
  }
  return connection;
}

export function applyMigrations(
  connection: Connection,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  connection.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    (connection.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id),
  );
  const newlyApplied: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    connection.exec('BEGIN IMMEDIATE');
    try {
      connection.exec(migration.sql);
      connection
        .prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
        .run(migration.id, migration.name, Date.now());
      connection.exec('COMMIT');
      newlyApplied.push(migration.id);
    } catch (error) {
      connection.exec('ROLLBACK');
      throw error;
    }
  }
  return newlyApplied;
}

/**
 * SQLite with WAL: one writer connection (transactions `BEGIN IMMEDIATE`, queued in order because a
 * connection runs one transaction at a time) and a separate reader connection that only ever sees
 * committed data, even while a write transaction is between two awaits.
 */
export class SqliteDatabase implements Database {
  readonly kind = 'sqlite' as const;
  private readonly writer: Connection;
  private readonly reader: Connection;
  private readonly writeExecutor: SqliteExecutor;
  private readonly readExecutor: SqliteExecutor;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(readonly file: string) {
    this.writer = openConnection(file, false);
    applyMigrations(this.writer);
    this.reader = file === ':memory:' ? this.writer : openConnection(file, true);
    this.writeExecutor = new SqliteExecutor(this.writer);
    this.readExecutor = new SqliteExecutor(this.reader);
  }

  read<T>(fn: (ex: Executor) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    return fn(this.readExecutor);
  }

  write<T>(fn: (ex: Executor, tx: TxContext) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.closed) throw new Error('database is closed');
      const callbacks: (() => void)[] = [];
      this.writer.exec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await fn(this.writeExecutor, { afterCommit: (cb) => callbacks.push(cb) });
        this.writer.exec('COMMIT');
      } catch (error) {
        if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
        throw error;
      }
      for (const callback of callbacks) callback();
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  lock(): Promise<void> {
    return Promise.resolve();
  }

  readonly skipLocked = '';

  announce(): void {}

  listen(): Promise<() => void> {
    return Promise.resolve(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    if (this.reader !== this.writer) this.reader.close();
    this.writer.close();
  }
}
