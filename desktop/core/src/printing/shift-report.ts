/**
 * The shift report: this terminal's sales between two instants (the `sales` table, online and
 * offline), by payment method, with the change given and the drawer openings.
 */
import { z } from 'zod';
import { Payment, type PaymentMethod, type Site } from '@marquee/shared';
import type { ReplicaReader } from '../replica.ts';
import { salesBetween } from '../selling/sales-store.ts';
import type { Db } from '../store.ts';
import { drawerOpensBetween } from './drawer-audit.ts';
import type { ShiftReportPrint, TaxRate } from './print-jobs.ts';

export function shiftReport(
  db: Db,
  replica: ReplicaReader,
  {
    from,
    to,
    now,
    terminal,
    taxes,
  }: {
    from: number;
    to: number;
    now: number;
    terminal: string | undefined;
    taxes: readonly TaxRate[];
  },
): ShiftReportPrint {
  const site = replica.all<Site>('site')[0];
  const rows = salesBetween(db, from, to);
  const byMethod = new Map<PaymentMethod, { count: number; amount: number }>();
  let total = 0;
  let tickets = 0;
  let changeGiven = 0;
  let offlineOrders = 0;
  for (const row of rows) {
    const sale = StoredSale.safeParse(safeJson(row.body));
    if (!sale.success) continue;
    total += sale.data.total;
    tickets += sale.data.tickets?.length ?? sale.data.lines?.length ?? 0;
    if (row.offline === 1) offlineOrders += 1;
    for (const payment of sale.data.payments) {
      const entry = byMethod.get(payment.method) ?? { count: 0, amount: 0 };
      entry.count += 1;
      entry.amount += payment.amount;
      byMethod.set(payment.method, entry);
      if (payment.tendered !== undefined) changeGiven += Math.max(0, payment.tendered - payment.amount);
    }
  }
  const opens = drawerOpensBetween(db, from, to);
  const name = terminal;
  return {
    cinema: site?.name ?? 'Marquee',
    ...(name === undefined ? {} : { terminal: name }),
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    printedAt: new Date(now).toISOString(),
    timeZone: site?.timezone ?? 'UTC',
    currency: site?.currency ?? 'CNY',
    orders: rows.length,
    offlineOrders,
    tickets,
    total,
    payments: [...byMethod].map(([method, entry]) => ({ method, ...entry })),
    changeGiven,
    drawerOpens: opens,
    taxes: [...taxes],
  };
}

/** Online sales store the server's order, offline ones the mutation's arguments; both have these. */
const StoredSale = z.object({
  total: z.number().int().min(0),
  payments: z.array(Payment),
  tickets: z.array(z.unknown()).optional(),
  lines: z.array(z.unknown()).optional(),
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
