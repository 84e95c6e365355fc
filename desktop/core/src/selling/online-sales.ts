/**
 * Selling through the server: holds on the server, sales as `sale.commit` mutations through the
 * durable outbox (written before anything is reported, so a crash still delivers the sale), the
 * server's order printed when its answer is recorded, and order lookups. When the server cannot
 * be reached a hold falls back to this terminal's leases (`OfflineSales`).
 */
import { randomUUID } from 'node:crypto';
import type { OrderResponse } from '@marquee/shared';
import {
  MarqueeError,
  isErrorCode,
  type MutationResult,
  type SaleResult,
  type SeatMapDoc,
  type TerminalInput,
  type TerminalOutput,
} from '@marquee/shared';
import type { HandlerMap, Log } from '../api/handler-map.ts';
import type { Clock } from '../clock.ts';
import type { Outbox, OutboxRow } from '../outbox.ts';
import { enqueuePrintJobs } from '../printing/print-queue.ts';
import type { PrinterService, SaleForPrint } from '../printing/printer-service.ts';
import { priceLines } from '../programme/pricing.ts';
import type { ReplicaReader } from '../replica.ts';
import { parseMutationResult, type ServerApi } from '../server-api.ts';
import type { Db } from '../store.ts';
import type { OfflineSales } from './offline-sales.ts';
import { recordOnlineSale } from './sales-store.ts';

export interface OnlineSalesOptions {
  db: Db;
  replica: ReplicaReader;
  clock: Clock;
  server: ServerApi;
  outbox: Outbox;
  printing: Pick<PrinterService, 'jobsForSale' | 'afterSale' | 'notify'>;
  link: { online(): boolean; kick(): void };
  offline: OfflineSales;
  /** How long a sale waits for the server before it is reported as queued. */
  saleTimeoutMs: number;
  log?: Log | undefined;
}

export class OnlineSales {
  /** Showtime of each server hold taken here: a sale must not wait for the stream to show the hold. */
  private readonly holdShowtimes = new Map<string, string>();

  constructor(private readonly options: OnlineSalesOptions) {}

  async hold(showtimeId: string, seatIds: string[]): Promise<TerminalOutput<'seats.hold'>> {
    const { link, server } = this.options;
    if (link.online()) {
      try {
        const hold = await server.hold({ showtimeId, seatIds });
        this.holdShowtimes.set(hold.id, hold.showtimeId);
        return { ...hold, offline: false };
      } catch (error) {
        if (!isOffline(error)) throw error;
        link.kick();
      }
    }
    return this.options.offline.hold(showtimeId, seatIds);
  }

  async release(holdId: string): Promise<{ released: boolean }> {
    if (this.options.offline.release(holdId)) return { released: true };
    this.holdShowtimes.delete(holdId);
    try {
      await this.options.server.releaseHold(holdId);
    } catch (error) {
      // Unreachable: the server's own expiry frees the seats.
      if (!isOffline(error)) throw error;
    }
    return { released: true };
  }

  async sell(input: TerminalInput<'order.sell'>): Promise<SaleResult> {
    const local = this.options.offline.localHold(input.holdId);
    if (local !== undefined) return this.options.offline.sell(local, input);

    const { db, clock, outbox } = this.options;
    const showtimeId =
      this.holdShowtimes.get(input.holdId) ??
      this.showtimeOfHold(
        input.holdId,
        input.lines.map((l) => l.seatId),
      );
    const { priced } = priceLines(this.options.replica, showtimeId, input.lines);
    const orderId = randomUUID();
    const args = {
      id: orderId,
      holdId: input.holdId,
      lines: input.lines,
      payments: input.payments,
      expectedTotal: priced.total,
    };
    // Durable before anything is reported: a crash from here on still delivers this sale.
    db.transaction(() => outbox.add(orderId, 'sale.commit', args, clock.wall()))();
    const settled = outbox.settled(orderId);
    void outbox.flush().catch(() => undefined);
    const result = await Promise.race([
      settled,
      new Promise<undefined>((resolve) =>
        setTimeout(() => resolve(undefined), this.options.saleTimeoutMs).unref(),
      ),
    ]);
    if (result === undefined) {
      throw new MarqueeError('offline', 'the sale is queued and will complete when the server answers', {
        orderId,
        queued: true,
      });
    }
    this.holdShowtimes.delete(input.holdId);
    if (result.status === 'rejected') {
      const { code, message, details } = result.error;
      throw new MarqueeError(isErrorCode(code) ? code : 'internal', message, details);
    }
    const order = parseMutationResult('sale.commit', result.result);
    this.options.printing.afterSale({ orderId: order.id, payments: input.payments });
    return {
      orderId: order.id,
      code: order.code,
      total: order.total,
      change: order.change,
      tickets: order.tickets.map((t) => ({
        id: t.id,
        seatId: t.seatId,
        ticketTypeId: t.ticketTypeId,
        price: t.price,
        token: t.token,
      })),
      offline: false,
    };
  }

  /** Inside the outbox's settling transaction: the server's order is recorded and its tickets queued. */
  settled(row: OutboxRow, result: MutationResult): void {
    if (row.name !== 'sale.commit' || result.status !== 'ok') return;
    let order: OrderResponse;
    try {
      order = parseMutationResult('sale.commit', result.result);
    } catch (error) {
      // Settled all the same: a malformed answer retried would block the outbox for ever.
      this.options.log?.('sale answer not recorded', { orderId: row.id, error: String(error) });
      return;
    }
    const { db } = this.options;
    // The tickets are queued with the sale: the server's answer is what they print.
    recordOnlineSale(db, order);
    enqueuePrintJobs(db, this.options.printing.jobsForSale(saleForPrint(order)), this.options.clock.wall());
    this.options.printing.notify();
  }

  async lookup(code: string): Promise<TerminalOutput<'order.lookup'>> {
    const order = await this.options.server.order(code);
    return {
      id: order.id,
      code: order.code,
      showtimeId: order.showtimeId,
      status: order.status,
      total: order.total,
      currency: order.currency,
      createdAt: order.createdAt,
      tickets: order.tickets.map((t) => ({
        id: t.id,
        seatId: t.seatId,
        ticketTypeId: t.ticketTypeId,
        price: t.price,
        status: t.status,
      })),
    };
  }

  /** The seat map tells which showtime a server hold is for (the UI passes only the hold id). */
  private showtimeOfHold(holdId: string, seatIds: string[]): string {
    for (const doc of this.options.replica.all<SeatMapDoc>('seat_maps')) {
      if (doc.claims.some((c) => c.ownerId === holdId && seatIds.includes(c.seatId))) return doc.showtimeId;
    }
    throw new MarqueeError('hold_expired', 'this hold is not known (expired or released)', { holdId });
  }
}

export function isOffline(error: unknown): boolean {
  return error instanceof MarqueeError && error.code === 'offline';
}

function saleForPrint(order: OrderResponse): SaleForPrint {
  return {
    orderId: order.id,
    code: order.code,
    showtimeId: order.showtimeId,
    soldAt: Date.parse(order.createdAt),
    tickets: order.tickets,
    payments: order.payments,
    total: order.total,
    change: order.change,
    offline: false,
  };
}

export type SellingHandlers = HandlerMap<'seats.hold' | 'seats.release' | 'order.sell' | 'order.lookup'>;

export function sellingHandlers(sales: OnlineSales): SellingHandlers {
  return {
    'seats.hold': (input) => sales.hold(input.showtimeId, input.seatIds),
    'seats.release': (input) => sales.release(input.holdId),
    'order.sell': (input) => sales.sell(input),
    'order.lookup': (input) => sales.lookup(input.code),
  };
}
