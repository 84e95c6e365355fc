import { randomBytes } from 'node:crypto';
import type {
  CreateOrderRequest,
  OrderResponse,
  Payment,
  PricedSelection,
  RefundRequest,
  Result,
  Showtime,
  TicketType,
} from '@marquee/shared';
import {
  ORDER_LIFECYCLE,
  conflict,
  errorFromBody,
  holdExpired,
  invalidState,
  notFound,
  priceMismatch,
  priceSelection,
  nextState,
  settlePayments,
  validationFailed,
  type OrderEvent,
  type OrderState,
} from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { inTransaction, type DbInt, type Executor, type TxScope } from '../db/database.ts';
import { publish, publishSeatMap } from '../sync/change-log.ts';
import { actorStaffId, actorTerminalId, type Actor } from './actors.ts';
import { admittedTicketIds } from './admissions.ts';
import { audit } from './audit.ts';
import { loadHall, loadPriceList, loadShowtime, loadTicketTypes } from './catalogue-cache.ts';
import { loadLiveHold, markHoldSold } from './holds.ts';
import { countOwned, releaseSeats, sellHeld } from './seat-claims.ts';
import { issueTickets } from './ticket-issue.ts';
import {
  markRefunded,
  REFUNDED_OF_ORDER_SQL,
  ticketDoc,
  ticketView,
  ticketsOfOrder,
  type TicketRow,
} from './tickets.ts';

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
  status: OrderState;
  offline: number;
  created_at: number;
  body: string;
}

export interface OrderBody {
  payments: OrderResponse['payments'];
  change: number;
  /** The seats and ticket types asked for: what a pending order issues once paid. */
  lines?: readonly { seatId: string; ticketTypeId: string }[];
}

/** An order as the reports read it: who sold it, its money and how it was paid. */
export interface OrderSummary {
  id: string;
  terminalId: string | null;
  staffUserId: string | null;
  total: number;
  refunded: number;
  tickets: number;
  payments: readonly Payment[];
  /** Change handed back; orders written before it was recorded lack it. */
  change: number | undefined;
}

/** Orders created in [from, to), oldest first, with how many tickets each has. */
export async function ordersCreatedIn(ex: Executor, from: number, to: number): Promise<OrderSummary[]> {
  const rows = await ex.all<
    Pick<OrderRow, 'id' | 'terminal_id' | 'staff_user_id' | 'body'> & {
      total: DbInt;
      refunded: DbInt;
      tickets: DbInt;
    }
  >(
    `SELECT o.id, o.terminal_id, o.staff_user_id, o.total, ${REFUNDED_OF_ORDER_SQL('o.id')} AS refunded, o.body,
            (SELECT COUNT(*) FROM tickets t WHERE t.order_id = o.id) AS tickets
       FROM orders o WHERE o.created_at >= ? AND o.created_at < ? ORDER BY o.created_at`,
    [from, to],
  );
  return rows.map((row) => {
    const body = JSON.parse(row.body) as Partial<OrderBody>;
    return {
      id: row.id,
      terminalId: row.terminal_id,
      staffUserId: row.staff_user_id,
      total: Number(row.total),
      refunded: Number(row.refunded),
      tickets: Number(row.tickets),
      payments: body.payments ?? [],
      change: body.change,
    };
  });
}

/** Order codes are read aloud and typed at the counter: 8 characters, no 0/O or 1/I. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export function newOrderCode(): string {
  return Array.from(randomBytes(8), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

export async function readOrder(ex: Executor, id: string): Promise<OrderResponse | undefined> {
  const order = await ex.get<OrderRow>('SELECT * FROM orders WHERE id = ?', [id]);
  if (order === undefined) return undefined;
  const tickets = await ticketsOfOrder(ex, id);
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
    tickets: tickets.map(ticketView),
  };
}

/**
 * The server's prices for lines of a showtime (its price list, hall and the local start time).
 * An online sale refuses ticket types no longer sold; an offline one was sold already.
 */
export async function priceLines(
  ctx: ServerContext,
  ex: Executor,
  showtime: Showtime,
  lines: readonly { seatId: string; ticketTypeId: string }[],
  types: 'refuse_inactive_types' | 'any_type',
): Promise<{ priced: Result<PricedSelection>; currency: string; ticketTypes: TicketType[] }> {
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
    lines,
    ...(types === 'refuse_inactive_types' ? { ticketTypes } : {}),
  });
  return { priced, currency: priceList.currency, ticketTypes };
}

/**
 * Settles payments by the shared rule (shared/payments.ts, the one the terminal core applies
 * before it prints offline): answers the change, or throws naming the field under `where`
 * (`body.payments.1.tendered` for HTTP, `args.payments…` for a mutation's arguments).
 */
export function settle(
  payments: readonly Payment[],
  total: number,
  where: 'body' | 'args',
  options: { providerConfirmed?: boolean } = {},
): number {
  const settled = settlePayments(payments, total, options);
  if (settled.ok) return settled.value.change;
  const { field, ...details } = settled.error.details ?? {};
  throw validationFailed(settled.error.message, {
    field: typeof field === 'string' ? `${where}.${field}` : `${where}.payments`,
    ...details,
  });
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
    const { priced, ticketTypes } = await priceLines(ctx, ex, showtime, input.lines, 'refuse_inactive_types');
    if (!priced.ok) throw errorFromBody(priced.error);
    if (priced.value.total !== input.expectedTotal)
      throw priceMismatch(priced.value.total, input.expectedTotal);
    const change = settle(input.payments, priced.value.total, 'body');

    if ((await countOwned(ex, hold.id, 'held', now)) !== heldSeats.length) throw holdExpired(hold.id);

    await insertOrder(ex, {
      id: input.id,
      showtimeId: showtime.id,
      holdId: hold.id,
      terminalId: actorTerminalId(actor),
      staffUserId: actorStaffId(actor),
      total: priced.value.total,
      currency: priced.value.currency,
      offline: false,
      createdAt: now,
      body: { payments: input.payments, change },
      // Cash and card-reference tenders are final at the counter: opened and paid at once.
      status: orderStep('pending_payment', 'pay_in_full'),
    });
    await sellHeld(ex, hold.id, input.id);
    await markHoldSold(ex, hold.id);
    await issueTickets(ctx, ex, tx, {
      orderId: input.id,
      showtimeId: showtime.id,
      lines: priced.value.lines,
      ticketTypes,
      now,
    });
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

/** The order lifecycle's next state (shared/order-lifecycle.ts), or the refusal thrown. */
export function orderStep(status: OrderState, event: OrderEvent): OrderState {
  const next = nextState(ORDER_LIFECYCLE, status, event);
  if (!next.ok) throw errorFromBody(next.error);
  return next.value;
}

/**
 * Moves an order along the lifecycle under the caller's transaction: refused (invalid_state) if
 * the table has no such step or if the order moved meanwhile (the update is conditional).
 */
export async function advanceOrder(
  ex: Executor,
  orderId: string,
  event: OrderEvent,
  change: { body?: OrderBody } = {},
): Promise<OrderState> {
  const row = await ex.get<{ status: OrderState }>('SELECT status FROM orders WHERE id = ?', [orderId]);
  if (row === undefined) throw notFound('order', orderId);
  const next = orderStep(row.status, event);
  const moved = await ex.run(
    // The refunded amount is derived from the refunded tickets, never from request arithmetic.
    `UPDATE orders SET status = ?, refunded = ${REFUNDED_OF_ORDER_SQL('orders.id')}, body = COALESCE(?, body)
     WHERE id = ? AND status = ?`,
    [next, change.body === undefined ? null : JSON.stringify(change.body), orderId, row.status],
  );
  if (moved !== 1) throw invalidState('the order changed meanwhile', { orderId });
  return next;
}

/** An order's row as the payments service needs it (its lines, hold and money). */
export async function orderForPayment(
  ex: Executor,
  orderId: string,
): Promise<
  | {
      id: string;
      showtimeId: string;
      holdId: string | null;
      terminalId: string | null;
      total: number;
      currency: string;
      status: OrderState;
      body: OrderBody;
    }
  | undefined
> {
  const row = await ex.get<OrderRow>('SELECT * FROM orders WHERE id = ?', [orderId]);
  if (row === undefined) return undefined;
  return {
    id: row.id,
    showtimeId: row.showtime_id,
    holdId: row.hold_id,
    terminalId: row.terminal_id,
    total: row.total,
    currency: row.currency,
    status: row.status,
    body: JSON.parse(row.body) as OrderBody,
  };
}

/** Writes an order under a fresh printed code (online from a hold, or offline from a lease). */
export async function insertOrder(
  ex: Executor,
  order: {
    id: string;
    showtimeId: string;
    holdId: string | null;
    terminalId: string | null;
    staffUserId: string | null;
    total: number;
    currency: string;
    offline: boolean;
    createdAt: number;
    body: OrderBody;
    status: OrderState;
  },
): Promise<void> {
  const code = await uniqueOrderCode(ex);
  await ex.run(
    `INSERT INTO orders (id, code, showtime_id, hold_id, terminal_id, staff_user_id, total, refunded, currency, status, offline, created_at, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
    [
      order.id,
      code,
      order.showtimeId,
      order.holdId,
      order.terminalId,
      order.staffUserId,
      order.total,
      order.currency,
      order.status,
      order.offline ? 1 : 0,
      order.createdAt,
      JSON.stringify(order.body),
    ],
  );
}

async function uniqueOrderCode(ex: Executor): Promise<string> {
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
    const tickets = await ticketsOfOrder(ex, orderId);
    // A set: a ticket listed twice is refunded (and counted) once, whoever called.
    const wanted = [
      ...new Set(input.ticketIds ?? tickets.filter((t) => t.status === 'valid').map((t) => t.id)),
    ];
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
    const admitted = await admittedTicketIds(
      ex,
      rows.map((t) => t.id),
    );
    if (admitted.length > 0) {
      throw invalidState('tickets already used at the door cannot be refunded', { ticketIds: admitted });
    }
    const amount = rows.reduce((sum, t) => sum + t.price, 0);
    for (const ticket of rows) {
      await markRefunded(ex, ticket.id);
      await releaseSeats(ex, ticket.showtime_id, orderId, 'sold', [ticket.seat_id]);
      await publish(ctx, ex, tx, 'tickets', ticket.id, ticketDoc({ ...ticket, status: 'refunded' }));
    }
    const remaining = tickets.filter((t) => t.status === 'valid' && !rows.includes(t)).length;
    await advanceOrder(ex, orderId, remaining === 0 ? 'refund_rest' : 'refund_part');
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
