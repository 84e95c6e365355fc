/**
 * Today's showings down the side of the box office, the next nine on the number keys: a cashier
 * selling the 19:30 says "3" and is on its seat map.
 */
import type { ReactElement } from 'react';
import type { Hall, Movie, SeatMapDoc, Showtime } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import { formatClock } from '../i18n/format.ts';
import { freeSeatCount } from '../seat-map/seat-states.ts';
import { QUICK_KEYS } from './sell-keys.ts';

export function ShowtimeList({
  showtimes,
  movies,
  halls,
  seatMaps,
  selectedId,
  now,
  timeZone,
  onSelect,
}: {
  showtimes: readonly Showtime[];
  movies: ReadonlyMap<string, Movie>;
  halls: ReadonlyMap<string, Hall>;
  seatMaps: ReadonlyMap<string, SeatMapDoc>;
  selectedId: string | undefined;
  now: number;
  timeZone: string | undefined;
  onSelect: (showtimeId: string) => void;
}): ReactElement {
  const { t, locale } = usePreferences();
  return (
    <nav className="bo-showtimes" aria-label={t.showtimesToday}>
      <h2>{t.showtimesToday}</h2>
      {showtimes.length === 0 ? <p className="empty">{t.noShowtimesToday}</p> : null}
      <ol>
        {showtimes.map((showtime, index) => {
          const hall = halls.get(showtime.hallId);
          const movie = movies.get(showtime.movieId);
          const free =
            hall === undefined
              ? undefined
              : freeSeatCount(hall.layout, seatMaps.get(showtime.id)?.claims ?? [], now);
          const key = QUICK_KEYS[index];
          return (
            <li key={showtime.id}>
              <button
                type="button"
                className={`bo-showtime${showtime.id === selectedId ? ' is-selected' : ''}${free === 0 ? ' is-sold-out' : ''}`}
                aria-pressed={showtime.id === selectedId}
                aria-keyshortcuts={key}
                onClick={() => onSelect(showtime.id)}
              >
                <kbd className="quick-key" aria-label={key === undefined ? undefined : t.quickKey(key)}>
                  {key ?? ''}
                </kbd>
                <span className="bo-showtime-time">{formatClock(showtime.startsAt, locale, timeZone)}</span>
                <span className="bo-showtime-film">{movie?.titles[locale] ?? ''}</span>
                <span className="bo-showtime-hall">{hall?.name ?? ''}</span>
                <span className="bo-showtime-free">
                  {free === undefined ? '' : free === 0 ? t.soldOut : t.seatsLeft(free)}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
