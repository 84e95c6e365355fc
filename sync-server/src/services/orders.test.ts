/**
 * Selling a hold: payments settle by the shared rule (shared/payments.ts), and a refusal names the
 * request's field (`body.payments…`) and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '@marquee/shared';
import { startTestServer, type TestServer } from '../../../test/support/server.ts';
import type { ServerContext } from '../context.ts';
import {
  ADULT_PRICE,
  adminOf,
  buildCatalogue,
  countOf,
  scheduleSoon,
  type Catalogue,
} from '../testing/back-office.ts';
import type { Actor } from './actors.ts';
import { createHold } from './holds.ts';
import { advanceOrder, refund, sell } from './orders.ts';

let server: TestServer;
let ctx: ServerContext;
let admin: Actor;
let catalogue: Catalogue;
let showtimeId: string;

beforeAll(async () => {
  server = await startTestServer({ seed: false });
  ctx = server.ctx;
  admin = await adminOf(ctx);
  catalogue = await buildCatalogue(ctx, admin);
  showtimeId = (await scheduleSoon(ctx, admin, catalogue)).id;
});

afterAll(async () => {
  await server.close();
});

async function sale(seatId: string, payments: Payment[]) {
  const hold = await createHold(ctx, admin, { showtimeId, seatIds: [seatId] });
  return sell(ctx, admin, {
    id: ctx.newId(),
    holdId: hold.id,
    lines: [{ seatId, ticketTypeId: catalogue.adultId }],
    payments,
    expectedTotal: ADULT_PRICE,
  });
}

describe('payments of a sale', () => {
  it('gives change for cash and splits across cash and card', async () => {
    const { order } = await sale('A-1', [
      { method: 'card', amount: 2000 },
      { method: 'cash', amount: ADULT_PRICE - 2000, tendered: ADULT_PRICE },
    ]);
    expect(order).toMatchObject({ total: ADULT_PRICE, change: 2000 });
  });

  it('refuses a card with cash tendered and payments that do not add up, naming the field', async () => {
    const orders = await countOf(ctx, 'SELECT COUNT(*) AS n FROM orders');
    await expect(
      sale('A-2', [{ method: 'card', amount: ADULT_PRICE, tendered: ADULT_PRICE }]),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'body.payments.0.tendered' } });
    await expect(sale('A-3', [{ method: 'cash', amount: ADULT_PRICE, tendered: 100 }])).rejects.toMatchObject(
      {
        code: 'validation_failed',
        details: { field: 'body.payments.0.tendered' },
      },
    );
    await expect(sale('A-4', [{ method: 'card', amount: 100 }])).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'body.payments', paid: 100, total: ADULT_PRICE },
    });
    expect(await countOf(ctx, 'SELECT COUNT(*) AS n FROM orders')).toBe(orders);
  });

  it('refuses a mobile QR payment a sale merely claims: only the provider can say it was paid', async () => {
    const orders = await countOf(ctx, 'SELECT COUNT(*) AS n FROM orders');
    await expect(
      sale('A-5', [{ method: 'mobile_qr', flow: 'customer_scans', amount: ADULT_PRICE }]),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'body.payments.0.method' } });
    expect(await countOf(ctx, 'SELECT COUNT(*) AS n FROM orders')).toBe(orders);
  });

  it('moves a paid order along the lifecycle only: refunded in part, in full, then nothing more', async () => {
    const { order } = await sale('A-6', [{ method: 'cash', amount: ADULT_PRICE }]);
    expect(order.status).toBe('paid');
    await expect(ctx.db.write((ex) => advanceOrder(ex, order.id, 'cancel'))).rejects.toMatchObject({
      code: 'invalid_state',
      details: { status: 'paid', event: 'cancel' },
    });
    expect((await refund(ctx, admin, order.id, {})).status).toBe('refunded');
    await expect(ctx.db.write((ex) => advanceOrder(ex, order.id, 'refund_part'))).rejects.toMatchObject({
      code: 'invalid_state',
    });
  });
});
