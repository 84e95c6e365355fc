/** Liveness and the API described (public). */
import { HTTP_ROUTES } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { buildOpenApi } from '../http/openapi.ts';
import type { AreaHandlers } from '../http/route.ts';

export function systemHandlers(ctx: ServerContext): AreaHandlers<'system'> {
  // The document depends only on the table: built once, on first request.
  let document: ReturnType<typeof buildOpenApi> | undefined;
  return {
    'health.get': () =>
      Promise.resolve({ status: 'ok', epoch: ctx.epoch, time: new Date(ctx.now()).toISOString() }),
    'openapi.get': () => {
      document ??= buildOpenApi(Object.values(HTTP_ROUTES));
      return Promise.resolve(document);
    },
  };
}
