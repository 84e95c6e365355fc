/**
 * Selling through a terminal's own API, as a cashier does: pick seats, hold them, price them and
 * take one payment. Works with anything that answers terminal calls — a test core, an end-to-end
 * terminal behind its bridge, or a terminal process.
 */
import type { TerminalCall, TerminalOutput } from '@marquee/shared';
import { waitFor } from './wait.ts';

export interface TerminalCaller {
  /** Calls the terminal API and throws with the error if it was refused. */
  call<C extends TerminalCall>(call: C, input: unknown): Promise<TerminalOutput<C>>;
}

export interface Payment {
  method: 'cash' | 'card';
  /** Cash handed over beyond the total (the change to give); exact money when left out. */
  change?: number;
}

/**
 * The best `count` seats of a showtime, held, priced for `ticketTypeId` and sold in one payment
 * (exact cash unless told otherwise). Returns the hold and the sale as the terminal answered them.
 */
export async function sellBest(
  terminal: TerminalCaller,
  showtimeId: string,
  ticketTypeId: string,
  count: number,
  payment: Payment = { method: 'cash' },
): Promise<{ hold: TerminalOutput<'seats.hold'>; sale: TerminalOutput<'order.sell'> }> {
  const seatIds = await terminal.call('seats.bestAvailable', { showtimeId, count });
  if (seatIds === null) throw new Error(`no ${count} seats together left for showtime ${showtimeId}`);
  const hold = await terminal.call('seats.hold', { showtimeId, seatIds });
  const lines = seatIds.map((seatId) => ({ seatId, ticketTypeId }));
  const quote = await terminal.call('order.quote', { showtimeId, lines });
  const paid =
    payment.change === undefined
      ? { method: payment.method, amount: quote.total }
      : { method: payment.method, amount: quote.total, tendered: quote.total + payment.change };
  const sale = await terminal.call('order.sell', { holdId: hold.id, lines, payments: [paid] });
  return { hold, sale };
}

/** The showtimes a terminal lists as starting between an hour and `days` days after `now`. */
export function showtimesAhead(
  terminal: TerminalCaller,
  now: number,
  days: number,
): Promise<TerminalOutput<'showtimes.list'>> {
  return terminal.call('showtimes.list', {
    from: new Date(now + 3_600_000).toISOString(),
    to: new Date(now + days * 86_400_000).toISOString(),
  });
}

/**
 * The seats of a showtime leased to this terminal (what it may sell offline), once its lease has
 * arrived; rejects after `timeoutMs` without one.
 */
export async function leasedSeats(
  terminal: TerminalCaller,
  showtimeId: string,
  timeoutMs = 10_000,
): Promise<string[]> {
  let seats: string[] = [];
  await waitFor(
    async () => {
      const map = await terminal.call('seatmap.get', { showtimeId });
      seats = map.seats.filter((s) => s.mine && s.state === 'leased').map((s) => s.id);
      return seats.length > 0;
    },
    timeoutMs,
    `a lease on showtime ${showtimeId}`,
  );
  return seats;
}
