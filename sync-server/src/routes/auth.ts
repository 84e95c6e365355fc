/** Staff sign-in. */
import type { ServerContext } from '../context.ts';
import type { AreaHandlers } from '../http/route.ts';
import { login, type LoginLimiter } from '../services/auth.ts';

export function authHandlers(ctx: ServerContext, limiter: LoginLimiter): AreaHandlers<'auth'> {
  return {
    'auth.login': ({ body, ip }) => login(ctx, limiter, { ...body, ip }),
  };
}
