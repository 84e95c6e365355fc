import { describe, expect, it } from 'vitest';
import type { SaleResult } from '@marquee/shared';
import { INITIAL_KIOSK_STATE, holdToRelease, kioskReducer } from './kiosk-flow.ts';
import type { KioskAction, KioskHold, KioskState } from './kiosk-flow.ts';

const hold: KioskHold = {
  id: 'h1',
  showtimeId: 's1',
  seatIds: ['F-7', 'F-8'],
  expiresAt: '2026-03-01T12:05:00Z',
  offline: false,
};

function run(actions: readonly KioskAction[], from: KioskState = INITIAL_KIOSK_STATE): KioskState {
  return actions.reduce(kioskReducer, from);
}

const toSummary: KioskAction[] = [
  { type: 'buy' },
  { type: 'film', movieId: 'm1' },
  { type: 'showtime', showtimeId: 's1' },
  { type: 'counts', counts: { adult: 2 } },
  { type: 'toSeats' },
  { type: 'selection', seatIds: ['F-7', 'F-8'] },
  { type: 'held', hold },
];

describe('kiosk flow', () => {
  it('walks from the attract screen to the held seats', () => {
    const state = run(toSummary);
    expect(state).toMatchObject({
      step: 'summary',
      movieId: 'm1',
      showtimeId: 's1',
      hold,
      selection: ['F-7', 'F-8'],
    });
  });

  it('goes back one step at a time to the attract screen', () => {
    const steps: string[] = [];
    let state = run(toSummary.slice(0, 5));
    while (state.step !== 'attract') {
      state = kioskReducer(state, { type: 'back' });
      steps.push(state.step);
    }
    expect(steps).toEqual(['party', 'showtime', 'film', 'attract']);
  });

  it('releases the hold when the customer goes back from the summary, keeping the seats chosen', () => {
    const summary = run(toSummary);
    expect(holdToRelease(summary, { type: 'back' })).toBe(hold);
    const back = kioskReducer(summary, { type: 'back' });
    expect(back).toMatchObject({ step: 'seats', hold: undefined, selection: ['F-7', 'F-8'] });
  });

  it('keeps the hold going back from payment to the summary', () => {
    const payment = run([...toSummary, { type: 'toPayment' }]);
    expect(payment.step).toBe('payment');
    expect(holdToRelease(payment, { type: 'back' })).toBeUndefined();
    expect(kioskReducer(payment, { type: 'back' })).toMatchObject({ step: 'summary', hold });
  });

  it('releases the hold on cancel or an idle reset, and starts over', () => {
    const payment = run([...toSummary, { type: 'toPayment' }]);
    expect(holdToRelease(payment, { type: 'reset' })).toBe(hold);
    expect(kioskReducer(payment, { type: 'reset' })).toEqual(INITIAL_KIOSK_STATE);
  });

  it('returns to the seats with a notice when the hold expires', () => {
    const expired = run([...toSummary, { type: 'holdExpired' }]);
    expect(expired).toMatchObject({ step: 'seats', hold: undefined, notice: 'hold_expired' });
  });

  it('shows the tickets after a sale and has nothing to release any more', () => {
    const sale: SaleResult = {
      orderId: 'o1',
      code: 'ABCD2345',
      total: 8000,
      change: 0,
      tickets: [],
      offline: false,
    };
    const sold = run([...toSummary, { type: 'toPayment' }, { type: 'sold', sale }]);
    expect(sold).toMatchObject({ step: 'tickets', sale, hold: undefined });
    expect(holdToRelease(sold, { type: 'reset' })).toBeUndefined();
    expect(kioskReducer(sold, { type: 'back' })).toBe(sold);
    expect(kioskReducer(sold, { type: 'printed' }).step).toBe('done');
  });

  it('cannot pay without a hold', () => {
    const seats = run(toSummary.slice(0, 6));
    expect(kioskReducer(seats, { type: 'toPayment' })).toBe(seats);
  });

  it('goes to ticket pickup and back', () => {
    const pickup = run([{ type: 'pickup' }]);
    expect(pickup.step).toBe('pickup');
    expect(kioskReducer(pickup, { type: 'back' }).step).toBe('attract');
  });
});
