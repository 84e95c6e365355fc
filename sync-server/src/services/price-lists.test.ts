/** Price lists through the back-office service: every ticket type must exist; the site's currency. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClock, type TestServer } from '../../../test/support/server.ts';
import type { ServerContext } from '../context.ts';
import { adminOf, buildCatalogue, type Catalogue } from '../testing/back-office.ts';
import type { Actor } from './actors.ts';
import { createPriceList } from './price-lists.ts';

const NOW = Date.parse('2031-03-03T01:00:00Z');

let server: TestServer;
let ctx: ServerContext;
let admin: Actor;
let catalogue: Catalogue;

beforeAll(async () => {
  server = await startTestServer({ seed: false, clock: new TestClock(NOW) });
  ctx = server.ctx;
  admin = await adminOf(ctx);
  catalogue = await buildCatalogue(ctx, admin);
});

afterAll(async () => {
  await server.close();
});

describe('price lists', () => {
  it('refuses a price for a ticket type that does not exist, naming the entry', async () => {
    await expect(
      createPriceList(ctx, admin, {
        name: 'Ghosts',
        prices: [
          { ticketTypeId: catalogue.adultId, priceClass: 'standard', amount: 100 },
          { ticketTypeId: ctx.newId(), priceClass: 'standard', amount: 100 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'body.prices.1.ticketTypeId' } });
  });

  it('prices in the site currency', async () => {
    const list = await createPriceList(ctx, admin, {
      name: 'Matinee',
      prices: [{ ticketTypeId: catalogue.adultId, priceClass: 'premium', amount: 6000 }],
    });
    expect(list.currency).toBe(ctx.site.currency);
  });
});
