/** What the benchmarks hold: free seats of showtimes that are on sale, read over the API. */
import type { KeepAliveClient } from './http-load.ts';

export interface ShowtimeSeats {
  showtimeId: string;
  startsAt: string;
  freeSeats: string[];
}

interface ShowtimeView {
  id: string;
  startsAt: string;
  status: string;
  salesWindow: { opensAt: string; closesAt: string };
}

interface SeatMapView {
  seats: { id: string; state: string }[];
}

/** Showtimes selling for at least the next hour, each with its free seats. */
export async function loadFreeSeats(client: KeepAliveClient, token: string): Promise<ShowtimeSeats[]> {
  const now = Date.now();
  const from = new Date(now + 60 * 60 * 1000).toISOString();
  const to = new Date(now + 30 * 24 * 60 * 60 * 1000).toISOString();
  const { showtimes } = await client.json<{ showtimes: ShowtimeView[] }>(
    'GET',
    `/api/v1/showtimes?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=2000`,
    { token },
  );
  const selling = showtimes.filter(
    (s) =>
      s.status === 'on_sale' &&
      Date.parse(s.salesWindow.opensAt) <= now &&
      Date.parse(s.salesWindow.closesAt) > now + 60 * 60 * 1000,
  );
  const out: ShowtimeSeats[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const showtime = selling[next++];
      if (showtime === undefined) return;
      const map = await client.json<SeatMapView>('GET', `/api/v1/showtimes/${showtime.id}/seats`, { token });
      out.push({
        showtimeId: showtime.id,
        startsAt: showtime.startsAt,
        freeSeats: map.seats.filter((s) => s.state === 'free').map((s) => s.id),
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return out.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.showtimeId.localeCompare(b.showtimeId));
}

/** Seats interleaved across showtimes (seat 0 of each, then seat 1 of each…), so load spreads evenly. */
export function interleave(showtimes: readonly ShowtimeSeats[]): { showtimeId: string; seatId: string }[] {
  const out: { showtimeId: string; seatId: string }[] = [];
  const longest = Math.max(0, ...showtimes.map((s) => s.freeSeats.length));
  for (let i = 0; i < longest; i++) {
    for (const showtime of showtimes) {
      const seatId = showtime.freeSeats[i];
      if (seatId !== undefined) out.push({ showtimeId: showtime.showtimeId, seatId });
    }
  }
  return out;
}
