/**
 * Read-mostly catalogue rows (showtime, hall layout, price list, ticket types) parsed once and
 * cached by id + the row's body text. A cache miss or a changed body simply re-reads; the cache
 * never decides anything the database has not said.
 */
import type { Hall, PriceList, Showtime, TicketType } from '@marquee/shared';
import { notFound } from '@marquee/shared';
import type { Executor } from '../db/database.ts';

const parsed = new Map<string, { text: string; value: unknown }>();

function parseCached(key: string, text: string): unknown {
  const hit = parsed.get(key);
  if (hit?.text === text) return hit.value;
  const value: unknown = JSON.parse(text);
  if (parsed.size > 5000) parsed.clear();
  parsed.set(key, { text, value });
  return value;
}

/** A showtime, or undefined when there is none with that id. */
export async function findShowtimeCached(ex: Executor, id: string): Promise<Showtime | undefined> {
  const row = await ex.get<{ body: string }>('SELECT body FROM showtimes WHERE id = ?', [id]);
  return row === undefined ? undefined : (parseCached(`showtime:${id}`, row.body) as Showtime);
}

export async function loadShowtime(ex: Executor, id: string): Promise<Showtime> {
  const showtime = await findShowtimeCached(ex, id);
  if (showtime === undefined) throw notFound('showtime', id);
  return showtime;
}

export async function loadHall(ex: Executor, id: string): Promise<Hall> {
  const row = await ex.get<{ body: string }>('SELECT body FROM halls WHERE id = ?', [id]);
  if (row === undefined) throw notFound('hall', id);
  return parseCached(`hall:${id}`, row.body) as Hall;
}

export async function loadPriceList(ex: Executor, id: string): Promise<PriceList> {
  const row = await ex.get<{ body: string }>('SELECT body FROM price_lists WHERE id = ?', [id]);
  if (row === undefined) throw notFound('price list', id);
  return parseCached(`price_list:${id}`, row.body) as PriceList;
}

export async function loadTicketTypes(ex: Executor): Promise<TicketType[]> {
  const rows = await ex.all<{ id: string; body: string }>('SELECT id, body FROM ticket_types ORDER BY code');
  return rows.map((r) => parseCached(`ticket_type:${r.id}`, r.body) as TicketType);
}
