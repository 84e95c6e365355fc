/**
 * The programme as a customer or cashier browses it: which showings can be sold now, on which
 * day, grouped by film. Derived from the replicated documents; pure.
 */
import type { Movie, PriceList, Showtime, TicketType } from '@marquee/shared';
import { siteDate } from './i18n/format.ts';

/** A showing can be sold while it is on sale and inside its sales window. */
export function isSellable(showtime: Showtime, now: number): boolean {
  if (showtime.status !== 'on_sale') return false;
  const opens = Date.parse(showtime.salesWindow.opensAt);
  const closes = Date.parse(showtime.salesWindow.closesAt);
  return now >= opens && now < closes;
}

/** Showings starting on `date` (the cinema's calendar) that can still be sold, by start time. */
export function sellableOn(
  showtimes: readonly Showtime[],
  date: string,
  timeZone: string | undefined,
  now: number,
): Showtime[] {
  return showtimes
    .filter((s) => isSellable(s, now) && siteDate(Date.parse(s.startsAt), timeZone) === date)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
}

export interface FilmShowings {
  movie: Movie;
  showtimes: Showtime[];
}

/** Films with at least one of `showtimes`, ordered by their first showing. */
export function filmsWithShowings(movies: readonly Movie[], showtimes: readonly Showtime[]): FilmShowings[] {
  const byMovie = new Map<string, Showtime[]>();
  for (const showtime of showtimes) {
    const list = byMovie.get(showtime.movieId) ?? [];
    list.push(showtime);
    byMovie.set(showtime.movieId, list);
  }
  const films: FilmShowings[] = [];
  for (const movie of movies) {
    const list = byMovie.get(movie.id);
    if (list !== undefined) films.push({ movie, showtimes: list });
  }
  return films.sort(
    (a, b) =>
      (a.showtimes[0]?.startsAt ?? '').localeCompare(b.showtimes[0]?.startsAt ?? '') ||
      a.movie.id.localeCompare(b.movie.id),
  );
}

/**
 * The ticket types a showing sells: active, and priced by its price list. Adult first (most
 * parties have one), then the cinema's codes in a stable order.
 */
export function ticketTypesOnSale(
  types: readonly TicketType[],
  priceList: PriceList | null | undefined,
): TicketType[] {
  const priced = new Set((priceList?.prices ?? []).map((price) => price.ticketTypeId));
  return types
    .filter((type) => type.active && priced.has(type.id))
    .sort((a, b) => Number(b.code === 'adult') - Number(a.code === 'adult') || a.code.localeCompare(b.code));
}
