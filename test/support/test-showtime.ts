/** A showtime of a test's own, in a hall of its own, created through the back-office API. */
import { plainHall } from '../../shared/src/testing/layouts.ts';
import { refused, type Admin } from './http-api.ts';

export interface TestShowtime {
  id: string;
  hallId: string;
  startsAt: string;
  adultTicketTypeId: string;
}

/**
 * A fresh hall of `rows` × `seatsPerRow` standard seats (so nothing else is scheduled there) and
 * a film of the demo programme in it, starting at `startsAt` (epoch ms).
 */
export async function createTestShowtime(
  admin: Admin,
  options: { startsAt: number; rows?: number; seatsPerRow?: number; name?: string },
): Promise<TestShowtime> {
  const token = admin.adminToken;
  const movies = await admin.api('GET', '/movies', { token });
  const movie = (movies.body?.movies as { id: string }[] | undefined)?.[0];
  if (movie === undefined) refused('no films', movies);
  const hall = await admin.api('POST', '/halls', {
    token,
    body: {
      name: options.name ?? `Test hall ${Math.random().toString(36).slice(2, 8)}`,
      features: [],
      layout: plainHall(options.rows ?? 8, options.seatsPerRow ?? 12),
    },
  });
  if (hall.status !== 201) refused('hall', hall);
  const created = await admin.api('POST', '/showtimes', {
    token,
    body: { movieId: movie.id, hallId: hall.body.id, startsAt: new Date(options.startsAt).toISOString() },
  });
  if (created.status !== 201) refused('showtime', created);
  const id = created.body.id as string;
  return {
    id,
    hallId: hall.body.id as string,
    startsAt: created.body.startsAt as string,
    adultTicketTypeId: await adultTicketTypeId(admin, id),
  };
}

/** The id of the adult ticket type on sale for a showtime. */
export async function adultTicketTypeId(admin: Admin, showtimeId: string): Promise<string> {
  const details = await admin.api('GET', `/showtimes/${showtimeId}`, { token: admin.adminToken });
  if (details.status !== 200) refused('showtime', details);
  const adult = (details.body.ticketTypes as { ticketType: { id: string; code: string } }[]).find(
    (t) => t.ticketType.code === 'adult',
  );
  if (adult === undefined) throw new Error(`no adult ticket type on sale for ${showtimeId}`);
  return adult.ticketType.id;
}
