/** Replication for terminal cores: pull by checkpoint, and the outbox's mutations. */
import type { ServerContext } from '../context.ts';
import type { AreaHandlers } from '../http/route.ts';
import { applyMutations } from '../sync/mutations.ts';
import { pull } from '../sync/pull.ts';

export function syncHandlers(ctx: ServerContext): AreaHandlers<'sync'> {
  return {
    'sync.pull': ({ query }) => pull(ctx, query.collection, query.checkpoint, query.limit),
    'sync.mutations': async ({ body, actor }) => ({ results: await applyMutations(ctx, actor, body) }),
  };
}
