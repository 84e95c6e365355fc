/**
 * What a sale prints: a ticket per seat and, if the hardware config asks for it, a receipt, laid
 * out later from this data (names from the replica, in the ticket's locale).
 */
import { randomUUID } from 'node:crypto';
import type { Hall, Locale, Movie, Payment, Showtime, Site, TicketType } from '@marquee/shared';
import type { HardwareConfig } from '../hardware-config.ts';
import type { ReplicaReader } from '../replica.ts';
import type { PrintJobSpec, ReceiptPrint, TicketPrint } from './print-jobs.ts';
import { numericDateTime } from './sheet.ts';

/** A sale as the core has it when it records it. */
export interface SaleForPrint {
  orderId: string;
  code?: string | undefined;
  showtimeId: string;
  soldAt: number;
  tickets: readonly { id: string; seatId: string; ticketTypeId: string; price: number; token: string }[];
  payments: readonly Payment[];
  total: number;
  change: number;
  offline: boolean;
}

export interface SaleJobsContext {
  replica: ReplicaReader;
  /** The hardware config; undefined while the file is broken (the jobs still queue). */
  config: HardwareConfig | undefined;
  locale: Locale;
  terminal: string | undefined;
}

const UNKNOWN_TEXT = { en: '?', 'zh-CN': '?' };

/** Empty when the config has no printer. */
export function saleJobs(
  sale: SaleForPrint,
  { replica, config, locale, terminal }: SaleJobsContext,
): PrintJobSpec[] {
  // A broken config still queues: the tickets print once the file is fixed.
  if (config !== undefined && config.printer === undefined) return [];
  const site = replica.all<Site>('site')[0];
  const showtime = replica.get<Showtime>('showtimes', sale.showtimeId);
  const movie = showtime === undefined ? undefined : replica.get<Movie>('movies', showtime.movieId);
  const hall = showtime === undefined ? undefined : replica.get<Hall>('halls', showtime.hallId);
  const types = new Map(replica.all<TicketType>('ticket_types').map((t) => [t.id, t]));
  const cinema = site?.name ?? 'Marquee';
  const timeZone = site?.timezone ?? 'UTC';
  const currency = site?.currency ?? 'CNY';
  const film = movie?.titles ?? UNKNOWN_TEXT;
  const startsAt = showtime?.startsAt ?? new Date(sale.soldAt).toISOString();
  const soldAt = new Date(sale.soldAt).toISOString();
  const jobs: PrintJobSpec[] = sale.tickets.map((ticket) => {
    const payload: TicketPrint = {
      cinema,
      film,
      ...(movie === undefined ? {} : { rating: movie.rating }),
      hall: hall?.name ?? '?',
      features: hall?.features ?? [],
      startsAt,
      timeZone,
      seatId: ticket.seatId,
      ticketType: types.get(ticket.ticketTypeId)?.names ?? UNKNOWN_TEXT,
      price: ticket.price,
      currency,
      orderId: sale.orderId,
      ...(sale.code === undefined ? {} : { orderCode: sale.code }),
      ticketId: ticket.id,
      token: ticket.token,
      offline: sale.offline,
    };
    return {
      id: randomUUID(),
      kind: 'ticket',
      dedupeKey: `ticket:${ticket.id}`,
      orderId: sale.orderId,
      ticketId: ticket.id,
      payload,
      summary: `Ticket ${ticket.seatId} · ${film[locale]} · ${numericDateTime(startsAt, timeZone, false)}`,
    };
  });
  if (config?.receipts !== false) {
    const payload: ReceiptPrint = {
      cinema,
      ...(terminal === undefined ? {} : { terminal }),
      header: config?.receipt.header ?? [],
      footer: config?.receipt.footer ?? [],
      orderId: sale.orderId,
      ...(sale.code === undefined ? {} : { orderCode: sale.code }),
      soldAt,
      timeZone,
      currency,
      film,
      ...(hall === undefined ? {} : { hall: hall.name }),
      startsAt,
      lines: sale.tickets.map((t) => ({
        seatId: t.seatId,
        ticketType: types.get(t.ticketTypeId)?.names ?? UNKNOWN_TEXT,
        price: t.price,
      })),
      total: sale.total,
      payments: sale.payments.map((p) => ({
        method: p.method,
        amount: p.amount,
        ...(p.tendered === undefined ? {} : { tendered: p.tendered }),
      })),
      change: sale.change,
      taxes: config?.receipt.taxes ?? [],
      offline: sale.offline,
    };
    jobs.push({
      id: randomUUID(),
      kind: 'receipt',
      dedupeKey: `receipt:${sale.orderId}`,
      orderId: sale.orderId,
      payload,
      summary: `Receipt ${sale.code ?? sale.orderId.slice(0, 8)} · ${sale.tickets.length} ticket(s)`,
    });
  }
  return jobs;
}
