/**
 * Issuing an order's tickets: one signed token per priced line, written and published in the
 * caller's transaction. Only a paid order issues (the order lifecycle's `paid` state, reached by
 * being paid in full): a pending order has seats and a price, never a ticket.
 */
import { invalidState, signTicket, type PricedSelection, type TicketType } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor, TxContext } from '../db/database.ts';
import { publish, publishSeatMap } from '../sync/change-log.ts';
import { insertTicket, ticketDoc, type TicketRow } from './tickets.ts';

export async function issueTickets(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  issue: {
    orderId: string;
    showtimeId: string;
    lines: PricedSelection['lines'];
    ticketTypes: readonly TicketType[];
    now: number;
  },
): Promise<void> {
  const order = await ex.get<{ status: string }>('SELECT status FROM orders WHERE id = ?', [issue.orderId]);
  if (order?.status !== 'paid') {
    throw invalidState('tickets are issued only for an order paid in full', {
      orderId: issue.orderId,
      status: order?.status ?? null,
    });
  }
  const typeCode = new Map<string, TicketType>(issue.ticketTypes.map((t) => [t.id, t]));
  for (const line of issue.lines) {
    const ticketId = ctx.newId();
    const token = signTicket(
      {
        ticketId,
        showtimeId: issue.showtimeId,
        seatId: line.seatId,
        ticketType: typeCode.get(line.ticketTypeId)?.code ?? 'adult',
        keyId: ctx.signer.keyId,
        issuedAt: Math.floor(issue.now / 1000),
      },
      ctx.signer.privateKey,
    );
    const row: TicketRow = {
      id: ticketId,
      order_id: issue.orderId,
      showtime_id: issue.showtimeId,
      seat_id: line.seatId,
      ticket_type_id: line.ticketTypeId,
      price: line.price,
      status: 'valid',
      token,
      issued_at: issue.now,
    };
    await insertTicket(ex, row);
    await publish(ctx, ex, tx, 'tickets', ticketId, ticketDoc(row));
  }
  await publishSeatMap(ctx, ex, tx, issue.showtimeId);
}
