/** Holds, orders and refunds. */
import type { ServerContext } from '../context.ts';
import type { AreaHandlers } from '../http/route.ts';
import { createHold, releaseHold, updateHold } from '../services/holds.ts';
import { findOrder, refund, sell } from '../services/orders.ts';

export function salesHandlers(ctx: ServerContext): AreaHandlers<'sales'> {
  return {
    'holds.create': ({ body, actor }) => createHold(ctx, actor, body),
    'holds.update': ({ params, body, actor }) => updateHold(ctx, actor, params.id, body),
    'holds.release': ({ params, actor }) => releaseHold(ctx, actor, params.id),
    'orders.create': async ({ body, actor, setStatus }) => {
      const { order, created } = await sell(ctx, actor, body);
      if (!created) setStatus(200);
      return order;
    },
    'orders.get': ({ params }) => findOrder(ctx, params.id),
    'orders.refund': ({ params, body, actor }) => refund(ctx, actor, params.id, body),
  };
}
