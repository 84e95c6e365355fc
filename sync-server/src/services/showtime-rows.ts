/**
 * The `showtimes` table: its writes and every lookup (the programme in a range, a hall's
 * showtimes near a time or still to come, which showtimes use a hall, a film or a price list).
 */
import type { MarqueeError, Showtime } from '@marquee/shared';
import { conflict, notFound } from '@marquee/shared';
import type { Executor } from '../db/database.ts';

/** Ids named in an error; the count says how many there were in all. */
const MAX_NAMED = 20;

// Bodies were validated before they were written, so reading one back trusts its shape.
const parseShowtime = (text: string): Showtime => JSON.parse(text) as Showtime;

interface ShowtimeRow {
  id: string;
  body: string;
}

const parseRows = (rows: readonly { body: string }[]): Showtime[] => rows.map((r) => parseShowtime(r.body));

export async function writeShowtime(ex: Executor, showtime: Showtime, insert: boolean): Promise<void> {
  const values = [
    Date.parse(showtime.startsAt),
    Date.parse(showtime.endsAt),
    showtime.status,
    showtime.priceListId,
    JSON.stringify(showtime),
  ];
  if (insert) {
    await ex.run(
      'INSERT INTO showtimes (id, hall_id, movie_id, starts_at, ends_at, status, price_list_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [showtime.id, showtime.hallId, showtime.movieId, ...values],
    );
  } else {
    await ex.run(
      'UPDATE showtimes SET starts_at = ?, ends_at = ?, status = ?, price_list_id = ?, body = ? WHERE id = ?',
      [...values, showtime.id],
    );
  }
}

export async function findShowtime(ex: Executor, id: string): Promise<Showtime | undefined> {
  const row = await ex.get<ShowtimeRow>('SELECT id, body FROM showtimes WHERE id = ?', [id]);
  return row === undefined ? undefined : parseShowtime(row.body);
}

export async function loadShowtimeForUpdate(ex: Executor, id: string): Promise<Showtime> {
  const showtime = await findShowtime(ex, id);
  if (showtime === undefined) throw notFound('showtime', id);
  return showtime;
}

/** Showtimes starting in [from, to), earliest first (the programme terminals show). */
export async function showtimesStartingIn(
  ex: Executor,
  from: number,
  to: number,
  limit: number,
): Promise<Showtime[]> {
  const rows = await ex.all<{ body: string }>(
    'SELECT body FROM showtimes WHERE starts_at >= ? AND starts_at < ? ORDER BY starts_at LIMIT ?',
    [from, to, limit],
  );
  return parseRows(rows);
}

/** Every showtime starting in [from, to), cancelled ones too, by start and hall (the occupancy report). */
export async function everyShowtimeStartingIn(ex: Executor, from: number, to: number): Promise<Showtime[]> {
  const rows = await ex.all<{ body: string }>(
    'SELECT body FROM showtimes WHERE starts_at >= ? AND starts_at < ? ORDER BY starts_at, hall_id',
    [from, to],
  );
  return parseRows(rows);
}

/** A hall's showtimes, cancelled ones left out, that start before `to` and end after `from`, except `exceptId`. */
export async function hallShowtimesAround(
  ex: Executor,
  hallId: string,
  from: number,
  to: number,
  exceptId: string,
): Promise<Showtime[]> {
  const rows = await ex.all<{ body: string }>(
    `SELECT body FROM showtimes
      WHERE hall_id = ? AND starts_at < ? AND ends_at > ? AND status <> 'cancelled' AND id <> ?`,
    [hallId, to, from, exceptId],
  );
  return parseRows(rows);
}

/** A hall's latest `limit` showtimes, cancelled ones left out, latest first. */
export async function latestHallShowtimes(ex: Executor, hallId: string, limit: number): Promise<Showtime[]> {
  const rows = await ex.all<{ body: string }>(
    "SELECT body FROM showtimes WHERE hall_id = ? AND status <> 'cancelled' ORDER BY starts_at DESC LIMIT ?",
    [hallId, limit],
  );
  return parseRows(rows);
}

/** What a showtime refers to, for asking which showtimes use a hall, a film or a price list. */
export type ShowtimeReference = { hallId: string } | { movieId: string } | { priceListId: string };

function whereOf(ref: ShowtimeReference): { where: string; param: string } {
  if ('hallId' in ref) return { where: 'hall_id = ?', param: ref.hallId };
  if ('movieId' in ref) return { where: 'movie_id = ?', param: ref.movieId };
  return { where: 'price_list_id = ?', param: ref.priceListId };
}

/** Showtimes not yet over and not cancelled that use `ref`, earliest first. */
export async function upcomingShowtimeIds(
  ex: Executor,
  ref: ShowtimeReference,
  now: number,
): Promise<string[]> {
  const { where, param } = whereOf(ref);
  const rows = await ex.all<{ id: string }>(
    `SELECT id FROM showtimes WHERE ${where} AND ends_at > ? AND status <> 'cancelled' ORDER BY starts_at`,
    [param, now],
  );
  return rows.map((r) => r.id);
}

/** Showtimes not yet over and not cancelled that use `ref`, earliest first. */
export async function upcomingShowtimes(
  ex: Executor,
  ref: ShowtimeReference,
  now: number,
): Promise<Showtime[]> {
  const { where, param } = whereOf(ref);
  const rows = await ex.all<{ body: string }>(
    `SELECT body FROM showtimes WHERE ${where} AND ends_at > ? AND status <> 'cancelled' ORDER BY starts_at`,
    [param, now],
  );
  return parseRows(rows);
}

/** Whether any showtime, past or cancelled included, ever used `ref`. */
export async function everUsed(ex: Executor, ref: ShowtimeReference): Promise<boolean> {
  const { where, param } = whereOf(ref);
  const row = await ex.get(`SELECT id FROM showtimes WHERE ${where} LIMIT 1`, [param]);
  return row !== undefined;
}

/** The refusal to delete something upcoming showtimes still use, naming (some of) them. */
export function stillInUse(
  what: string,
  showtimeIds: readonly string[],
  details: Record<string, unknown>,
): MarqueeError {
  return conflict(
    `the ${what} has ${showtimeIds.length} upcoming showtime${showtimeIds.length === 1 ? '' : 's'}; ` +
      'cancel or change them first',
    { ...details, showtimeIds: showtimeIds.slice(0, MAX_NAMED), count: showtimeIds.length },
  );
}
