/**
 * The server side of the terminal-core benchmarks: shaping the site (sales, online admissions,
 * holds) through the test server's API, and reading what it holds (documents, sequence, seats).
 */
import { layoutSeats, type Hall } from '@marquee/shared';
import { currentCheckpointSeq } from '../../sync-server/src/sync/change-log.ts';
import type { TestServer } from '../support/server.ts';
import { freeSeats, sellSeats } from '../support/terminal.ts';

/** Runs `task` over `items` with `concurrency` workers; results in input order. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

export const serverSeq = (server: TestServer): Promise<number> =>
  server.ctx.db.read((ex) => currentCheckpointSeq(server.ctx, ex));

export async function serverDocs(
  server: TestServer,
): Promise<{ documents: number; byCollection: Record<string, number> }> {
  const rows = await server.ctx.db.read((ex) =>
    ex.all<{ collection: string; n: number | string }>(
      'SELECT collection, COUNT(*) AS n FROM sync_docs GROUP BY collection',
    ),
  );
  const byCollection = Object.fromEntries(rows.map((r) => [r.collection, Number(r.n)]));
  return { documents: rows.reduce((sum, r) => sum + Number(r.n), 0), byCollection };
}

export interface SiteShape {
  showtimes: number;
  seatShowtimes: number;
  claims: number;
}

export async function siteShape(server: TestServer): Promise<SiteShape> {
  return server.ctx.db.read(async (ex) => {
    const halls = await ex.all<{ id: string; body: string }>('SELECT id, body FROM halls');
    const seats = new Map(halls.map((h) => [h.id, layoutSeats((JSON.parse(h.body) as Hall).layout).length]));
    const perHall = await ex.all<{ hall_id: string; n: number | string }>(
      'SELECT hall_id, COUNT(*) AS n FROM showtimes GROUP BY hall_id',
    );
    const claims = await ex.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM seat_claims');
    return {
      showtimes: perHall.reduce((sum, r) => sum + Number(r.n), 0),
      seatShowtimes: perHall.reduce((sum, r) => sum + Number(r.n) * (seats.get(r.hall_id) ?? 0), 0),
      claims: Number(claims?.n ?? 0),
    };
  });
}

export interface ShowtimeRow {
  id: string;
  startsAt: string;
  status: string;
}

/** Showtimes on sale starting between 1 hour and 5 days from the server's now, earliest first. */
export async function upcoming(server: TestServer): Promise<ShowtimeRow[]> {
  const now = server.clock.now();
  const from = new Date(now + 3_600_000).toISOString();
  const to = new Date(now + 5 * 86_400_000).toISOString();
  const res = await server.api('GET', `/showtimes?from=${from}&to=${to}&limit=2000`, {
    token: server.adminToken,
  });
  if (res.status !== 200) throw new Error(`showtimes: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { showtimes: ShowtimeRow[] }).showtimes
    .filter((s) => s.status === 'on_sale')
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

export interface SoldTicket {
  token: string;
  showtimeId: string;
  startsAt: string;
}

/**
 * Sells `count` tickets (orders of up to 50 standard seats, at most half of a showtime's free
 * seats each) over the showtimes in order, taking showtimes off the front of `showtimes`.
 */
export async function sellTickets(
  server: TestServer,
  showtimes: ShowtimeRow[],
  count: number,
): Promise<SoldTicket[]> {
  const orders: { showtime: ShowtimeRow; seatIds: string[] }[] = [];
  let planned = 0;
  while (planned < count) {
    const showtime = showtimes.shift();
    if (showtime === undefined) throw new Error(`not enough showtimes to sell ${count} tickets`);
    const free = await freeSeats(server, server.adminToken, showtime.id, ['standard']);
    const take = free.slice(0, Math.min(Math.floor(free.length / 2), count - planned));
    for (let i = 0; i < take.length; i += 50) orders.push({ showtime, seatIds: take.slice(i, i + 50) });
    planned += take.length;
  }
  const sold = await pool(orders, 4, async ({ showtime, seatIds }) => {
    const { order } = await sellSeats(server, server.adminToken, showtime.id, seatIds);
    return order.tickets.map((t) => ({
      token: t.token,
      showtimeId: showtime.id,
      startsAt: showtime.startsAt,
    }));
  });
  return sold.flat();
}

/**
 * Admits tickets online through the server as another door would, showtime by showtime with the
 * server's clock at the door (a gate device's session does not expire when the clock moves).
 */
export async function admitOnline(
  server: TestServer,
  gateToken: string,
  tickets: readonly SoldTicket[],
): Promise<void> {
  const byShowtime = new Map<string, SoldTicket[]>();
  for (const ticket of tickets)
    byShowtime.set(ticket.showtimeId, [...(byShowtime.get(ticket.showtimeId) ?? []), ticket]);
  const realNow = server.clock.ms;
  try {
    for (const group of byShowtime.values()) {
      server.clock.ms = Date.parse(group[0]?.startsAt ?? '') - 10 * 60_000;
      await pool(group, 8, async (ticket) => {
        const res = await server.api('POST', '/admissions', {
          token: gateToken,
          body: { token: ticket.token },
        });
        if (res.status !== 200 || (res.body as { verdict: string }).verdict !== 'admitted')
          throw new Error(`admission: ${res.status} ${JSON.stringify(res.body)}`);
      });
    }
  } finally {
    server.clock.ms = realNow;
  }
}

export interface HoldTarget {
  showtimeId: string;
  seats: string[];
}

/** Free seats of each showtime (for holds), fetched over the API. */
export async function holdTargets(
  server: TestServer,
  showtimes: readonly ShowtimeRow[],
): Promise<HoldTarget[]> {
  return pool(showtimes, 8, async (s) => ({
    showtimeId: s.id,
    seats: await freeSeats(server, server.adminToken, s.id, ['standard']),
  }));
}
