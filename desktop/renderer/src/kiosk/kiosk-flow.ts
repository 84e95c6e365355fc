/**
 * The kiosk's purchase flow as a pure state machine: attract → film → showtime → party → seats →
 * summary (seats held) → payment → tickets → done, plus ticket pickup. Every step has a way back
 * and a way out; leaving the summary or payment backwards or out gives the hold up, and the
 * reducer says so (`releaseHold`) so the screen cannot forget to release it.
 */
import type { SaleResult, SeatId } from '@marquee/shared';
import type { PartyCounts } from './party.ts';

export type KioskStep =
  'attract' | 'film' | 'showtime' | 'party' | 'seats' | 'summary' | 'payment' | 'tickets' | 'done' | 'pickup';

export interface KioskHold {
  id: string;
  showtimeId: string;
  seatIds: SeatId[];
  expiresAt: string;
  offline: boolean;
}

export interface KioskState {
  step: KioskStep;
  /** The programme day being browsed (`YYYY-MM-DD`, the cinema's calendar). */
  day: string | undefined;
  movieId: string | undefined;
  showtimeId: string | undefined;
  counts: PartyCounts;
  /** Seats chosen on the seat screen, in layout order. */
  selection: SeatId[];
  hold: KioskHold | undefined;
  sale: SaleResult | undefined;
  /** The sale went to the outbox without an answer yet (offline, or the server is slow). */
  queuedOrderId: string | undefined;
  /** Why the flow came back to the seat screen (hold expired, seats lost). */
  notice: 'hold_expired' | undefined;
}

export type KioskAction =
  | { type: 'buy' }
  | { type: 'pickup' }
  | { type: 'day'; day: string }
  | { type: 'film'; movieId: string }
  | { type: 'showtime'; showtimeId: string }
  | { type: 'counts'; counts: PartyCounts }
  | { type: 'toSeats' }
  | { type: 'selection'; seatIds: SeatId[] }
  | { type: 'held'; hold: KioskHold }
  | { type: 'toPayment' }
  | { type: 'sold'; sale: SaleResult }
  | { type: 'queued'; orderId: string }
  | { type: 'printed' }
  | { type: 'holdExpired' }
  | { type: 'back' }
  | { type: 'reset' };

export const INITIAL_KIOSK_STATE: KioskState = {
  step: 'attract',
  day: undefined,
  movieId: undefined,
  showtimeId: undefined,
  counts: {},
  selection: [],
  hold: undefined,
  sale: undefined,
  queuedOrderId: undefined,
  notice: undefined,
};

const PREVIOUS: Readonly<Partial<Record<KioskStep, KioskStep>>> = {
  film: 'attract',
  showtime: 'film',
  party: 'showtime',
  seats: 'party',
  summary: 'seats',
  payment: 'summary',
  pickup: 'attract',
};

/** Steps during which this kiosk holds seats. */
export const HOLDING_STEPS: ReadonlySet<KioskStep> = new Set(['summary', 'payment']);

export function kioskReducer(state: KioskState, action: KioskAction): KioskState {
  switch (action.type) {
    case 'buy':
      return { ...INITIAL_KIOSK_STATE, step: 'film', day: state.day };
    case 'pickup':
      return { ...INITIAL_KIOSK_STATE, step: 'pickup' };
    case 'day':
      return { ...state, day: action.day };
    case 'film':
      return { ...state, step: 'showtime', movieId: action.movieId, showtimeId: undefined };
    case 'showtime':
      return { ...state, step: 'party', showtimeId: action.showtimeId, selection: [] };
    case 'counts':
      return { ...state, counts: action.counts };
    case 'toSeats':
      return { ...state, step: 'seats', selection: [], notice: undefined };
    case 'selection':
      return { ...state, selection: action.seatIds, notice: undefined };
    case 'held':
      return {
        ...state,
        step: 'summary',
        hold: action.hold,
        selection: action.hold.seatIds,
        notice: undefined,
      };
    case 'toPayment':
      return state.hold === undefined ? state : { ...state, step: 'payment' };
    case 'sold':
      return { ...state, step: 'tickets', sale: action.sale, hold: undefined };
    case 'queued':
      return { ...state, step: 'tickets', queuedOrderId: action.orderId, hold: undefined };
    case 'printed':
      return { ...state, step: 'done' };
    case 'holdExpired':
      return { ...state, step: 'seats', hold: undefined, notice: 'hold_expired' };
    case 'back': {
      const previous = PREVIOUS[state.step];
      if (previous === undefined) return state;
      // Back from the summary gives the hold up but keeps the seats chosen, so the customer
      // sees them again (they are free once the release lands).
      return HOLDING_STEPS.has(state.step) && previous === 'seats'
        ? { ...state, step: previous, hold: undefined }
        : { ...state, step: previous };
    }
    case 'reset':
      return INITIAL_KIOSK_STATE;
  }
}

/**
 * The hold to release before applying `action` to `state`: any action that leaves the holding
 * steps backwards or out (back from the summary, cancel, idle reset, expiry) while a hold lives.
 */
export function holdToRelease(state: KioskState, action: KioskAction): KioskHold | undefined {
  if (state.hold === undefined) return undefined;
  if (action.type === 'reset' || action.type === 'holdExpired') return state.hold;
  if (action.type === 'back' && state.step === 'summary') return state.hold;
  return undefined;
}
