import { randomBytes } from 'node:crypto';
import type { CreateOrderRequest, OrderResponse, RefundRequest, Ticket, TicketType } from '@marquee/shared';
import { MarqueeError, priceSelection, signTicket } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { inTransaction, type Executor, type TxScope } from '../db/database.ts';
import { publish, publishSeatMap } from '../sync/change-log.ts';
import {
  conflict,
  holdExpired,
  invalidState,
  notFound,
  priceMismatch,
  validationFailed,
} from '@marquee/shared';
import { actorStaffId, actorTerminalId, type Actor } from './actors.ts';
import { audit } from './audit.ts';
import { loadHall, loadPriceList, loadShowtime, loadTicketTypes } from './catalogue-cache.ts';
import { loadLiveHold } from './holds.ts';

interface OrderRow {
  id: string;
  code: string;
  showtime_id: string;
  hold_id: string | null;
  terminal_id: string | null;
  staff_user_id: string | null;
  total: number;
  refunded: number;
  currency: string;
  status: OrderResponse['status'];
  offline: number;
  created_at: number;
  body: string;
}

interface TicketRow {
  id: string;
  order_id: string;
  showtime_id: string;
  seat_id: string;
  ticket_type_id: string;
  price: number;
  status: Ticket['status'];
  token: string;
  issued_at: number;
}

interface OrderBody {
  payments: OrderResponse['payments'];
  change: number;
}

/** Order codes are read aloud and typed at the counter: 8 characters, no 0/O or 1/I. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export function newOrderCode(): string {
  return Array.from(randomBytes(8), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

/**
 * The replicated ticket: what a door needs to judge a scan offline (status, showtime, seat), but
 * not the signed token itself — a terminal's replica must not be a stash of working tickets.
 */
export function ticketDoc(row: TicketRow): Omit<Ticket, 'token'> {
  return {
    id: row.id,
    orderId: row.order_id,
    showtimeId: row.showtime_id,
    seatId: row.seat_id,
    ticketTypeId: row.ticket_type_id,
    price: row.price,
    status: row.status,
    issuedAt: new Date(row.issued_at).toISOString(),
  };
}

export async function readOrder(ex: Executor, id: string): Promise<OrderResponse | undefined> {
  const order = await ex.get<OrderRow>('SELECT * FROM orders WHERE id = ?', [id]);
  if (order === undefined) return undefined;
  const tickets = await ex.all<TicketRow>('SELECT * FROM tickets WHERE order_id = ? ORDER BY seat_id', [id]);
  const body = JSON.parse(order.body) as OrderBody;
  return {
    id: order.id,
    code: order.code,
    showtimeId: order.showtime_id,
    status: order.status,
    total: order.total,
    currency: order.currency,
    change: body.change,
    payments: body.payments,
    createdAt: new Date(order.created_at).toISOString(),
    tickets: tickets.map((t) => ({
      id: t.id,
      seatId: t.seat_id,
      ticketTypeId: t.ticket_type_id,
      price: t.price,
      status: t.status,
      token: t.token,
    })),
  };
}

/** Payments must cover the total exactly; cash may be tendered above its amount (change). */
export function settlePayments(payments: CreateOrderRequest['payments'], total: number): number {
  const paid = payments.reduce((sum, p) => sum + p.amount, 0);
  if (paid !== total) {
    throw validationFailed(`payments add up to ${paid}, the total is ${total}`, {
      field: 'body.payments',
      paid,
      total,
    });
  }
  let change = 0;
  for (const [i, payment] of payments.entries()) {
    if (payment.tendered === undefined) continue;
    if (payment.method !== 'cash') {
      throw validationFailed('only cash can be tendered', { field: `body.payments.${i}.tendered` });
    }
    if (payment.tendered < payment.amount) {
      throw validationFailed('cash tendered is less than the amount', {
        field: `body.payments.${i}.tendered`,
      });
    }
    change += payment.tendered - payment.amount;
  }
  return change;
}

/**
 * Turns a live hold into an order and signed tickets in one transaction. Idempotent by order id:
 * a repeat returns the same order and tickets. Prices are the server's; a differing
 * `expectedTotal` is refused.
 */
export async function sell(
  ctx: ServerContext,
  actor: Actor,
  input: CreateOrderRequest,
  scope?: TxScope,
): Promise<{ order: OrderResponse; created: boolean }> {
  if (scope === undefined) {
    const repeat = await ctx.db.read((ex) => readOrder(ex, input.id));
    if (repeat !== undefined) return { order: sameOrderAgain(repeat, input), created: false };
  }
  return inTransaction(ctx.db, scope, async (ex, tx) => {
    const again = await readOrder(ex, input.id);
    if (again !== undefined) return { order: sameOrderAgain(again, input), created: false };
    const now = ctx.now();
    const hold = await loadLiveHold(ex, actor, input.holdId, now);
    const heldSeats = JSON.parse(hold.seat_ids) as string[];
    const lineSeats = input.lines.map((l) => l.seatId);
    if (lineSeats.length !== heldSeats.length || !heldSeats.every((s) => lineSeats.includes(s))) {
      throw validationFailed('order lines must be exactly the held seats', {
        field: 'body.lines',
        heldSeatIds: heldSeats,
      });
    }
    const showtime = await loadShowtime(ex, hold.showtime_id);
    // A hold taken before the showtime was closed or cancelled cannot become a sale.
    if (showtime.status !== 'on_sale') {
      throw invalidState(`showtime is ${showtime.status}`, {
        showtimeId: showtime.id,
        status: showtime.status,
      });
    }
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
      ticketTypes,
    });
    if (!priced.ok) throw new MarqueeError(priced.error.code, priced.error.message, priced.error.details);
    if (priced.value.total !== input.expectedTotal)
      throw priceMismatch(priced.value.total, input.expectedTotal);
    const change = settlePayments(input.payments, priced.value.total);

    const stillHeld = await ex.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM seat_claims WHERE owner_id = ? AND state = 'held' AND expires_at > ?",
      [hold.id, now],
    );
    if (Number(stillHeld?.n) !== heldSeats.length) throw holdExpired(hold.id);

    const code = await uniqueOrderCode(ex);
    const body: OrderBody = { payments: input.payments, change };
    await ex.run(
      `INSERT INTO orders (id, code, showtime_id, hold_id, terminal_id, staff_user_id, total, refunded, currency, status, offline, created_at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 'paid', 0, ?, ?)`,
      [
        input.id,
        code,
        showtime.id,
        hold.id,
        actorTerminalId(actor),
        actorStaffId(actor),
        priced.value.total,
        priced.value.currency,
        now,
        JSON.stringify(body),
      ],
    );
    await ex.run(
      "UPDATE seat_claims SET state = 'sold', owner_id = ?, expires_at = NULL WHERE owner_id = ? AND state = 'held'",
      [input.id, hold.id],
    );
    await ex.run("UPDATE holds SET status = 'sold' WHERE id = ?", [hold.id]);
    const typeCode = new Map<string, TicketType>(ticketTypes.map((t) => [t.id, t]));
    for (const line of priced.value.lines) {
      const ticketId = ctx.newId();
      const token = signTicket(
        {
          ticketId,
          showtimeId: showtime.id,
          seatId: line.seatId,
          ticketType: typeCode.get(line.ticketTypeId)?.code ?? 'adult',
          keyId: ctx.signer.keyId,
          issuedAt: Math.floor(now / 1000),
        },
        ctx.signer.privateKey,
      );
      const row: TicketRow = {
        id: ticketId,
        order_id: input.id,
        showtime_id: showtime.id,
        seat_id: line.seatId,
        ticket_type_id: line.ticketTypeId,
        price: line.price,
        status: 'valid',
        token,
        issued_at: now,
      };
      await insertTicket(ex, row);
      await publish(ctx, ex, tx, 'tickets', ticketId, ticketDoc(row));
    }
    await publishSeatMap(ctx, ex, tx, showtime.id);
    await audit(ex, ctx, actor, 'order.sell', input.id, {
      total: priced.value.total,
      seats: lineSeats,
      payments: input.payments.map((p) => ({ method: p.method, amount: p.amount })),
    });
    const order = await readOrder(ex, input.id);
    if (order === undefined) throw new Error('order vanished inside its transaction');
    return { order, created: true };
  });
}

export async function insertTicket(ex: Executor, row: TicketRow): Promise<void> {
  await ex.run(
    `INSERT INTO tickets (id, order_id, showtime_id, seat_id, ticket_type_id, price, status, token, issued_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      row.id,
      row.order_id,
      row.showtime_id,
      row.seat_id,
      row.ticket_type_id,
      row.price,
      row.status,
      row.token,
      row.issued_at,
    ],
  );
}

export async function uniqueOrderCode(ex: Executor): Promise<string> {
  for (;;) {
    const code = newOrderCode();
    const clash = await ex.get('SELECT id FROM orders WHERE code = ?', [code]);
    if (clash === undefined) return code;
  }
}

function sameOrderAgain(order: OrderResponse, input: CreateOrderRequest): OrderResponse {
  const seats = order.tickets.map((t) => t.seatId);
  if (seats.length !== input.lines.length || !input.lines.every((l) => seats.includes(l.seatId))) {
    throw conflict('a different order with this id exists', { orderId: order.id });
  }
  return order;
}

export async function findOrder(ctx: ServerContext, idOrCode: string): Promise<OrderResponse> {
  const order = await ctx.db.read(async (ex) => {
    const byCode = await ex.get<{ id: string }>('SELECT id FROM orders WHERE code = ?', [
      idOrCode.toUpperCase(),
    ]);
    return readOrder(ex, byCode?.id ?? idOrCode);
  });
  if (order === undefined) throw notFound('order', idOrCode);
  return order;
}

/** Refunds free the seats and void the tickets; an admitted ticket cannot be refunded. */
export async function refund(
  ctx: ServerContext,
  actor: Actor,
  orderId: string,
  input: RefundRequest,
): Promise<OrderResponse> {
  return ctx.db.write(async (ex, tx) => {
    const order = await ex.get<OrderRow>('SELECT * FROM orders WHERE id = ?', [orderId]);
    if (order === undefined) throw notFound('order', orderId);
    const tickets = await ex.all<TicketRow>('SELECT * FROM tickets WHERE order_id = ?', [orderId]);
    const wanted = input.ticketIds ?? tickets.filter((t) => t.status === 'valid').map((t) => t.id);
    const chosen = wanted.map((id) => tickets.find((t) => t.id === id));
    const missing = wanted.filter((_, i) => chosen[i] === undefined);
    if (missing.length > 0)
      throw validationFailed('tickets are not in this order', {
        field: 'body.ticketIds',
        ticketIds: missing,
      });
    const rows = chosen.filter((t): t is TicketRow => t !== undefined);
    if (rows.length === 0) throw invalidState('nothing left to refund', { orderId });
    const notValid = rows.filter((t) => t.status !== 'valid').map((t) => t.id);
    if (notValid.length > 0) throw invalidState('tickets already refunded', { ticketIds: notValid });
    const admitted = await ex.all<{ ticket_id: string }>(
      `SELECT ticket_id FROM admissions WHERE verdict = 'admitted' AND ticket_id IN (${rows.map(() => '?').join(', ')})`,
      rows.map((t) => t.id),
    );
    if (admitted.length > 0) {
      throw invalidState('tickets already used at the door cannot be refunded', {
        ticketIds: admitted.map((a) => a.ticket_id),
      });
    }
    const amount = rows.reduce((sum, t) => sum + t.price, 0);
    for (const ticket of rows) {
      await ex.run("UPDATE tickets SET status = 'refunded' WHERE id = ?", [ticket.id]);
      await ex.run(
        "DELETE FROM seat_claims WHERE showtime_id = ? AND seat_id = ? AND owner_id = ? AND state = 'sold'",
        [ticket.showtime_id, ticket.seat_id, orderId],
      );
      await publish(ctx, ex, tx, 'tickets', ticket.id, ticketDoc({ ...ticket, status: 'refunded' }));
    }
    const remaining = tickets.filter((t) => t.status === 'valid' && !rows.includes(t)).length;
    await ex.run('UPDATE orders SET refunded = refunded + ?, status = ? WHERE id = ?', [
      amount,
      remaining === 0 ? 'refunded' : 'partially_refunded',
      orderId,
    ]);
    await publishSeatMap(ctx, ex, tx, order.showtime_id);
    await audit(ex, ctx, actor, 'order.refund', orderId, {
      amount,
      ticketIds: rows.map((t) => t.id),
      reason: input.reason ?? null,
    });
    const result = await readOrder(ex, orderId);
    if (result === undefined) throw new Error('order vanished inside its transaction');
    return result;
  });
}
