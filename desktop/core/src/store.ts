/**
 * The terminal's one SQLite file: the replica of the server's documents, the sync checkpoints,
 * the outbox, local admissions, leases and offline sales, and the terminal's config. Everything
 * the terminal acknowledges is committed here first.
 */
import Database from 'better-sqlite3';

const MIGRATIONS: readonly { id: number; sql: string }[] = [
  {
    id: 1,
    sql: `
CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Replica: latest version of each server document; lseq orders local changes for the UI.
CREATE TABLE docs (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  lseq INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (collection, id)
);
CREATE INDEX docs_by_lseq ON docs (collection, lseq);
CREATE TABLE checkpoints (collection TEXT PRIMARY KEY, epoch TEXT NOT NULL, seq INTEGER NOT NULL);
-- Outbox: intents the server has not acknowledged yet, in the order they were made.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  args TEXT NOT NULL,
  status TEXT NOT NULL,
  result TEXT,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_by_status ON outbox (status, seq);
CREATE TABLE local_admissions (
  ticket_id TEXT PRIMARY KEY,
  admission_id TEXT NOT NULL,
  showtime_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE leases (
  id TEXT PRIMARY KEY,
  showtime_id TEXT NOT NULL,
  seat_ids TEXT NOT NULL,
  server_granted_at INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  mono_at_grant REAL NOT NULL,
  boot_id TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE TABLE lease_sales (
  lease_id TEXT NOT NULL,
  seat_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  PRIMARY KEY (lease_id, seat_id)
);
CREATE TABLE local_holds (
  id TEXT PRIMARY KEY,
  showtime_id TEXT NOT NULL,
  seat_ids TEXT NOT NULL,
  lease_id TEXT,
  expires_at INTEGER NOT NULL
);
CREATE TABLE sales (
  id TEXT PRIMARY KEY,
  showtime_id TEXT NOT NULL,
  offline INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`,
  },
  {
    id: 2,
    // A door looks every scanned ticket up among the replicated admissions (thousands a day):
    // without this index each scan read and parsed all of them.
    sql: `CREATE INDEX docs_admission_ticket ON docs (json_extract(body, '$.ticketId')) WHERE collection = 'admissions';`,
  },
  {
    id: 3,
    sql: `
-- Print queue (printing/print-queue.ts). A job is written in the transaction of the sale it
-- prints, so a sale that is acknowledged always has its tickets queued. payload is the data
-- the layout needs (not printer bytes): a job may print on a backup printer of another width.
CREATE TABLE print_jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  -- 'ticket:<ticketId>' or 'receipt:<orderId>' for originals, so queueing twice prints once.
  dedupe_key TEXT UNIQUE,
  order_id TEXT,
  ticket_id TEXT,
  payload TEXT NOT NULL,
  summary TEXT NOT NULL,
  reprint_of TEXT,
  -- queued -> sending (first byte may be out) -> sent (all bytes out) -> done, or attention
  -- when the outcome cannot be known; cancelled by an operator.
  status TEXT NOT NULL,
  printer TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  done_at INTEGER
);
CREATE INDEX print_jobs_by_status ON print_jobs (status, seq);
CREATE INDEX print_jobs_by_order ON print_jobs (order_id);
-- Every cash drawer opening, with who and why: the local audit a cash-up is checked against.
CREATE TABLE drawer_events (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  order_id TEXT,
  actor_id TEXT,
  actor_name TEXT,
  reason TEXT,
  printer TEXT,
  outcome TEXT NOT NULL,
  error TEXT
);
`,
  },
];

export type Db = Database.Database;

export function openStore(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged sale must survive power loss, not just a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY)');
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id),
  );
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (id) VALUES (?)').run(migration.id);
    }).immediate();
  }
  return db;
}

export function getKv(db: Db, key: string): string | undefined {
  return (db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function setKv(db: Db, key: string, value: string): void {
  db.prepare(
    'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
