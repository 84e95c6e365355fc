/** Everything a sale screen needs about one showing, live from the replica. */
import { useEffect, useMemo, useState } from 'react';
import type { Hall, Movie, SeatClaim, SeatMapDoc, Showtime } from '@marquee/shared';
import { callCore, useClient, useStatus } from '../app-context.ts';
import { useDoc } from './use-replica.ts';

export interface Showing {
  showtime: Showtime;
  movie: Movie | undefined;
  hall: Hall | undefined;
  /** null: no seat is claimed yet (the server publishes a seat map with the first claim). */
  seatMap: SeatMapDoc | null | undefined;
  /** The seat map's claims plus this terminal's own offline sales that have not synced yet. */
  claims: readonly SeatClaim[];
}

/**
 * Seats this terminal sold offline from its leases. They reach the replicated seat map only once
 * the outbox drains, so until then the core's own seat map (`seatmap.get`, which merges them in)
 * is asked, once per change of this terminal's offline sales: no polling, and nothing to ask
 * while online.
 */
function useOfflineSold(showtimeId: string | undefined): readonly string[] {
  const client = useClient();
  const status = useStatus();
  const offline = status?.enrolled === true && status.connection !== 'online';
  // Changes whenever this terminal sells from a lease or its outbox moves.
  const version = `${status?.leaseSeatsLeft ?? 0}|${status?.pendingOutbox ?? 0}`;
  const [sold, setSold] = useState<readonly string[]>([]);
  useEffect(() => {
    if (!offline || showtimeId === undefined) {
      setSold([]);
      return undefined;
    }
    let live = true;
    void callCore(client, 'seatmap.get', { showtimeId }).then((result) => {
      if (live && result.ok) setSold(result.value.seats.filter((seat) => seat.state === 'sold').map((seat) => seat.id));
    });
    return () => {
      live = false;
    };
  }, [client, offline, showtimeId, version]);
  return sold;
}

export function useShowing(showtimeId: string | undefined): Showing | undefined {
  const showtime = useDoc('showtimes', showtimeId);
  const movie = useDoc('movies', showtime?.movieId);
  const hall = useDoc('halls', showtime?.hallId);
  const seatMap = useDoc('seat_maps', showtimeId);
  const offlineSold = useOfflineSold(showtimeId);
  const claims = useMemo(() => {
    const replicated = seatMap?.claims ?? [];
    if (offlineSold.length === 0) return replicated;
    const known = new Set(replicated.filter((claim) => claim.state === 'sold').map((claim) => claim.seatId));
    return [
      ...replicated,
      ...offlineSold.filter((id) => !known.has(id)).map((seatId): SeatClaim => ({ seatId, state: 'sold' })),
    ];
  }, [seatMap, offlineSold]);
  if (showtime === undefined || showtime === null) return undefined;
  return { showtime, movie: movie ?? undefined, hall: hall ?? undefined, seatMap, claims };
}
