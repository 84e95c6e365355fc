/**
 * Offline escrow (DESIGN §6). While online, a terminal leases a few seats per upcoming showtime;
 * they look `leased` to everyone else. Offline, it sells only those, until the lease deadline on
 * its monotonic clock. The server reclaims a lease only after deadline + skew grace, so a sale the
 * terminal made before its deadline always finds its seats still leased when it syncs.
 */
import type { Lease } from '@marquee/shared';
import {
  bestAvailable,
  forbidden,
  invalidState,
  notFound,
  seatsUnavailable,
  unavailableSeats,
} from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor, TxContext, TxScope } from '../db/database.ts';
import { inTransaction } from '../db/database.ts';
import { publish, publishSeatMap } from '../sync/change-log.ts';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { loadHall, loadShowtime } from './catalogue-cache.ts';
import { assertSelling } from './holds.ts';
import { claimSeats, claimsOf, countOwned, releaseOwned, releaseSeats } from './seat-claims.ts';
import { leasePolicyOf } from './terminals.ts';

/** A terminal's clock may be off by this much; the server waits this long past a deadline. */
export const LEASE_SKEW_GRACE_MS = 10 * 60 * 1000;

export interface LeaseRow {
  id: string;
  showtime_id: string;
  terminal_id: string;
  seat_ids: string;
  status: 'active' | 'returned' | 'reclaimed';
  granted_at: number;
  deadline: number;
}

/** The replicated lease (a returned or fully sold lease has no seats left). */
export type LeaseView = Lease;

export function leaseView(row: LeaseRow): LeaseView {
  return {
    id: row.id,
    showtimeId: row.showtime_id,
    terminalId: row.terminal_id,
    seatIds: JSON.parse(row.seat_ids) as string[],
    grantedAt: new Date(row.granted_at).toISOString(),
    deadline: new Date(row.deadline).toISOString(),
    status: row.status,
  };
}

async function publishLease(ctx: ServerContext, ex: Executor, tx: TxContext, row: LeaseRow): Promise<void> {
  await publish(ctx, ex, tx, 'leases', row.id, leaseView(row));
}

function deviceOf(actor: Actor): { id: string } {
  if (actor.kind !== 'device') throw forbidden('leases are granted to terminals');
  return actor;
}

/** Grants (or returns the live) lease of this terminal for a showtime, of up to `seats` seats. */
export async function requestLease(
  ctx: ServerContext,
  actor: Actor,
  input: { showtimeId: string; seats: number },
  scope?: TxScope,
): Promise<LeaseView> {
  const device = deviceOf(actor);
  return inTransaction(ctx.db, scope, async (ex, tx) => {
    const now = ctx.now();
    const existing = await ex.get<LeaseRow>(
      "SELECT * FROM leases WHERE terminal_id = ? AND showtime_id = ? AND status = 'active' AND deadline > ?",
      [device.id, input.showtimeId, now],
    );
    if (existing !== undefined) return leaseView(existing);
    const { seatsPerShowtime, hoursAhead } = (await leasePolicyOf(ex, device.id)) ?? {
      seatsPerShowtime: 0,
      hoursAhead: 0,
    };
    const count = Math.min(input.seats, seatsPerShowtime);
    if (count === 0) throw forbidden('the lease policy of this terminal allows no offline seats');
    const showtime = await loadShowtime(ex, input.showtimeId);
    assertSelling(showtime, now);
    if (Date.parse(showtime.startsAt) - now > hoursAhead * 3_600_000) {
      throw invalidState('showtime is further ahead than the lease policy allows', { hoursAhead });
    }
    const hall = await loadHall(ex, showtime.hallId);
    const taken = unavailableSeats(hall.layout, await claimsOf(ex, showtime.id), now);
    const seatIds = bestAvailable(hall.layout, taken, count) ?? bestAvailable(hall.layout, taken, 1);
    if (seatIds === null) throw seatsUnavailable([]);
    const deadline = Date.parse(showtime.salesWindow.closesAt);
    const id = ctx.newId();
    await claimSeats(ex, showtime.id, seatIds, {
      state: 'leased',
      ownerId: id,
      terminalId: device.id,
      expiresAt: deadline + LEASE_SKEW_GRACE_MS,
      now,
    });
    const row: LeaseRow = {
      id,
      showtime_id: showtime.id,
      terminal_id: device.id,
      seat_ids: JSON.stringify(seatIds),
      status: 'active',
      granted_at: now,
      deadline,
    };
    await ex.run(
      'INSERT INTO leases (id, showtime_id, terminal_id, seat_ids, status, granted_at, deadline) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [row.id, row.showtime_id, row.terminal_id, row.seat_ids, row.status, row.granted_at, row.deadline],
    );
    await publishLease(ctx, ex, tx, row);
    await publishSeatMap(ctx, ex, tx, showtime.id);
    await audit(ex, ctx, actor, 'lease.grant', id, { showtimeId: showtime.id, seatIds });
    return leaseView(row);
  });
}

export async function loadOwnLease(ex: Executor, actor: Actor, leaseId: string): Promise<LeaseRow> {
  const device = deviceOf(actor);
  const lease = await ex.get<LeaseRow>('SELECT * FROM leases WHERE id = ?', [leaseId]);
  if (lease === undefined) throw notFound('lease', leaseId);
  if (lease.terminal_id !== device.id) throw forbidden('this lease belongs to another terminal');
  return lease;
}

/** Gives unsold leased seats back (all, or the ones named). Idempotent. */
export async function returnLease(
  ctx: ServerContext,
  actor: Actor,
  input: { leaseId: string; seatIds?: string[] | undefined },
  scope?: TxScope,
): Promise<LeaseView> {
  return inTransaction(ctx.db, scope, async (ex, tx) => {
    const lease = await loadOwnLease(ex, actor, input.leaseId);
    if (lease.status !== 'active') return leaseView(lease);
    const seats = JSON.parse(lease.seat_ids) as string[];
    const giving = input.seatIds ?? seats;
    await releaseSeats(ex, lease.showtime_id, lease.id, 'leased', giving);
    const left = await countOwned(ex, lease.id, 'leased');
    const remaining = seats.filter((s) => !giving.includes(s));
    const row: LeaseRow = {
      ...lease,
      seat_ids: JSON.stringify(remaining),
      status: left === 0 ? 'returned' : 'active',
    };
    await ex.run('UPDATE leases SET seat_ids = ?, status = ? WHERE id = ?', [
      row.seat_ids,
      row.status,
      row.id,
    ]);
    await publishLease(ctx, ex, tx, row);
    await publishSeatMap(ctx, ex, tx, lease.showtime_id);
    return leaseView(row);
  });
}

/** Leases past deadline + grace go back on sale. Called by the sweeper (of every instance: each
 * takes the leases no other sweep has locked). */
export async function reclaimLeases(ctx: ServerContext): Promise<number> {
  const now = ctx.now();
  const due = await ctx.db.read((ex) =>
    ex.get("SELECT id FROM leases WHERE status = 'active' AND deadline <= ? LIMIT 1", [
      now - LEASE_SKEW_GRACE_MS,
    ]),
  );
  if (due === undefined) return 0;
  return ctx.db.write(async (ex, tx) => {
    const leases = await ex.all<LeaseRow>(
      `SELECT * FROM leases WHERE status = 'active' AND deadline <= ? LIMIT 200${ctx.db.skipLocked}`,
      [now - LEASE_SKEW_GRACE_MS],
    );
    for (const lease of leases) {
      await releaseOwned(ex, lease.id, 'leased');
      await ex.run("UPDATE leases SET status = 'reclaimed' WHERE id = ?", [lease.id]);
      await publishLease(ctx, ex, tx, { ...lease, status: 'reclaimed' });
      await publishSeatMap(ctx, ex, tx, lease.showtime_id);
    }
    return leases.length;
  });
}

/**
 * A revoked terminal's live leases end at once (its seats are freed by the caller): it may have
 * been stolen, so its offline sales must not go on. Answers how many were live.
 */
export async function reclaimLeasesOfTerminal(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  terminalId: string,
): Promise<number> {
  const leases = await ex.all<LeaseRow>("SELECT * FROM leases WHERE terminal_id = ? AND status = 'active'", [
    terminalId,
  ]);
  await ex.run("UPDATE leases SET status = 'reclaimed' WHERE terminal_id = ? AND status = 'active'", [
    terminalId,
  ]);
  for (const lease of leases) await publishLease(ctx, ex, tx, { ...lease, status: 'reclaimed' });
  return leases.length;
}

/** An offline sale took `seatIds` from the lease; a lease with nothing left is returned. */
export async function leaseSeatsSold(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  lease: LeaseRow,
  seatIds: readonly string[],
): Promise<void> {
  const remaining = (JSON.parse(lease.seat_ids) as string[]).filter((s) => !seatIds.includes(s));
  const row: LeaseRow = {
    ...lease,
    seat_ids: JSON.stringify(remaining),
    status: remaining.length === 0 ? 'returned' : lease.status,
  };
  await ex.run('UPDATE leases SET seat_ids = ?, status = ? WHERE id = ?', [row.seat_ids, row.status, row.id]);
  await publishLease(ctx, ex, tx, row);
}
