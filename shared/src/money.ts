/**
 * Exact money: integer minor units (fen, cents) tagged with an ISO 4217 currency.
 * Floats never touch an amount; rounding happens in integer (BigInt) arithmetic, and text is
 * converted with string arithmetic, so 33 % of ¥45.50 is the same on every machine.
 */
import type { Locale } from './domain.ts';
import { MarqueeError, fail, ok } from './errors.ts';
import type { Result } from './errors.ts';

export interface Money {
  /** Integer minor units; a safe integer. */
  readonly amount: number;
  /** ISO 4217 code, e.g. `CNY`. */
  readonly currency: string;
}

const CURRENCY_CODE = /^[A-Z]{3}$/;

// ISO 4217 minor units. Every currency not listed has two.
const ZERO_DIGIT_CURRENCIES = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'ISK',
  'JPY',
  'KMF',
  'KRW',
  'PYG',
  'RWF',
  'UGX',
  'UYI',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DIGIT_CURRENCIES = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);
const FOUR_DIGIT_CURRENCIES = new Set(['CLF', 'UYW']);

/** Decimal places of the currency's minor unit: CNY 2 (fen), JPY 0, KWD 3. */
export function minorUnitDigits(currency: string): number {
  if (ZERO_DIGIT_CURRENCIES.has(currency)) return 0;
  if (THREE_DIGIT_CURRENCIES.has(currency)) return 3;
  if (FOUR_DIGIT_CURRENCIES.has(currency)) return 4;
  return 2;
}

export function isCurrencyCode(value: string): boolean {
  return CURRENCY_CODE.test(value);
}

/**
 * Builds a Money value. Throws on a non-integer amount or a malformed currency code: those are
 * programming errors, because input from outside is parsed by schemas or {@link parseAmount}.
 */
export function money(amount: number, currency: string): Money {
  if (!isCurrencyCode(currency)) {
    throw new MarqueeError('validation_failed', `not an ISO 4217 currency code: ${currency}`, {
      rule: 'currency_code',
      currency,
    });
  }
  return { amount: checkedAmount(amount, 'money'), currency };
}

export function zeroMoney(currency: string): Money {
  return money(0, currency);
}

export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b, 'add');
  return { amount: checkedAmount(a.amount + b.amount, 'add'), currency: a.currency };
}

export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b, 'subtract');
  return { amount: checkedAmount(a.amount - b.amount, 'subtract'), currency: a.currency };
}

/** Sum of amounts that must all be in `currency`; the sum of nothing is zero. */
export function sumMoney(list: readonly Money[], currency: string): Money {
  let total = zeroMoney(currency);
  for (const item of list) total = addMoney(total, item);
  return total;
}

export function multiplyMoney(m: Money, factor: number): Money {
  if (!Number.isSafeInteger(factor)) {
    throw new MarqueeError('validation_failed', `money can only be multiplied by an integer, not ${factor}`, {
      rule: 'integer_factor',
    });
  }
  return { amount: checkedAmount(m.amount * factor, 'multiply'), currency: m.currency };
}

/**
 * `percent` % of `amount` minor units, rounded half up to a whole minor unit. Halves of
 * negative amounts round away from zero, so a −x % adjustment mirrors a +x % one exactly.
 */
export function percentOf(amount: number, percent: number): number {
  checkedAmount(amount, 'percent');
  if (!Number.isSafeInteger(percent)) {
    throw new MarqueeError('validation_failed', `percent must be an integer, not ${percent}`, {
      rule: 'integer_percent',
    });
  }
  const product = BigInt(amount) * BigInt(percent);
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  let quotient = magnitude / 100n;
  if ((magnitude % 100n) * 2n >= 100n) quotient += 1n;
  return checkedAmount(Number(negative ? -quotient : quotient), 'percent');
}

/**
 * Splits `total` into `parts` amounts that add up to it exactly; the first parts take the
 * remainder (¥10.00 / 3 → 3.34, 3.33, 3.33).
 */
export function allocateMoney(total: Money, parts: number): Money[] {
  if (!Number.isSafeInteger(parts) || parts < 1) {
    throw new MarqueeError('validation_failed', `cannot allocate money into ${parts} parts`, {
      rule: 'positive_parts',
    });
  }
  const sign = total.amount < 0 ? -1 : 1;
  const magnitude = Math.abs(total.amount);
  const base = Math.floor(magnitude / parts);
  const remainder = magnitude - base * parts;
  const result: Money[] = [];
  for (let i = 0; i < parts; i++) {
    result.push({ amount: normalZero(sign * (base + (i < remainder ? 1 : 0))), currency: total.currency });
  }
  return result;
}

/**
 * Cash change for `tendered` against `total`. Too little cash is the cashier's input, not a
 * bug, so it comes back as `validation_failed` with the shortfall.
 */
export function changeDue(total: Money, tendered: Money): Result<Money> {
  if (total.currency !== tendered.currency) {
    return fail('validation_failed', `tendered ${tendered.currency} for a total in ${total.currency}`, {
      rule: 'currency_mismatch',
      expected: total.currency,
      actual: tendered.currency,
    });
  }
  if (tendered.amount < total.amount) {
    return fail('validation_failed', 'the cash tendered is less than the total', {
      rule: 'insufficient_tender',
      shortBy: total.amount - tendered.amount,
      currency: total.currency,
    });
  }
  return ok({ amount: tendered.amount - total.amount, currency: total.currency });
}

// ---------------------------------------------------------------------------------------------
// Text

/** Plain decimal text of an amount, without grouping or symbol: "45.50", "-0.05", JPY "450". */
export function formatAmount(amount: number, currency: string): string {
  checkedAmount(amount, 'format');
  const { negative, integer, fraction } = splitAmount(amount, minorUnitDigits(currency));
  const text = fraction === '' ? integer : `${integer}.${fraction}`;
  return negative ? `-${text}` : text;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(locale: Locale, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (format === undefined) {
    const digits = minorUnitDigits(currency);
    // A cinema sells in one currency, so the short symbol (¥, $) is unambiguous and is what
    // staff and customers expect to read; the plain symbol shows "CN¥" in English.
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    moneyFormats.set(key, format);
  }
  return format;
}

/**
 * Money for people, with the locale's currency sign and grouping: "¥1,234.50".
 * Intl only lays the text out; the digits come from the integer amount, because formatting
 * `amount / 100` as a float would misprint large amounts.
 */
export function formatMoney(m: Money, locale: Locale): string {
  checkedAmount(m.amount, 'format');
  const format = moneyFormat(locale, m.currency);
  const { negative, integer, fraction } = splitAmount(m.amount, minorUnitDigits(m.currency));
  const groupedInteger = format
    .formatToParts(BigInt(integer))
    .filter((part) => part.type === 'integer' || part.type === 'group')
    .map((part) => part.value)
    .join('');
  let out = '';
  let integerWritten = false;
  for (const part of format.formatToParts(negative ? -1n : 1n)) {
    if (part.type === 'integer') {
      if (!integerWritten) out += groupedInteger;
      integerWritten = true;
    } else if (part.type === 'fraction') {
      out += fraction;
    } else if (part.type !== 'group') {
      out += part.value;
    }
  }
  return out;
}

const FULLWIDTH_DIGIT = /[\uFF10-\uFF19]/g;

/**
 * Reads a typed amount such as "45.5" into minor units (4550) exactly, by string arithmetic.
 * Full-width digits and stops from a Chinese input method are accepted. Negative amounts,
 * grouping, symbols and more decimals than the currency has are refused.
 */
export function parseAmount(text: string, currency: string): Result<number> {
  const digits = minorUnitDigits(currency);
  const normalised = text
    .trim()
    .replace(FULLWIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/\uFF0E/g, '.');
  const refuse = (rule: string, message: string): Result<never> =>
    fail('validation_failed', message, { rule, text, currency });

  if (normalised === '') return refuse('empty', 'enter an amount');
  if (/^[-\u2212\uFF0D]/.test(normalised)) return refuse('negative', 'the amount cannot be negative');
  const match = /^\+?(?:(\d+)(?:\.(\d*))?|\.(\d+))$/.exec(normalised);
  if (match === null) return refuse('not_a_number', `"${text}" is not an amount`);
  const integer = match[1] ?? '0';
  const fraction = match[2] ?? match[3] ?? '';
  if (fraction.length > digits) {
    return refuse(
      'too_many_decimals',
      digits === 0
        ? `${currency} amounts have no decimals`
        : `${currency} amounts have at most ${digits} decimal places`,
    );
  }
  const minor = BigInt(integer + fraction.padEnd(digits, '0'));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return refuse('too_large', 'the amount is too large');
  return ok(Number(minor));
}

// ---------------------------------------------------------------------------------------------
// Internals

function splitAmount(
  amount: number,
  digits: number,
): { negative: boolean; integer: string; fraction: string } {
  const negative = amount < 0;
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  return {
    negative,
    integer: text.slice(0, text.length - digits),
    fraction: text.slice(text.length - digits),
  };
}

function checkedAmount(amount: number, operation: string): number {
  if (!Number.isSafeInteger(amount)) {
    throw new MarqueeError('validation_failed', `${operation}: ${amount} is not a safe integer amount`, {
      rule: 'safe_integer',
    });
  }
  return normalZero(amount);
}

/** −0 would print as "-0.00". */
function normalZero(amount: number): number {
  return amount === 0 ? 0 : amount;
}

function sameCurrency(a: Money, b: Money, operation: string): void {
  if (a.currency !== b.currency) {
    throw new MarqueeError('validation_failed', `cannot ${operation} ${b.currency} and ${a.currency}`, {
      rule: 'currency_mismatch',
      currencies: [a.currency, b.currency],
    });
  }
}
