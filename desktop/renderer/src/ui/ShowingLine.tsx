/** One line that says which showing this is: film, day and time, hall. */
import type { ReactElement } from 'react';
import { usePreferences } from '../app-context.ts';
import { useSite } from '../data/use-replica.ts';
import type { Showing } from '../data/use-showing.ts';
import { formatClock, formatDay } from '../i18n/format.ts';
import { featureText } from '../ui/features.ts';

export function ShowingLine({ showing }: { showing: Showing }): ReactElement {
  const { t, locale } = usePreferences();
  const site = useSite();
  const { showtime, movie, hall } = showing;
  return (
    <p className="showing-line">
      <strong>{movie?.titles[locale] ?? ''}</strong>
      <span>
        {formatDay(showtime.startsAt, locale, site?.timezone)}{' '}
        {formatClock(showtime.startsAt, locale, site?.timezone)}
      </span>
      {hall === undefined ? null : (
        <span>
          {hall.name}
          {hall.features.map((f) => (
            <span key={f} className="feature-badge">
              {featureText(f, t)}
            </span>
          ))}
        </span>
      )}
    </p>
  );
}
