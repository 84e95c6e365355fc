import { describe, expect, it } from 'vitest';
import { MarqueeError } from './errors.ts';
import {
  addMoney,
  allocateMoney,
  changeDue,
  formatAmount,
  formatMoney,
  minorUnitDigits,
  money,
  multiplyMoney,
  parseAmount,
  percentOf,
  subtractMoney,
  sumMoney,
} from './money.ts';

const cny = (amount: number) => money(amount, 'CNY');

function thrownBy(fn: () => unknown): MarqueeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MarqueeError) return error;
    throw error;
  }
  throw new Error('expected a MarqueeError');
}

describe('money values', () => {
  it('refuses a fractional amount, because minor units are whole', () => {
    const error = thrownBy(() => money(45.5, 'CNY'));
    expect(error.code).toBe('validation_failed');
  });

  it('refuses amounts beyond the safe integer range', () => {
    expect(thrownBy(() => money(Number.MAX_SAFE_INTEGER + 1, 'CNY')).code).toBe('validation_failed');
    expect(thrownBy(() => money(Number.NaN, 'CNY')).code).toBe('validation_failed');
  });

  it('refuses a malformed currency code', () => {
    expect(thrownBy(() => money(100, 'cny')).details).toMatchObject({ rule: 'currency_code' });
    expect(thrownBy(() => money(100, 'RMB¥')).code).toBe('validation_failed');
  });

  it('knows how many decimals each currency has', () => {
    expect(minorUnitDigits('CNY')).toBe(2);
    expect(minorUnitDigits('USD')).toBe(2);
    expect(minorUnitDigits('EUR')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
    expect(minorUnitDigits('KRW')).toBe(0);
    expect(minorUnitDigits('BHD')).toBe(3);
    expect(minorUnitDigits('KWD')).toBe(3);
    expect(minorUnitDigits('XYZ')).toBe(2);
  });
});

describe('money arithmetic', () => {
  it('adds and subtracts exactly in minor units', () => {
    expect(addMoney(cny(10), cny(20))).toEqual(cny(30));
    expect(subtractMoney(cny(10), cny(25))).toEqual(cny(-15));
  });

  it('never mixes currencies', () => {
    const error = thrownBy(() => addMoney(cny(100), money(100, 'USD')));
    expect(error.code).toBe('validation_failed');
    expect(error.details).toMatchObject({ rule: 'currency_mismatch' });
    expect(thrownBy(() => subtractMoney(cny(100), money(1, 'JPY'))).details).toMatchObject({
      rule: 'currency_mismatch',
    });
    expect(thrownBy(() => sumMoney([cny(1), money(1, 'USD')], 'CNY')).details).toMatchObject({
      rule: 'currency_mismatch',
    });
  });

  it('sums a list in its currency, and an empty list to zero', () => {
    expect(sumMoney([cny(4550), cny(3800), cny(1)], 'CNY')).toEqual(cny(8351));
    expect(sumMoney([], 'JPY')).toEqual(money(0, 'JPY'));
    expect(thrownBy(() => sumMoney([cny(1)], 'USD')).code).toBe('validation_failed');
  });

  it('refuses a sum that would lose precision', () => {
    const big = cny(Number.MAX_SAFE_INTEGER);
    expect(thrownBy(() => addMoney(big, cny(1))).details).toMatchObject({ rule: 'safe_integer' });
  });

  it('multiplies by whole numbers only', () => {
    expect(multiplyMoney(cny(4550), 3)).toEqual(cny(13650));
    expect(multiplyMoney(cny(0), -1).amount).toBe(0);
    expect(Object.is(multiplyMoney(cny(0), -1).amount, -0)).toBe(false);
    expect(thrownBy(() => multiplyMoney(cny(4550), 1.5)).details).toMatchObject({ rule: 'integer_factor' });
  });
});

describe('percentOf', () => {
  it('takes 33 % of ¥45.50 without float error: 1501.5 fen rounds up to 1502', () => {
    expect(percentOf(4550, 33)).toBe(1502);
  });

  it('rounds halves up and everything below a half down', () => {
    expect(percentOf(5, 50)).toBe(3); // 2.5
    expect(percentOf(7, 50)).toBe(4); // 3.5
    expect(percentOf(1, 49)).toBe(0); // 0.49
    expect(percentOf(3, 50)).toBe(2); // 1.5
    expect(percentOf(4550, 80)).toBe(3640);
    expect(percentOf(4550, 0)).toBe(0);
    expect(percentOf(4550, 100)).toBe(4550);
    expect(percentOf(4550, 1000)).toBe(45500);
  });

  it('rounds negative halves away from zero, mirroring positive ones', () => {
    expect(percentOf(-5, 50)).toBe(-3);
    expect(percentOf(-4550, 33)).toBe(-1502);
  });

  it('is exact where amount × percent exceeds the float range', () => {
    expect(percentOf(900_719_925_474_099, 50)).toBe(450_359_962_737_050); // 450359962737049.5
  });

  it('refuses a fractional percent or a result out of range', () => {
    expect(thrownBy(() => percentOf(100, 12.5)).details).toMatchObject({ rule: 'integer_percent' });
    expect(thrownBy(() => percentOf(Number.MAX_SAFE_INTEGER, 200)).details).toMatchObject({
      rule: 'safe_integer',
    });
  });
});

describe('allocateMoney', () => {
  it('splits ¥10.00 three ways as 3.34, 3.33, 3.33, adding up exactly', () => {
    const parts = allocateMoney(cny(1000), 3);
    expect(parts.map((p) => p.amount)).toEqual([334, 333, 333]);
    expect(sumMoney(parts, 'CNY')).toEqual(cny(1000));
  });

  it('gives the remainder of a negative amount to the first parts too', () => {
    const parts = allocateMoney(cny(-1000), 3);
    expect(parts.map((p) => p.amount)).toEqual([-334, -333, -333]);
    expect(sumMoney(parts, 'CNY')).toEqual(cny(-1000));
  });

  it('splits small amounts into zeros without negative zero', () => {
    const parts = allocateMoney(cny(2), 4);
    expect(parts.map((p) => p.amount)).toEqual([1, 1, 0, 0]);
    expect(allocateMoney(cny(-1), 2).some((p) => Object.is(p.amount, -0))).toBe(false);
  });

  it('refuses zero, negative or fractional part counts', () => {
    expect(thrownBy(() => allocateMoney(cny(100), 0)).details).toMatchObject({ rule: 'positive_parts' });
    expect(thrownBy(() => allocateMoney(cny(100), -2)).code).toBe('validation_failed');
    expect(thrownBy(() => allocateMoney(cny(100), 1.5)).code).toBe('validation_failed');
  });
});

describe('changeDue', () => {
  it('gives ¥54.50 change from ¥100 for a ¥45.50 ticket', () => {
    expect(changeDue(cny(4550), cny(10000))).toEqual({ ok: true, value: cny(5450) });
  });

  it('gives no change for exact cash', () => {
    expect(changeDue(cny(4550), cny(4550))).toEqual({ ok: true, value: cny(0) });
  });

  it('tells the cashier how much cash is missing', () => {
    const result = changeDue(cny(4550), cny(4000));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('validation_failed');
    expect(result.error.details).toMatchObject({ rule: 'insufficient_tender', shortBy: 550 });
  });

  it('refuses cash in another currency', () => {
    const result = changeDue(cny(4550), money(10000, 'USD'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.details).toMatchObject({ rule: 'currency_mismatch' });
  });
});

describe('formatAmount', () => {
  it('writes plain decimals in the currency’s minor units', () => {
    expect(formatAmount(4550, 'CNY')).toBe('45.50');
    expect(formatAmount(-5, 'CNY')).toBe('-0.05');
    expect(formatAmount(0, 'CNY')).toBe('0.00');
    expect(formatAmount(7, 'CNY')).toBe('0.07');
    expect(formatAmount(450, 'JPY')).toBe('450');
    expect(formatAmount(1234, 'KWD')).toBe('1.234');
    expect(formatAmount(123456789, 'USD')).toBe('1234567.89');
  });

  it('writes the largest safe amount without rounding', () => {
    expect(formatAmount(Number.MAX_SAFE_INTEGER, 'CNY')).toBe('90071992547409.91');
  });
});

describe('formatMoney', () => {
  it('shows ¥45.50 to a Chinese-speaking customer', () => {
    const text = formatMoney(cny(4550), 'zh-CN');
    expect(text).toContain('45.50');
    expect(text).toContain('¥');
  });

  it('shows the digits and a yen sign to an English-speaking customer', () => {
    const text = formatMoney(cny(4550), 'en');
    expect(text).toContain('45.50');
    expect(text).toMatch(/¥/);
  });

  it('groups thousands and shows the minus sign of a refund', () => {
    expect(formatMoney(cny(123456), 'en')).toContain('1,234.56');
    const refund = formatMoney(cny(-5), 'en');
    expect(refund).toMatch(/^-/);
    expect(refund).toContain('0.05');
  });

  it('prints whole yen without decimals and dinars with three', () => {
    const yen = formatMoney(money(450, 'JPY'), 'en');
    expect(yen).toContain('450');
    expect(yen).not.toContain('.');
    expect(formatMoney(money(1234, 'KWD'), 'en')).toContain('1.234');
  });

  it('prints the largest safe amount exactly, where a float would round', () => {
    expect(formatMoney(cny(Number.MAX_SAFE_INTEGER), 'en')).toContain('90,071,992,547,409.91');
  });

  it('agrees with Intl for ordinary amounts', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const intl = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: 'CNY',
        currencyDisplay: 'narrowSymbol',
      });
      for (const amount of [0, 1, 99, 4550, -4550, 1234567]) {
        expect(formatMoney(cny(amount), locale)).toBe(intl.format(amount / 100));
      }
    }
  });
});

describe('parseAmount', () => {
  const parsed = (text: string, currency = 'CNY') => parseAmount(text, currency);
  const rule = (text: string, currency = 'CNY') => {
    const result = parseAmount(text, currency);
    return result.ok ? 'ok' : [result.error.code, result.error.details?.['rule']];
  };

  it('reads "45.5" as 4550 fen exactly', () => {
    expect(parsed('45.5')).toEqual({ ok: true, value: 4550 });
    expect(parsed('45.50')).toEqual({ ok: true, value: 4550 });
    expect(parsed('45')).toEqual({ ok: true, value: 4500 });
    expect(parsed('0.07')).toEqual({ ok: true, value: 7 });
    expect(parsed('.5')).toEqual({ ok: true, value: 50 });
    expect(parsed(' 100. ')).toEqual({ ok: true, value: 10000 });
    expect(parsed('1.15')).toEqual({ ok: true, value: 115 }); // 1.15 * 100 = 114.99999999999999
  });

  it('reads whole yen and three-decimal dinars', () => {
    expect(parsed('450', 'JPY')).toEqual({ ok: true, value: 450 });
    expect(parsed('1.234', 'KWD')).toEqual({ ok: true, value: 1234 });
  });

  it('accepts full-width digits typed with a Chinese input method', () => {
    expect(parsed('４５．５')).toEqual({ ok: true, value: 4550 });
  });

  it('refuses more decimals than the currency has', () => {
    expect(rule('45.505')).toEqual(['validation_failed', 'too_many_decimals']);
    expect(rule('450.5', 'JPY')).toEqual(['validation_failed', 'too_many_decimals']);
  });

  it('refuses negative amounts', () => {
    expect(rule('-5')).toEqual(['validation_failed', 'negative']);
    expect(rule('−5')).toEqual(['validation_failed', 'negative']);
  });

  it('refuses garbage, symbols, grouping and empty input', () => {
    for (const text of ['abc', '4a', '1e3', '¥45', '1,234.50', '1.2.3', '.', 'NaN', 'Infinity', '0x10']) {
      expect(rule(text)).toEqual(['validation_failed', 'not_a_number']);
    }
    expect(rule('')).toEqual(['validation_failed', 'empty']);
    expect(rule('   ')).toEqual(['validation_failed', 'empty']);
  });

  it('refuses amounts beyond the safe integer range', () => {
    expect(rule('90071992547409.92')).toEqual(['validation_failed', 'too_large']);
    expect(parsed('90071992547409.91')).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER });
  });

  it('round-trips with formatAmount', () => {
    for (const amount of [0, 1, 10, 4550, 99999, 123456789]) {
      expect(parsed(formatAmount(amount, 'CNY'))).toEqual({ ok: true, value: amount });
    }
  });
});
