/** Kiosk step 1: the films showing on the chosen day, as posters. */
import type { ReactElement } from 'react';
import { usePreferences } from '../app-context.ts';
import { formatClock } from '../i18n/format.ts';
import type { FilmShowings } from '../programme.ts';
import { Poster } from '../ui/Poster.tsx';
import { KioskFrame } from './KioskFrame.tsx';

export function FilmScreen({
  day,
  days,
  films,
  timeZone,
  onDay,
  onFilm,
  onBack,
  onCancel,
}: {
  day: string;
  days: readonly { date: string; label: string }[];
  films: readonly FilmShowings[];
  timeZone: string | undefined;
  onDay: (date: string) => void;
  onFilm: (movieId: string) => void;
  onBack: () => void;
  onCancel: () => void;
}): ReactElement {
  const { t, locale } = usePreferences();
  return (
    <KioskFrame title={t.chooseFilm} progress="film" onBack={onBack} onCancel={onCancel}>
      <div className="day-tabs" role="tablist">
        {days.map((option) => (
          <button
            key={option.date}
            type="button"
            role="tab"
            aria-selected={option.date === day}
            className="day-tab"
            onClick={() => onDay(option.date)}
          >
            {option.label}
          </button>
        ))}
      </div>
      {films.length === 0 ? (
        <p className="empty">{t.noShowings}</p>
      ) : (
        <ul className="film-grid">
          {films.map(({ movie, showtimes }) => (
            <li key={movie.id}>
              <button type="button" className="film-card" onClick={() => onFilm(movie.id)}>
                <Poster movie={movie} />
                <span className="film-card-body">
                  <span className="film-card-title">{movie.titles[locale]}</span>
                  <span className="film-card-meta">
                    <span className="rating-badge">{movie.rating}</span>
                    {t.minutes(movie.runtimeMinutes)}
                    {movie.genres.length > 0 ? ` · ${movie.genres.slice(0, 2).join(' / ')}` : ''}
                  </span>
                  <span className="film-card-times">
                    {showtimes.slice(0, 4).map((s) => (
                      <span key={s.id} className="time-chip">
                        {formatClock(s.startsAt, locale, timeZone)}
                      </span>
                    ))}
                    {showtimes.length > 4 ? (
                      <span className="time-chip time-chip--more">+{showtimes.length - 4}</span>
                    ) : null}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </KioskFrame>
  );
}
