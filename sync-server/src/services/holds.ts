import type { CreateHoldRequest, HoldResponse, Showtime, UpdateHoldRequest } from '@marquee/shared';
import {
  conflict,
  forbidden,
  holdExpired,
  invalidState,
  notFound,
  seatIndex,
  seatsUnavailable,
  validateSelection,
  validationFailed,
} from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { inTransaction, type Executor, type TxContext, type TxScope } from '../db/database.ts';
import { publishSeatMap } from '../sync/change-log.ts';
import { actorStaffId, actorTerminalId, type Actor } from './actors.ts';
import { loadHall, loadShowtime } from './catalogue-cache.ts';
import {
  claimSeats,
  claimsOf,
  releaseOwned,
  releaseSeats,
  seatsTakenByOthers,
  setHeldExpiry,
} from './seat-claims.ts';

/** Holds the sweeper expires in one transaction. */
const SWEEP_BATCH = 500;

export interface HoldRow {
  id: string;
  showtime_id: string;
  terminal_id: string | null;
  staff_user_id: string | null;
  seat_ids: string;
  status: 'active' | 'released' | 'expired' | 'sold';
  created_at: number;
  expires_at: number;
}

export function holdView(row: HoldRow): HoldResponse {
  return {
    id: row.id,
    showtimeId: row.showtime_id,
    seatIds: JSON.parse(row.seat_ids) as string[],
    expiresAt: new Date(row.expires_at).toISOString(),
  };
}

export function defaultTtlSeconds(ctx: ServerContext, actor: Actor): number {
  if (actor.kind === 'device' && actor.profile === 'kiosk') return ctx.config.holdTtlSeconds.kiosk;
  return ctx.config.holdTtlSeconds.box_office;
}

/** Seats must be on sale: the showtime sells and the sales window is open. */
export function assertSelling(showtime: Showtime, now: number): void {
  if (showtime.status !== 'on_sale') {
    throw invalidState(`showtime is ${showtime.status}`, {
      showtimeId: showtime.id,
      status: showtime.status,
    });
  }
  if (now < Date.parse(showtime.salesWindow.opensAt) || now >= Date.parse(showtime.salesWindow.closesAt)) {
    throw invalidState('sales for this showtime are closed', { showtimeId: showtime.id });
  }
}

async function checkSeats(
  ctx: ServerContext,
  ex: Executor,
  actor: Actor,
  showtime: Showtime,
  seatIds: readonly string[],
  ownHoldId: string | null,
): Promise<void> {
  const hall = await loadHall(ex, showtime.hallId);
  const index = seatIndex(hall.layout);
  const unknown = seatIds.filter((id) => !index.has(id));
  if (unknown.length > 0) {
    throw validationFailed(`no such seats in ${hall.name}: ${unknown.join(', ')}`, {
      field: 'body.seatIds',
      seatIds: unknown,
    });
  }
  const blocked = seatIds.filter((id) => index.get(id)?.blocked === true);
  if (blocked.length > 0) throw seatsUnavailable(blocked);
  // Kiosks are unattended: the server enforces their seat rules (limit, orphans, companions) too.
  if (actor.kind === 'device' && actor.profile === 'kiosk') {
    const verdict = validateSelection(hall.layout, await claimsOf(ex, showtime.id), seatIds, {
      now: ctx.now(),
      profile: 'kiosk',
      ...(ownHoldId === null ? {} : { ownClaimOwnerId: ownHoldId }),
    });
    if (!verdict.ok) {
      const { code, message, details } = verdict.error;
      if (code === 'seats_unavailable')
        throw seatsUnavailable((details?.['seatIds'] as string[] | undefined) ?? []);
      throw validationFailed(message, details);
    }
  }
}

export async function createHold(
  ctx: ServerContext,
  actor: Actor,
  input: CreateHoldRequest,
  scope?: TxScope,
): Promise<HoldResponse> {
  const id = input.id ?? ctx.newId();
  const ttl = Math.min(input.ttlSeconds ?? defaultTtlSeconds(ctx, actor), ctx.config.holdMaxSeconds);
  // In a rush for the same seats most claimers lose: refuse them on committed data, outside the
  // writer's queue. The transaction below still decides every winner (a seat freed in between is
  // merely refused, as if asked a moment earlier).
  if (scope === undefined) await refuseTakenSeats(ctx, id, input);
  return inTransaction(ctx.db, scope, async (ex, tx) => {
    const now = ctx.now();
    const existing = await ex.get<HoldRow>('SELECT * FROM holds WHERE id = ?', [id]);
    if (existing !== undefined) return sameHoldAgain(existing, actor, input, now);
    const showtime = await loadShowtime(ex, input.showtimeId);
    assertSelling(showtime, now);
    await checkSeats(ctx, ex, actor, showtime, input.seatIds, null);
    const expiresAt = now + ttl * 1000;
    await claimSeats(ex, showtime.id, input.seatIds, {
      state: 'held',
      ownerId: id,
      terminalId: actorTerminalId(actor),
      expiresAt,
      now,
    });
    const row: HoldRow = {
      id,
      showtime_id: showtime.id,
      terminal_id: actorTerminalId(actor),
      staff_user_id: actorStaffId(actor),
      seat_ids: JSON.stringify(input.seatIds),
      status: 'active',
      created_at: now,
      expires_at: expiresAt,
    };
    await ex.run(
      `INSERT INTO holds (id, showtime_id, terminal_id, staff_user_id, seat_ids, status, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        row.id,
        row.showtime_id,
        row.terminal_id,
        row.staff_user_id,
        row.seat_ids,
        row.status,
        row.created_at,
        row.expires_at,
      ],
    );
    await publishSeatMap(ctx, ex, tx, showtime.id);
    return holdView(row);
  });
}

async function refuseTakenSeats(ctx: ServerContext, holdId: string, input: CreateHoldRequest): Promise<void> {
  const taken = await ctx.db.read((ex) =>
    seatsTakenByOthers(ex, input.showtimeId, input.seatIds, holdId, ctx.now()),
  );
  if (taken.length === 0) return;
  // A retry of an existing hold gets the transaction's answer (its hold back, or hold_expired).
  const retry = await ctx.db.read((ex) => ex.get('SELECT 1 AS one FROM holds WHERE id = ?', [holdId]));
  if (retry === undefined) throw seatsUnavailable(taken);
}

/** A client retrying a create with the same id gets its hold back, not a second one. */
function sameHoldAgain(existing: HoldRow, actor: Actor, input: CreateHoldRequest, now: number): HoldResponse {
  assertOwner(existing, actor);
  const seats = JSON.parse(existing.seat_ids) as string[];
  const same =
    existing.showtime_id === input.showtimeId &&
    seats.length === input.seatIds.length &&
    seats.every((s) => input.seatIds.includes(s));
  if (!same) throw conflict('a different hold with this id exists', { holdId: existing.id });
  if (existing.status !== 'active' || existing.expires_at <= now) throw holdExpired(existing.id);
  return holdView(existing);
}

export function assertOwner(hold: HoldRow, actor: Actor): void {
  const owner =
    actor.kind === 'device'
      ? hold.terminal_id === actor.id
      : actor.kind === 'staff' && hold.staff_user_id === actor.id;
  if (!owner) throw forbidden('this hold belongs to another terminal or cashier');
}

export async function loadLiveHold(
  ex: Executor,
  actor: Actor,
  holdId: string,
  now: number,
): Promise<HoldRow> {
  const hold = await ex.get<HoldRow>('SELECT * FROM holds WHERE id = ?', [holdId]);
  if (hold === undefined) throw notFound('hold', holdId);
  assertOwner(hold, actor);
  if (hold.status !== 'active' || hold.expires_at <= now) throw holdExpired(holdId);
  return hold;
}

export async function updateHold(
  ctx: ServerContext,
  actor: Actor,
  holdId: string,
  change: UpdateHoldRequest,
  scope?: TxScope,
): Promise<HoldResponse> {
  return inTransaction(ctx.db, scope, async (ex, tx) => {
    const now = ctx.now();
    const hold = await loadLiveHold(ex, actor, holdId, now);
    let seatIds = JSON.parse(hold.seat_ids) as string[];
    // Extending is capped from the hold's creation, so a client cannot keep seats forever.
    const cap = hold.created_at + ctx.config.holdMaxSeconds * 1000;
    const expiresAt =
      change.ttlSeconds === undefined ? hold.expires_at : Math.min(now + change.ttlSeconds * 1000, cap);
    if (change.seatIds !== undefined) {
      const showtime = await loadShowtime(ex, hold.showtime_id);
      assertSelling(showtime, now);
      const wanted = change.seatIds;
      const added = wanted.filter((s) => !seatIds.includes(s));
      const removed = seatIds.filter((s) => !wanted.includes(s));
      await checkSeats(ctx, ex, actor, showtime, wanted, hold.id);
      await releaseSeats(ex, hold.showtime_id, hold.id, 'held', removed);
      if (added.length > 0) {
        await claimSeats(ex, hold.showtime_id, added, {
          state: 'held',
          ownerId: hold.id,
          terminalId: hold.terminal_id,
          expiresAt,
          now,
        });
      }
      seatIds = wanted;
    }
    await setHeldExpiry(ex, hold.id, expiresAt);
    await ex.run('UPDATE holds SET seat_ids = ?, expires_at = ? WHERE id = ?', [
      JSON.stringify(seatIds),
      expiresAt,
      hold.id,
    ]);
    await publishSeatMap(ctx, ex, tx, hold.showtime_id);
    return holdView({ ...hold, seat_ids: JSON.stringify(seatIds), expires_at: expiresAt });
  });
}

/** Releasing is idempotent: a hold already released, expired or sold stays as it is. */
export async function releaseHold(
  ctx: ServerContext,
  actor: Actor,
  holdId: string,
  scope?: TxScope,
): Promise<void> {
  await inTransaction(ctx.db, scope, async (ex, tx) => {
    const hold = await ex.get<HoldRow>('SELECT * FROM holds WHERE id = ?', [holdId]);
    if (hold === undefined) throw notFound('hold', holdId);
    assertOwner(hold, actor);
    if (hold.status !== 'active') return;
    await endHold(ctx, ex, tx, hold, 'released');
  });
}

export async function endHold(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  hold: Pick<HoldRow, 'id' | 'showtime_id'>,
  status: 'released' | 'expired',
): Promise<void> {
  await releaseOwned(ex, hold.id, 'held');
  await ex.run("UPDATE holds SET status = ? WHERE id = ? AND status = 'active'", [status, hold.id]);
  await publishSeatMap(ctx, ex, tx, hold.showtime_id);
}

/** A sale consumed the hold. */
export async function markHoldSold(ex: Executor, holdId: string): Promise<void> {
  await ex.run("UPDATE holds SET status = 'sold' WHERE id = ?", [holdId]);
}

/** The showtime was cancelled: its live holds end (their seats are freed by the caller). */
export function releaseHoldsOfShowtime(ex: Executor, showtimeId: string): Promise<number> {
  return ex.run("UPDATE holds SET status = 'released' WHERE showtime_id = ? AND status = 'active'", [
    showtimeId,
  ]);
}

/** The terminal was revoked: its live holds end (their seats are freed by the caller). */
export function releaseHoldsOfTerminal(ex: Executor, terminalId: string): Promise<number> {
  return ex.run("UPDATE holds SET status = 'released' WHERE terminal_id = ? AND status = 'active'", [
    terminalId,
  ]);
}

/**
 * Expires holds on the server's own clock, so their seats reappear in the change stream without
 * any client polling. Safe with several instances: one transaction that only acts on rows still
 * `active` and past expiry, and skips those another instance's sweep has already locked.
 */
export async function expireHolds(ctx: ServerContext): Promise<number> {
  const now = ctx.now();
  const due = await ctx.db.read((ex) =>
    ex.get<{ id: string }>("SELECT id FROM holds WHERE status = 'active' AND expires_at <= ? LIMIT 1", [now]),
  );
  if (due === undefined) return 0;
  return ctx.db.write(async (ex, tx) => {
    const holds = await ex.all<{ id: string; showtime_id: string }>(
      `SELECT id, showtime_id FROM holds WHERE status = 'active' AND expires_at <= ? LIMIT ?${ctx.db.skipLocked}`,
      [now, SWEEP_BATCH],
    );
    const showtimes = new Set<string>();
    for (const hold of holds) {
      await releaseOwned(ex, hold.id, 'held');
      await ex.run("UPDATE holds SET status = 'expired' WHERE id = ? AND status = 'active'", [hold.id]);
      showtimes.add(hold.showtime_id);
    }
    for (const showtimeId of showtimes) await publishSeatMap(ctx, ex, tx, showtimeId);
    return holds.length;
  });
}
