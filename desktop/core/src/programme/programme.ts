/**
 * The programme and seat views a till, kiosk or door shows: showtimes, a showtime's seat map as
 * this terminal knows it (the replica plus its own unsynced offline sales), a best-available
 * suggestion (offline: only this terminal's leased seats) and a quote.
 */
import {
  bestAvailable,
  layoutSeats,
  seatStates,
  unavailableSeats,
  type Hall,
  type SeatClaim,
  type SeatMapDoc,
  type Showtime,
  type TerminalOutput,
} from '@marquee/shared';
import type { HandlerMap } from '../api/handler-map.ts';
import type { Clock } from '../clock.ts';
import type { LeaseKeeper } from '../leases/lease-keeper.ts';
import type { ReplicaReader } from '../replica.ts';
import { needDoc, priceLines } from './pricing.ts';
import { showtimesBetween } from './showtimes.ts';

export interface ProgrammeOptions {
  replica: ReplicaReader;
  clock: Clock;
  leases: Pick<LeaseKeeper, 'sellableSeats' | 'store'>;
  online: () => boolean;
  terminalId: () => string | undefined;
}

export class Programme {
  constructor(private readonly options: ProgrammeOptions) {}

  /** Claims as this terminal knows them: the replica's seat map plus its own unsynced offline sales. */
  claims(showtimeId: string): SeatClaim[] {
    const doc = this.options.replica.get<SeatMapDoc>('seat_maps', showtimeId);
    const claims = [...(doc?.claims ?? [])];
    for (const seatId of this.options.leases.store.soldHere(showtimeId)) {
      const i = claims.findIndex((c) => c.seatId === seatId);
      const sold: SeatClaim = { seatId, state: 'sold' };
      if (i >= 0) claims[i] = sold;
      else claims.push(sold);
    }
    return claims;
  }

  seatMap(showtimeId: string): TerminalOutput<'seatmap.get'> {
    const { replica, clock } = this.options;
    const showtime = needDoc<Showtime>(replica, 'showtimes', showtimeId, 'showtime');
    const hall = needDoc<Hall>(replica, 'halls', showtime.hallId, 'hall');
    const claims = this.claims(showtimeId);
    const states = seatStates(hall.layout, claims, clock.wall());
    const me = this.options.terminalId();
    const byId = new Map(claims.map((c) => [c.seatId, c]));
    return {
      showtimeId,
      layout: hall.layout,
      seats: layoutSeats(hall.layout).map((seat) => {
        const claim = byId.get(seat.id);
        const state = states.get(seat.id) ?? 'free';
        return {
          id: seat.id,
          row: seat.row,
          label: seat.label,
          kind: seat.kind,
          state,
          mine: claim !== undefined && claim.terminalId === me && (state === 'held' || state === 'leased'),
          ...(claim?.expiresAt === undefined || state === 'free' ? {} : { expiresAt: claim.expiresAt }),
        };
      }),
    };
  }

  suggest(showtimeId: string, count: number): string[] | null {
    const { replica, clock } = this.options;
    const showtime = needDoc<Showtime>(replica, 'showtimes', showtimeId, 'showtime');
    const hall = needDoc<Hall>(replica, 'halls', showtime.hallId, 'hall');
    if (this.options.online())
      return bestAvailable(
        hall.layout,
        unavailableSeats(hall.layout, this.claims(showtimeId), clock.wall()),
        count,
      );
    // Offline only this terminal's unsold leased seats can be offered.
    const sellable = new Set(this.options.leases.sellableSeats(showtimeId).map((s) => s.seatId));
    const blocked = new Set(
      layoutSeats(hall.layout)
        .map((s) => s.id)
        .filter((id) => !sellable.has(id)),
    );
    return bestAvailable(hall.layout, blocked, count);
  }
}

export type ProgrammeHandlers = HandlerMap<
  'showtimes.list' | 'seatmap.get' | 'seats.bestAvailable' | 'order.quote'
>;

export function programmeHandlers(programme: Programme, replica: ReplicaReader): ProgrammeHandlers {
  return {
    'showtimes.list': (input) => showtimesBetween(replica, Date.parse(input.from), Date.parse(input.to)),
    'seatmap.get': (input) => programme.seatMap(input.showtimeId),
    'seats.bestAvailable': (input) => programme.suggest(input.showtimeId, input.count),
    'order.quote': (input) => {
      const { priced } = priceLines(replica, input.showtimeId, input.lines);
      return {
        total: priced.total,
        currency: priced.currency,
        lines: priced.lines.map((l) => ({ seatId: l.seatId, price: l.price })),
      };
    },
  };
}
