/** Staff sign-in and sign-out. */
import type { ServerContext } from '../context.ts';
import type { AreaHandlers } from '../http/route.ts';
import { login, logout, type LoginLimiter } from '../services/auth.ts';

export function authHandlers(ctx: ServerContext, limiter: LoginLimiter): AreaHandlers<'auth'> {
  return {
    'auth.login': ({ body, ip }) => login(ctx, limiter, { ...body, ip }),
    'auth.logout': ({ actor, token }) => logout(ctx, actor, token),
  };
}
