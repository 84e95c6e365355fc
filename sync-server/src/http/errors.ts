/** Error factories with stable codes (DESIGN §8). Routes throw these; one handler formats them. */
import { MarqueeError } from '@marquee/shared';

export const validationFailed = (message: string, details?: Record<string, unknown>) =>
  new MarqueeError('validation_failed', message, details);
export const unauthenticated = (message = 'sign in first') => new MarqueeError('unauthenticated', message);
export const forbidden = (message = 'not allowed for this role') => new MarqueeError('forbidden', message);
export const notFound = (what: string, id?: string) =>
  new MarqueeError('not_found', `${what} not found`, id === undefined ? undefined : { id });
export const seatsUnavailable = (seatIds: readonly string[]) =>
  new MarqueeError('seats_unavailable', `seats not available: ${seatIds.join(', ')}`, {
    seatIds: [...seatIds],
  });
export const holdExpired = (holdId: string) =>
  new MarqueeError('hold_expired', 'the hold has expired or was released', { holdId });
export const priceMismatch = (total: number, expectedTotal: number) =>
  new MarqueeError('price_mismatch', `the total is ${total}, not ${expectedTotal}`, { total, expectedTotal });
export const scheduleConflict = (message: string, details: Record<string, unknown>) =>
  new MarqueeError('schedule_conflict', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new MarqueeError('conflict', message, details);
export const invalidState = (message: string, details?: Record<string, unknown>) =>
  new MarqueeError('invalid_state', message, details);
export const rateLimited = (retryAfterSeconds: number) =>
  new MarqueeError('rate_limited', 'too many attempts, try again later', { retryAfterSeconds });
