/**
 * Offline sales against a real server and a real core holding a lease: the payment rule is the
 * server's, so a sale the core accepts (and prints) is one the server accepts when it syncs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTerminalCall, type Payment } from '@marquee/shared';
import { startCore, type TestCore } from '../../../../test/support/core.ts';
import { waitFor } from '../../../../test/support/wait.ts';
import { createTestShowtime, type TestShowtime } from '../../../../test/support/test-showtime.ts';
import { startTestServer, type TestServer } from '../../../../test/support/server.ts';
import { HARDWARE_CONFIG_FILE } from '../hardware-config.ts';

let server: TestServer;
let show: TestShowtime;
let till: TestCore;
/** The price of one adult seat on the show. */
let price: number;

beforeAll(async () => {
  server = await startTestServer();
  show = await createTestShowtime(server, { startsAt: server.clock.now() + 40 * 60_000 });
  // A printer that is not plugged in: every sale still queues its tickets, so "nothing printed"
  // means nothing was queued.
  const dataDir = mkdtempSync(join(tmpdir(), 'marquee-core-'));
  writeFileSync(
    join(dataDir, HARDWARE_CONFIG_FILE),
    JSON.stringify({ printer: { path: join(dataDir, 'no-such-tty'), baudRate: 9600, columns: 32 } }),
  );
  till = await startCore(server, 'box_office', {
    dataDir,
    leasePolicy: { seatsPerShowtime: 50, hoursAhead: 1 },
  });
  await waitFor(() => till.core.parts.leases.sellableSeats(show.id).length > 0, 10_000, 'a lease');
  const quote = await till.call('order.quote', {
    showtimeId: show.id,
    lines: [{ seatId: 'A-1', ticketTypeId: show.adultTicketTypeId }],
  });
  price = quote.total;
});

afterAll(async () => {
  till.close();
  await server.close();
});

/** Holds one leased seat locally, as the till does when the server is unreachable. */
function holdOneSeat(): { holdId: string; lines: { seatId: string; ticketTypeId: string }[] } {
  const seat = till.core.parts.leases.sellableSeats(show.id)[0];
  if (seat === undefined) throw new Error('the lease is sold out');
  const hold = till.core.parts.offlineSales.hold(show.id, [seat.seatId]);
  return { holdId: hold.id, lines: [{ seatId: seat.seatId, ticketTypeId: show.adultTicketTypeId }] };
}

/** Payment lists around a total: split into 1–4 payments, sometimes a unit off, sometimes tendered. */
function paymentsAround(total: number): fc.Arbitrary<Payment[]> {
  const part = fc.record({
    method: fc.constantFrom('cash' as const, 'card' as const),
    share: fc.integer({ min: 1, max: 10 }),
    tendered: fc.option(fc.integer({ min: -500, max: 2000 }), { nil: undefined }),
  });
  return fc
    .tuple(fc.array(part, { minLength: 1, maxLength: 4 }), fc.constantFrom(0, 0, 0, 1, -1))
    .map(([parts, off]) => {
      const shares = parts.reduce((sum, p) => sum + p.share, 0);
      let left = total + off;
      return parts.map((p, i) => {
        const amount = Math.max(0, i === parts.length - 1 ? left : Math.floor((total * p.share) / shares));
        left -= amount;
        return {
          method: p.method,
          amount,
          ...(p.tendered === undefined ? {} : { tendered: Math.max(0, amount + p.tendered) }),
        };
      });
    });
}

describe('offline sales', () => {
  it('every offline sale the core accepts is accepted by the server when it syncs', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(paymentsAround(price), async (payments) => {
        const { holdId, lines } = holdOneSeat();
        const request = parseTerminalCall('order.sell', { holdId, lines, payments });
        if (!request.ok || request.value.call !== 'order.sell') throw new Error('generated bad input');
        const hold = till.core.parts.offlineSales.localHold(holdId);
        if (hold === undefined) throw new Error('no local hold');
        let orderId: string;
        try {
          orderId = till.core.parts.offlineSales.sell(hold, request.value.input).orderId;
        } catch {
          till.core.parts.offlineSales.release(holdId);
          return; // refused here: nothing was promised
        }
        accepted++;
        const settled = await till.core.parts.outbox.settled(orderId);
        expect(settled.status === 'ok' ? 'ok' : settled.error).toBe('ok');
      }),
      { numRuns: 30 },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it.each([
    [
      'a card payment with cash tendered',
      (total: number) => [{ method: 'card', amount: total, tendered: total + 500 }],
    ],
    [
      'cash tendered below its amount',
      (total: number) => [{ method: 'cash', amount: total, tendered: total - 1 }],
    ],
  ])('refuses %s before anything is written or printed', async (_what, payments) => {
    const { holdId, lines } = holdOneSeat();
    const outboxBefore = till.core.parts.outbox.list().length;
    const jobsBefore = till.core.printing.jobs({ limit: 500 }).length;
    const seatsBefore = till.core.status().leaseSeatsLeft;
    const refused = await till.core.handle('order.sell', { holdId, lines, payments: payments(price) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(till.core.parts.outbox.list()).toHaveLength(outboxBefore);
    expect(till.core.printing.jobs({ limit: 500 })).toHaveLength(jobsBefore);
    expect(till.core.status().leaseSeatsLeft).toBe(seatsBefore);
    expect(till.core.parts.offlineSales.release(holdId)).toBe(true);
  });
});
