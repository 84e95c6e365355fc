/** Every area's handlers joined into the one map the route table is mounted with. */
import type { ServerContext } from '../context.ts';
import type { RouteHandlers } from '../http/route.ts';
import type { LoginLimiter } from '../services/auth.ts';
import { authHandlers } from './auth.ts';
import { backOfficeHandlers } from './back-office.ts';
import { devicesHandlers } from './devices.ts';
import { doorsHandlers } from './doors.ts';
import { programmeHandlers } from './programme.ts';
import { reportsHandlers } from './reports.ts';
import { salesHandlers } from './sales.ts';
import { syncHandlers } from './sync.ts';
import { systemHandlers } from './system.ts';

export function routeHandlers(ctx: ServerContext, limiter: LoginLimiter): RouteHandlers {
  return {
    ...systemHandlers(ctx),
    ...authHandlers(ctx, limiter),
    ...devicesHandlers(ctx),
    ...programmeHandlers(ctx),
    ...salesHandlers(ctx),
    ...doorsHandlers(ctx),
    ...syncHandlers(ctx),
    ...backOfficeHandlers(ctx),
    ...reportsHandlers(ctx),
  };
}
