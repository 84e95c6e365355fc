/**
 * The `seat_claims` table: one row per claimed (showtime, seat), whose primary key arbitrates
 * every seat (DESIGN §5). Holds, leases, orders, the back office and the seat-map document all
 * read and change claims through these functions, so the table's rules live in one place.
 */
import type { SeatClaim } from '@marquee/shared';
import { seatsUnavailable } from '@marquee/shared';
import type { DbInt, Executor } from '../db/database.ts';

type ClaimState = SeatClaim['state'];
/** States that expire: a held or leased claim past its expiry is free. */
type ExpiringState = 'held' | 'leased';

export interface ClaimRow {
  seat_id: string;
  state: ClaimState;
  owner_id: string;
  terminal_id: string | null;
  expires_at: number | null;
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function claimOf(row: ClaimRow): SeatClaim {
  const claim: SeatClaim = { seatId: row.seat_id, state: row.state, ownerId: row.owner_id };
  if (row.terminal_id !== null) claim.terminalId = row.terminal_id;
  if (row.expires_at !== null) claim.expiresAt = new Date(row.expires_at).toISOString();
  return claim;
}

/** Every claim of a showtime (expired ones included: readers judge expiry against their `now`). */
export async function claimsOf(ex: Executor, showtimeId: string): Promise<SeatClaim[]> {
  const rows = await ex.all<ClaimRow>(
    'SELECT seat_id, state, owner_id, terminal_id, expires_at FROM seat_claims WHERE showtime_id = ? ORDER BY seat_id',
    [showtimeId],
  );
  return rows.map(claimOf);
}

/**
 * Claims `seatIds` for `ownerId` all-or-nothing. Expired holds and leases on those seats are
 * cleared first; the primary key on (showtime, seat) arbitrates between concurrent claimers. On
 * failure the caller's transaction is rolled back by the thrown error, so nothing is half-claimed.
 */
export async function claimSeats(
  ex: Executor,
  showtimeId: string,
  seatIds: readonly string[],
  claim: {
    state: ExpiringState;
    ownerId: string;
    terminalId: string | null;
    expiresAt: number;
    now: number;
  },
): Promise<void> {
  await ex.run(
    `DELETE FROM seat_claims WHERE showtime_id = ? AND seat_id IN (${placeholders(seatIds.length)})
       AND state IN ('held', 'leased') AND expires_at <= ?`,
    [showtimeId, ...seatIds, claim.now],
  );
  let claimed = 0;
  for (const seatId of seatIds) {
    claimed += await ex.run(
      `INSERT INTO seat_claims (showtime_id, seat_id, state, owner_id, terminal_id, expires_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [showtimeId, seatId, claim.state, claim.ownerId, claim.terminalId, claim.expiresAt],
    );
  }
  if (claimed === seatIds.length) return;
  const taken = await ex.all<{ seat_id: string }>(
    `SELECT seat_id FROM seat_claims WHERE showtime_id = ? AND seat_id IN (${placeholders(seatIds.length)})
       AND owner_id <> ? ORDER BY seat_id`,
    [showtimeId, ...seatIds, claim.ownerId],
  );
  throw seatsUnavailable(taken.map((r) => r.seat_id));
}

/** Of `seatIds`, those another owner claims and that have not expired at `now`. */
export async function seatsTakenByOthers(
  ex: Executor,
  showtimeId: string,
  seatIds: readonly string[],
  ownerId: string,
  now: number,
): Promise<string[]> {
  const rows = await ex.all<{ seat_id: string }>(
    `SELECT seat_id FROM seat_claims WHERE showtime_id = ? AND seat_id IN (${placeholders(seatIds.length)})
       AND owner_id <> ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY seat_id`,
    [showtimeId, ...seatIds, ownerId, now],
  );
  return rows.map((r) => r.seat_id);
}

/** Of `seatIds`, those `ownerId` claims in `state`. */
export async function seatsOwned(
  ex: Executor,
  ownerId: string,
  state: ClaimState,
  seatIds: readonly string[],
): Promise<string[]> {
  const rows = await ex.all<{ seat_id: string }>(
    `SELECT seat_id FROM seat_claims WHERE owner_id = ? AND state = ? AND seat_id IN (${placeholders(seatIds.length)})`,
    [ownerId, state, ...seatIds],
  );
  return rows.map((r) => r.seat_id);
}

/** How many seats `ownerId` claims in `state`; with `liveAt`, only those not expired by then. */
export async function countOwned(
  ex: Executor,
  ownerId: string,
  state: ExpiringState,
  liveAt?: number,
): Promise<number> {
  const row =
    liveAt === undefined
      ? await ex.get<{ n: DbInt }>('SELECT COUNT(*) AS n FROM seat_claims WHERE owner_id = ? AND state = ?', [
          ownerId,
          state,
        ])
      : await ex.get<{ n: DbInt }>(
          'SELECT COUNT(*) AS n FROM seat_claims WHERE owner_id = ? AND state = ? AND expires_at > ?',
          [ownerId, state, liveAt],
        );
  return Number(row?.n ?? 0);
}

/** Seats of a showtime leased to terminals and not yet reclaimable at `now`. */
export async function countLeased(ex: Executor, showtimeId: string, now: number): Promise<number> {
  const row = await ex.get<{ n: DbInt }>(
    "SELECT COUNT(*) AS n FROM seat_claims WHERE showtime_id = ? AND state = 'leased' AND expires_at > ?",
    [showtimeId, now],
  );
  return Number(row?.n ?? 0);
}

/** Frees every seat `ownerId` claims in `state`. */
export async function releaseOwned(ex: Executor, ownerId: string, state: ExpiringState): Promise<void> {
  await ex.run('DELETE FROM seat_claims WHERE owner_id = ? AND state = ?', [ownerId, state]);
}

/** Frees the named seats `ownerId` claims in `state` (seats it does not own are left alone). */
export async function releaseSeats(
  ex: Executor,
  showtimeId: string,
  ownerId: string,
  state: ClaimState,
  seatIds: readonly string[],
): Promise<void> {
  if (seatIds.length === 0) return;
  await ex.run(
    `DELETE FROM seat_claims WHERE showtime_id = ? AND owner_id = ? AND state = ? AND seat_id IN (${placeholders(seatIds.length)})`,
    [showtimeId, ownerId, state, ...seatIds],
  );
}

/** Frees every held seat of a showtime (a cancelled showtime sells nothing more). */
export async function releaseHeldOfShowtime(ex: Executor, showtimeId: string): Promise<void> {
  await ex.run("DELETE FROM seat_claims WHERE showtime_id = ? AND state = 'held'", [showtimeId]);
}

/** Frees every seat a terminal holds or leases; answers the showtimes whose seat maps changed. */
export async function releaseTerminalClaims(ex: Executor, terminalId: string): Promise<string[]> {
  const touched = await ex.all<{ showtime_id: string }>(
    "SELECT DISTINCT showtime_id FROM seat_claims WHERE terminal_id = ? AND state IN ('held', 'leased')",
    [terminalId],
  );
  await ex.run("DELETE FROM seat_claims WHERE terminal_id = ? AND state IN ('held', 'leased')", [terminalId]);
  return touched.map((r) => r.showtime_id);
}

/** Moves a hold's expiry (an extension or a change of seats). */
export async function setHeldExpiry(ex: Executor, holdId: string, expiresAt: number): Promise<void> {
  await ex.run("UPDATE seat_claims SET expires_at = ? WHERE owner_id = ? AND state = 'held'", [
    expiresAt,
    holdId,
  ]);
}

/** A sale: the hold's seats become the order's, for good. */
export async function sellHeld(ex: Executor, holdId: string, orderId: string): Promise<void> {
  await ex.run(
    "UPDATE seat_claims SET state = 'sold', owner_id = ?, expires_at = NULL WHERE owner_id = ? AND state = 'held'",
    [orderId, holdId],
  );
}

/** An offline sale: a leased seat becomes the order's. */
export async function sellLeasedSeat(
  ex: Executor,
  showtimeId: string,
  seatId: string,
  leaseId: string,
  orderId: string,
): Promise<void> {
  await ex.run(
    "UPDATE seat_claims SET state = 'sold', owner_id = ?, expires_at = NULL WHERE showtime_id = ? AND seat_id = ? AND owner_id = ?",
    [orderId, showtimeId, seatId, leaseId],
  );
}

/**
 * Seats taken (sold, blocked, or held and leased until after `now`) for showtimes of a hall that
 * are not over yet and not cancelled: what a new layout of the hall must keep.
 */
export async function takenInUpcomingShowtimes(
  ex: Executor,
  hallId: string,
  now: number,
): Promise<{ showtimeId: string; seatId: string }[]> {
  const rows = await ex.all<{ showtime_id: string; seat_id: string }>(
    `SELECT c.showtime_id, c.seat_id FROM seat_claims c JOIN showtimes s ON s.id = c.showtime_id
      WHERE s.hall_id = ? AND s.ends_at > ? AND s.status <> 'cancelled'
        AND (c.state IN ('sold', 'blocked') OR c.expires_at > ?)`,
    [hallId, now, now],
  );
  return rows.map((r) => ({ showtimeId: r.showtime_id, seatId: r.seat_id }));
}
