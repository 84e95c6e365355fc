/**
 * Selling while the server cannot be reached (DESIGN §6): only seats leased to this terminal, held
 * locally on the monotonic clock, priced by the replica's price list, paid by the server's own
 * payment rule (`settlePayments`), signed with the device key, and written with their print jobs
 * to the outbox in one transaction before the sale is reported. A sale the server would refuse
 * when it syncs is refused here, before anything is written or printed.
 */
import { randomUUID } from 'node:crypto';
import {
  MarqueeError,
  settlePayments,
  signTicket,
  type SaleResult,
  type TerminalInput,
  type TerminalOutput,
} from '@marquee/shared';
import type { Clock } from '../clock.ts';
import type { DeviceKey } from '../identity/device-key.ts';
import type { LeaseKeeper } from '../leases/lease-keeper.ts';
import { holdSeatIds, type LocalHoldRow } from '../leases/lease-store.ts';
import type { Outbox } from '../outbox.ts';
import { enqueuePrintJobs } from '../printing/print-queue.ts';
import type { PrinterService } from '../printing/printer-service.ts';
import { priceLines } from '../programme/pricing.ts';
import type { ReplicaReader } from '../replica.ts';
import type { Db } from '../store.ts';
import { recordOfflineSale } from './sales-store.ts';

const OFFLINE_HOLD_MS = 5 * 60 * 1000;

export interface OfflineSalesOptions {
  db: Db;
  replica: ReplicaReader;
  clock: Clock;
  key: DeviceKey;
  leases: LeaseKeeper;
  outbox: Outbox;
  printing: Pick<PrinterService, 'jobsForSale' | 'afterSale'>;
  /** The outbox and the lease seats changed. */
  changed: () => void;
}

export class OfflineSales {
  constructor(private readonly options: OfflineSalesOptions) {}

  /** The local hold `holdId`, if it is one (an online hold lives on the server). */
  localHold(holdId: string): LocalHoldRow | undefined {
    return this.options.leases.store.hold(holdId);
  }

  /** Holds seats of one of this terminal's leases, all or nothing. */
  hold(showtimeId: string, seatIds: readonly string[]): TerminalOutput<'seats.hold'> {
    const { leases, clock } = this.options;
    const sellable = new Map(leases.sellableSeats(showtimeId).map((s) => [s.seatId, s.leaseId]));
    const missing = seatIds.filter((s) => !sellable.has(s));
    if (missing.length > 0) {
      throw new MarqueeError('seats_unavailable', 'offline: only seats leased to this terminal can be sold', {
        seatIds: missing,
        offline: true,
      });
    }
    const leaseIds = new Set(seatIds.map((s) => sellable.get(s)));
    const [leaseId] = [...leaseIds];
    if (leaseIds.size !== 1 || leaseId === undefined)
      throw new MarqueeError('validation_failed', 'offline: choose seats from one lease');
    const id = randomUUID();
    leases.store.insertHold({
      id,
      showtimeId,
      seatIds,
      leaseId,
      expiresMono: clock.mono() + OFFLINE_HOLD_MS,
    });
    return {
      id,
      showtimeId,
      seatIds: [...seatIds],
      expiresAt: new Date(clock.wall() + OFFLINE_HOLD_MS).toISOString(),
      offline: true,
    };
  }

  /** True when `holdId` was a local hold (now gone). */
  release(holdId: string): boolean {
    return this.options.leases.store.deleteHold(holdId);
  }

  sell(hold: LocalHoldRow, input: TerminalInput<'order.sell'>): SaleResult {
    const { db, clock, key, leases, outbox, printing } = this.options;
    const lease = leases.store.get(hold.lease_id);
    if (lease === undefined || lease.status !== 'active' || leases.remainingMs(lease) <= 0) {
      throw new MarqueeError('lease_expired', 'offline sales for this showtime have ended');
    }
    if (hold.expires_at <= clock.mono()) throw new MarqueeError('hold_expired', 'the hold has expired');
    const held = holdSeatIds(hold);
    if (input.lines.length !== held.length || !input.lines.every((l) => held.includes(l.seatId))) {
      throw new MarqueeError('validation_failed', 'order lines must be exactly the held seats');
    }
    const { priced, ticketTypes } = priceLines(this.options.replica, hold.showtime_id, input.lines);
    // The server's rule, checked before a ticket is signed: a sale it would refuse is never printed.
    const settled = settlePayments(input.payments, priced.total);
    if (!settled.ok) throw new MarqueeError(settled.error.code, settled.error.message, settled.error.details);
    const { change } = settled.value;
    const orderId = randomUUID();
    const now = clock.wall();
    const codes = new Map(ticketTypes.map((t) => [t.id, t.code]));
    const lines = priced.lines.map((line) => {
      const ticketId = randomUUID();
      const token = signTicket(
        {
          ticketId,
          showtimeId: hold.showtime_id,
          seatId: line.seatId,
          ticketType: codes.get(line.ticketTypeId) ?? 'adult',
          keyId: key.keyId,
          issuedAt: Math.floor(now / 1000),
        },
        key.privateKey,
      );
      return { ticketId, seatId: line.seatId, ticketTypeId: line.ticketTypeId, price: line.price, token };
    });
    const args = {
      leaseId: lease.id,
      orderId,
      showtimeId: hold.showtime_id,
      soldAt: new Date(now).toISOString(),
      lines,
      payments: input.payments,
      total: priced.total,
    };
    db.transaction(() => {
      leases.store.recordSale(
        lease.id,
        lines.map((l) => l.seatId),
        orderId,
      );
      leases.store.deleteHold(hold.id);
      recordOfflineSale(db, { orderId, showtimeId: hold.showtime_id, body: args, at: now });
      outbox.add(orderId, 'sale.offline', args, now);
      enqueuePrintJobs(
        db,
        printing.jobsForSale({
          orderId,
          showtimeId: hold.showtime_id,
          soldAt: now,
          tickets: lines.map((l) => ({ ...l, id: l.ticketId })),
          payments: input.payments,
          total: priced.total,
          change,
          offline: true,
        }),
        now,
      );
    })();
    printing.afterSale({ orderId, payments: input.payments });
    void outbox.flush().catch(() => undefined);
    this.options.changed();
    return {
      orderId,
      total: priced.total,
      change,
      tickets: lines.map((l) => ({
        id: l.ticketId,
        seatId: l.seatId,
        ticketTypeId: l.ticketTypeId,
        price: l.price,
        token: l.token,
      })),
      offline: true,
    };
  }
}
