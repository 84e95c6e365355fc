/**
 * Showtimes in the back office: scheduling (the hall must be free, cleaning included), moving,
 * re-pricing and cancelling, and moving a hall's upcoming showtimes to its new layout.
 */
import type { z } from 'zod';
import type {
  CreateShowtimeRequest,
  Hall,
  Movie,
  PriceList,
  Showtime,
  UpdateShowtimeRequest,
} from '@marquee/shared';
import {
  errorFromBody,
  findScheduleConflicts,
  invalidField,
  invalidState,
  scheduleConflict,
  seatIndex,
  showtimeEnd,
  validateShowtimeTimes,
  validationFailed,
} from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Executor, TxContext } from '../db/database.ts';
import { publish, publishSeatMap } from '../sync/change-log.ts';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { listLive, loadReferenced } from './catalogue-store.ts';
import { changedFields, unique } from './document-diff.ts';
import { releaseHoldsOfShowtime } from './holds.ts';
import { countLeased, releaseHeldOfShowtime, takenInUpcomingShowtimes } from './seat-claims.ts';
import {
  hallShowtimesAround,
  latestHallShowtimes,
  loadShowtimeForUpdate,
  upcomingShowtimes,
  writeShowtime,
} from './showtime-rows.ts';
import { countValidTickets } from './tickets.ts';

export type CreateShowtimeInput = z.infer<typeof CreateShowtimeRequest>;
export type UpdateShowtimeInput = z.infer<typeof UpdateShowtimeRequest>;

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
/** Seats and showtimes named in an error. */
const MAX_NAMED = 20;

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A hall got a new layout: every showtime of it that is not over yet sells the new layout from
 * now on. A layout that would drop a seat sold, held or leased for one of those showtimes is
 * refused, naming the seats. Answers how many showtimes moved.
 */
export async function moveShowtimesToLayout(
  ctx: ServerContext,
  ex: Executor,
  tx: TxContext,
  hall: Hall,
): Promise<number> {
  const now = ctx.now();
  const seats = seatIndex(hall.layout);
  const lost = (await takenInUpcomingShowtimes(ex, hall.id, now)).filter((c) => !seats.has(c.seatId));
  if (lost.length > 0) {
    const seatIds = unique(lost.map((c) => c.seatId)).sort();
    throw invalidState(
      `the new layout drops seats that are taken for upcoming showtimes: ${seatIds.slice(0, MAX_NAMED).join(', ')}`,
      { seatIds, showtimeIds: unique(lost.map((c) => c.showtimeId)).slice(0, MAX_NAMED) },
    );
  }
  const upcoming = await upcomingShowtimes(ex, { hallId: hall.id }, now);
  for (const before of upcoming) {
    const showtime: Showtime = { ...before, layoutVersion: hall.layout.version };
    await writeShowtime(ex, showtime, false);
    await publish(ctx, ex, tx, 'showtimes', showtime.id, showtime);
    await publishSeatMap(ctx, ex, tx, showtime.id);
  }
  return upcoming.length;
}

// ---------------------------------------------------------------------------------------------
// Price lists of showtimes

async function referencedPriceList(ctx: ServerContext, ex: Executor, id: string): Promise<PriceList> {
  const list = await loadReferenced<PriceList>(ex, 'price_lists', id, 'body.priceListId', 'price list');
  if (list.currency !== ctx.site.currency) {
    throw invalidField(
      'body.priceListId',
      `the price list is in ${list.currency}, the cinema sells in ${ctx.site.currency}`,
      { rule: 'currency' },
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
  const recent = await latestHallShowtimes(ex, hallId, DEFAULT_PRICE_LIST_SAMPLE);
  const uses = new Map<string, number>();
  for (const { priceListId: id } of recent) uses.set(id, (uses.get(id) ?? 0) + 1);
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
    throw invalidField('body.priceListId', 'there is no price list yet; create one first', {
      rule: 'no_price_list',
    });
  }
  return first;
}

// ---------------------------------------------------------------------------------------------
// Schedule rules

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
  const near = await hallShowtimesAround(ex, candidate.hallId, start - MAX_CLEANING_MS, free, candidate.id);
  const conflicts = findScheduleConflicts(candidate, near);
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

/** Sold tickets and leased seats pin a showtime's time: those customers and terminals know it. */
async function assertMovable(ex: Executor, showtime: Showtime, now: number): Promise<void> {
  const ticketsSold = await countValidTickets(ex, showtime.id);
  if (ticketsSold > 0) {
    throw invalidState(
      `${ticketsSold} ticket${ticketsSold === 1 ? ' is' : 's are'} sold for this showtime; it cannot move`,
      { showtimeId: showtime.id, ticketsSold },
    );
  }
  const seatsLeased = await countLeased(ex, showtime.id, now);
  if (seatsLeased > 0) {
    throw invalidState('seats of this showtime are leased to terminals for offline sales; it cannot move', {
      showtimeId: showtime.id,
      seatsLeased,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Back office

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
      throw invalidField('body.startsAt', 'the showtime would start in the past', { rule: 'in_past' });
    const end = showtimeEnd(
      iso(start),
      movie.runtimeMinutes,
      input.trailerMinutes ?? DEFAULT_TRAILER_MINUTES,
    );
    if (!end.ok) throw errorFromBody(end.error);
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
      throw invalidField('body.status', 'cancel a showtime on its own, without other changes', {
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
        throw invalidField('body.startsAt', 'the showtime would start in the past', { rule: 'in_past' });
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
    await releaseHeldOfShowtime(ex, id);
    const released = await releaseHoldsOfShowtime(ex, id);
    const ticketsToRefund = await countValidTickets(ex, id);
    await publish(ctx, ex, tx, 'showtimes', id, next);
    await publishSeatMap(ctx, ex, tx, id);
    await audit(ex, ctx, actor, 'showtime.cancel', id, {
      startsAt: current.startsAt,
      holdsReleased: released,
      ticketsToRefund,
    });
    return next;
  });
}
