import { describe, expect, it } from 'vitest';
import { cashTender, isShortfall, tenderSuggestions } from './cash.ts';

describe('cash at the counter', () => {
  it('works out the change exactly', () => {
    expect(cashTender(4550, '100', 'CNY')).toEqual({ ok: true, value: { tendered: 10000, change: 5450 } });
    expect(cashTender(4550, '45.5', 'CNY')).toEqual({ ok: true, value: { tendered: 4550, change: 0 } });
    expect(cashTender(3, '０.１', 'CNY')).toEqual({ ok: true, value: { tendered: 10, change: 7 } });
  });

  it('says how much is missing', () => {
    const short = cashTender(4550, '40', 'CNY');
    expect(short.ok).toBe(false);
    if (short.ok) return;
    expect(isShortfall(short.error)).toBe(true);
    expect(short.error.details?.['shortBy']).toBe(550);
  });

  it('refuses what is not an amount', () => {
    const wrong = cashTender(4550, 'abc', 'CNY');
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error.details?.['rule']).toBe('not_a_number');
    expect(cashTender(4550, '1.234', 'CNY').ok).toBe(false);
  });

  it('suggests the exact total and the next round notes', () => {
    expect(tenderSuggestions(4550, 'CNY')).toEqual([4550, 5000, 6000, 10000]);
    // A round total: exact, or the next bigger notes.
    expect(tenderSuggestions(10000, 'CNY')).toEqual([10000, 20000, 50000]);
    expect(tenderSuggestions(450, 'JPY')).toEqual([450, 460, 500, 600]);
  });
});
