/** Kiosk step 2: the film's showings that day, with hall, format and seats left (live). */
import type { ReactElement } from 'react';
import type { Hall, Movie, SeatMapDoc, Showtime } from '@marquee/shared';
import { capacity } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import { formatClock } from '../i18n/format.ts';
import { freeSeatCount } from '../seat-map/seat-states.ts';
import { featureText } from '../ui/features.ts';
import { Poster } from '../ui/Poster.tsx';
import { KioskFrame } from './KioskFrame.tsx';

/** Fewer free seats than this (as a share of the hall) is worth saying in colour. */
const ALMOST_FULL = 0.15;

export function ShowtimeScreen({
  movie,
  showtimes,
  halls,
  seatMaps,
  now,
  timeZone,
  onShowtime,
  onBack,
  onCancel,
}: {
  movie: Movie;
  showtimes: readonly Showtime[];
  halls: ReadonlyMap<string, Hall>;
  seatMaps: ReadonlyMap<string, SeatMapDoc>;
  now: number;
  timeZone: string | undefined;
  onShowtime: (showtimeId: string) => void;
  onBack: () => void;
  onCancel: () => void;
}): ReactElement {
  const { t, locale } = usePreferences();
  return (
    <KioskFrame title={t.chooseShowtime} progress="time" onBack={onBack} onCancel={onCancel}>
      <div className="film-header">
        <Poster movie={movie} size="small" />
        <div>
          <h2>{movie.titles[locale]}</h2>
          <p className="film-card-meta">
            <span className="rating-badge">{movie.rating}</span>
            {t.minutes(movie.runtimeMinutes)}
            {movie.genres.length > 0 ? ` · ${movie.genres.join(' / ')}` : ''}
          </p>
        </div>
      </div>
      {showtimes.length === 0 ? (
        <p className="empty">{t.noShowings}</p>
      ) : (
        <ul className="showtime-grid">
          {showtimes.map((showtime) => {
            const hall = halls.get(showtime.hallId);
            const free =
              hall === undefined
                ? undefined
                : freeSeatCount(hall.layout, seatMaps.get(showtime.id)?.claims ?? [], now);
            const soldOut = free === 0;
            const almostFull =
              hall !== undefined &&
              free !== undefined &&
              free > 0 &&
              free < capacity(hall.layout) * ALMOST_FULL;
            return (
              <li key={showtime.id}>
                <button
                  type="button"
                  className={`showtime-tile${soldOut ? ' is-sold-out' : ''}${almostFull ? ' is-almost-full' : ''}`}
                  disabled={soldOut}
                  onClick={() => onShowtime(showtime.id)}
                >
                  <span className="showtime-time">{formatClock(showtime.startsAt, locale, timeZone)}</span>
                  <span className="showtime-hall">{hall?.name ?? t.hall}</span>
                  <span className="showtime-features">
                    {hall?.features.map((f) => (
                      <span key={f} className="feature-badge">
                        {featureText(f, t)}
                      </span>
                    ))}
                  </span>
                  <span className="showtime-seats">
                    {free === undefined ? '' : soldOut ? t.soldOut : t.seatsLeft(free)}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </KioskFrame>
  );
}
