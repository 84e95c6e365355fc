/**
 * Turns an error from the core into a sentence for the person at the screen, in their language.
 * Customers and cashiers never see a code, an English server message or a stack trace: every
 * stable code of shared/src/errors.ts has its own sentence, the details the core sends (which
 * seats, which rule, how much cash is missing) sharpen it, and anything unknown gets a calm
 * generic sentence.
 */
import { formatMoney, isErrorCode } from '@marquee/shared';
import type { ErrorCode, Locale } from '@marquee/shared';
import type { Strings } from './strings.ts';

/** What the terminal was doing, where one code means different things to the user. */
export type ErrorContext = 'general' | 'enroll' | 'hold' | 'sell' | 'refund' | 'admit' | 'lookup';

/** The shape of `ErrorBody`, loosened: codes arrive over a transport and may be ones we do not know. */
export interface ErrorLike {
  code: string;
  message?: string;
  details?: Record<string, unknown> | undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** "F-7" → "F7" / "F排7座"; anything not shaped like a seat id is shown as it is. */
export function seatDisplayName(seatId: string, t: Strings): string {
  const dash = seatId.indexOf('-');
  return dash < 0 ? seatId : t.seatShort(seatId.slice(0, dash), seatId.slice(dash + 1));
}

export function seatListText(seatIds: readonly string[], t: Strings): string {
  return seatIds.map((id) => seatDisplayName(id, t)).join(t.listSeparator);
}

function validationMessage(details: Record<string, unknown>, t: Strings, locale: Locale): string {
  const seats = stringList(details['seatIds']);
  switch (details['rule']) {
    case 'empty_selection':
      return t.ruleEmptySelection;
    case 'seat_limit':
      return typeof details['limit'] === 'number' ? t.ruleSeatLimit(details['limit']) : t.errValidation;
    case 'loveseat_pair':
      return t.ruleLoveseatPair;
    case 'companion_requires_wheelchair':
      return t.ruleCompanion;
    case 'orphan_seat':
      return t.ruleOrphanSeat(seatListText(seats, t));
    case 'insufficient_tender': {
      const shortBy = details['shortBy'];
      const currency = details['currency'];
      if (typeof shortBy === 'number' && Number.isSafeInteger(shortBy) && typeof currency === 'string') {
        return t.ruleInsufficientTender(formatMoney({ amount: shortBy, currency }, locale));
      }
      return t.errValidation;
    }
    case 'empty':
    case 'not_a_number':
    case 'negative':
    case 'too_large':
      return t.ruleInvalidAmount;
    case 'too_many_decimals':
      return t.ruleTooManyDecimals;
    default:
      return t.errValidation;
  }
}

const SIMPLE: Readonly<Record<ErrorCode, (t: Strings) => string>> = {
  validation_failed: (t) => t.errValidation,
  unauthenticated: (t) => t.errUnauthenticated,
  forbidden: (t) => t.errForbidden,
  not_found: (t) => t.errNotFound,
  seats_unavailable: (t) => t.errSeatsUnavailable,
  hold_expired: (t) => t.errHoldExpired,
  price_mismatch: (t) => t.errPriceMismatch,
  schedule_conflict: (t) => t.errScheduleConflict,
  already_admitted: (t) => t.errAlreadyAdmitted,
  conflict: (t) => t.errConflict,
  invalid_state: (t) => t.errInvalidState,
  lease_expired: (t) => t.errLeaseExpired,
  payload_too_large: (t) => t.errPayloadTooLarge,
  rate_limited: (t) => t.errRateLimited,
  internal: (t) => t.errInternal,
  unavailable: (t) => t.errUnavailable,
  offline: (t) => t.errOffline,
};

/** The sentence to show for `error`. Never returns the code or the core's English message. */
export function errorMessage(
  error: ErrorLike,
  t: Strings,
  locale: Locale,
  context: ErrorContext = 'general',
): string {
  if (!isErrorCode(error.code)) return t.errUnknown;
  const details = error.details ?? {};
  switch (error.code) {
    case 'validation_failed':
      return validationMessage(details, t, locale);
    case 'seats_unavailable': {
      if (details['offline'] === true) return t.errSeatsUnavailableOffline;
      const seats = stringList(details['seatIds']);
      return seats.length > 0 ? t.errSeatsUnavailableNamed(seatListText(seats, t)) : t.errSeatsUnavailable;
    }
    case 'forbidden':
      return context === 'refund' ? t.errForbiddenRefund : t.errForbidden;
    case 'invalid_state':
      if (context === 'enroll') return t.errInvalidStateEnrolled;
      if (context === 'refund') return t.errInvalidStateRefund;
      if (context === 'hold' || context === 'sell') return t.errSalesClosed;
      return t.errInvalidState;
    case 'offline':
      return details['queued'] === true ? t.errSaleQueued : t.errOffline;
    default:
      return SIMPLE[error.code](t);
  }
}
