import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Payment } from './domain.ts';
import { settlePayments } from './payments.ts';

describe('settlePayments', () => {
  it('gives change for cash tendered above its amount', () => {
    expect(settlePayments([{ method: 'cash', amount: 7000, tendered: 10000 }], 7000)).toEqual({
      ok: true,
      value: { change: 3000 },
    });
  });

  it('splits a total across cash and card with change only from the cash', () => {
    const payments: Payment[] = [
      { method: 'card', amount: 5000, reference: 'A1' },
      { method: 'cash', amount: 2000, tendered: 5000 },
    ];
    expect(settlePayments(payments, 7000)).toEqual({ ok: true, value: { change: 3000 } });
  });

  it('refuses payments that do not add up to the total, naming both sums', () => {
    const result = settlePayments([{ method: 'cash', amount: 6000 }], 7000);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { field: 'payments', paid: 6000, total: 7000 } },
    });
  });

  it('refuses a mobile QR payment a sale merely claims, and settles one the provider confirmed', () => {
    const qr: Payment[] = [{ method: 'mobile_qr', amount: 7000, flow: 'customer_scans' }];
    expect(settlePayments(qr, 7000)).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { field: 'payments.0.method' } },
    });
    expect(settlePayments(qr, 7000, { providerConfirmed: true })).toEqual({ ok: true, value: { change: 0 } });
  });

  it('refuses a card payment with an amount tendered', () => {
    const result = settlePayments([{ method: 'card', amount: 7000, tendered: 8000 }], 7000);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { field: 'payments.0.tendered' } },
    });
  });

  it('refuses cash tendered below its amount', () => {
    const result = settlePayments(
      [
        { method: 'card', amount: 1000 },
        { method: 'cash', amount: 6000, tendered: 5000 },
      ],
      7000,
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { field: 'payments.1.tendered' } },
    });
  });

  it('accepts exactly the lists whose amounts sum to the total with honest cash tenders', () => {
    const payment = fc.record(
      {
        method: fc.constantFrom('cash' as const, 'card' as const),
        amount: fc.integer({ min: 0, max: 20_000 }),
        tendered: fc.integer({ min: 0, max: 40_000 }),
      },
      { requiredKeys: ['method', 'amount'] },
    );
    fc.assert(
      fc.property(
        fc.array(payment, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 80_000 }),
        (list, total) => {
          const result = settlePayments(list, total);
          const sums = list.reduce((s, p) => s + p.amount, 0) === total;
          const honest = list.every(
            (p) => p.tendered === undefined || (p.method === 'cash' && p.tendered >= p.amount),
          );
          expect(result.ok).toBe(sums && honest);
          if (result.ok) {
            const change = list.reduce(
              (s, p) => s + (p.tendered === undefined ? 0 : p.tendered - p.amount),
              0,
            );
            expect(result.value.change).toBe(change);
            expect(result.value.change).toBeGreaterThanOrEqual(0);
          }
        },
      ),
    );
  });
});
