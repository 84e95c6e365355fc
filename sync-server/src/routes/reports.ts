/** Manager reports over [from, to) (DESIGN §8): sales, occupancy, cash-up. */
import type { ServerContext } from '../context.ts';
import type { AreaHandlers } from '../http/route.ts';
import { cashUpReport, occupancyReport, salesReport } from '../services/reports.ts';

export function reportsHandlers(ctx: ServerContext): AreaHandlers<'reports'> {
  return {
    'reports.sales': ({ query }) => salesReport(ctx, query),
    'reports.occupancy': ({ query }) => occupancyReport(ctx, query),
    'reports.cashUp': ({ query }) => cashUpReport(ctx, query),
  };
}
