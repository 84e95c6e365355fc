/**
 * How long the seats stay held, counting down each second; urgent in the last minute (colour and
 * a screen-reader announcement), and a single call to `onExpired` when the hold ends.
 */
import { useEffect, useRef } from 'react';
import type { ReactElement } from 'react';
import { usePreferences } from '../app-context.ts';
import { countdown } from '../countdown.ts';
import { useNow } from '../use-now.ts';

export function HoldCountdown({
  expiresAt,
  onExpired,
  format,
}: {
  expiresAt: string;
  onExpired: () => void;
  format?: (time: string) => string;
}): ReactElement {
  const { t } = usePreferences();
  const now = useNow(1_000);
  const left = countdown(expiresAt, now);
  const fired = useRef(false);
  const expired = useRef(onExpired);
  useEffect(() => {
    expired.current = onExpired;
  }, [onExpired]);
  useEffect(() => {
    if (left.expired && !fired.current) {
      fired.current = true;
      expired.current();
    }
  }, [left.expired]);
  const text = (format ?? t.holdCountdown)(left.text);
  return (
    <p className={`hold-countdown${left.urgent ? ' is-urgent' : ''}`}>
      <svg className="hold-countdown-icon" viewBox="0 0 24 24" aria-hidden="true">
        <circle cx="12" cy="13" r="8" />
        <path d="M12 9v4l3 2M9 2h6" />
      </svg>
      <span aria-hidden="true">{text}</span>
      {/* Announce once a minute, and every 15 s in the last minute; not every tick. */}
      <span className="visually-hidden" aria-live="polite">
        {left.seconds % 60 === 0 || (left.urgent && left.seconds % 15 === 0) ? text : ''}
      </span>
    </p>
  );
}
