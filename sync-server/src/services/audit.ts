import { randomUUID } from 'node:crypto';
import type { Executor } from '../db/database.ts';
import type { ServerContext } from '../context.ts';
import type { Actor } from './actors.ts';

/** Money and seat actions are audited inside the transaction that performs them. */
export async function audit(
  ex: Executor,
  ctx: ServerContext,
  actor: Actor,
  action: string,
  subject: string | null,
  details: Record<string, unknown>,
): Promise<void> {
  await ex.run(
    'INSERT INTO audit_log (id, at, actor_kind, actor_id, action, subject, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [
      randomUUID(),
      ctx.now(),
      actor.kind,
      actor.kind === 'anonymous' ? null : actor.id,
      action,
      subject,
      JSON.stringify(details),
    ],
  );
}
