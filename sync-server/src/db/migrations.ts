/**
 * Numbered, append-only migrations, shared by SQLite and PostgreSQL. Never edit one that has
 * shipped: add the next number. SQL here is portable (TEXT JSON, BIGINT epoch milliseconds); where
 * the dialects differ (JSON functions, sequences) a migration carries PostgreSQL's own text.
 */
export interface Migration {
  id: number;
  name: string;
  /** Portable SQL, or SQLite's where `postgres` is given. */
  sql: string;
  /** PostgreSQL's text of the same step, where it cannot be said portably. */
  postgres?: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'init',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  seq BIGINT NOT NULL DEFAULT 0,
  body TEXT NOT NULL
);

-- The replicated projection: latest version of every synced document, ordered by site sequence.
CREATE TABLE sync_docs (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  body TEXT NOT NULL,
  PRIMARY KEY (collection, id)
);
CREATE INDEX sync_docs_by_seq ON sync_docs (collection, seq);
CREATE INDEX sync_docs_by_global_seq ON sync_docs (seq);

CREATE TABLE staff_users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  role TEXT NOT NULL,
  expires_at BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_subject ON sessions (subject_id);

CREATE TABLE enrollment_codes (
  code_hash TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  profile TEXT NOT NULL,
  lease_policy TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  created_by TEXT NOT NULL
);

CREATE TABLE terminals (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  profile TEXT NOT NULL,
  public_key TEXT NOT NULL UNIQUE,
  key_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  lease_policy TEXT NOT NULL,
  enrolled_at BIGINT NOT NULL
);

CREATE TABLE halls (id TEXT PRIMARY KEY, name TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE movies (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE ticket_types (id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE price_lists (id TEXT PRIMARY KEY, body TEXT NOT NULL);

CREATE TABLE showtimes (
  id TEXT PRIMARY KEY,
  hall_id TEXT NOT NULL REFERENCES halls (id),
  movie_id TEXT NOT NULL REFERENCES movies (id),
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX showtimes_by_hall ON showtimes (hall_id, starts_at);
CREATE INDEX showtimes_by_start ON showtimes (starts_at);

-- Seat arbitration: one row per claimed (showtime, seat); the primary key is the lock.
CREATE TABLE seat_claims (
  showtime_id TEXT NOT NULL,
  seat_id TEXT NOT NULL,
  state TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  terminal_id TEXT,
  expires_at BIGINT,
  PRIMARY KEY (showtime_id, seat_id)
);
CREATE INDEX seat_claims_by_owner ON seat_claims (owner_id);
CREATE INDEX seat_claims_by_expiry ON seat_claims (expires_at);

CREATE TABLE holds (
  id TEXT PRIMARY KEY,
  showtime_id TEXT NOT NULL,
  terminal_id TEXT,
  staff_user_id TEXT,
  seat_ids TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX holds_by_status_expiry ON holds (status, expires_at);

CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  showtime_id TEXT NOT NULL,
  hold_id TEXT,
  terminal_id TEXT,
  staff_user_id TEXT,
  total BIGINT NOT NULL,
  refunded BIGINT NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  status TEXT NOT NULL,
  offline INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX orders_by_created ON orders (created_at);

CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders (id),
  showtime_id TEXT NOT NULL,
  seat_id TEXT NOT NULL,
  ticket_type_id TEXT NOT NULL,
  price BIGINT NOT NULL,
  status TEXT NOT NULL,
  token TEXT NOT NULL,
  issued_at BIGINT NOT NULL
);
-- Invariant 1 a second time, independent of seat_claims: one valid ticket per seat and showtime.
CREATE UNIQUE INDEX tickets_one_valid_per_seat ON tickets (showtime_id, seat_id) WHERE status = 'valid';
CREATE INDEX tickets_by_order ON tickets (order_id);

CREATE TABLE admissions (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL,
  showtime_id TEXT NOT NULL,
  terminal_id TEXT,
  at BIGINT NOT NULL,
  verdict TEXT NOT NULL,
  duplicate INTEGER NOT NULL DEFAULT 0
);
-- The first admission wins: at most one non-duplicate 'admitted' row per ticket.
CREATE UNIQUE INDEX admissions_first_wins ON admissions (ticket_id) WHERE verdict = 'admitted' AND duplicate = 0;

CREATE TABLE leases (
  id TEXT PRIMARY KEY,
  showtime_id TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  seat_ids TEXT NOT NULL,
  status TEXT NOT NULL,
  granted_at BIGINT NOT NULL,
  deadline BIGINT NOT NULL
);
CREATE INDEX leases_by_status ON leases (status, deadline);

CREATE TABLE signing_keys (
  key_id TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  owner TEXT NOT NULL,
  terminal_id TEXT,
  revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE applied_mutations (
  terminal_id TEXT NOT NULL,
  mutation_id TEXT NOT NULL,
  result TEXT NOT NULL,
  applied_at BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, mutation_id)
);

CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  subject TEXT,
  details TEXT NOT NULL
);
`,
  },
  {
    id: 2,
    name: 'catalogue-archive',
    // Showtimes keep pointing at the hall, movie and price list they were sold with (and tickets at
    // their ticket type), so a back-office delete of something with history archives it instead:
    // hidden from lists and replicas, still readable for orders and reports.
    sql: `
ALTER TABLE halls ADD COLUMN archived_at BIGINT;
ALTER TABLE movies ADD COLUMN archived_at BIGINT;
ALTER TABLE ticket_types ADD COLUMN archived_at BIGINT;
ALTER TABLE price_lists ADD COLUMN archived_at BIGINT;
`,
  },
  {
    id: 3,
    name: 'showtime-price-list',
    // Which showtimes use a price list (can it be deleted? archived?) is asked of a column, not of
    // the JSON body. Backfilled with SQLite's json_extract (JSON1); a PostgreSQL dialect would say
    // (body::jsonb)->>'priceListId'.
    sql: `
ALTER TABLE showtimes ADD COLUMN price_list_id TEXT;
UPDATE showtimes SET price_list_id = json_extract(body, '$.priceListId');
CREATE INDEX showtimes_by_price_list ON showtimes (price_list_id, ends_at);
`,
    postgres: `
ALTER TABLE showtimes ADD COLUMN price_list_id TEXT;
UPDATE showtimes SET price_list_id = (body::jsonb)->>'priceListId';
CREATE INDEX showtimes_by_price_list ON showtimes (price_list_id, ends_at);
`,
  },
  {
    id: 4,
    name: 'price-list-ticket-types',
    // The ticket types a price list prices or names in a rule, so deleting a ticket type finds
    // the lists using it by key. Backfilled from the bodies with json_each (JSON1, as above).
    sql: `
CREATE TABLE price_list_ticket_types (
  price_list_id TEXT NOT NULL,
  ticket_type_id TEXT NOT NULL,
  PRIMARY KEY (price_list_id, ticket_type_id)
);
CREATE INDEX price_list_ticket_types_by_type ON price_list_ticket_types (ticket_type_id);
INSERT INTO price_list_ticket_types (price_list_id, ticket_type_id)
  SELECT p.id, json_extract(e.value, '$.ticketTypeId') FROM price_lists p, json_each(p.body, '$.prices') e
  UNION
  SELECT p.id, t.value FROM price_lists p, json_each(p.body, '$.rules') r, json_each(r.value, '$.ticketTypeIds') t;
`,
    postgres: `
CREATE TABLE price_list_ticket_types (
  price_list_id TEXT NOT NULL,
  ticket_type_id TEXT NOT NULL,
  PRIMARY KEY (price_list_id, ticket_type_id)
);
CREATE INDEX price_list_ticket_types_by_type ON price_list_ticket_types (ticket_type_id);
INSERT INTO price_list_ticket_types (price_list_id, ticket_type_id)
  SELECT p.id, e->>'ticketTypeId' FROM price_lists p,
    jsonb_array_elements(COALESCE((p.body::jsonb)->'prices', '[]'::jsonb)) e
  UNION
  SELECT p.id, t FROM price_lists p,
    jsonb_array_elements(COALESCE((p.body::jsonb)->'rules', '[]'::jsonb)) r,
    jsonb_array_elements_text(COALESCE(r->'ticketTypeIds', '[]'::jsonb)) t;
`,
  },
  {
    id: 5,
    name: 'change-sequence',
    // PostgreSQL numbers the change log from a sequence, not from the `sites.seq` row every
    // writer would queue on (sync/change-log.ts says how readers stay in commit order). SQLite
    // serialises its writers and keeps counting on `sites.seq`.
    sql: `SELECT 1;`,
    postgres: `
CREATE SEQUENCE sync_change_seq;
SELECT setval('sync_change_seq',
  GREATEST((SELECT COALESCE(MAX(seq), 0) FROM sync_docs), (SELECT COALESCE(MAX(seq), 0) FROM sites)) + 1,
  false);
`,
  },
];
