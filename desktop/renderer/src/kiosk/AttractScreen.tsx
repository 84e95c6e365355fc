/** The screen a kiosk shows between customers: what is on today and two big ways in. */
import type { ReactElement } from 'react';
import type { Movie } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import { DisplayToggles } from '../ui/DisplayToggles.tsx';
import { Poster } from '../ui/Poster.tsx';

export function AttractScreen({
  movies,
  onBuy,
  onPickup,
}: {
  movies: readonly Movie[];
  onBuy: () => void;
  onPickup: () => void;
}): ReactElement {
  const { t, locale } = usePreferences();
  return (
    <main className="screen attract">
      <div className="attract-hero">
        <p className="attract-welcome">{t.attractWelcome}</p>
        <h1 className="attract-title">{t.attractTitle}</h1>
        <div className="attract-actions">
          <button type="button" className="button button--primary button--huge" onClick={onBuy}>
            {t.buyTickets}
          </button>
          <button type="button" className="button button--secondary button--huge" onClick={onPickup}>
            {t.collectTickets}
          </button>
        </div>
        <DisplayToggles />
      </div>
      {movies.length === 0 ? null : (
        <section className="attract-strip" aria-label={t.nowShowing}>
          <h2>{t.nowShowing}</h2>
          <ul>
            {movies.slice(0, 8).map((movie) => (
              <li key={movie.id}>
                <button type="button" className="attract-film" onClick={onBuy}>
                  <Poster movie={movie} />
                  <span className="attract-film-title">{movie.titles[locale]}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
