/** Price lists through the back-office service: every ticket type must exist; the site's currency. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClock, type TestServer } from '../../../test/support/server.ts';
import type { ServerContext } from '../context.ts';
import { adminOf, buildCatalogue, countOf, type Catalogue } from '../testing/back-office.ts';
import type { Actor } from './actors.ts';
import { cancelShowtime, createShowtime } from './showtimes.ts';
import { createPriceList, deletePriceList, listPriceLists } from './price-lists.ts';

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

  it('keeps a price list an upcoming showtime sells with, and archives it once only history uses it', async () => {
    const list = await createPriceList(ctx, admin, {
      name: 'Late night',
      prices: [{ ticketTypeId: catalogue.adultId, priceClass: 'standard', amount: 4000 }],
    });
    const showtime = await createShowtime(ctx, admin, {
      movieId: catalogue.movieId,
      hallId: catalogue.hallId,
      startsAt: '2031-03-05T22:00:00.000Z',
      priceListId: list.id,
    });
    await expect(deletePriceList(ctx, admin, list.id)).rejects.toMatchObject({
      code: 'conflict',
      details: { priceListId: list.id, showtimeIds: [showtime.id], count: 1 },
    });
    await cancelShowtime(ctx, admin, showtime.id);
    await deletePriceList(ctx, admin, list.id);
    expect((await listPriceLists(ctx)).map((l) => l.id)).not.toContain(list.id);
    expect(
      await countOf(ctx, 'SELECT COUNT(*) AS n FROM price_lists WHERE id = ? AND archived_at IS NOT NULL', [
        list.id,
      ]),
    ).toBe(1);
  });

  it('removes a price list no showtime ever used, with its record of the ticket types it priced', async () => {
    const list = await createPriceList(ctx, admin, {
      name: 'Never used',
      prices: [{ ticketTypeId: catalogue.adultId, priceClass: 'standard', amount: 100 }],
    });
    await deletePriceList(ctx, admin, list.id);
    expect(await countOf(ctx, 'SELECT COUNT(*) AS n FROM price_lists WHERE id = ?', [list.id])).toBe(0);
    expect(
      await countOf(ctx, 'SELECT COUNT(*) AS n FROM price_list_ticket_types WHERE price_list_id = ?', [
        list.id,
      ]),
    ).toBe(0);
  });
});
