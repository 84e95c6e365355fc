/**
 * Sales a terminal made offline from its lease (DESIGN §6), applied once when it syncs. The money
 * was taken and the tickets printed, so the server records rather than decides.
 */
import type { OfflineSaleArgs, OrderResponse, TicketType } from '@marquee/shared';
import type { z } from 'zod';
import { seatsUnavailable, validationFailed, verifyTicket } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { TxScope } from '../db/database.ts';
import { inTransaction } from '../db/database.ts';
import { publish, publishSeatMap } from '../sync/change-log.ts';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { loadShowtime } from './catalogue-cache.ts';
import { leaseSeatsSold, loadOwnLease } from './leases.ts';
import { insertOrder, orderStep, priceLines, readOrder, settle } from './orders.ts';
import { claimSeats, seatsOwned, sellLeasedSeat } from './seat-claims.ts';
import { terminalKeyring } from './signing-keys.ts';
import { insertTicket, ticketDoc, type TicketRow } from './tickets.ts';

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
    const ownedSeats = () => seatsOwned(ex, lease.id, 'leased', seatIds);
    let owned = await ownedSeats();
    if (owned.length !== seatIds.length && lease.status === 'reclaimed') {
      // The till stayed offline past deadline + grace, so the lease was reclaimed; its sale was made
      // before the deadline and paid for. Its seats come back to it unless someone else has them now
      // (sales close at the deadline, so normally nobody can).
      const ownedSet = new Set(owned);
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
      const ownedSet = new Set(owned);
      throw seatsUnavailable(seatIds.filter((s) => !ownedSet.has(s)));
    }
    const keyring = await terminalKeyring(ex, lease.terminal_id);
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
    const { priced, currency, ticketTypes } = await priceLines(ctx, ex, showtime, input.lines, 'any_type');
    const total = input.lines.reduce((sum, l) => sum + l.price, 0);
    if (total !== input.total)
      throw validationFailed('lines do not add up to the total', { field: 'args.total' });
    const change = settle(input.payments, total, 'args');
    if (!priced.ok || priced.value.total !== total) {
      await audit(ex, ctx, actor, 'order.offline_price_difference', input.orderId, {
        charged: total,
        serverTotal: priced.ok ? priced.value.total : null,
      });
    }
    const soldAt = Date.parse(input.soldAt);
    await insertOrder(ex, {
      id: input.orderId,
      showtimeId: showtime.id,
      holdId: null,
      terminalId: lease.terminal_id,
      staffUserId: null,
      total,
      currency,
      offline: true,
      createdAt: soldAt,
      body: { payments: input.payments, change },
      // Sold and paid at the terminal while offline: the order arrives paid.
      status: orderStep('pending_payment', 'pay_in_full'),
    });
    for (const line of input.lines) {
      await sellLeasedSeat(ex, showtime.id, line.seatId, lease.id, input.orderId);
      const row: TicketRow = {
        id: line.ticketId,
        order_id: input.orderId,
        showtime_id: showtime.id,
        seat_id: line.seatId,
        ticket_type_id: line.ticketTypeId,
        price: line.price,
        status: 'valid',
        token: line.token,
        issued_at: soldAt,
      };
      await insertTicket(ex, row);
      await publish(ctx, ex, tx, 'tickets', row.id, ticketDoc(row));
    }
    await leaseSeatsSold(ctx, ex, tx, lease, seatIds);
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
