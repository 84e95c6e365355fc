/**
 * The terminal's outbox drains here. Each mutation is applied in its own transaction together with
 * the record that it was applied, so a retry after a lost answer is recognised and answered with
 * the stored result. A rejected intent is answered once and remembered; it never blocks the ones
 * behind it.
 */
import type {
  MutationArgs,
  MutationEnvelope,
  MutationName,
  MutationResult,
  MutationsRequest,
  MUTATIONS,
} from '@marquee/shared';
import type { z } from 'zod';
import {
  MUTATIONS as MUTATION_SCHEMAS,
  MarqueeError,
  decodeTicketToken,
  describeIssues,
  forbidden,
  internalError,
  unavailable,
} from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { TxScope } from '../db/database.ts';
import { replyProblem } from '../reply-check.ts';
import type { Actor } from '../services/actors.ts';
import { admit, admittedBy } from '../services/admissions.ts';
import { createHold, releaseHold, updateHold } from '../services/holds.ts';
import { requestLease, returnLease } from '../services/leases.ts';
import { applyOfflineSale } from '../services/offline-sales.ts';
import { sell } from '../services/orders.ts';

type MutationHandler<K extends MutationName> = (
  ctx: ServerContext,
  actor: Actor,
  args: MutationArgs<K>,
  scope: TxScope,
) => Promise<z.input<(typeof MUTATIONS)[K]['result']>>;

const HANDLERS: { [K in MutationName]: MutationHandler<K> } = {
  'hold.create': (ctx, actor, args, scope) => createHold(ctx, actor, args, scope),
  'hold.update': (ctx, actor, args, scope) => updateHold(ctx, actor, args.holdId, args.change, scope),
  'hold.release': async (ctx, actor, args, scope) => {
    await releaseHold(ctx, actor, args.holdId, scope);
    return { released: true };
  },
  'sale.commit': async (ctx, actor, args, scope) => (await sell(ctx, actor, args, scope)).order,
  'admission.record': async (ctx, actor, args, scope) => {
    // A door whose online scan was admitted here but whose answer was lost admits offline and
    // reports it: the same entry, not a double one (a door refuses its own re-scans itself).
    const decoded = decodeTicketToken(args.token);
    if (decoded.ok && actor.kind === 'device') {
      const own = await admittedBy(scope.ex, decoded.value.ticketId, actor.id);
      if (own !== undefined) return { verdict: 'already_admitted', admittedAt: new Date(own).toISOString() };
    }
    return admit(
      ctx,
      actor,
      {
        token: args.token,
        showtimeId: args.showtimeId,
        admissionId: args.admissionId,
        offline: { at: Date.parse(args.at), localVerdict: args.localVerdict },
      },
      scope,
    );
  },
  'lease.request': (ctx, actor, args, scope) => requestLease(ctx, actor, args, scope),
  'lease.return': (ctx, actor, args, scope) => returnLease(ctx, actor, args, scope),
  'sale.offline': (ctx, actor, args, scope) => applyOfflineSale(ctx, actor, args, scope),
};

/**
 * Parses a mutation's arguments and applies it in `scope`; under `validateResponses` (tests) a
 * result that does not match its schema is refused rather than stored and answered.
 */
async function dispatch<K extends MutationName>(
  ctx: ServerContext,
  actor: Actor,
  name: K,
  args: MutationArgs<K>,
  scope: TxScope,
): Promise<unknown> {
  const value = await HANDLERS[name](ctx, actor, args, scope);
  if (ctx.config.validateResponses) {
    const problem = replyProblem(MUTATION_SCHEMAS[name].result, value);
    if (problem !== undefined) {
      ctx.logger.error({ mutation: name, problem }, 'MUTATION RESULT DOES NOT MATCH ITS SCHEMA');
      throw internalError(`${name}: the result does not match its schema: ${problem}`);
    }
  }
  return value;
}

function rejected(id: string, error: unknown, duplicate: boolean): MutationResult {
  const known =
    error instanceof MarqueeError ? error : internalError('the server could not apply this change');
  const body = known.toBody();
  return { id, status: 'rejected', error: body, duplicate };
}

async function storedResult(
  ctx: ServerContext,
  terminalId: string,
  id: string,
): Promise<MutationResult | undefined> {
  const row = await ctx.db.read((ex) =>
    ex.get<{ result: string }>(
      'SELECT result FROM applied_mutations WHERE terminal_id = ? AND mutation_id = ?',
      [terminalId, id],
    ),
  );
  if (row === undefined) return undefined;
  return { ...(JSON.parse(row.result) as MutationResult), duplicate: true };
}

async function applyOne(
  ctx: ServerContext,
  actor: Actor,
  terminalId: string,
  mutation: MutationEnvelope,
): Promise<MutationResult> {
  const before = await storedResult(ctx, terminalId, mutation.id);
  if (before !== undefined) return before;

  const parsed = MUTATION_SCHEMAS[mutation.name].args.safeParse(mutation.args);
  let result: MutationResult;
  if (!parsed.success) {
    result = rejected(mutation.id, describeIssues(parsed.error, 'args'), false);
  } else {
    try {
      result = await ctx.db.write(async (ex, tx) => {
        // The name and the arguments parsed by that name's schema belong together.
        const args = parsed.data as MutationArgs<typeof mutation.name>;
        const value = await dispatch(ctx, actor, mutation.name, args, { ex, tx });
        const ok: MutationResult = { id: mutation.id, status: 'ok', result: value, duplicate: false };
        await ex.run(
          'INSERT INTO applied_mutations (terminal_id, mutation_id, result, applied_at) VALUES (?, ?, ?, ?)',
          [terminalId, mutation.id, JSON.stringify(ok), ctx.now()],
        );
        return ok;
      });
      return result;
    } catch (error) {
      // Applied concurrently by a retry of the same batch: answer with what that one stored.
      const raced = await storedResult(ctx, terminalId, mutation.id);
      if (raced !== undefined) return raced;
      if (!(error instanceof MarqueeError)) {
        // Not a verdict on the intent (a busy or failing database): remember nothing, answer 503,
        // and the terminal retries this mutation and the ones behind it later.
        ctx.logger.error({ err: error, mutation: mutation.name }, 'mutation failed');
        throw unavailable('the server could not apply this change now; retry later', {
          mutationId: mutation.id,
        });
      }
      result = rejected(mutation.id, error, false);
    }
  }
  await ctx.db.write((ex) =>
    ex.run(
      'INSERT INTO applied_mutations (terminal_id, mutation_id, result, applied_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [terminalId, mutation.id, JSON.stringify(result), ctx.now()],
    ),
  );
  return result;
}

export async function applyMutations(
  ctx: ServerContext,
  actor: Actor,
  request: MutationsRequest,
): Promise<MutationResult[]> {
  if (actor.kind !== 'device' || actor.id !== request.terminalId) {
    throw forbidden('mutations are accepted from the enrolled terminal itself');
  }
  const results: MutationResult[] = [];
  for (const mutation of request.mutations)
    results.push(await applyOne(ctx, actor, request.terminalId, mutation));
  return results;
}
