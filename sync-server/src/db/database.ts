/**
 * The storage contract every adapter implements (SQLite now, PostgreSQL for chains).
 * Repositories speak portable SQL with `?` placeholders through an {@link Executor}; an adapter
 * maps placeholders and types. Correctness never depends on one process's memory: arbitration is
 * done by unique keys and transactions in the database.
 */
export type SqlValue = string | number | bigint | null;

/** A count or a BIGINT column as read (both adapters answer numbers; kept for the reads that say so). */
export type DbInt = number | string;

export interface Executor {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Returns the number of rows changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface Database {
  readonly kind: 'sqlite' | 'postgres';
  /** A read against committed data. */
  read<T>(fn: (ex: Executor) => Promise<T>): Promise<T>;
  /**
   * A write transaction (SQLite: `BEGIN IMMEDIATE`, one at a time; PostgreSQL: READ COMMITTED,
   * concurrent, run again from the start when PostgreSQL aborts it for a deadlock). Rolled back if
   * `fn` throws; `afterCommit` callbacks run once it committed.
   */
  write<T>(fn: (ex: Executor, tx: TxContext) => Promise<T>): Promise<T>;
  /**
   * Inside a write: transactions that lock the same `key` run one after another from here to
   * their commit (PostgreSQL: an advisory transaction lock; SQLite writers are serial already).
   * For a read-then-write that no unique key arbitrates, e.g. a projection rebuilt from rows.
   */
  lock(ex: Executor, key: string): Promise<void>;
  /** Appended to a `SELECT` of rows a sweeper claims, so instances never take the same ones. */
  readonly skipLocked: string;
  /** Tells the other server instances that changes up to `seq` committed (nothing on SQLite). */
  announce(seq: number): void;
  /** Calls `listener` when any instance announced; answers the unsubscribe. */
  listen(listener: (seq: number) => void): Promise<() => void>;
  close(): Promise<void>;
}

export interface TxContext {
  afterCommit(callback: () => void): void;
}

/** An open transaction handed down so several services can act in one commit (e.g. a mutation). */
export interface TxScope {
  ex: Executor;
  tx: TxContext;
}

export function inTransaction<T>(
  db: Database,
  scope: TxScope | undefined,
  fn: (ex: Executor, tx: TxContext) => Promise<T>,
): Promise<T> {
  return scope === undefined ? db.write(fn) : fn(scope.ex, scope.tx);
}
