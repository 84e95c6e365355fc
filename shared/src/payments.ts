/**
 * How payments settle an order: the one rule the server applies to every sale and the terminal
 * core applies before it prints an offline ticket (DESIGN §2, invariants 2 and 4). Two copies of
 * this rule disagreed once: a ticket printed offline that the server then refused.
 */
import { fail, ok, type Result } from './errors.ts';
import type { Payment } from './domain.ts';

/**
 * Payments must add up to the total exactly; only cash may be tendered, never below its amount;
 * the change is what was tendered above the amounts. Error `details.field` is relative to the
 * payment list (`payments.1.tendered`), so each boundary can prefix its own path.
 *
 * A mobile QR payment is money only the provider can confirm: a sale that merely claims one (an
 * order request, an offline sale) is refused; only the server's payments service, which saw the
 * provider's verified answer, settles with `providerConfirmed`.
 */
export function settlePayments(
  payments: readonly Payment[],
  total: number,
  options: { providerConfirmed?: boolean } = {},
): Result<{ change: number }> {
  for (const [i, payment] of payments.entries()) {
    if (payment.method === 'mobile_qr' && options.providerConfirmed !== true) {
      return fail('validation_failed', 'mobile QR payments are taken through the payments API', {
        field: `payments.${i}.method`,
      });
    }
  }
  const paid = payments.reduce((sum, p) => sum + p.amount, 0);
  if (paid !== total) {
    return fail('validation_failed', `payments add up to ${paid}, the total is ${total}`, {
      field: 'payments',
      paid,
      total,
    });
  }
  let change = 0;
  for (const [i, payment] of payments.entries()) {
    if (payment.tendered === undefined) continue;
    if (payment.method !== 'cash') {
      return fail('validation_failed', 'only cash can be tendered', { field: `payments.${i}.tendered` });
    }
    if (payment.tendered < payment.amount) {
      return fail('validation_failed', 'cash tendered is less than the amount', {
        field: `payments.${i}.tendered`,
      });
    }
    change += payment.tendered - payment.amount;
  }
  return ok({ change });
}
