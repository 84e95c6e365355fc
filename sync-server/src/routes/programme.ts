/** The programme and seat maps, for every terminal and staff member. */
import type { ServerContext } from '../context.ts';
import type { AreaHandlers } from '../http/route.ts';
import { listShowtimes, seatMap, showtimeDetail } from '../services/programme.ts';

export function programmeHandlers(ctx: ServerContext): AreaHandlers<'programme'> {
  return {
    'showtimes.list': ({ query }) => listShowtimes(ctx, query),
    'showtimes.get': ({ params }) => showtimeDetail(ctx, params.id),
    'showtimes.seats': ({ params }) => seatMap(ctx, params.id),
  };
}
