/** Ticket types through the back-office service: codes are unique, and priced types are kept. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TestClock, type TestServer } from '../../../test/support/server.ts';
import type { ServerContext } from '../context.ts';
import { adminOf, buildCatalogue, countOf, type Catalogue } from '../testing/back-office.ts';
import type { Actor } from './actors.ts';
import { createPriceList, updatePriceList } from './price-lists.ts';
import { createTicketType, deleteTicketType, listTicketTypes } from './ticket-types.ts';

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

describe('ticket types', () => {
  it('refuses a second ticket type with the same code', async () => {
    await expect(
      createTicketType(ctx, admin, { code: 'adult1', names: { en: 'Adult again', 'zh-CN': '成人' } }),
    ).rejects.toMatchObject({ code: 'conflict', details: { field: 'body.code', code: 'adult1' } });
  });

  it('keeps a ticket type a price list still uses', async () => {
    await expect(deleteTicketType(ctx, admin, catalogue.adultId)).rejects.toMatchObject({
      code: 'conflict',
      details: { priceListIds: expect.arrayContaining([catalogue.priceListId]) as unknown },
    });
  });

  it('finds the price lists naming a type in a rule, and lets it go once no list uses it', async () => {
    const student = await createTicketType(ctx, admin, {
      code: 'student',
      names: { en: 'Student', 'zh-CN': '学生' },
    });
    const list = await createPriceList(ctx, admin, {
      name: 'Campus',
      prices: [{ ticketTypeId: catalogue.adultId, priceClass: 'standard', amount: 5000 }],
      rules: [
        {
          name: 'Student matinee',
          from: '10:00',
          to: '16:00',
          ticketTypeIds: [student.id],
          adjustment: { type: 'percent', percent: 80 },
        },
      ],
    });
    await expect(deleteTicketType(ctx, admin, student.id)).rejects.toMatchObject({
      code: 'conflict',
      details: { priceListIds: [list.id] },
    });
    await updatePriceList(ctx, admin, list.id, { rules: [] });
    await deleteTicketType(ctx, admin, student.id);
    expect((await listTicketTypes(ctx)).map((t) => t.id)).not.toContain(student.id);
    // Never sold and no list ever kept it: removed, not archived.
    expect(await countOf(ctx, 'SELECT COUNT(*) AS n FROM ticket_types WHERE id = ?', [student.id])).toBe(0);
  });
});
