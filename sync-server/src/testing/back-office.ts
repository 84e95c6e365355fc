/**
 * Builders for the server's own tests: the signed-in admin, a small catalogue made through the
 * back-office services, and a sale. Test code only (like shared/src/testing); production code
 * never imports it.
 */
import { randomBytes } from 'node:crypto';
import type { LeasePolicy, Showtime, TerminalProfile } from '@marquee/shared';
import { generateSigningKeyPair, publicKeyToB64 } from '@marquee/shared';
import { gridHall } from '../../../shared/src/testing/layouts.ts';
import type { ServerContext } from '../context.ts';
import type { Actor } from '../services/actors.ts';
import { createEnrollmentCode, enroll } from '../services/devices.ts';
import { createHall } from '../services/halls.ts';
import { createHold } from '../services/holds.ts';
import { createMovie } from '../services/movies.ts';
import { sell } from '../services/orders.ts';
import { createPriceList } from '../services/price-lists.ts';
import { createShowtime } from '../services/showtimes.ts';
import { createTicketType } from '../services/ticket-types.ts';

/** The first admin, as an actor (every test server has one). */
export async function adminOf(ctx: ServerContext): Promise<Actor> {
  const row = await ctx.db.read((ex) =>
    ex.get<{ id: string; name: string }>("SELECT id, name FROM staff_users WHERE role = 'admin'"),
  );
  if (row === undefined) throw new Error('no admin');
  return { kind: 'staff', id: row.id, role: 'admin', name: row.name };
}

export interface Catalogue {
  hallId: string;
  otherHallId: string;
  movieId: string;
  priceListId: string;
  adultId: string;
}

export const ADULT_PRICE = 5000;

/**
 * Two halls of 3 × 8 seats (`Hall <n>` and a 3D `Hall <n>b`), a 105-minute film (120 minutes with
 * trailers), adult tickets (`adult<n>`) at 50.00 in a price list `Standard <n>`.
 */
export async function buildCatalogue(ctx: ServerContext, admin: Actor, n = 1): Promise<Catalogue> {
  const adult = await createTicketType(ctx, admin, {
    code: `adult${n}`,
    names: { en: 'Adult', 'zh-CN': '成人' },
  });
  const priceList = await createPriceList(ctx, admin, {
    name: `Standard ${n}`,
    prices: [{ ticketTypeId: adult.id, priceClass: 'standard', amount: ADULT_PRICE }],
  });
  const hall = await createHall(ctx, admin, { name: `Hall ${n}`, features: [], layout: gridHall(3, 8) });
  const otherHall = await createHall(ctx, admin, {
    name: `Hall ${n}b`,
    features: ['3d'],
    layout: gridHall(3, 8),
  });
  const movie = await createMovie(ctx, admin, {
    titles: { en: 'The Long Take', 'zh-CN': '长镜头' },
    runtimeMinutes: 105,
    rating: 'PG',
    genres: ['drama'],
  });
  return {
    hallId: hall.id,
    otherHallId: otherHall.id,
    movieId: movie.id,
    priceListId: priceList.id,
    adultId: adult.id,
  };
}

/** A showtime of the catalogue's film at `startsAt`, in its first hall unless told otherwise. */
export async function scheduleAt(
  ctx: ServerContext,
  admin: Actor,
  catalogue: Catalogue,
  startsAt: string,
  hallId = catalogue.hallId,
) {
  return createShowtime(ctx, admin, { movieId: catalogue.movieId, hallId, startsAt });
}

/** A showtime of the catalogue's film in its first hall starting `hours` from now (on sale). */
export async function scheduleSoon(ctx: ServerContext, admin: Actor, catalogue: Catalogue, hours = 2) {
  return scheduleAt(ctx, admin, catalogue, new Date(ctx.now() + hours * 3_600_000).toISOString());
}

/** Holds and sells `seatIds` of a showtime as `ticketTypeId`, paid by card. */
export async function sellSeats(
  ctx: ServerContext,
  actor: Actor,
  showtime: Pick<Showtime, 'id'>,
  seatIds: string[],
  ticketTypeId: string,
  price = ADULT_PRICE,
) {
  const hold = await createHold(ctx, actor, { showtimeId: showtime.id, seatIds });
  return sell(ctx, actor, {
    id: ctx.newId(),
    holdId: hold.id,
    lines: seatIds.map((seatId) => ({ seatId, ticketTypeId })),
    payments: [{ method: 'card', amount: price * seatIds.length }],
    expectedTotal: price * seatIds.length,
  });
}

/** `SELECT COUNT(*) AS n …` as a number. */
export async function countOf(
  ctx: ServerContext,
  sql: string,
  params: (string | number)[] = [],
): Promise<number> {
  const row = await ctx.db.read((ex) => ex.get<{ n: number | string }>(sql, params));
  return Number(row?.n ?? 0);
}

/** An enrolled terminal: the actor it calls as and its signing key (for tickets sold offline). */
export async function enrollTerminal(
  ctx: ServerContext,
  admin: Actor,
  profile: TerminalProfile,
  leasePolicy: LeasePolicy = { seatsPerShowtime: 4, hoursAhead: 6 },
) {
  const key = generateSigningKeyPair(randomBytes(32));
  const { code } = await createEnrollmentCode(ctx, admin, { name: `Test ${profile}`, profile, leasePolicy });
  const enrolled = await enroll(ctx, { code, publicKey: publicKeyToB64(key.publicKey) });
  const actor: Actor = { kind: 'device', id: enrolled.terminalId, profile, name: enrolled.name };
  return { actor, terminalId: enrolled.terminalId, key };
}
