/**
 * A sale at the counter as a pure reducer: pick a showing, choose seats (by hand or best
 * available for the party), hold them, give each seat a ticket type, take cash or card, and end
 * with the sale done or queued for the server. The panel sends the calls to the core and reports
 * their answers here; what the cashier sees next follows from the state alone.
 */
import { formatAmount } from '@marquee/shared';
import type {
  ErrorBody,
  HallLayout,
  Payment,
  Result,
  SaleResult,
  SeatId,
  TerminalCallInput,
  TerminalOutput,
} from '@marquee/shared';
import { inLayoutOrder } from '../seat-map/seat-geometry.ts';
import { cashTender } from './cash.ts';

/** The seats this till holds: the core's answer to `seats.hold`. */
export type CounterHold = TerminalOutput<'seats.hold'>;

/** The counter takes cash, or a card on the bank's own terminal. */
export type CounterMethod = 'cash' | 'card';

/** The seats `bestAvailable` may suggest at once (terminal API limit). */
export const MAX_BEST_AVAILABLE = 10;

/** What the panel says above the seat map; the panel words it in the cashier's language. */
export type SaleNotice =
  | { kind: 'releaseFirst' }
  | { kind: 'noSeatsTogether' }
  | { kind: 'holdExpired' }
  | { kind: 'seatsTaken'; seatIds: SeatId[] }
  /** Refused here before any call (seats not sellable, cash short or unreadable). */
  | { kind: 'refused'; error: ErrorBody; context: 'hold' | 'sell' };

export interface SaleState {
  showtimeId: string | undefined;
  /** How many seats "best available" looks for. */
  partySize: number;
  /** Seats chosen on the map, in layout order (the held seats once held). */
  selection: SeatId[];
  hold: CounterHold | undefined;
  /** Ticket type per held seat; a seat not in here has the price list's first type. */
  types: Record<SeatId, string>;
  method: CounterMethod;
  /** Cash received as typed; empty means the exact amount. */
  tendered: string;
  /** The card terminal's reference, optional. */
  reference: string;
  sale: SaleResult | undefined;
  /** The sale went to the outbox without an answer yet. */
  queuedOrderId: string | undefined;
  /** The core refused a call. */
  error: ErrorBody | undefined;
  notice: SaleNotice | undefined;
  /** A hold or a sale is on its way to the core. */
  busy: boolean;
}

export type SaleAction =
  | { type: 'showtime'; showtimeId: string }
  | { type: 'partySize'; size: number }
  | { type: 'partyStep'; delta: number }
  | { type: 'toggle'; seatId: SeatId; layout: HallLayout | undefined }
  | { type: 'clearSelection' }
  | { type: 'seatsTaken'; seatIds: SeatId[] }
  | { type: 'notice'; notice: SaleNotice }
  /** A call to the core failed (best available, release). */
  | { type: 'failed'; error: ErrorBody }
  | { type: 'dismissError' }
  | { type: 'bestStarted' }
  | { type: 'bestFound'; seatIds: SeatId[] | null; layout: HallLayout | undefined }
  | { type: 'holdStarted' }
  | { type: 'holdRefused'; error: ErrorBody }
  | { type: 'held'; hold: CounterHold }
  | { type: 'released' }
  | { type: 'holdExpired' }
  | { type: 'ticketType'; seatId: SeatId; ticketTypeId: string }
  | { type: 'method'; method: CounterMethod }
  | { type: 'tendered'; text: string }
  | { type: 'reference'; text: string }
  | { type: 'sellStarted' }
  | { type: 'sold'; sale: SaleResult }
  | { type: 'sellFailed'; error: ErrorBody }
  | { type: 'newSale' };

export const INITIAL_SALE_STATE: SaleState = {
  showtimeId: undefined,
  partySize: 2,
  selection: [],
  hold: undefined,
  types: {},
  method: 'cash',
  tendered: '',
  reference: '',
  sale: undefined,
  queuedOrderId: undefined,
  error: undefined,
  notice: undefined,
  busy: false,
};

function clampParty(size: number): number {
  return Math.min(MAX_BEST_AVAILABLE, Math.max(1, size));
}

function ordered(layout: HallLayout | undefined, seatIds: SeatId[]): SeatId[] {
  return layout === undefined ? seatIds : inLayoutOrder(layout, seatIds);
}

/** Everything of the last sale gone; the showing, party size and payment method stay. */
function cleared(state: SaleState): SaleState {
  const { showtimeId, partySize, method, busy } = state;
  return { ...INITIAL_SALE_STATE, showtimeId, partySize, method, busy };
}

/** The order id of a sale the core queued for the server instead of refusing it. */
function queuedOrderOf(error: ErrorBody): string | undefined {
  const orderId = error.details?.['orderId'];
  return error.code === 'offline' && error.details?.['queued'] === true && typeof orderId === 'string'
    ? orderId
    : undefined;
}

export function saleReducer(state: SaleState, action: SaleAction): SaleState {
  switch (action.type) {
    case 'showtime':
      return { ...cleared(state), showtimeId: action.showtimeId };
    case 'partySize':
      return { ...state, partySize: clampParty(action.size) };
    case 'partyStep':
      return { ...state, partySize: clampParty(state.partySize + action.delta) };
    case 'toggle':
      if (state.hold !== undefined) return { ...state, notice: { kind: 'releaseFirst' } };
      return {
        ...state,
        notice: undefined,
        selection: state.selection.includes(action.seatId)
          ? state.selection.filter((id) => id !== action.seatId)
          : ordered(action.layout, [...state.selection, action.seatId]),
      };
    case 'clearSelection':
      return { ...state, selection: [] };
    case 'seatsTaken':
      return {
        ...state,
        selection: state.selection.filter((id) => !action.seatIds.includes(id)),
        notice: { kind: 'seatsTaken', seatIds: action.seatIds },
      };
    case 'notice':
      return { ...state, notice: action.notice };
    case 'failed':
      return { ...state, error: action.error };
    case 'dismissError':
      return { ...state, error: undefined };
    case 'bestStarted':
      return { ...state, error: undefined };
    case 'bestFound':
      return action.seatIds === null
        ? { ...state, notice: { kind: 'noSeatsTogether' } }
        : { ...state, notice: undefined, selection: ordered(action.layout, action.seatIds) };
    case 'holdStarted':
    case 'sellStarted':
      return { ...state, busy: true, error: undefined, notice: undefined };
    case 'holdRefused': {
      // The seats the core says are gone leave the selection; the others stay chosen.
      const lost = action.error.details?.['seatIds'];
      return {
        ...state,
        busy: false,
        error: action.error,
        selection: Array.isArray(lost) ? state.selection.filter((id) => !lost.includes(id)) : state.selection,
      };
    }
    case 'held':
      return { ...state, busy: false, hold: action.hold, selection: action.hold.seatIds, method: 'cash' };
    case 'released':
      return { ...state, hold: undefined, tendered: '' };
    case 'holdExpired':
      return { ...state, hold: undefined, notice: { kind: 'holdExpired' } };
    case 'ticketType':
      return { ...state, types: { ...state.types, [action.seatId]: action.ticketTypeId } };
    case 'method':
      return { ...state, method: action.method };
    case 'tendered':
      return { ...state, tendered: action.text };
    case 'reference':
      return { ...state, reference: action.text };
    case 'sold':
      // Sold seats are no longer "chosen": they must not read as taken by someone else.
      return { ...state, busy: false, sale: action.sale, hold: undefined, selection: [] };
    case 'sellFailed': {
      const queuedOrderId = queuedOrderOf(action.error);
      if (queuedOrderId !== undefined)
        return { ...state, busy: false, queuedOrderId, hold: undefined, selection: [] };
      return {
        ...state,
        busy: false,
        error: action.error,
        hold: action.error.code === 'hold_expired' ? undefined : state.hold,
      };
    }
    case 'newSale':
      return cleared(state);
  }
}

/** The four screens of the payment column, each with what it shows. */
export type CartScreen =
  | { screen: 'done'; sale: SaleResult }
  | { screen: 'queued'; orderId: string }
  | { screen: 'empty' }
  | { screen: 'pay'; hold: CounterHold };

export function cartScreen(state: SaleState): CartScreen {
  if (state.sale !== undefined) return { screen: 'done', sale: state.sale };
  if (state.queuedOrderId !== undefined) return { screen: 'queued', orderId: state.queuedOrderId };
  return state.hold === undefined ? { screen: 'empty' } : { screen: 'pay', hold: state.hold };
}

/** The sale is over (sold or queued): the next key starts a new one. */
export function isFinished(state: SaleState): boolean {
  return state.sale !== undefined || state.queuedOrderId !== undefined;
}

export type SaleLines = TerminalCallInput<'order.sell'>['lines'];

/** One line per held seat with its ticket type, or nothing while no type is on sale. */
export function saleLines(state: SaleState, defaultType: string | undefined): SaleLines | undefined {
  if (state.hold === undefined || defaultType === undefined) return undefined;
  return state.hold.seatIds.map((seatId) => ({ seatId, ticketTypeId: state.types[seatId] ?? defaultType }));
}

/**
 * The payment for `total`: cash as tendered (empty means the exact amount, short or unreadable is
 * refused here), or card with its reference when one was typed.
 */
export function salePayment(state: SaleState, total: number, currency: string): Result<Payment> {
  if (state.method === 'card') {
    const reference = state.reference.trim();
    return { ok: true, value: { method: 'card', amount: total, ...(reference === '' ? {} : { reference }) } };
  }
  const text = state.tendered.trim() === '' ? formatAmount(total, currency) : state.tendered;
  const taken = cashTender(total, text, currency);
  if (!taken.ok) return taken;
  return { ok: true, value: { method: 'cash', amount: total, tendered: taken.value.tendered } };
}
