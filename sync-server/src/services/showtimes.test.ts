/**
 * Scheduling showtimes through the back-office service, against a real server's SQLite file: the
 * hall must be free (cleaning included), a sold showtime cannot move, cancelling keeps history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { createHold } from './holds.ts';
import { cancelShowtime, createShowtime, updateShowtime } from './showtimes.ts';

const MINUTE = 60_000;
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

describe('scheduling showtimes', () => {
  it('fills in the end, cleaning, price list, sales window and layout version', async () => {
    const showtime = await schedule(at('08:00', '2031-03-04'));
    expect(showtime).toMatchObject({
      startsAt: '2031-03-04T08:00:00.000Z',
      endsAt: '2031-03-04T10:00:00.000Z', // 15 min of trailers + 105 min of film
      cleaningMinutes: 15,
      priceListId: catalogue.priceListId,
      status: 'on_sale',
      layoutVersion: 1,
      salesWindow: { opensAt: new Date(NOW).toISOString(), closesAt: '2031-03-04T08:15:00.000Z' },
    });
    const docs = await countOf(
      ctx,
      "SELECT COUNT(*) AS n FROM sync_docs WHERE id = ? AND collection IN ('showtimes', 'seat_maps')",
      [showtime.id],
    );
    expect(docs).toBe(2);
  });

  it('refuses a showtime overlapping another in the same hall, naming it, and writes nothing', async () => {
    const first = await schedule(at('10:00'));
    const before = await countOf(ctx, 'SELECT COUNT(*) AS n FROM showtimes');
    await expect(schedule(at('11:00'))).rejects.toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: first.id, reason: 'overlap', overlapMinutes: 60 },
    });
    expect(await countOf(ctx, 'SELECT COUNT(*) AS n FROM showtimes')).toBe(before);
  });

  it("refuses a start inside the previous showtime's cleaning time, and one whose cleaning runs into the next", async () => {
    const first = await schedule(at('14:00', '2031-03-11'));
    await expect(schedule(at('16:05', '2031-03-11'))).rejects.toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: first.id, reason: 'cleaning_buffer', overlapMinutes: 10 },
    });
    // 11:55–13:55, cleaned until 14:10: the 14:00 show could not start clean.
    await expect(schedule(at('11:55', '2031-03-11'))).rejects.toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: first.id, reason: 'cleaning_buffer' },
    });
  });

  it('accepts a showtime starting exactly when the previous cleaning ends, and the same time in another hall', async () => {
    await schedule(at('18:00'));
    await expect(schedule(at('20:15'))).resolves.toMatchObject({ startsAt: at('20:15') });
    await expect(schedule(at('18:00'), { hallId: catalogue.otherHallId })).resolves.toMatchObject({
      hallId: catalogue.otherHallId,
    });
  });

  it('refuses a start in the past', async () => {
    await expect(schedule(new Date(NOW - MINUTE).toISOString())).rejects.toMatchObject({
      code: 'validation_failed',
      details: { field: 'body.startsAt', rule: 'in_past' },
    });
  });

  it('names an unknown film as a field of the request', async () => {
    await expect(
      createShowtime(ctx, admin, {
        movieId: ctx.newId(),
        hallId: catalogue.hallId,
        startsAt: at('06:00', '2031-03-10'),
      }),
    ).rejects.toMatchObject({ code: 'validation_failed', details: { field: 'body.movieId' } });
  });

  it('re-checks the schedule when a showtime moves, keeping its length', async () => {
    const early = await schedule(at('10:00', '2031-03-06'));
    const late = await schedule(at('13:00', '2031-03-06'));
    await expect(
      updateShowtime(ctx, admin, late.id, { startsAt: at('11:00', '2031-03-06') }),
    ).rejects.toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: early.id },
    });
    // Its own old slot is no obstacle.
    const moved = await updateShowtime(ctx, admin, late.id, { startsAt: at('12:30', '2031-03-06') });
    expect(moved).toMatchObject({ startsAt: at('12:30', '2031-03-06'), endsAt: at('14:30', '2031-03-06') });
    // A longer cleaning time is a schedule change too.
    await expect(updateShowtime(ctx, admin, early.id, { cleaningMinutes: 60 })).rejects.toMatchObject({
      code: 'schedule_conflict',
      details: { showtimeId: late.id, reason: 'cleaning_buffer' },
    });
  });

  it('refuses to move a showtime with sold tickets, but still lets it be re-priced', async () => {
    const showtime = await schedule(at('10:00', '2031-03-07'));
    await sellSeats(ctx, admin, showtime, ['A-1', 'A-2'], catalogue.adultId);
    await expect(
      updateShowtime(ctx, admin, showtime.id, { startsAt: at('15:00', '2031-03-07') }),
    ).rejects.toMatchObject({
      code: 'invalid_state',
      details: { showtimeId: showtime.id, ticketsSold: 2 },
    });
    await expect(updateShowtime(ctx, admin, showtime.id, { status: 'closed' })).resolves.toMatchObject({
      status: 'closed',
    });
  });

  it('cancels a showtime: kept as cancelled, holds released, tickets kept, hall free again', async () => {
    const showtime = await schedule(at('10:00', '2031-03-08'));
    await sellSeats(ctx, admin, showtime, ['B-1'], catalogue.adultId);
    const hold = await createHold(ctx, admin, { showtimeId: showtime.id, seatIds: ['C-1'] });
    const cancelled = await cancelShowtime(ctx, admin, showtime.id);
    expect(cancelled.status).toBe('cancelled');
    expect(
      await countOf(ctx, "SELECT COUNT(*) AS n FROM showtimes WHERE id = ? AND status = 'cancelled'", [
        showtime.id,
      ]),
    ).toBe(1);
    expect(
      await countOf(ctx, "SELECT COUNT(*) AS n FROM holds WHERE id = ? AND status = 'released'", [hold.id]),
    ).toBe(1);
    expect(
      await countOf(ctx, "SELECT COUNT(*) AS n FROM tickets WHERE showtime_id = ? AND status = 'valid'", [
        showtime.id,
      ]),
    ).toBe(1);
    await expect(schedule(at('10:00', '2031-03-08'))).resolves.toMatchObject({ status: 'on_sale' });
    // Idempotent.
    await expect(cancelShowtime(ctx, admin, showtime.id)).resolves.toMatchObject({ status: 'cancelled' });
    await expect(updateShowtime(ctx, admin, showtime.id, { status: 'on_sale' })).rejects.toMatchObject({
      code: 'invalid_state',
    });
  });
});
