/** Halls through the back-office service: layout rules, names, layout versions, archiving. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallLayout } from '@marquee/shared';
import { gridHall } from '../../../shared/src/testing/layouts.ts';
import { startTestServer, TestClock, type TestServer } from '../../../test/support/server.ts';
import type { ServerContext } from '../context.ts';
import {
  adminOf,
  buildCatalogue,
  countOf,
  scheduleAt,
  sellSeats,
  type Catalogue,
} from '../testing/back-office.ts';
import type { Actor } from './actors.ts';
import { createHall, deleteHall, listHalls, updateHall } from './halls.ts';
import { cancelShowtime } from './showtimes.ts';

/** A fixed "now", so programme times in these tests read like a timetable. */
const NOW = Date.parse('2031-03-03T01:00:00Z');
const at = (hhmm: string, day = '2031-03-05') => `${day}T${hhmm}:00.000Z`;

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

const schedule = (startsAt: string, overrides: { hallId?: string } = {}) =>
  scheduleAt(ctx, admin, catalogue, startsAt, overrides.hallId);

describe('halls', () => {
  it('refuses a layout with a repeated seat, naming the rule and the seat, and writes nothing', async () => {
    const layout = gridHall(2, 4);
    const row = layout.rows[0];
    if (row === undefined) throw new Error('no row');
    row.cells[2] = { type: 'seat', label: '1', kind: 'standard' };
    const halls = await countOf(ctx, 'SELECT COUNT(*) AS n FROM halls');
    const docs = await countOf(ctx, "SELECT COUNT(*) AS n FROM sync_docs WHERE collection = 'halls'");
    await expect(createHall(ctx, admin, { name: 'Broken', features: [], layout })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'body.layout', rule: 'duplicate_seat', row: 'A', seat: '1' },
    });
    expect(await countOf(ctx, 'SELECT COUNT(*) AS n FROM halls')).toBe(halls);
    expect(await countOf(ctx, "SELECT COUNT(*) AS n FROM sync_docs WHERE collection = 'halls'")).toBe(docs);
  });

  it('names the field of a layout that does not even parse', async () => {
    const layout = {
      version: 1,
      rows: [{ label: 'A', cells: [{ type: 'seat', label: 'a1', kind: 'standard' }] }],
    };
    await expect(
      createHall(ctx, admin, { name: 'Lower', features: [], layout: layout as HallLayout }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'body.layout.rows.0.cells.0.label' },
    });
  });

  it('refuses a second hall with the same name', async () => {
    await expect(
      createHall(ctx, admin, { name: 'hall 1', features: [], layout: gridHall(3, 8) }),
    ).rejects.toMatchObject({
      code: 'conflict',
      details: { field: 'body.name' },
    });
  });

  it('bumps the layout version on a change and moves upcoming showtimes to it', async () => {
    const hall = await createHall(ctx, admin, { name: 'Studio 9', features: [], layout: gridHall(2, 4) });
    const showtime = await schedule(at('10:00'), { hallId: hall.id });
    const same = await updateHall(ctx, admin, hall.id, { layout: gridHall(2, 4) });
    expect(same.layout.version).toBe(1);
    const bigger = await updateHall(ctx, admin, hall.id, { layout: gridHall(3, 4) });
    expect(bigger.layout.version).toBe(2);
    const doc = await ctx.db.read((ex) =>
      ex.get<{ body: string }>("SELECT body FROM sync_docs WHERE collection = 'seat_maps' AND id = ?", [
        showtime.id,
      ]),
    );
    expect(JSON.parse(doc?.body ?? '{}')).toMatchObject({ layoutVersion: 2 });
    await sellSeats(ctx, admin, showtime, ['C-4'], catalogue.adultId);
    await expect(updateHall(ctx, admin, hall.id, { layout: gridHall(2, 4) })).rejects.toMatchObject({
      code: 'invalid_state',
      details: { seatIds: ['C-4'] },
    });
  });

  it('keeps a hall with upcoming showtimes, and archives one that only has history', async () => {
    const hall = await createHall(ctx, admin, { name: 'Closing soon', features: [], layout: gridHall(3, 8) });
    const showtime = await schedule(at('10:00', '2031-03-09'), { hallId: hall.id });
    await expect(deleteHall(ctx, admin, hall.id)).rejects.toMatchObject({
      code: 'conflict',
      details: { showtimeIds: [showtime.id], count: 1 },
    });
    await cancelShowtime(ctx, admin, showtime.id);
    await deleteHall(ctx, admin, hall.id);
    expect((await listHalls(ctx)).map((h) => h.id)).not.toContain(hall.id);
    expect(
      await countOf(ctx, 'SELECT COUNT(*) AS n FROM halls WHERE id = ? AND archived_at IS NOT NULL', [
        hall.id,
      ]),
    ).toBe(1);
    expect(
      await countOf(
        ctx,
        "SELECT COUNT(*) AS n FROM sync_docs WHERE collection = 'halls' AND id = ? AND deleted = 1",
        [hall.id],
      ),
    ).toBe(1);
  });
});
