/**
 * The back office (managers and admins): halls, films, ticket types, price lists and showtimes,
 * staff accounts and enrolled terminals. Each change is one write transaction holding the change,
 * its audit entry and, for replicated entities, the published document, so terminals see exactly
 * what was committed and nothing of a refused change.
 *
 * Deleting something that history points at (a hall, film or price list past showtimes used, a
 * ticket type tickets were sold as) archives it instead: it leaves the lists and the replicas but
 * stays readable for old orders and reports.
 */
import type { z } from 'zod';
import type {
  CreateHallRequest,
  CreateMovieRequest,
  CreatePriceListRequest,
  CreateShowtimeRequest,
  CreateTicketTypeRequest,
  CreateUserRequest,
  Hall,
  HallLayout,
  Lease,
  Movie,
  PriceList,
  Showtime,
  StaffRole,
  StaffUser,
  SyncCollection,
  Terminal,
  TerminalProfile,
  TicketType,
  UpdateDeviceRequest,
  UpdateHallRequest,
  UpdateMovieRequest,
  UpdatePriceListRequest,
  UpdateShowtimeRequest,
  UpdateTicketTypeRequest,
  UpdateUserRequest,
} from '@marquee/shared';
import {
  MarqueeError,
  capacity,
  findScheduleConflicts,
  seatIndex,
  showtimeEnd,
  validateLayout,
  validatePriceList,
  validateShowtimeTimes,
} from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor, TxContext } from '../db/database.ts';
import { publish, publishSeatMap } from '../sync/change-log.ts';
import {
  conflict,
  forbidden,
  invalidState,
  notFound,
  scheduleConflict,
  validationFailed,
} from '@marquee/shared';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { hashPassword } from './passwords.ts';

export type CreateHallInput = z.infer<typeof CreateHallRequest>;
export type UpdateHallInput = z.infer<typeof UpdateHallRequest>;
export type CreateMovieInput = z.infer<typeof CreateMovieRequest>;
export type UpdateMovieInput = z.infer<typeof UpdateMovieRequest>;
export type CreateTicketTypeInput = z.infer<typeof CreateTicketTypeRequest>;
export type UpdateTicketTypeInput = z.infer<typeof UpdateTicketTypeRequest>;
export type CreatePriceListInput = z.infer<typeof CreatePriceListRequest>;
export type UpdatePriceListInput = z.infer<typeof UpdatePriceListRequest>;
export type CreateShowtimeInput = z.infer<typeof CreateShowtimeRequest>;
export type UpdateShowtimeInput = z.infer<typeof UpdateShowtimeRequest>;
export type CreateUserInput = z.infer<typeof CreateUserRequest>;
export type UpdateUserInput = z.infer<typeof UpdateUserRequest>;
export type UpdateDeviceInput = z.infer<typeof UpdateDeviceRequest>;

const MINUTE_MS = 60_000;
export const DEFAULT_TRAILER_MINUTES = 15;
export const DEFAULT_CLEANING_MINUTES = 15;
/** Latecomers can still buy at the box office during the adverts. */
export const SALES_CLOSE_AFTER_START_MINUTES = 15;
/**
 * The longest cleaning buffer a showtime may have (the schema's maximum). A showtime that ended
 * more than this before a candidate starts cannot collide with it, which bounds the look-back.
 */
const MAX_CLEANING_MS = 240 * MINUTE_MS;
/** How many of a hall's latest showtimes decide its default price list. */
const DEFAULT_PRICE_LIST_SAMPLE = 50;
/** Ids named in an error; the count says how many there were in all. */
const MAX_NAMED = 20;

// ---------------------------------------------------------------------------------------------
// Helpers

// Bodies were validated before they were written, so reading one back trusts its shape.
const parseBody = <T>(text: string): T => JSON.parse(text) as T;
/** Counts and BIGINT columns: PostgreSQL drivers return them as strings. */
type DbInt = number | string;
const iso = (ms: number): string => new Date(ms).toISOString();
const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

function fieldError(field: string, message: string, details: Record<string, unknown> = {}): MarqueeError {
  return validationFailed(`${field}: ${message}`, { field, ...details });
}

/** Optional request fields left out arrive as `undefined`; a merge must not copy those over. */
function defined<T extends object>(input: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** JSON with sorted keys, to tell whether two documents say the same thing. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function changedFields(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return unique([...Object.keys(a), ...Object.keys(b)]).filter(
    (key) => canonical(a[key]) !== canonical(b[key]),
  );
}

type CatalogueTable = 'halls' | 'movies' | 'ticket_types' | 'price_lists';

async function loadLive<T>(ex: Executor, table: CatalogueTable, id: string, what: string): Promise<T> {
  const row = await ex.get<{ body: string }>(
    `SELECT body FROM ${table} WHERE id = ? AND archived_at IS NULL`,
    [id],
  );
  if (row === undefined) throw notFound(what, id);
  return parseBody<T>(row.body);
}

/** An entity a request body refers to: a missing one is a mistake in the request, not a missing page. */
async function loadReferenced<T>(
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
    throw fieldError(field, `no ${what} with id ${id}`, { rule: 'unknown_reference', id });
  return parseBody<T>(row.body);
}

async function listLive<T>(ex: Executor, table: CatalogueTable): Promise<T[]> {
  const rows = await ex.all<{ body: string }>(`SELECT body FROM ${table} WHERE archived_at IS NULL`);
  return rows.map((r) => parseBody<T>(r.body));
}

/** Archive when history points at the entity, otherwise remove the row; replicas see a deletion either way. */
async function retire(
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

/** Showtimes not yet over and not cancelled, matching `where`, earliest first. */
async function upcomingShowtimeIds(
  ex: Executor,
  where: string,
  params: readonly string[],
  now: number,
): Promise<string[]> {
  const rows = await ex.all<{ id: string }>(
    `SELECT id FROM showtimes WHERE ${where} AND ends_at > ? AND status <> 'cancelled' ORDER BY starts_at`,
    [...params, now],
  );
  return rows.map((r) => r.id);
}

function stillInUse(
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

// Showtime bodies are written with JSON.stringify only, so a price list reference reads exactly
// like this; LIKE keeps the search portable where JSON operators differ between databases.
const priceListPattern = (id: string) => `%"priceListId":"${id}"%`;

// ---------------------------------------------------------------------------------------------
// Halls

/** Parses the layout and checks its structural rules; the error names the field and the rule. */
function checkLayout(input: unknown): HallLayout {
  const result = validateLayout(input);
  if (result.ok) return result.value;
  const details = result.error.details ?? {};
  const path = typeof details['path'] === 'string' && details['path'] !== '' ? `.${details['path']}` : '';
  const field = `body.layout${path}`;
  throw validationFailed(`${field}: ${result.error.message}`, { field, ...details });
}

async function assertHallNameFree(ex: Executor, name: string, exceptId: string | null): Promise<void> {
  const clash = await ex.get<{ id: string }>(
    'SELECT id FROM halls WHERE lower(name) = lower(?) AND archived_at IS NULL AND id <> ?',
    [name, exceptId ?? ''],
  );
  if (clash !== undefined) {
    throw conflict(`there is already a hall called ${name}`, { field: 'body.name', hallId: clash.id });
  }
}

export async function listHalls(ctx: ServerContext): Promise<Hall[]> {
  const halls = await ctx.db.read((ex) => listLive<Hall>(ex, 'halls'));
  return halls.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

export function getHall(ctx: ServerContext, id: string): Promise<Hall> {
  return ctx.db.read((ex) => loadLive<Hall>(ex, 'halls', id, 'hall'));
}

/** The server owns layout versions: a new hall starts at 1 whatever the request says. */
export async function createHall(ctx: ServerContext, actor: Actor, input: CreateHallInput): Promise<Hall> {
  const layout = checkLayout({ ...input.layout, version: 1 });
  return ctx.db.write(async (ex, tx) => {
    await assertHallNameFree(ex, input.name, null);
    const hall: Hall = {
      id: ctx.newId(),
      siteId: ctx.site.id,
      name: input.name,
      features: unique(input.features),
      layout,
    };
    await ex.run('INSERT INTO halls (id, name, body) VALUES (?, ?, ?)', [
      hall.id,
      hall.name,
      JSON.stringify(hall),
    ]);
    await publish(ctx, ex, tx, 'halls', hall.id, hall);
    await audit(ex, ctx, actor, 'hall.create', hall.id, { name: hall.name, seats: capacity(layout) });
    return hall;
  });
}

/**
 * A changed layout gets the next version, and every showtime of the hall that is not over yet
 * sells the new layout from now on. A layout that would drop a seat sold, held or leased for
 * one of those showtimes is refused, naming the seats.
 */
export async function updateHall(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  input: UpdateHallInput,
): Promise<Hall> {
  const proposed = input.layout === undefined ? undefined : checkLayout(input.layout);
  return ctx.db.write(async (ex, tx) => {
    const current = await loadLive<Hall>(ex, 'halls', id, 'hall');
    if (input.name !== undefined && input.name !== current.name) await assertHallNameFree(ex, input.name, id);
    const layoutChanged =
      proposed !== undefined && canonical(proposed.rows) !== canonical(current.layout.rows);
    const next: Hall = {
      ...current,
      name: input.name ?? current.name,
      features: input.features === undefined ? current.features : unique(input.features),
      layout: layoutChanged ? { version: current.layout.version + 1, rows: proposed.rows } : current.layout,
    };
    const changed = changedFields(current, next);
    if (changed.length === 0) return current;
    const moved = layoutChanged ? await moveShowtimesToLayout(ctx, ex, tx, next) : 0;
    await ex.run('UPDATE halls SET name = ?, body = ? WHERE id = ?', [next.name, JSON.stringify(next), id]);
    await publish(ctx, ex, tx, 'halls', id, next);
    await audit(ex, ctx, actor, 'hall.update', id, {
      changed,
      layoutVersion: next.layout.version,
      showtimesMoved: moved,
    });
    return next;
  });
}

async function moveShowtimesToLayout(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  hall: Hall,
): Promise<number> {
  const now = ctx.now();
  const seats = seatIndex(hall.layout);
  const claims = await ex.all<{ showtime_id: string; seat_id: string }>(
    `SELECT c.showtime_id, c.seat_id FROM seat_claims c JOIN showtimes s ON s.id = c.showtime_id
      WHERE s.hall_id = ? AND s.ends_at > ? AND s.status <> 'cancelled'
        AND (c.state IN ('sold', 'blocked') OR c.expires_at > ?)`,
    [hall.id, now, now],
  );
  const lost = claims.filter((c) => !seats.has(c.seat_id));
  if (lost.length > 0) {
    const seatIds = unique(lost.map((c) => c.seat_id)).sort();
    throw invalidState(
      `the new layout drops seats that are taken for upcoming showtimes: ${seatIds.slice(0, MAX_NAMED).join(', ')}`,
      { seatIds, showtimeIds: unique(lost.map((c) => c.showtime_id)).slice(0, MAX_NAMED) },
    );
  }
  const rows = await ex.all<{ id: string; body: string }>(
    "SELECT id, body FROM showtimes WHERE hall_id = ? AND ends_at > ? AND status <> 'cancelled'",
    [hall.id, now],
  );
  for (const row of rows) {
    const showtime: Showtime = { ...parseBody<Showtime>(row.body), layoutVersion: hall.layout.version };
    await ex.run('UPDATE showtimes SET body = ? WHERE id = ?', [JSON.stringify(showtime), row.id]);
    await publish(ctx, ex, tx, 'showtimes', row.id, showtime);
    await publishSeatMap(ctx, ex, tx, row.id);
  }
  return rows.length;
}

export async function deleteHall(ctx: ServerContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.write(async (ex, tx) => {
    const hall = await loadLive<Hall>(ex, 'halls', id, 'hall');
    const upcoming = await upcomingShowtimeIds(ex, 'hall_id = ?', [id], ctx.now());
    if (upcoming.length > 0) throw stillInUse('hall', upcoming, { hallId: id });
    const history = await ex.get('SELECT id FROM showtimes WHERE hall_id = ? LIMIT 1', [id]);
    await retire(ctx, ex, tx, 'halls', 'halls', id, history !== undefined);
    await audit(ex, ctx, actor, 'hall.delete', id, { name: hall.name, archived: history !== undefined });
  });
}

// ---------------------------------------------------------------------------------------------
// Movies

export async function listMovies(ctx: ServerContext): Promise<Movie[]> {
  const movies = await ctx.db.read((ex) => listLive<Movie>(ex, 'movies'));
  return movies.sort((a, b) => a.titles.en.localeCompare(b.titles.en, 'en'));
}

export function getMovie(ctx: ServerContext, id: string): Promise<Movie> {
  return ctx.db.read((ex) => loadLive<Movie>(ex, 'movies', id, 'movie'));
}

export async function createMovie(ctx: ServerContext, actor: Actor, input: CreateMovieInput): Promise<Movie> {
  return ctx.db.write(async (ex, tx) => {
    const movie: Movie = { id: ctx.newId(), ...defined(input) };
    await ex.run('INSERT INTO movies (id, body) VALUES (?, ?)', [movie.id, JSON.stringify(movie)]);
    await publish(ctx, ex, tx, 'movies', movie.id, movie);
    await audit(ex, ctx, actor, 'movie.create', movie.id, { title: movie.titles.en });
    return movie;
  });
}

/** A new runtime applies to showtimes scheduled from now on; those already scheduled keep their end. */
export async function updateMovie(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  input: UpdateMovieInput,
): Promise<Movie> {
  return ctx.db.write(async (ex, tx) => {
    const current = await loadLive<Movie>(ex, 'movies', id, 'movie');
    const next: Movie = { ...current, ...defined(input) };
    const changed = changedFields(current, next);
    if (changed.length === 0) return current;
    await ex.run('UPDATE movies SET body = ? WHERE id = ?', [JSON.stringify(next), id]);
    await publish(ctx, ex, tx, 'movies', id, next);
    await audit(ex, ctx, actor, 'movie.update', id, { changed });
    return next;
  });
}

export async function deleteMovie(ctx: ServerContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.write(async (ex, tx) => {
    const movie = await loadLive<Movie>(ex, 'movies', id, 'movie');
    const upcoming = await upcomingShowtimeIds(ex, 'movie_id = ?', [id], ctx.now());
    if (upcoming.length > 0) throw stillInUse('film', upcoming, { movieId: id });
    const history = await ex.get('SELECT id FROM showtimes WHERE movie_id = ? LIMIT 1', [id]);
    await retire(ctx, ex, tx, 'movies', 'movies', id, history !== undefined);
    await audit(ex, ctx, actor, 'movie.delete', id, {
      title: movie.titles.en,
      archived: history !== undefined,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Ticket types

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
    await ex.run('INSERT INTO ticket_types (id, code, body) VALUES (?, ?, ?)', [
      type.id,
      type.code,
      JSON.stringify(type),
    ]);
    await publish(ctx, ex, tx, 'ticket_types', type.id, type);
    await audit(ex, ctx, actor, 'ticket_type.create', type.id, { code: type.code });
    return type;
  });
}

/** The code is printed and signed into tickets, so it cannot change once tickets were sold with it. */
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
      const sold = await ex.get('SELECT id FROM tickets WHERE ticket_type_id = ? LIMIT 1', [id]);
      if (sold !== undefined) {
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

function pricesTicketType(list: PriceList, ticketTypeId: string): boolean {
  return (
    list.prices.some((p) => p.ticketTypeId === ticketTypeId) ||
    list.rules.some((r) => r.ticketTypeIds?.includes(ticketTypeId) === true)
  );
}

export async function deleteTicketType(ctx: ServerContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.write(async (ex, tx) => {
    const type = await loadLive<TicketType>(ex, 'ticket_types', id, 'ticket type');
    const lists = await ex.all<{ id: string; body: string; archived_at: number | null }>(
      'SELECT id, body, archived_at FROM price_lists WHERE body LIKE ?',
      [`%"${id}"%`],
    );
    const using = lists.filter((l) => pricesTicketType(parseBody<PriceList>(l.body), id));
    const live = using.filter((l) => l.archived_at === null).map((l) => l.id);
    if (live.length > 0) {
      throw conflict('price lists still price this ticket type; remove it from them first', {
        ticketTypeId: id,
        priceListIds: live,
      });
    }
    const sold = await ex.get('SELECT id FROM tickets WHERE ticket_type_id = ? LIMIT 1', [id]);
    const hasHistory = sold !== undefined || using.length > 0;
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

// ---------------------------------------------------------------------------------------------
// Price lists

/** Every ticket type a price list names must exist; then the rules the schema cannot see. */
async function checkPriceList(ex: Executor, list: PriceList): Promise<PriceList> {
  const rows = await ex.all<{ id: string }>('SELECT id FROM ticket_types WHERE archived_at IS NULL');
  const known = new Set(rows.map((r) => r.id));
  list.prices.forEach((entry, index) => {
    if (!known.has(entry.ticketTypeId)) {
      throw fieldError(`body.prices.${index}.ticketTypeId`, `no ticket type with id ${entry.ticketTypeId}`, {
        rule: 'unknown_ticket_type',
        ticketTypeId: entry.ticketTypeId,
      });
    }
  });
  list.rules.forEach((rule, index) => {
    rule.ticketTypeIds?.forEach((ticketTypeId, position) => {
      if (!known.has(ticketTypeId)) {
        throw fieldError(
          `body.rules.${index}.ticketTypeIds.${position}`,
          `no ticket type with id ${ticketTypeId}`,
          {
            rule: 'unknown_ticket_type',
            ticketTypeId,
          },
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
    await ex.run('INSERT INTO price_lists (id, body) VALUES (?, ?)', [list.id, JSON.stringify(list)]);
    await publish(ctx, ex, tx, 'price_lists', list.id, list);
    await audit(ex, ctx, actor, 'price_list.create', list.id, {
      name: list.name,
      prices: list.prices.length,
    });
    return list;
  });
}

/** New prices apply to sales from now on; tickets already sold keep what was paid. */
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
    await publish(ctx, ex, tx, 'price_lists', id, next);
    await audit(ex, ctx, actor, 'price_list.update', id, { changed });
    return next;
  });
}

export async function deletePriceList(ctx: ServerContext, actor: Actor, id: string): Promise<void> {
  await ctx.db.write(async (ex, tx) => {
    const list = await loadLive<PriceList>(ex, 'price_lists', id, 'price list');
    const upcoming = await upcomingShowtimeIds(ex, 'body LIKE ?', [priceListPattern(id)], ctx.now());
    if (upcoming.length > 0) throw stillInUse('price list', upcoming, { priceListId: id });
    const history = await ex.get('SELECT id FROM showtimes WHERE body LIKE ? LIMIT 1', [
      priceListPattern(id),
    ]);
    await retire(ctx, ex, tx, 'price_lists', 'price_lists', id, history !== undefined);
    await audit(ex, ctx, actor, 'price_list.delete', id, {
      name: list.name,
      archived: history !== undefined,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Showtimes

interface ShowtimeRow {
  id: string;
  body: string;
}

async function loadShowtimeForUpdate(ex: Executor, id: string): Promise<Showtime> {
  const row = await ex.get<ShowtimeRow>('SELECT id, body FROM showtimes WHERE id = ?', [id]);
  if (row === undefined) throw notFound('showtime', id);
  return parseBody<Showtime>(row.body);
}

async function referencedPriceList(ctx: ServerContext, ex: Executor, id: string): Promise<PriceList> {
  const list = await loadReferenced<PriceList>(ex, 'price_lists', id, 'body.priceListId', 'price list');
  if (list.currency !== ctx.site.currency) {
    throw fieldError(
      'body.priceListId',
      `the price list is in ${list.currency}, the cinema sells in ${ctx.site.currency}`,
      {
        rule: 'currency',
      },
    );
  }
  return list;
}

/**
 * Without an explicit price list a new showtime takes the one most used by the hall's latest
 * showtimes (a hall is usually priced one way: IMAX, VIP); a hall with no history takes the
 * first price list by name.
 */
async function defaultPriceList(ctx: ServerContext, ex: Executor, hallId: string): Promise<PriceList> {
  const recent = await ex.all<{ body: string }>(
    "SELECT body FROM showtimes WHERE hall_id = ? AND status <> 'cancelled' ORDER BY starts_at DESC LIMIT ?",
    [hallId, DEFAULT_PRICE_LIST_SAMPLE],
  );
  const uses = new Map<string, number>();
  for (const row of recent) {
    const id = parseBody<Showtime>(row.body).priceListId;
    uses.set(id, (uses.get(id) ?? 0) + 1);
  }
  // Map order is first-seen order, i.e. most recent first, which breaks ties.
  const ranked = [...uses.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  const lists = await listLive<PriceList>(ex, 'price_lists');
  const usable = lists.filter((l) => l.currency === ctx.site.currency);
  const byId = new Map(usable.map((l) => [l.id, l]));
  for (const id of ranked) {
    const list = byId.get(id);
    if (list !== undefined) return list;
  }
  const first = usable.sort((a, b) => a.name.localeCompare(b.name, 'en'))[0];
  if (first === undefined) {
    throw fieldError('body.priceListId', 'there is no price list yet; create one first', {
      rule: 'no_price_list',
    });
  }
  return first;
}

function assertTimes(showtime: Showtime): void {
  const times = validateShowtimeTimes(showtime);
  if (times.ok) return;
  const issues = (times.error.details?.['issues'] ?? []) as { field: string; rule: string }[];
  const first = issues[0];
  const field = first === undefined ? 'body.startsAt' : `body.${first.field}`;
  throw validationFailed(`${field}: ${times.error.message}`, { field, rule: first?.rule, issues });
}

/**
 * The hall must be free over [start, end + cleaning), and the showtime before must have had its
 * cleaning time. Only the hall's showtimes near the candidate are read.
 */
async function assertFits(ex: Executor, candidate: Showtime): Promise<void> {
  assertTimes(candidate);
  const start = Date.parse(candidate.startsAt);
  const free = Date.parse(candidate.endsAt) + candidate.cleaningMinutes * MINUTE_MS;
  const rows = await ex.all<ShowtimeRow>(
    `SELECT id, body FROM showtimes
      WHERE hall_id = ? AND starts_at < ? AND ends_at > ? AND status <> 'cancelled' AND id <> ?`,
    [candidate.hallId, free, start - MAX_CLEANING_MS, candidate.id],
  );
  const conflicts = findScheduleConflicts(
    candidate,
    rows.map((r) => parseBody<Showtime>(r.body)),
  );
  const first = conflicts[0];
  if (first === undefined) return;
  throw scheduleConflict(first.message, {
    showtimeId: first.showtimeId,
    hallId: first.hallId,
    reason: first.reason,
    overlapMinutes: first.overlapMinutes,
    conflicts: conflicts.map(({ showtimeId, reason, overlapMinutes }) => ({
      showtimeId,
      reason,
      overlapMinutes,
    })),
  });
}

async function writeShowtime(ex: Executor, showtime: Showtime, insert: boolean): Promise<void> {
  const values = [
    Date.parse(showtime.startsAt),
    Date.parse(showtime.endsAt),
    showtime.status,
    JSON.stringify(showtime),
  ];
  if (insert) {
    await ex.run(
      'INSERT INTO showtimes (id, hall_id, movie_id, starts_at, ends_at, status, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [showtime.id, showtime.hallId, showtime.movieId, ...values],
    );
  } else {
    await ex.run('UPDATE showtimes SET starts_at = ?, ends_at = ?, status = ?, body = ? WHERE id = ?', [
      ...values,
      showtime.id,
    ]);
  }
}

/**
 * Schedules a showtime: it ends after the trailers and the film, sales open now and close
 * shortly after the start (latecomers), and it sells the hall's current layout.
 */
export async function createShowtime(
  ctx: ServerContext,
  actor: Actor,
  input: CreateShowtimeInput,
): Promise<Showtime> {
  return ctx.db.write(async (ex, tx) => {
    const now = ctx.now();
    const movie = await loadReferenced<Movie>(ex, 'movies', input.movieId, 'body.movieId', 'film');
    const hall = await loadReferenced<Hall>(ex, 'halls', input.hallId, 'body.hallId', 'hall');
    const priceList =
      input.priceListId === undefined
        ? await defaultPriceList(ctx, ex, hall.id)
        : await referencedPriceList(ctx, ex, input.priceListId);
    const start = Date.parse(input.startsAt);
    if (start < now)
      throw fieldError('body.startsAt', 'the showtime would start in the past', { rule: 'in_past' });
    const end = showtimeEnd(
      iso(start),
      movie.runtimeMinutes,
      input.trailerMinutes ?? DEFAULT_TRAILER_MINUTES,
    );
    if (!end.ok) throw new MarqueeError(end.error.code, end.error.message, end.error.details);
    const endMs = Date.parse(end.value);
    const showtime: Showtime = {
      id: ctx.newId(),
      movieId: movie.id,
      hallId: hall.id,
      startsAt: iso(start),
      endsAt: iso(endMs),
      cleaningMinutes: input.cleaningMinutes ?? DEFAULT_CLEANING_MINUTES,
      priceListId: priceList.id,
      salesWindow: {
        opensAt: iso(now),
        closesAt: iso(Math.min(start + SALES_CLOSE_AFTER_START_MINUTES * MINUTE_MS, endMs)),
      },
      status: input.status ?? 'on_sale',
      layoutVersion: hall.layout.version,
    };
    await assertFits(ex, showtime);
    await writeShowtime(ex, showtime, true);
    await publish(ctx, ex, tx, 'showtimes', showtime.id, showtime);
    await publishSeatMap(ctx, ex, tx, showtime.id);
    await audit(ex, ctx, actor, 'showtime.create', showtime.id, {
      movieId: movie.id,
      hallId: hall.id,
      startsAt: showtime.startsAt,
      priceListId: priceList.id,
    });
    return showtime;
  });
}

/**
 * Moves, re-prices, changes the cleaning time or the status of a showtime. A move keeps its
 * length and re-checks the schedule; it is refused once tickets are sold or seats leased, since
 * those customers and offline terminals know the old time.
 */
export async function updateShowtime(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  input: UpdateShowtimeInput,
): Promise<Showtime> {
  if (input.status === 'cancelled') {
    const others = Object.entries(input).filter(([key, value]) => key !== 'status' && value !== undefined);
    if (others.length > 0) {
      throw fieldError('body.status', 'cancel a showtime on its own, without other changes', {
        rule: 'cancel_alone',
      });
    }
    return cancelShowtime(ctx, actor, id);
  }
  return ctx.db.write(async (ex, tx) => {
    const now = ctx.now();
    const current = await loadShowtimeForUpdate(ex, id);
    if (current.status === 'cancelled') {
      throw invalidState('a cancelled showtime cannot be changed; schedule a new one', { showtimeId: id });
    }
    let next: Showtime = { ...current };
    const newStart = input.startsAt === undefined ? undefined : Date.parse(input.startsAt);
    const moved = newStart !== undefined && newStart !== Date.parse(current.startsAt);
    if (moved) {
      await assertMovable(ex, current, now);
      if (newStart < now)
        throw fieldError('body.startsAt', 'the showtime would start in the past', { rule: 'in_past' });
      const shift = newStart - Date.parse(current.startsAt);
      const closesAt = Date.parse(current.salesWindow.closesAt) + shift;
      next = {
        ...next,
        startsAt: iso(newStart),
        endsAt: iso(Date.parse(current.endsAt) + shift),
        salesWindow: {
          opensAt: iso(Math.min(Date.parse(current.salesWindow.opensAt), now, closesAt - 1)),
          closesAt: iso(closesAt),
        },
      };
    }
    if (input.cleaningMinutes !== undefined) next.cleaningMinutes = input.cleaningMinutes;
    if (input.priceListId !== undefined && input.priceListId !== current.priceListId) {
      next.priceListId = (await referencedPriceList(ctx, ex, input.priceListId)).id;
    }
    if (input.status !== undefined) next.status = input.status;
    const changed = changedFields(current, next);
    if (changed.length === 0) return current;
    if (moved || next.cleaningMinutes !== current.cleaningMinutes) await assertFits(ex, next);
    else assertTimes(next);
    await writeShowtime(ex, next, false);
    await publish(ctx, ex, tx, 'showtimes', id, next);
    await audit(ex, ctx, actor, 'showtime.update', id, {
      changed,
      ...(moved ? { from: current.startsAt, to: next.startsAt } : {}),
    });
    return next;
  });
}

async function assertMovable(ex: Executor, showtime: Showtime, now: number): Promise<void> {
  const sold = await ex.get<{ n: DbInt }>(
    "SELECT COUNT(*) AS n FROM tickets WHERE showtime_id = ? AND status = 'valid'",
    [showtime.id],
  );
  const ticketsSold = Number(sold?.n ?? 0);
  if (ticketsSold > 0) {
    throw invalidState(
      `${ticketsSold} ticket${ticketsSold === 1 ? ' is' : 's are'} sold for this showtime; it cannot move`,
      {
        showtimeId: showtime.id,
        ticketsSold,
      },
    );
  }
  const leased = await ex.get<{ n: DbInt }>(
    "SELECT COUNT(*) AS n FROM seat_claims WHERE showtime_id = ? AND state = 'leased' AND expires_at > ?",
    [showtime.id, now],
  );
  const seatsLeased = Number(leased?.n ?? 0);
  if (seatsLeased > 0) {
    throw invalidState('seats of this showtime are leased to terminals for offline sales; it cannot move', {
      showtimeId: showtime.id,
      seatsLeased,
    });
  }
}

/**
 * Cancelling keeps the row (tickets stay valid for refunds, reports keep it) and frees the hall.
 * Live holds are released so they cannot turn into sales; sold tickets are left for refunds.
 */
export async function cancelShowtime(ctx: ServerContext, actor: Actor, id: string): Promise<Showtime> {
  return ctx.db.write(async (ex, tx) => {
    const current = await loadShowtimeForUpdate(ex, id);
    if (current.status === 'cancelled') return current;
    if (Date.parse(current.endsAt) <= ctx.now()) {
      throw invalidState('the showtime has already taken place', { showtimeId: id });
    }
    const next: Showtime = { ...current, status: 'cancelled' };
    await writeShowtime(ex, next, false);
    await ex.run("DELETE FROM seat_claims WHERE showtime_id = ? AND state = 'held'", [id]);
    const released = await ex.run(
      "UPDATE holds SET status = 'released' WHERE showtime_id = ? AND status = 'active'",
      [id],
    );
    const sold = await ex.get<{ n: DbInt }>(
      "SELECT COUNT(*) AS n FROM tickets WHERE showtime_id = ? AND status = 'valid'",
      [id],
    );
    await publish(ctx, ex, tx, 'showtimes', id, next);
    await publishSeatMap(ctx, ex, tx, id);
    await audit(ex, ctx, actor, 'showtime.cancel', id, {
      startsAt: current.startsAt,
      holdsReleased: released,
      ticketsToRefund: Number(sold?.n ?? 0),
    });
    return next;
  });
}

// ---------------------------------------------------------------------------------------------
// Staff users

interface StaffRow {
  id: string;
  username: string;
  name: string;
  role: StaffRole;
  active: number;
}

const userOf = (row: StaffRow): StaffUser => ({
  id: row.id,
  username: row.username,
  name: row.name,
  role: row.role,
  active: row.active === 1,
});

const isAdmin = (actor: Actor) => actor.kind === 'staff' && actor.role === 'admin';

/** Managers run the staff; only an admin may make an admin or touch an admin's account. */
function assertMayManage(actor: Actor, role: StaffRole): void {
  if (role === 'admin' && !isAdmin(actor)) {
    throw forbidden('only an admin can grant the admin role or change an admin account');
  }
}

export async function listUsers(ctx: ServerContext): Promise<StaffUser[]> {
  const rows = await ctx.db.read((ex) =>
    ex.all<StaffRow>('SELECT id, username, name, role, active FROM staff_users ORDER BY username'),
  );
  return rows.map(userOf);
}

export async function getUser(ctx: ServerContext, id: string): Promise<StaffUser> {
  const row = await ctx.db.read((ex) =>
    ex.get<StaffRow>('SELECT id, username, name, role, active FROM staff_users WHERE id = ?', [id]),
  );
  if (row === undefined) throw notFound('user', id);
  return userOf(row);
}

export async function createUser(
  ctx: ServerContext,
  actor: Actor,
  input: CreateUserInput,
): Promise<StaffUser> {
  assertMayManage(actor, input.role);
  // Hashing is deliberately slow: done before the write transaction, which must stay short.
  const hash = await hashPassword(input.password);
  const username = input.username.toLowerCase();
  return ctx.db.write(async (ex) => {
    const clash = await ex.get('SELECT id FROM staff_users WHERE username = ?', [username]);
    if (clash !== undefined) {
      throw conflict(`the username ${username} is taken`, { field: 'body.username', username });
    }
    const user: StaffUser = { id: ctx.newId(), username, name: input.name, role: input.role, active: true };
    await ex.run(
      'INSERT INTO staff_users (id, username, name, role, password_hash, active, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)',
      [user.id, username, user.name, user.role, hash, ctx.now()],
    );
    await audit(ex, ctx, actor, 'user.create', user.id, { username, role: user.role });
    return user;
  });
}

/**
 * Nobody can deactivate themselves or change their own role (no locking yourself out, no
 * promoting yourself), and the last active admin stays one. A new password or a deactivation
 * ends the user's sessions.
 */
export async function updateUser(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  input: UpdateUserInput,
): Promise<StaffUser> {
  const hash = input.password === undefined ? undefined : await hashPassword(input.password);
  return ctx.db.write(async (ex) => {
    const row = await ex.get<StaffRow>(
      'SELECT id, username, name, role, active FROM staff_users WHERE id = ?',
      [id],
    );
    if (row === undefined) throw notFound('user', id);
    const current = userOf(row);
    assertMayManage(actor, current.role);
    if (input.role !== undefined) assertMayManage(actor, input.role);
    const next: StaffUser = {
      ...current,
      ...defined({ name: input.name, role: input.role, active: input.active }),
    };
    const self = actor.kind === 'staff' && actor.id === id;
    if (self && current.active && !next.active) {
      throw invalidState('you cannot deactivate your own account', { field: 'body.active', userId: id });
    }
    if (self && next.role !== current.role) {
      throw invalidState('you cannot change your own role', { field: 'body.role', userId: id });
    }
    const losesAdmin = current.role === 'admin' && current.active && (next.role !== 'admin' || !next.active);
    if (losesAdmin) {
      const others = await ex.get<{ n: DbInt }>(
        "SELECT COUNT(*) AS n FROM staff_users WHERE role = 'admin' AND active = 1 AND id <> ?",
        [id],
      );
      if (Number(others?.n ?? 0) === 0) {
        throw invalidState('this is the last active admin; make someone else admin first', { userId: id });
      }
    }
    const changed = changedFields(current, next);
    if (hash !== undefined) changed.push('password');
    if (changed.length === 0) return current;
    await ex.run('UPDATE staff_users SET name = ?, role = ?, active = ? WHERE id = ?', [
      next.name,
      next.role,
      next.active ? 1 : 0,
      id,
    ]);
    if (hash !== undefined) await ex.run('UPDATE staff_users SET password_hash = ? WHERE id = ?', [hash, id]);
    if (hash !== undefined || !next.active) {
      await ex.run("DELETE FROM sessions WHERE kind = 'staff' AND subject_id = ?", [id]);
    }
    await audit(ex, ctx, actor, 'user.update', id, {
      changed,
      ...(next.role === current.role ? {} : { role: next.role }),
      ...(next.active === current.active ? {} : { active: next.active }),
    });
    return next;
  });
}

// ---------------------------------------------------------------------------------------------
// Devices (enrolled terminals)

interface TerminalRow {
  id: string;
  name: string;
  profile: TerminalProfile;
  public_key: string;
  key_id: string;
  status: Terminal['status'];
  lease_policy: string;
  enrolled_at: number;
}

const deviceOf = (row: TerminalRow): Terminal => ({
  id: row.id,
  name: row.name,
  profile: row.profile,
  publicKey: row.public_key,
  keyId: row.key_id,
  enrolledAt: iso(row.enrolled_at),
  status: row.status,
  leasePolicy: parseBody<Terminal['leasePolicy']>(row.lease_policy),
});

export async function listDevices(ctx: ServerContext): Promise<Terminal[]> {
  const rows = await ctx.db.read((ex) => ex.all<TerminalRow>('SELECT * FROM terminals ORDER BY name, id'));
  return rows.map(deviceOf);
}

export async function getDevice(ctx: ServerContext, id: string): Promise<Terminal> {
  const row = await ctx.db.read((ex) => ex.get<TerminalRow>('SELECT * FROM terminals WHERE id = ?', [id]));
  if (row === undefined) throw notFound('device', id);
  return deviceOf(row);
}

/**
 * Renames a terminal, sets its offline-sales lease policy, or revokes it. Revocation is final (a
 * revoked device may have been stolen with its key): the device enrolls again with a new code.
 */
export async function updateDevice(
  ctx: ServerContext,
  actor: Actor,
  id: string,
  input: UpdateDeviceInput,
): Promise<Terminal> {
  return ctx.db.write(async (ex, tx) => {
    const row = await ex.get<TerminalRow>('SELECT * FROM terminals WHERE id = ?', [id]);
    if (row === undefined) throw notFound('device', id);
    const current = deviceOf(row);
    if (current.status === 'revoked' && input.status === 'active') {
      throw invalidState('a revoked terminal cannot be reactivated; enroll it again with a new code', {
        field: 'body.status',
        terminalId: id,
      });
    }
    const next: Terminal = { ...current, ...defined(input) };
    const changed = changedFields(current, next);
    if (changed.length === 0) return current;
    await ex.run('UPDATE terminals SET name = ?, lease_policy = ?, status = ? WHERE id = ?', [
      next.name,
      JSON.stringify(next.leasePolicy),
      next.status,
      id,
    ]);
    const revoking = current.status === 'active' && next.status === 'revoked';
    const effects = revoking ? await revokeTerminal(ctx, ex, tx, id) : undefined;
    await audit(ex, ctx, actor, revoking ? 'device.revoke' : 'device.update', id, { changed, ...effects });
    return next;
  });
}

/**
 * Ends everything a revoked terminal holds: its sessions, its signing key (published, so every
 * door refuses tickets it signs from now on), its holds and its leases (the seats go back on sale).
 */
async function revokeTerminal(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  terminalId: string,
): Promise<Record<string, number>> {
  await ex.run("DELETE FROM sessions WHERE kind = 'device' AND subject_id = ?", [terminalId]);
  const keys = await ex.all<{ key_id: string; public_key: string }>(
    'SELECT key_id, public_key FROM signing_keys WHERE terminal_id = ? AND revoked = 0',
    [terminalId],
  );
  await ex.run('UPDATE signing_keys SET revoked = 1 WHERE terminal_id = ?', [terminalId]);
  for (const key of keys) {
    await publish(ctx, ex, tx, 'signing_keys', key.key_id, {
      id: key.key_id,
      keyId: key.key_id,
      publicKey: key.public_key,
      owner: 'terminal',
      terminalId,
      revoked: true,
    });
  }
  const touched = await ex.all<{ showtime_id: string }>(
    "SELECT DISTINCT showtime_id FROM seat_claims WHERE terminal_id = ? AND state IN ('held', 'leased')",
    [terminalId],
  );
  await ex.run("DELETE FROM seat_claims WHERE terminal_id = ? AND state IN ('held', 'leased')", [terminalId]);
  const holdsReleased = await ex.run(
    "UPDATE holds SET status = 'released' WHERE terminal_id = ? AND status = 'active'",
    [terminalId],
  );
  const leases = await ex.all<{
    id: string;
    showtime_id: string;
    seat_ids: string;
    granted_at: number;
    deadline: number;
  }>(
    "SELECT id, showtime_id, seat_ids, granted_at, deadline FROM leases WHERE terminal_id = ? AND status = 'active'",
    [terminalId],
  );
  await ex.run("UPDATE leases SET status = 'reclaimed' WHERE terminal_id = ? AND status = 'active'", [
    terminalId,
  ]);
  for (const lease of leases) {
    const doc: Lease = {
      id: lease.id,
      showtimeId: lease.showtime_id,
      terminalId,
      seatIds: parseBody<string[]>(lease.seat_ids),
      grantedAt: iso(lease.granted_at),
      deadline: iso(lease.deadline),
      status: 'reclaimed',
    };
    await publish(ctx, ex, tx, 'leases', lease.id, doc);
  }
  for (const { showtime_id } of touched) await publishSeatMap(ctx, ex, tx, showtime_id);
  return { keysRevoked: keys.length, holdsReleased, leasesReclaimed: leases.length };
}
