import { IdParam, SeatMapResponse, ShowtimesQuery } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { route, type RouteSpec } from '../http/route.ts';
import { READERS } from '../services/actors.ts';
import { listShowtimes, seatMap, showtimeDetail } from '../services/programme.ts';

export function programmeRoutes(ctx: ServerContext): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/showtimes',
      tag: 'programme',
      summary: 'Showtimes starting in [from, to), at most 31 days',
      allow: READERS,
      query: ShowtimesQuery,
      handler: ({ query }) => listShowtimes(ctx, query),
    }),
    route({
      method: 'get',
      path: '/showtimes/:id',
      tag: 'programme',
      summary: 'One showtime with its movie, hall and the ticket types on sale with their prices',
      allow: READERS,
      params: IdParam,
      errors: ['not_found'],
      handler: ({ params }) => showtimeDetail(ctx, params.id),
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
      handler: ({ params }) => seatMap(ctx, params.id),
    }),
  ];
}
