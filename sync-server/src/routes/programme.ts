import type { z } from 'zod';
import type { Hall, Movie, SeatClaim, Showtime } from '@marquee/shared';
import {
  IdParam,
  SeatMapResponse,
  ShowtimesQuery,
  layoutSeats,
  priceClassOf,
  quotePrice,
  seatStates,
  localTimeParts,
  PRICE_CLASSES,
} from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { route, type RouteSpec } from '../http/route.ts';
import { validationFailed } from '@marquee/shared';
import { READERS } from '../services/actors.ts';
import { loadHall, loadPriceList, loadShowtime, loadTicketTypes } from '../services/catalogue-cache.ts';
import { claimOf } from '../sync/change-log.ts';

const MAX_RANGE_MS = 31 * 24 * 60 * 60 * 1000;

export function programmeRoutes(ctx: ServerContext): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/showtimes',
      tag: 'programme',
      summary: 'Showtimes starting in [from, to), at most 31 days',
      allow: READERS,
      query: ShowtimesQuery,
      handler: async ({ query }) => {
        const from = Date.parse(query.from);
        const to = Date.parse(query.to);
        if (to <= from || to - from > MAX_RANGE_MS) {
          throw validationFailed('query.to: must be after from and at most 31 days later', {
            field: 'query.to',
          });
        }
        const rows = await ctx.db.read((ex) =>
          ex.all<{ body: string }>(
            'SELECT body FROM showtimes WHERE starts_at >= ? AND starts_at < ? ORDER BY starts_at LIMIT ?',
            [from, to, query.limit ?? 2000],
          ),
        );
        return { showtimes: rows.map((r) => JSON.parse(r.body) as Showtime) };
      },
    }),
    route({
      method: 'get',
      path: '/showtimes/:id',
      tag: 'programme',
      summary: 'One showtime with its movie, hall and the ticket types on sale with their prices',
      allow: READERS,
      params: IdParam,
      errors: ['not_found'],
      handler: async ({ params }) =>
        ctx.db.read(async (ex) => {
          const showtime = await loadShowtime(ex, params.id);
          const movieRow = await ex.get<{ body: string }>('SELECT body FROM movies WHERE id = ?', [
            showtime.movieId,
          ]);
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
              return quote.ok
                ? [{ priceClass, amount: quote.value.price, rule: quote.value.rule ?? null }]
                : [];
            }),
          }));
          const { layout: _layout, ...hallSummary } = hall satisfies Hall;
          return {
            showtime,
            movie: movieRow === undefined ? null : (JSON.parse(movieRow.body) as Movie),
            hall: hallSummary,
            currency: priceList.currency,
            ticketTypes: prices,
          };
        }),
    }),
    route({
      method: 'get',
      path: '/showtimes/:id/seats',
      tag: 'programme',
      summary: 'Seat map: the layout and the state of every seat now',
      allow: READERS,
      params: IdParam,
      response: SeatMapResponse,
      errors: ['not_found'],
      handler: async ({ params }) =>
        ctx.db.read(async (ex) => {
          const showtime = await loadShowtime(ex, params.id);
          const hall = await loadHall(ex, showtime.hallId);
          const rows = await ex.all<Parameters<typeof claimOf>[0]>(
            'SELECT seat_id, state, owner_id, terminal_id, expires_at FROM seat_claims WHERE showtime_id = ?',
            [showtime.id],
          );
          const claims: SeatClaim[] = rows.map(claimOf);
          const now = ctx.now();
          const states = seatStates(hall.layout, claims, now);
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
          } satisfies z.infer<typeof SeatMapResponse>;
        }),
    }),
  ];
}
