import { describe, expect, it } from 'vitest';
import type { ErrorBody, SaleResult } from '@marquee/shared';
import { layoutFromPatterns } from '../../../../shared/src/testing/layouts.ts';
import {
  INITIAL_SALE_STATE,
  MAX_BEST_AVAILABLE,
  cartScreen,
  isFinished,
  saleLines,
  salePayment,
  saleReducer,
} from './sale-flow.ts';
import type { CounterHold, SaleAction, SaleState } from './sale-flow.ts';

const layout = layoutFromPatterns(['SSSS', 'SSSS']);

const hold: CounterHold = {
  id: 'h1',
  showtimeId: 's1',
  seatIds: ['A-2', 'A-3'],
  expiresAt: '2026-03-01T12:05:00Z',
  offline: false,
};

const sale: SaleResult = {
  orderId: 'o1',
  code: 'ABCD2345',
  total: 9000,
  change: 1000,
  tickets: [],
  offline: false,
};

function run(actions: readonly SaleAction[], from: SaleState = INITIAL_SALE_STATE): SaleState {
  return actions.reduce(saleReducer, from);
}

const toHeld: SaleAction[] = [
  { type: 'showtime', showtimeId: 's1' },
  { type: 'toggle', seatId: 'A-3', layout },
  { type: 'toggle', seatId: 'A-2', layout },
  { type: 'holdStarted' },
  { type: 'held', hold },
];

describe('sale at the counter', () => {
  it('keeps chosen seats in layout order and takes one off when it is chosen again', () => {
    const chosen = run(toHeld.slice(0, 3));
    expect(chosen.selection).toEqual(['A-2', 'A-3']);
    expect(saleReducer(chosen, { type: 'toggle', seatId: 'A-2', layout }).selection).toEqual(['A-3']);
    expect(cartScreen(chosen)).toEqual({ screen: 'empty' });
  });

  it('holds the seats and opens the payment form, cash first', () => {
    const card = run([...toHeld.slice(0, 3), { type: 'method', method: 'card' }]);
    const held = run(toHeld.slice(3), card);
    expect(held).toMatchObject({ hold, selection: hold.seatIds, method: 'cash', busy: false });
    expect(cartScreen(held)).toEqual({ screen: 'pay', hold });
  });

  it('asks to release the hold before seats change', () => {
    const held = run(toHeld);
    const next = saleReducer(held, { type: 'toggle', seatId: 'B-1', layout });
    expect(next.selection).toEqual(held.selection);
    expect(next.notice).toEqual({ kind: 'releaseFirst' });
  });

  it('keeps the party size between 1 and the best-available limit', () => {
    expect(saleReducer(INITIAL_SALE_STATE, { type: 'partySize', size: 0 }).partySize).toBe(1);
    expect(saleReducer(INITIAL_SALE_STATE, { type: 'partySize', size: 99 }).partySize).toBe(
      MAX_BEST_AVAILABLE,
    );
    const one = run([
      { type: 'partySize', size: 1 },
      { type: 'partyStep', delta: -1 },
    ]);
    expect(one.partySize).toBe(1);
    const top = run([
      { type: 'partySize', size: MAX_BEST_AVAILABLE },
      { type: 'partyStep', delta: 1 },
    ]);
    expect(top.partySize).toBe(MAX_BEST_AVAILABLE);
  });

  it('takes the best seats found, or says none sit together', () => {
    const found = run([
      { type: 'showtime', showtimeId: 's1' },
      { type: 'bestFound', seatIds: ['B-3', 'B-2'], layout },
    ]);
    expect(found.selection).toEqual(['B-2', 'B-3']);
    const none = saleReducer(found, { type: 'bestFound', seatIds: null, layout });
    expect(none.notice).toEqual({ kind: 'noSeatsTogether' });
    expect(none.selection).toEqual(['B-2', 'B-3']);
  });

  it('drops the seats the core says are gone when a hold is refused, and keeps the rest', () => {
    const error: ErrorBody = { code: 'seats_unavailable', message: 'taken', details: { seatIds: ['A-3'] } };
    const refused = run([...toHeld.slice(0, 4), { type: 'holdRefused', error }]);
    expect(refused).toMatchObject({ selection: ['A-2'], error, busy: false, hold: undefined });
  });

  it('drops seats taken at another till and names them', () => {
    const taken = run([...toHeld.slice(0, 3), { type: 'seatsTaken', seatIds: ['A-2'] }]);
    expect(taken.selection).toEqual(['A-3']);
    expect(taken.notice).toEqual({ kind: 'seatsTaken', seatIds: ['A-2'] });
  });

  it('shows the done screen after a sale, with no seats chosen or held', () => {
    const done = run([
      ...toHeld,
      { type: 'tendered', text: '100' },
      { type: 'sellStarted' },
      { type: 'sold', sale },
    ]);
    expect(done).toMatchObject({ hold: undefined, selection: [], busy: false, tendered: '100' });
    expect(cartScreen(done)).toEqual({ screen: 'done', sale });
    expect(isFinished(done)).toBe(true);
  });

  it('shows the queued screen when the core kept an offline sale for the server', () => {
    const error: ErrorBody = {
      code: 'offline',
      message: 'queued',
      details: { queued: true, orderId: 'abcdef12-0000-4000-8000-000000000000' },
    };
    const queued = run([...toHeld, { type: 'sellStarted' }, { type: 'sellFailed', error }]);
    expect(queued).toMatchObject({ hold: undefined, selection: [], error: undefined, busy: false });
    expect(cartScreen(queued)).toEqual({ screen: 'queued', orderId: 'abcdef12-0000-4000-8000-000000000000' });
  });

  it('keeps the hold after a refused sale unless the hold itself expired', () => {
    const changed: ErrorBody = { code: 'price_mismatch', message: 'prices changed' };
    expect(run([...toHeld, { type: 'sellFailed', error: changed }])).toMatchObject({
      hold,
      error: changed,
    });
    const expired: ErrorBody = { code: 'hold_expired', message: 'gone' };
    expect(run([...toHeld, { type: 'sellFailed', error: expired }])).toMatchObject({
      hold: undefined,
      error: expired,
    });
  });

  it('gives the seats up on expiry with a notice, and on release clears the cash typed', () => {
    const typed = run([...toHeld, { type: 'tendered', text: '50' }]);
    expect(saleReducer(typed, { type: 'holdExpired' })).toMatchObject({
      hold: undefined,
      notice: { kind: 'holdExpired' },
    });
    expect(saleReducer(typed, { type: 'released' })).toMatchObject({ hold: undefined, tendered: '' });
  });

  it('starts a new sale on the same showing, party size and method', () => {
    const done = run([
      ...toHeld,
      { type: 'partySize', size: 4 },
      { type: 'method', method: 'card' },
      { type: 'reference', text: 'R-1' },
      { type: 'ticketType', seatId: 'A-2', ticketTypeId: 'child' },
      { type: 'sold', sale },
    ]);
    const next = saleReducer(done, { type: 'newSale' });
    expect(next).toEqual({ ...INITIAL_SALE_STATE, showtimeId: 's1', partySize: 4, method: 'card' });
    expect(isFinished(next)).toBe(false);
  });

  it('choosing another showing forgets the last sale', () => {
    const other = run([...toHeld, { type: 'sold', sale }, { type: 'showtime', showtimeId: 's2' }]);
    expect(other).toMatchObject({ showtimeId: 's2', sale: undefined, selection: [], types: {} });
  });

  it('prices each held seat at its ticket type, the first type on sale by default', () => {
    expect(saleLines(run(toHeld.slice(0, 3)), 'adult')).toBeUndefined();
    const held = run([...toHeld, { type: 'ticketType', seatId: 'A-3', ticketTypeId: 'child' }]);
    expect(saleLines(held, undefined)).toBeUndefined();
    expect(saleLines(held, 'adult')).toEqual([
      { seatId: 'A-2', ticketTypeId: 'adult' },
      { seatId: 'A-3', ticketTypeId: 'child' },
    ]);
  });
});

describe('the payment at the counter', () => {
  const held = run(toHeld);

  it('takes the exact amount in cash when nothing is typed', () => {
    expect(salePayment(held, 9000, 'CNY')).toEqual({
      ok: true,
      value: { method: 'cash', amount: 9000, tendered: 9000 },
    });
  });

  it('takes the cash typed, and refuses too little', () => {
    const hundred = saleReducer(held, { type: 'tendered', text: '100' });
    expect(salePayment(hundred, 9000, 'CNY')).toEqual({
      ok: true,
      value: { method: 'cash', amount: 9000, tendered: 10000 },
    });
    const short = salePayment(saleReducer(held, { type: 'tendered', text: '80' }), 9000, 'CNY');
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.error.details?.['rule']).toBe('insufficient_tender');
  });

  it('sends a card payment with its reference only when one was typed', () => {
    const card = saleReducer(held, { type: 'method', method: 'card' });
    expect(salePayment(card, 9000, 'CNY')).toEqual({ ok: true, value: { method: 'card', amount: 9000 } });
    const typed = saleReducer(card, { type: 'reference', text: '  RRN-42 ' });
    expect(salePayment(typed, 9000, 'CNY')).toEqual({
      ok: true,
      value: { method: 'card', amount: 9000, reference: 'RRN-42' },
    });
  });
});
