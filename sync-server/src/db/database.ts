/**
 * The storage contract every adapter implements (SQLite now, PostgreSQL for chains).
 * Repositories speak portable SQL with `?` placeholders through an {@link Executor}; an adapter
 * maps placeholders and types. Correctness never depends on one process's memory: arbitration is
 * done by unique keys and transactions in the database.
 */
export type SqlValue = string | number | bigint | null;

/** A count or a BIGINT column as read: PostgreSQL drivers return them as strings. */
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
   * A write transaction (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: serialised on the site's
   * sequence row). Rolled back if `fn` throws; `afterCommit` callbacks run once it committed.
   */
  write<T>(fn: (ex: Executor, tx: TxContext) => Promise<T>): Promise<T>;
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
