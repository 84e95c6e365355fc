/** Scanning tickets at the door. */
import type { ServerContext } from '../context.ts';
import type { AreaHandlers } from '../http/route.ts';
import { admit } from '../services/admissions.ts';

export function doorsHandlers(ctx: ServerContext): AreaHandlers<'doors'> {
  return {
    'admissions.create': async ({ body, actor }) => {
      // `duplicate` is for offline reports (sync mutations); an online scan is never one.
      const { duplicate: _duplicate, ...answer } = await admit(ctx, actor, body);
      return answer;
    },
  };
}
