/**
 * Offline sales applied as the terminal's outbox reports them: seats from its lease, tickets it
 * signed, and payments settled by the one shared rule (shared/payments.ts), its errors naming the
 * mutation's fields (`args.…`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '@marquee/shared';
import { signTicket } from '@marquee/shared';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import type { ServerContext } from '../context.ts';
import {
  ADULT_PRICE,
  adminOf,
  buildCatalogue,
  enrollTerminal,
  scheduleSoon,
  type Catalogue,
} from '../testing/back-office.ts';
import { requestLease } from './leases.ts';
import { applyOfflineSale } from './offline-sales.ts';

let server: TestServer;
let ctx: ServerContext;
let catalogue: Catalogue;
let till: Awaited<ReturnType<typeof enrollTerminal>>;
let showtimeId: string;

beforeAll(async () => {
  server = await startTestServer({ seed: false });
  ctx = server.ctx;
  const admin = await adminOf(ctx);
  catalogue = await buildCatalogue(ctx, admin);
  till = await enrollTerminal(ctx, admin, 'box_office', { seatsPerShowtime: 4, hoursAhead: 6 });
  showtimeId = (await scheduleSoon(ctx, admin, catalogue)).id;
});

afterAll(async () => {
  await server.close();
});

/** The sale a till made offline of one leased seat, signed with its own key. */
async function offlineSale(payments: Payment[]) {
  const lease = await requestLease(ctx, till.actor, { showtimeId, seats: 1 });
  const seatId = lease.seatIds[0] ?? '';
  const ticketId = ctx.newId();
  const token = signTicket(
    {
      ticketId,
      showtimeId,
      seatId,
      ticketType: 'adult1',
      keyId: till.key.keyId,
      issuedAt: Math.floor(ctx.now() / 1000),
    },
    till.key.privateKey,
  );
  return {
    leaseId: lease.id,
    orderId: ctx.newId(),
    showtimeId,
    soldAt: new Date(ctx.now()).toISOString(),
    lines: [{ ticketId, seatId, ticketTypeId: catalogue.adultId, price: ADULT_PRICE, token }],
    payments,
    total: ADULT_PRICE,
  };
}

describe('an offline sale', () => {
  it('is recorded with the change given for cash tendered above the total', async () => {
    const sale = await offlineSale([{ method: 'cash', amount: ADULT_PRICE, tendered: ADULT_PRICE + 500 }]);
    const order = await applyOfflineSale(ctx, till.actor, sale);
    expect(order).toMatchObject({ id: sale.orderId, total: ADULT_PRICE, change: 500, status: 'paid' });
  });

  it("refuses a card with cash tendered, naming the mutation's field", async () => {
    const sale = await offlineSale([{ method: 'card', amount: ADULT_PRICE, tendered: ADULT_PRICE }]);
    await expect(applyOfflineSale(ctx, till.actor, sale)).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'args.payments.0.tendered' },
    });
  });

  it("refuses payments that do not add up, naming the mutation's field and both sums", async () => {
    const sale = await offlineSale([{ method: 'card', amount: ADULT_PRICE - 1 }]);
    await expect(applyOfflineSale(ctx, till.actor, sale)).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'args.payments', paid: ADULT_PRICE - 1, total: ADULT_PRICE },
    });
  });
});
