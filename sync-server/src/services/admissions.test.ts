/**
 * Door scans over HTTP: the shared door rule (shared/doors.ts) decides, the first admission wins,
 * and the answer carries what the verified token says (ticket, showtime, seat, ticket type code)
 * even for a ticket sold offline that the server has not heard of yet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOORS_OPEN_BEFORE_MS, signTicket } from '@marquee/shared';
import { startTestServer, TestClock, type TestServer } from '../../../test/support/server.ts';
import type { ServerContext } from '../context.ts';
import {
  adminOf,
  buildCatalogue,
  enrollTerminal,
  sellSeats,
  type Catalogue,
} from '../testing/back-office.ts';
import type { Actor } from './actors.ts';
import { createShowtime } from './showtimes.ts';

const HOUR = 3_600_000;
const NOW = Date.parse('2031-06-01T08:00:00Z');
const clock = new TestClock(NOW);
let server: TestServer;
let ctx: ServerContext;
let admin: Actor;
let catalogue: Catalogue;
let showtime: { id: string; startsAt: string };

beforeAll(async () => {
  server = await startTestServer({ seed: false, clock });
  ctx = server.ctx;
  admin = await adminOf(ctx);
  catalogue = await buildCatalogue(ctx, admin);
  showtime = await createShowtime(ctx, admin, {
    movieId: catalogue.movieId,
    hallId: catalogue.hallId,
    startsAt: new Date(NOW + 3 * HOUR).toISOString(),
  });
});

afterAll(async () => {
  await server.close();
});

async function scan(token: string, staffToken: string, showtimeId?: string) {
  const answer = await server.api('POST', '/admissions', {
    token: staffToken,
    body: showtimeId === undefined ? { token } : { token, showtimeId },
  });
  expect(answer.status).toBe(200);
  return answer.body as Record<string, unknown>;
}

describe('a door scan', () => {
  it('opens the doors exactly DOORS_OPEN_BEFORE_MS before the start', async () => {
    const { order } = await sellSeats(ctx, admin, showtime, ['A-1'], catalogue.adultId);
    const token = order.tickets[0]?.token ?? '';
    const staff = await server.login('admin', 'admin-password-for-tests');
    clock.ms = Date.parse(showtime.startsAt) - DOORS_OPEN_BEFORE_MS - 1;
    expect(await scan(token, staff)).toMatchObject({ verdict: 'too_early' });
    clock.ms += 1;
    expect(await scan(token, staff)).toMatchObject({ verdict: 'admitted' });
    expect(await scan(token, staff)).toMatchObject({ verdict: 'already_admitted' });
  });

  it('answers with the ticket, showtime, seat and ticket type code of an online sale', async () => {
    clock.ms = NOW;
    const { order } = await sellSeats(ctx, admin, showtime, ['B-2'], catalogue.adultId);
    const ticket = order.tickets[0];
    const staff = await server.login('admin', 'admin-password-for-tests');
    clock.ms = Date.parse(showtime.startsAt) - 10 * 60_000;
    expect(await scan(ticket?.token ?? '', staff)).toMatchObject({
      verdict: 'admitted',
      ticketId: ticket?.id,
      showtimeId: showtime.id,
      seatId: 'B-2',
      ticketType: 'adult1',
      ticket: { id: ticket?.id, seatId: 'B-2', showtimeId: showtime.id, status: 'valid' },
    });
    // Refused verdicts say which ticket too.
    expect(await scan(ticket?.token ?? '', staff, ctx.newId())).toMatchObject({
      verdict: 'wrong_showtime',
      ticketId: ticket?.id,
      seatId: 'B-2',
      ticketType: 'adult1',
    });
  });

  it('answers with what the token says for a ticket sold offline that has not synced yet', async () => {
    clock.ms = NOW;
    const till = await enrollTerminal(ctx, admin, 'box_office');
    const ticketId = ctx.newId();
    const token = signTicket(
      {
        ticketId,
        showtimeId: showtime.id,
        seatId: 'C-5',
        ticketType: 'adult1',
        keyId: till.key.keyId,
        issuedAt: Math.floor(NOW / 1000),
      },
      till.key.privateKey,
    );
    const staff = await server.login('admin', 'admin-password-for-tests');
    clock.ms = Date.parse(showtime.startsAt) - 10 * 60_000;
    const answer = await scan(token, staff);
    expect(answer).toMatchObject({
      verdict: 'admitted',
      ticketId,
      showtimeId: showtime.id,
      seatId: 'C-5',
      ticketType: 'adult1',
    });
    expect(answer).not.toHaveProperty('ticket');
  });

  it('says nothing about a token whose signature does not verify', async () => {
    const staff = await server.login('admin', 'admin-password-for-tests');
    expect(await scan('NOT-A-TICKET', staff)).toEqual({ verdict: 'invalid' });
  });
});
