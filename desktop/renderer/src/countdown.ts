/**
 * The time left on a seat hold, as the customer sees it. Rounded up to whole seconds, so the
 * display never shows 0:00 while the hold still lives, and reaches 0:00 exactly when it ends.
 */

/** From this many seconds left the countdown turns urgent (colour and announcement). */
export const URGENT_SECONDS = 60;

export interface Countdown {
  /** Whole seconds left, rounded up; 0 once expired. */
  seconds: number;
  expired: boolean;
  urgent: boolean;
  /** "4:05". */
  text: string;
}

export function countdown(expiresAt: string | number, now: number): Countdown {
  const end = typeof expiresAt === 'number' ? expiresAt : Date.parse(expiresAt);
  // An unreadable expiry counts as expired: showing time that may not exist would mislead.
  const remainingMs = Number.isNaN(end) ? 0 : end - now;
  const seconds = remainingMs <= 0 ? 0 : Math.ceil(remainingMs / 1000);
  const minutesPart = Math.floor(seconds / 60);
  const secondsPart = seconds % 60;
  return {
    seconds,
    expired: seconds === 0,
    urgent: seconds <= URGENT_SECONDS,
    text: `${minutesPart}:${String(secondsPart).padStart(2, '0')}`,
  };
}
