/**
 * Ticket types in the back office. The code is printed and signed into tickets, so it cannot
 * change once tickets were sold with it, and an archived type keeps its code.
 */
import type { z } from 'zod';
import type { CreateTicketTypeRequest, TicketType, UpdateTicketTypeRequest } from '@marquee/shared';
import { conflict, invalidState } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { publish } from '../sync/change-log.ts';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { listLive, loadLive, retire } from './catalogue-store.ts';
import { changedFields, defined } from './document-diff.ts';
import { priceListsUsing } from './price-lists.ts';
import { soldAsType } from './tickets.ts';

export type CreateTicketTypeInput = z.infer<typeof CreateTicketTypeRequest>;
export type UpdateTicketTypeInput = z.infer<typeof UpdateTicketTypeRequest>;

async function assertCodeFree(ex: Executor, code: string, exceptId: string | null): Promise<void> {
  const clash = await ex.get<{ id: string; archived_at: number | null }>(
    'SELECT id, archived_at FROM ticket_types WHERE code = ? AND id <> ?',
    [code, exceptId ?? ''],
  );
  if (clash === undefined) return;
  // Archived types keep their code: old tickets carry it in their signed tokens.
  const by = clash.archived_at === null ? 'another ticket type' : 'an archived ticket type';
  throw conflict(`the code ${code} is already used by ${by}`, {
    field: 'body.code',
    code,
    ticketTypeId: clash.id,
  });
}

/** Writes a new ticket type row (the back office and the demo seed). */
export async function insertTicketType(ex: Executor, type: TicketType): Promise<void> {
  await ex.run('INSERT INTO ticket_types (id, code, body) VALUES (?, ?, ?)', [
    type.id,
    type.code,
    JSON.stringify(type),
  ]);
}

export async function listTicketTypes(ctx: ServerContext): Promise<TicketType[]> {
  const types = await ctx.db.read((ex) => listLive<TicketType>(ex, 'ticket_types'));
  return types.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export function getTicketType(ctx: ServerContext, id: string): Promise<TicketType> {
  return ctx.db.read((ex) => loadLive<TicketType>(ex, 'ticket_types', id, 'ticket type'));
}

export async function createTicketType(
  ctx: ServerContext,
  actor: Actor,
  input: CreateTicketTypeInput,
): Promise<TicketType> {
  return ctx.db.write(async (ex, tx) => {
    await assertCodeFree(ex, input.code, null);
    const type: TicketType = {
      id: ctx.newId(),
      code: input.code,
      names: input.names,
      requiresProof: input.requiresProof ?? false,
      active: input.active ?? true,
    };
    await insertTicketType(ex, type);
    await publish(ctx, ex, tx, 'ticket_types', type.id, type);
    await audit(ex, ctx, actor, 'ticket_type.create', type.id, { code: type.code });
    return type;
  });
}

export async function updateTicketType(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  input: UpdateTicketTypeInput,
): Promise<TicketType> {
  return ctx.db.write(async (ex, tx) => {
    const current = await loadLive<TicketType>(ex, 'ticket_types', id, 'ticket type');
    const next: TicketType = { ...current, ...defined(input) };
    if (next.code !== current.code) {
      await assertCodeFree(ex, next.code, id);
      if (await soldAsType(ex, id)) {
        throw invalidState('tickets were sold with this code; create a new ticket type instead', {
          field: 'body.code',
          ticketTypeId: id,
        });
      }
    }
    const changed = changedFields(current, next);
    if (changed.length === 0) return current;
    await ex.run('UPDATE ticket_types SET code = ?, body = ? WHERE id = ?', [
      next.code,
      JSON.stringify(next),
      id,
    ]);
    await publish(ctx, ex, tx, 'ticket_types', id, next);
    await audit(ex, ctx, actor, 'ticket_type.update', id, { changed });
    return next;
  });
}

/** A type some live price list still prices is kept; one with sales or price history is archived. */
export async function deleteTicketType(ctx: ServerContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.write(async (ex, tx) => {
    const type = await loadLive<TicketType>(ex, 'ticket_types', id, 'ticket type');
    const using = await priceListsUsing(ex, id);
    const live = using.filter((l) => !l.archived).map((l) => l.id);
    if (live.length > 0) {
      throw conflict('price lists still price this ticket type; remove it from them first', {
        ticketTypeId: id,
        priceListIds: live,
      });
    }
    const hasHistory = (await soldAsType(ex, id)) || using.length > 0;
    if (hasHistory) {
      // Code that does not know about archiving still sees it as not on sale.
      await ex.run('UPDATE ticket_types SET body = ? WHERE id = ?', [
        JSON.stringify({ ...type, active: false }),
        id,
      ]);
    }
    await retire(ctx, ex, tx, 'ticket_types', 'ticket_types', id, hasHistory);
    await audit(ex, ctx, actor, 'ticket_type.delete', id, { code: type.code, archived: hasHistory });
  });
}
