/**
 * Reading and retiring rows of the four catalogue tables (halls, movies, ticket types, price
 * lists), which share one shape: an id, the validated document as JSON in `body`, and
 * `archived_at` for entities retired while history still points at them.
 */
import type { SyncCollection } from '@marquee/shared';
import { invalidField, notFound } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor, TxContext } from '../db/database.ts';
import { publish } from '../sync/change-log.ts';

export type CatalogueTable = 'halls' | 'movies' | 'ticket_types' | 'price_lists';

// Bodies were validated before they were written, so reading one back trusts its shape.
export const parseBody = <T>(text: string): T => JSON.parse(text) as T;

/** A live (not archived) entity, or 404. */
export async function loadLive<T>(ex: Executor, table: CatalogueTable, id: string, what: string): Promise<T> {
  const row = await ex.get<{ body: string }>(
    `SELECT body FROM ${table} WHERE id = ? AND archived_at IS NULL`,
    [id],
  );
  if (row === undefined) throw notFound(what, id);
  return parseBody<T>(row.body);
}

/** An entity a request body refers to: a missing one is a mistake in the request, not a missing page. */
export async function loadReferenced<T>(
  ex: Executor,
  table: CatalogueTable,
  id: string,
  field: string,
  what: string,
): Promise<T> {
  const row = await ex.get<{ body: string }>(
    `SELECT body FROM ${table} WHERE id = ? AND archived_at IS NULL`,
    [id],
  );
  if (row === undefined)
    throw invalidField(field, `no ${what} with id ${id}`, { rule: 'unknown_reference', id });
  return parseBody<T>(row.body);
}

export async function listLive<T>(ex: Executor, table: CatalogueTable): Promise<T[]> {
  const rows = await ex.all<{ body: string }>(`SELECT body FROM ${table} WHERE archived_at IS NULL`);
  return rows.map((r) => parseBody<T>(r.body));
}

/** Every entity of a table, archived ones too (history, such as reports, still names them). */
export async function listEvery<T>(ex: Executor, table: CatalogueTable): Promise<T[]> {
  const rows = await ex.all<{ body: string }>(`SELECT body FROM ${table}`);
  return rows.map((r) => parseBody<T>(r.body));
}

export async function liveIds(ex: Executor, table: CatalogueTable): Promise<Set<string>> {
  const rows = await ex.all<{ id: string }>(`SELECT id FROM ${table} WHERE archived_at IS NULL`);
  return new Set(rows.map((r) => r.id));
}

/** Archive when history points at the entity, otherwise remove the row; replicas see a deletion either way. */
export async function retire(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  table: CatalogueTable,
  collection: SyncCollection,
  id: string,
  hasHistory: boolean,
): Promise<void> {
  if (hasHistory) await ex.run(`UPDATE ${table} SET archived_at = ? WHERE id = ?`, [ctx.now(), id]);
  else await ex.run(`DELETE FROM ${table} WHERE id = ?`, [id]);
  await publish(ctx, ex, tx, collection, id, null);
}
