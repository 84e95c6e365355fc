/**
 * The sandbox's own state, in SQLite in its data directory, so a restart keeps merchants, orders,
 * refunds, undelivered callbacks and the card terminal's transactions (and its memory of which
 * transaction ids it has already charged).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';

export type Db = Database.Database;

const SCHEMA = [
  // 1: everything the first version keeps
  `
CREATE TABLE merchants (
  mchid TEXT PRIMARY KEY,
  appid TEXT NOT NULL,
  serial_no TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  api_v3_key TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE orders (
  mchid TEXT NOT NULL,
  out_trade_no TEXT NOT NULL,
  trade_type TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  appid TEXT NOT NULL,
  description TEXT NOT NULL,
  attach TEXT,
  total INTEGER NOT NULL,
  currency TEXT NOT NULL,
  notify_url TEXT,
  time_expire TEXT,
  code_url TEXT,
  auth_code TEXT,
  trade_state TEXT NOT NULL,
  trade_state_desc TEXT NOT NULL,
  transaction_id TEXT UNIQUE,
  openid TEXT,
  success_time INTEGER,
  revoked_time INTEGER,
  last_attempt TEXT,
  refunded INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (mchid, out_trade_no)
);
CREATE TABLE refunds (
  mchid TEXT NOT NULL,
  out_refund_no TEXT NOT NULL,
  refund_id TEXT NOT NULL UNIQUE,
  out_trade_no TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  amount INTEGER NOT NULL,
  total INTEGER NOT NULL,
  currency TEXT NOT NULL,
  reason TEXT,
  notify_url TEXT,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  due_at INTEGER,
  success_time INTEGER,
  PRIMARY KEY (mchid, out_refund_no)
);
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  mchid TEXT NOT NULL,
  subject TEXT NOT NULL,
  event_type TEXT NOT NULL,
  body TEXT NOT NULL,
  dropped INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  notification_id TEXT NOT NULL REFERENCES notifications(id),
  url TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  last_result TEXT,
  updated_at INTEGER NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (state, next_at);
CREATE TABLE payment_codes (
  auth_code TEXT PRIMARY KEY,
  behaviour TEXT NOT NULL,
  used_by TEXT,
  created_at INTEGER NOT NULL
);
CREATE TABLE bills (
  token TEXT PRIMARY KEY,
  mchid TEXT NOT NULL,
  body TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE card_transactions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  txn_id TEXT NOT NULL UNIQUE,
  op TEXT NOT NULL,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  original_txn_id TEXT,
  state TEXT NOT NULL,
  auth_code TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  voided INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`,
];

export function openStore(dataDir: string): Db {
  const db = new Database(join(dataDir, 'sandbox.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  const version = Number(db.pragma('user_version', { simple: true }));
  for (const [index, sql] of SCHEMA.entries()) {
    if (index < version) continue;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${index + 1}`);
    })();
  }
  return db;
}

export function getSetting(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
    { value: string } | undefined;
  return row?.value;
}

export function putSetting(db: Db, key: string, value: string): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}

export interface MerchantRow {
  mchid: string;
  appid: string;
  serial_no: string;
  public_key_pem: string;
  api_v3_key: string;
  created_at: number;
}

export interface OrderRow {
  mchid: string;
  out_trade_no: string;
  trade_type: 'NATIVE' | 'MICROPAY';
  fingerprint: string;
  appid: string;
  description: string;
  attach: string | null;
  total: number;
  currency: string;
  notify_url: string | null;
  time_expire: string | null;
  code_url: string | null;
  auth_code: string | null;
  trade_state: string;
  trade_state_desc: string;
  transaction_id: string | null;
  openid: string | null;
  success_time: number | null;
  revoked_time: number | null;
  last_attempt: string | null;
  refunded: number;
  created_at: number;
}

export interface RefundRow {
  mchid: string;
  out_refund_no: string;
  refund_id: string;
  out_trade_no: string;
  fingerprint: string;
  amount: number;
  total: number;
  currency: string;
  reason: string | null;
  notify_url: string | null;
  status: string;
  created_at: number;
  due_at: number | null;
  success_time: number | null;
}

export interface CardTransactionRow {
  seq: number;
  txn_id: string;
  op: 'sale' | 'refund';
  amount: number;
  currency: string;
  original_txn_id: string | null;
  state: string;
  auth_code: string;
  message: string;
  voided: number;
  created_at: number;
  finished_at: number | null;
}
