import { describe, expect, it } from 'vitest';
import { HoldLedger, IdleWatch } from './kiosk-session.ts';

const HOLD = '5b0a4f53-8f6e-4ad5-9a8b-0d8a7b5f3c21';
const OTHER = '9d3e1f2a-6b7c-4d8e-9f0a-1b2c3d4e5f60';

describe('kiosk idle reset', () => {
  it('fires once per idle period and re-arms after someone touches the screen', () => {
    const watch = new IdleWatch(60);
    expect(watch.tick(10)).toBe(false);
    expect(watch.tick(60)).toBe(true);
    expect(watch.tick(65)).toBe(false);
    expect(watch.tick(400)).toBe(false);
    expect(watch.tick(0)).toBe(false);
    expect(watch.tick(61)).toBe(true);
  });

  it('waits for a call in flight (a payment) before resetting', () => {
    const watch = new IdleWatch(60);
    expect(watch.tick(70, true)).toBe(false);
    expect(watch.tick(75, true)).toBe(false);
    expect(watch.tick(80, false)).toBe(true);
  });

  it('never fires when disabled', () => {
    expect(new IdleWatch(0).tick(10_000)).toBe(false);
  });
});

describe('holds an abandoned kiosk leaves behind', () => {
  it('remembers held seats until they are released or sold', () => {
    const ledger = new HoldLedger();
    ledger.observe('seats.hold', {}, { ok: true, value: { id: HOLD } });
    ledger.observe('seats.hold', {}, { ok: true, value: { id: OTHER } });
    ledger.observe('seats.hold', {}, { ok: false, error: { code: 'seats_unavailable', message: 'taken' } });
    expect(ledger.size).toBe(2);
    ledger.observe('order.sell', { holdId: HOLD }, { ok: true, value: {} });
    expect(ledger.drain()).toEqual([OTHER]);
    expect(ledger.size).toBe(0);
  });

  it('keeps a hold whose sale failed (it still blocks seats) and drops a released one', () => {
    const ledger = new HoldLedger();
    ledger.observe('seats.hold', {}, { ok: true, value: { id: HOLD } });
    ledger.observe(
      'order.sell',
      { holdId: HOLD },
      { ok: false, error: { code: 'price_mismatch', message: 'x' } },
    );
    expect(ledger.size).toBe(1);
    ledger.observe('seats.release', { holdId: HOLD }, { ok: true, value: { released: true } });
    expect(ledger.drain()).toEqual([]);
  });
});
