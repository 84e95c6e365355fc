/**
 * Cash at the counter: what the customer handed over, the change, and the notes a cashier is
 * likely to be given. Integer minor units throughout (invariant 4); reading and subtracting use
 * the shared money functions.
 */
import { changeDue, minorUnitDigits, parseAmount } from '@marquee/shared';
import type { ErrorBody, Result } from '@marquee/shared';

export interface CashTender {
  tendered: number;
  change: number;
}

/** The change for `text` typed as cash received against `total`, or why it cannot be taken. */
export function cashTender(total: number, text: string, currency: string): Result<CashTender> {
  const tendered = parseAmount(text, currency);
  if (!tendered.ok) return tendered;
  const change = changeDue({ amount: total, currency }, { amount: tendered.value, currency });
  if (!change.ok) return change;
  return { ok: true, value: { tendered: tendered.value, change: change.value.amount } };
}

export function isShortfall(error: ErrorBody): boolean {
  return error.details?.['rule'] === 'insufficient_tender';
}

/** Notes, in whole currency units, that customers commonly pay with (CNY: ¥10, ¥20, ¥50, ¥100). */
const ROUND_UNITS = [10, 20, 50, 100, 200, 500];

/**
 * Quick-tender buttons: the exact total, then the next round amounts above it (e.g. ¥45.50 →
 * ¥45.50, ¥50, ¥60, ¥100), at most four, in increasing order.
 */
export function tenderSuggestions(total: number, currency: string): number[] {
  const unit = 10 ** minorUnitDigits(currency);
  const suggestions = new Set<number>([total]);
  for (const round of ROUND_UNITS) {
    const step = round * unit;
    const next = Math.ceil(total / step) * step;
    if (next > total) suggestions.add(next);
    if (suggestions.size >= 4) break;
  }
  return [...suggestions].sort((a, b) => a - b).slice(0, 4);
}
