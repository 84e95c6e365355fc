/**
 * The programme as terminals read it: showtimes in a range, one showtime with what it sells for,
 * and a showtime's seat map now. Reads only; the back office writes (showtimes.ts and friends).
 */
import type { Hall, ShowtimeDetailResponse, SeatMapResponse, Showtime } from '@marquee/shared';
import {
  invalidField,
  layoutSeats,
  localTimeParts,
  priceClassOf,
  quotePrice,
  seatStates,
  PRICE_CLASSES,
} from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { loadHall, loadPriceList, loadShowtime, loadTicketTypes } from './catalogue-cache.ts';
import { findMovie } from './movies.ts';
import { claimsOf } from './seat-claims.ts';
import { showtimesStartingIn } from './showtime-rows.ts';

const MAX_RANGE_MS = 31 * 24 * 60 * 60 * 1000;
const DEFAULT_LIMIT = 2000;

/** Showtimes starting in [from, to), at most 31 days. */
export async function listShowtimes(
  ctx: ServerContext,
  query: { from: string; to: string; limit?: number | undefined },
): Promise<{ showtimes: Showtime[] }> {
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  if (to <= from || to - from > MAX_RANGE_MS) {
    throw invalidField('query.to', 'must be after from and at most 31 days later');
  }
  const showtimes = await ctx.db.read((ex) =>
    showtimesStartingIn(ex, from, to, query.limit ?? DEFAULT_LIMIT),
  );
  return { showtimes };
}

/** A showtime with its film, hall and the active ticket types' prices for each price class it has. */
export function showtimeDetail(ctx: ServerContext, id: string): Promise<ShowtimeDetailResponse> {
  return ctx.db.read(async (ex) => {
    const showtime = await loadShowtime(ex, id);
    const movie = await findMovie(ex, showtime.movieId);
    const hall = await loadHall(ex, showtime.hallId);
    const priceList = await loadPriceList(ex, showtime.priceListId);
    const ticketTypes = (await loadTicketTypes(ex)).filter((t) => t.active);
    const local = localTimeParts(showtime.startsAt, ctx.site.timezone);
    const classes = new Set(layoutSeats(hall.layout).map((s) => priceClassOf(s.kind)));
    const prices = ticketTypes.map((type) => ({
      ticketType: type,
      prices: PRICE_CLASSES.filter((c) => classes.has(c)).flatMap((priceClass) => {
        if (!local.ok) return [];
        const quote = quotePrice(priceList, type.id, priceClass, local.value);
        return quote.ok ? [{ priceClass, amount: quote.value.price, rule: quote.value.rule ?? null }] : [];
      }),
    }));
    const { layout: _layout, ...hallSummary } = hall satisfies Hall;
    return {
      showtime,
      movie: movie ?? null,
      hall: hallSummary,
      currency: priceList.currency,
      ticketTypes: prices,
    };
  });
}

/** The layout and every seat's state now (held and leased seats with their expiry). */
export function seatMap(ctx: ServerContext, id: string): Promise<SeatMapResponse> {
  return ctx.db.read(async (ex) => {
    const showtime = await loadShowtime(ex, id);
    const hall = await loadHall(ex, showtime.hallId);
    const claims = await claimsOf(ex, showtime.id);
    const states = seatStates(hall.layout, claims, ctx.now());
    const expiry = new Map(
      claims.filter((c) => c.expiresAt !== undefined).map((c) => [c.seatId, c.expiresAt]),
    );
    return {
      showtimeId: showtime.id,
      hallId: hall.id,
      layout: hall.layout,
      seats: layoutSeats(hall.layout).map((seat) => {
        const state = states.get(seat.id) ?? 'free';
        const expiresAt = state === 'held' || state === 'leased' ? expiry.get(seat.id) : undefined;
        return {
          id: seat.id,
          row: seat.row,
          label: seat.label,
          kind: seat.kind,
          state,
          ...(expiresAt === undefined ? {} : { expiresAt }),
        };
      }),
    };
  });
}
