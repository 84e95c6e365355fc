/** Manager reports over [from, to) (DESIGN §8): sales, occupancy, cash-up. */
import { ReportQuery, SalesReport } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { route, type RouteSpec } from '../http/route.ts';
import { MANAGERS } from '../services/actors.ts';
import { cashUpReport, occupancyReport, salesReport } from '../services/reports.ts';

export function reportRoutes(ctx: ServerContext): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/reports/sales',
      tag: 'reports',
      summary: 'Orders created in [from, to): gross, refunds, net, by payment method, terminal and cashier',
      allow: MANAGERS,
      query: ReportQuery,
      response: SalesReport,
      handler: ({ query }) => salesReport(ctx, query),
    }),
    route({
      method: 'get',
      path: '/reports/occupancy',
      tag: 'reports',
      summary: 'Showtimes starting in [from, to): seats sold against sellable seats',
      allow: MANAGERS,
      query: ReportQuery,
      handler: ({ query }) => occupancyReport(ctx, query),
    }),
    route({
      method: 'get',
      path: '/reports/cash-up',
      tag: 'reports',
      summary: 'Per cashier over [from, to): cash tendered minus change given, card takings',
      allow: MANAGERS,
      query: ReportQuery,
      handler: ({ query }) => cashUpReport(ctx, query),
    }),
  ];
}
