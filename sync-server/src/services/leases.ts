/**
 * Offline escrow (DESIGN §6). While online, a terminal leases a few seats per upcoming showtime;
 * they look `leased` to everyone else. Offline, it sells only those, until the lease deadline on
 * its monotonic clock. The server reclaims a lease only after deadline + skew grace, so a sale the
 * terminal made before its deadline always finds its seats still leased when it syncs.
 */
import type { OfflineSaleArgs, OrderResponse, TicketType } from '@marquee/shared';
import type { z } from 'zod';
import { bestAvailable, priceSelection, unavailableSeats, verifyTicket, keyringFrom } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor, TxContext, TxScope } from '../db/database.ts';
import { inTransaction } from '../db/database.ts';
import { publish, publishSeatMap, claimOf } from '../sync/change-log.ts';
import { forbidden, invalidState, notFound, seatsUnavailable, validationFailed } from '@marquee/shared';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { loadHall, loadPriceList, loadShowtime, loadTicketTypes } from './catalogue-cache.ts';
import { assertSelling, claimSeats } from './holds.ts';
import { insertTicket, readOrder, settlePayments, ticketDoc, uniqueOrderCode } from './orders.ts';

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

export interface LeaseView {
  id: string;
  showtimeId: string;
  terminalId: string;
  seatIds: string[];
  grantedAt: string;
  deadline: string;
  status: LeaseRow['status'];
}

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
    const policy = await ex.get<{ lease_policy: string }>('SELECT lease_policy FROM terminals WHERE id = ?', [
      device.id,
    ]);
    const { seatsPerShowtime, hoursAhead } = JSON.parse(
      policy?.lease_policy ?? '{"seatsPerShowtime":0,"hoursAhead":0}',
    ) as {
      seatsPerShowtime: number;
      hoursAhead: number;
    };
    const count = Math.min(input.seats, seatsPerShowtime);
    if (count === 0) throw forbidden('the lease policy of this terminal allows no offline seats');
    const showtime = await loadShowtime(ex, input.showtimeId);
    assertSelling(showtime, now);
    if (Date.parse(showtime.startsAt) - now > hoursAhead * 3_600_000) {
      throw invalidState('showtime is further ahead than the lease policy allows', { hoursAhead });
    }
    const hall = await loadHall(ex, showtime.hallId);
    const rows = await ex.all<Parameters<typeof claimOf>[0]>(
      'SELECT seat_id, state, owner_id, terminal_id, expires_at FROM seat_claims WHERE showtime_id = ?',
      [showtime.id],
    );
    const taken = unavailableSeats(hall.layout, rows.map(claimOf), now);
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

async function loadOwnLease(ex: Executor, actor: Actor, leaseId: string): Promise<LeaseRow> {
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
    for (const seatId of giving) {
      await ex.run(
        "DELETE FROM seat_claims WHERE showtime_id = ? AND seat_id = ? AND owner_id = ? AND state = 'leased'",
        [lease.showtime_id, seatId, lease.id],
      );
    }
    const left = await ex.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM seat_claims WHERE owner_id = ? AND state = 'leased'",
      [lease.id],
    );
    const remaining = seats.filter((s) => !giving.includes(s));
    const row: LeaseRow = {
      ...lease,
      seat_ids: JSON.stringify(remaining),
      status: (left?.n ?? 0) === 0 ? 'returned' : 'active',
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

/**
 * Applies a sale the terminal made offline from its lease. The money was taken and the ticket
 * printed, so this records rather than decides: it checks the seats were this lease's and the
 * tickets carry the terminal's signature. A price differing from the server's is accepted and
 * audited (the customer has paid), never silently rewritten.
 */
export async function applyOfflineSale(
  ctx: ServerContext,
  actor: Actor,
  input: z.infer<typeof OfflineSaleArgs>,
  scope?: TxScope,
): Promise<OrderResponse> {
  return inTransaction(ctx.db, scope, async (ex, tx) => {
    const done = await readOrder(ex, input.orderId);
    if (done !== undefined) return done;
    const lease = await loadOwnLease(ex, actor, input.leaseId);
    if (lease.showtime_id !== input.showtimeId)
      throw validationFailed('the lease is for another showtime', { field: 'args.showtimeId' });
    const seatIds = input.lines.map((l) => l.seatId);
    const ownedSeats = () =>
      ex.all<{ seat_id: string }>(
        `SELECT seat_id FROM seat_claims WHERE owner_id = ? AND state = 'leased' AND seat_id IN (${seatIds.map(() => '?').join(', ')})`,
        [lease.id, ...seatIds],
      );
    let owned = await ownedSeats();
    if (owned.length !== seatIds.length && lease.status === 'reclaimed') {
      // The till stayed offline past deadline + grace, so the lease was reclaimed; its sale was made
      // before the deadline and paid for. Its seats come back to it unless someone else has them now
      // (sales close at the deadline, so normally nobody can).
      const ownedSet = new Set(owned.map((o) => o.seat_id));
      const leased = new Set(JSON.parse(lease.seat_ids) as string[]);
      const back = seatIds.filter((s) => !ownedSet.has(s) && leased.has(s));
      if (back.length > 0) {
        const now = ctx.now();
        await claimSeats(ex, lease.showtime_id, back, {
          state: 'leased',
          ownerId: lease.id,
          terminalId: lease.terminal_id,
          expiresAt: now,
          now,
        });
        await audit(ex, ctx, actor, 'lease.sale_after_reclaim', lease.id, {
          orderId: input.orderId,
          seatIds: back,
        });
        owned = await ownedSeats();
      }
    }
    if (owned.length !== seatIds.length) {
      const ownedSet = new Set(owned.map((o) => o.seat_id));
      throw seatsUnavailable(seatIds.filter((s) => !ownedSet.has(s)));
    }
    const keyRows = await ex.all<{ key_id: string; public_key: string; revoked: number }>(
      "SELECT key_id, public_key, revoked FROM signing_keys WHERE owner = 'terminal' AND terminal_id = ?",
      [lease.terminal_id],
    );
    const keyring = keyringFrom(
      keyRows.map((k) => ({
        keyId: k.key_id,
        publicKey: k.public_key,
        owner: 'terminal',
        revoked: k.revoked === 1,
      })),
    );
    for (const [i, line] of input.lines.entries()) {
      const verdict = verifyTicket(line.token, keyring);
      const ok =
        verdict.verdict === 'valid' &&
        verdict.payload.ticketId === line.ticketId &&
        verdict.payload.seatId === line.seatId &&
        verdict.payload.showtimeId === input.showtimeId;
      if (!ok)
        throw validationFailed('ticket token is not signed by this terminal for this seat', {
          field: `args.lines.${i}.token`,
        });
    }
    const showtime = await loadShowtime(ex, input.showtimeId);
    const [hall, priceList, ticketTypes] = await Promise.all([
      loadHall(ex, showtime.hallId),
      loadPriceList(ex, showtime.priceListId),
      loadTicketTypes(ex),
    ]);
    const priced = priceSelection({
      priceList,
      layout: hall.layout,
      startsAt: showtime.startsAt,
      timeZone: ctx.site.timezone,
      lines: input.lines,
    });
    const total = input.lines.reduce((sum, l) => sum + l.price, 0);
    if (total !== input.total)
      throw validationFailed('lines do not add up to the total', { field: 'args.total' });
    const change = settlePayments(input.payments, total);
    if (!priced.ok || priced.value.total !== total) {
      await audit(ex, ctx, actor, 'order.offline_price_difference', input.orderId, {
        charged: total,
        serverTotal: priced.ok ? priced.value.total : null,
      });
    }
    const soldAt = Date.parse(input.soldAt);
    const code = await uniqueOrderCode(ex);
    await ex.run(
      `INSERT INTO orders (id, code, showtime_id, hold_id, terminal_id, staff_user_id, total, refunded, currency, status, offline, created_at, body)
       VALUES (?, ?, ?, NULL, ?, NULL, ?, 0, ?, 'paid', 1, ?, ?)`,
      [
        input.orderId,
        code,
        showtime.id,
        lease.terminal_id,
        total,
        priceList.currency,
        soldAt,
        JSON.stringify({ payments: input.payments, change }),
      ],
    );
    for (const line of input.lines) {
      await ex.run(
        "UPDATE seat_claims SET state = 'sold', owner_id = ?, expires_at = NULL WHERE showtime_id = ? AND seat_id = ? AND owner_id = ?",
        [input.orderId, showtime.id, line.seatId, lease.id],
      );
      const row = {
        id: line.ticketId,
        order_id: input.orderId,
        showtime_id: showtime.id,
        seat_id: line.seatId,
        ticket_type_id: line.ticketTypeId,
        price: line.price,
        status: 'valid' as const,
        token: line.token,
        issued_at: soldAt,
      };
      await insertTicket(ex, row);
      await publish(ctx, ex, tx, 'tickets', row.id, ticketDoc(row));
    }
    const remaining = (JSON.parse(lease.seat_ids) as string[]).filter((s) => !seatIds.includes(s));
    await ex.run('UPDATE leases SET seat_ids = ?, status = ? WHERE id = ?', [
      JSON.stringify(remaining),
      remaining.length === 0 ? 'returned' : lease.status,
      lease.id,
    ]);
    await publishLease(ctx, ex, tx, {
      ...lease,
      seat_ids: JSON.stringify(remaining),
      status: remaining.length === 0 ? 'returned' : lease.status,
    });
    await publishSeatMap(ctx, ex, tx, showtime.id);
    const types = new Map<string, TicketType>(ticketTypes.map((t) => [t.id, t]));
    await audit(ex, ctx, actor, 'order.sell_offline', input.orderId, {
      total,
      seats: seatIds,
      ticketTypes: input.lines.map((l) => types.get(l.ticketTypeId)?.code ?? l.ticketTypeId),
    });
    const order = await readOrder(ex, input.orderId);
    if (order === undefined) throw new Error('order vanished inside its transaction');
    return order;
  });
}

/** Leases past deadline + grace go back on sale. Called by the sweeper. */
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
      "SELECT * FROM leases WHERE status = 'active' AND deadline <= ? LIMIT 200",
      [now - LEASE_SKEW_GRACE_MS],
    );
    for (const lease of leases) {
      await ex.run("DELETE FROM seat_claims WHERE owner_id = ? AND state = 'leased'", [lease.id]);
      await ex.run("UPDATE leases SET status = 'reclaimed' WHERE id = ?", [lease.id]);
      await publishLease(ctx, ex, tx, { ...lease, status: 'reclaimed' });
      await publishSeatMap(ctx, ex, tx, lease.showtime_id);
    }
    return leases.length;
  });
}
