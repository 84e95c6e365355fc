/** A film poster without a picture: a gradient and the title's initials, unique per film. */
import type { CSSProperties, ReactElement } from 'react';
import type { Movie } from '@marquee/shared';
import { usePreferences } from '../app-context.ts';
import { posterArt } from './poster-art.ts';

export function Poster({ movie, size = 'large' }: { movie: Movie; size?: 'large' | 'small' }): ReactElement {
  const { locale } = usePreferences();
  const title = movie.titles[locale];
  const art = posterArt(movie.id, title);
  return (
    <div
      className={`poster poster--${size}`}
      // Custom properties set through the CSSOM, which the CSP's style-src 'self' allows.
      style={
        {
          '--poster-hue-a': String(art.hueA),
          '--poster-hue-b': String(art.hueB),
          '--poster-angle': `${art.angle}deg`,
        } as CSSProperties
      }
      aria-hidden="true"
    >
      <span className="poster-initials">{art.initials}</span>
      <span className="poster-rating">{movie.rating}</span>
    </div>
  );
}
