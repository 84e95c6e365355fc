/**
 * Price lists in the back office, in the site's currency. New prices apply to sales from then on;
 * tickets already sold keep what was paid.
 */
import type { z } from 'zod';
import type { CreatePriceListRequest, PriceList, UpdatePriceListRequest } from '@marquee/shared';
import { invalidField, validatePriceList, validationFailed } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { publish } from '../sync/change-log.ts';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { listLive, liveIds, loadLive, retire } from './catalogue-store.ts';
import { changedFields, defined, unique } from './document-diff.ts';
import { everUsed, stillInUse, upcomingShowtimeIds } from './showtime-rows.ts';

export type CreatePriceListInput = z.infer<typeof CreatePriceListRequest>;
export type UpdatePriceListInput = z.infer<typeof UpdatePriceListRequest>;

/** Every ticket type a price list names must exist; then the rules the schema cannot see. */
async function checkPriceList(ex: Executor, list: PriceList): Promise<PriceList> {
  const known = await liveIds(ex, 'ticket_types');
  list.prices.forEach((entry, index) => {
    if (!known.has(entry.ticketTypeId)) {
      throw invalidField(
        `body.prices.${index}.ticketTypeId`,
        `no ticket type with id ${entry.ticketTypeId}`,
        {
          rule: 'unknown_ticket_type',
          ticketTypeId: entry.ticketTypeId,
        },
      );
    }
  });
  list.rules.forEach((rule, index) => {
    rule.ticketTypeIds?.forEach((ticketTypeId, position) => {
      if (!known.has(ticketTypeId)) {
        throw invalidField(
          `body.rules.${index}.ticketTypeIds.${position}`,
          `no ticket type with id ${ticketTypeId}`,
          { rule: 'unknown_ticket_type', ticketTypeId },
        );
      }
    });
  });
  const checked = validatePriceList(list);
  if (checked.ok) return checked.value;
  const issues = (checked.error.details?.['issues'] ?? []) as {
    rule: string;
    index: number;
    message: string;
  }[];
  const first = issues[0];
  const field =
    first === undefined
      ? 'body'
      : first.rule === 'duplicate_price'
        ? `body.prices.${first.index}`
        : `body.rules.${first.index}`;
  throw validationFailed(`${field}: ${first?.message ?? checked.error.message}`, {
    field,
    rule: first?.rule,
    issues,
  });
}

/** The ticket types a list prices or names in a rule. */
const ticketTypesOf = (list: PriceList): string[] =>
  unique([...list.prices.map((p) => p.ticketTypeId), ...list.rules.flatMap((r) => r.ticketTypeIds ?? [])]);

/** Keeps `price_list_ticket_types` saying which ticket types the list uses. */
async function writeTicketTypesOf(ex: Executor, list: PriceList): Promise<void> {
  await ex.run('DELETE FROM price_list_ticket_types WHERE price_list_id = ?', [list.id]);
  for (const ticketTypeId of ticketTypesOf(list)) {
    await ex.run('INSERT INTO price_list_ticket_types (price_list_id, ticket_type_id) VALUES (?, ?)', [
      list.id,
      ticketTypeId,
    ]);
  }
}

/** Price lists (archived ones too) that price a ticket type or name it in a rule. */
export async function priceListsUsing(
  ex: Executor,
  ticketTypeId: string,
): Promise<{ id: string; archived: boolean }[]> {
  const lists = await ex.all<{ id: string; archived_at: number | null }>(
    `SELECT p.id, p.archived_at FROM price_list_ticket_types u JOIN price_lists p ON p.id = u.price_list_id
      WHERE u.ticket_type_id = ? ORDER BY p.id`,
    [ticketTypeId],
  );
  return lists.map((l) => ({ id: l.id, archived: l.archived_at !== null }));
}

/** Writes a new price list (the back office and the demo seed). */
export async function insertPriceList(ex: Executor, list: PriceList): Promise<void> {
  await ex.run('INSERT INTO price_lists (id, body) VALUES (?, ?)', [list.id, JSON.stringify(list)]);
  await writeTicketTypesOf(ex, list);
}

export async function listPriceLists(ctx: ServerContext): Promise<PriceList[]> {
  const lists = await ctx.db.read((ex) => listLive<PriceList>(ex, 'price_lists'));
  return lists.sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

export function getPriceList(ctx: ServerContext, id: string): Promise<PriceList> {
  return ctx.db.read((ex) => loadLive<PriceList>(ex, 'price_lists', id, 'price list'));
}

/** Prices are in the site's currency: a cinema sells in one currency. */
export async function createPriceList(
  ctx: ServerContext,
  actor: Actor,
  input: CreatePriceListInput,
): Promise<PriceList> {
  return ctx.db.write(async (ex, tx) => {
    const list = await checkPriceList(ex, {
      id: ctx.newId(),
      name: input.name,
      currency: ctx.site.currency,
      prices: input.prices,
      rules: input.rules ?? [],
    });
    await insertPriceList(ex, list);
    await publish(ctx, ex, tx, 'price_lists', list.id, list);
    await audit(ex, ctx, actor, 'price_list.create', list.id, {
      name: list.name,
      prices: list.prices.length,
    });
    return list;
  });
}

export async function updatePriceList(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  input: UpdatePriceListInput,
): Promise<PriceList> {
  return ctx.db.write(async (ex, tx) => {
    const current = await loadLive<PriceList>(ex, 'price_lists', id, 'price list');
    const next = await checkPriceList(ex, { ...current, ...defined(input), currency: ctx.site.currency });
    const changed = changedFields(current, next);
    if (changed.length === 0) return current;
    await ex.run('UPDATE price_lists SET body = ? WHERE id = ?', [JSON.stringify(next), id]);
    await writeTicketTypesOf(ex, next);
    await publish(ctx, ex, tx, 'price_lists', id, next);
    await audit(ex, ctx, actor, 'price_list.update', id, { changed });
    return next;
  });
}

/** Deleting a price list past showtimes used archives it (see catalogue-store.ts). */
export async function deletePriceList(ctx: ServerContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.write(async (ex, tx) => {
    const list = await loadLive<PriceList>(ex, 'price_lists', id, 'price list');
    const upcoming = await upcomingShowtimeIds(ex, { priceListId: id }, ctx.now());
    if (upcoming.length > 0) throw stillInUse('price list', upcoming, { priceListId: id });
    const history = await everUsed(ex, { priceListId: id });
    // An archived list keeps saying what it prices (its ticket types then count as having history).
    if (!history) await ex.run('DELETE FROM price_list_ticket_types WHERE price_list_id = ?', [id]);
    await retire(ctx, ex, tx, 'price_lists', 'price_lists', id, history);
    await audit(ex, ctx, actor, 'price_list.delete', id, { name: list.name, archived: history });
  });
}
