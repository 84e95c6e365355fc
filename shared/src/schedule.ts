/**
 * Programming rules for showtimes: a hall shows one film at a time and is cleaned after each
 * one. A showtime occupies its hall over [startsAt, endsAt + cleaningMinutes).
 */
import { Instant } from './domain.ts';
import type { SalesWindow, ShowtimeStatus } from './domain.ts';
import { fail, ok } from './errors.ts';
import type { Result } from './errors.ts';

const MINUTE_MS = 60_000;

/** The part of a showtime the schedule rules look at; a full `Showtime` fits. */
export interface ScheduleSlot {
  id: string;
  hallId: string;
  startsAt: string;
  endsAt: string;
  cleaningMinutes: number;
  status: ShowtimeStatus;
}

export interface ScheduleConflict {
  /** The existing showtime the candidate collides with. */
  showtimeId: string;
  hallId: string;
  /** `overlap`: the screenings themselves overlap; `cleaning_buffer`: only a cleaning time is cut short. */
  reason: 'overlap' | 'cleaning_buffer';
  /** Minutes the screenings overlap, or minutes of cleaning time missing; rounded up. */
  overlapMinutes: number;
  message: string;
}

interface Span {
  start: number;
  end: number;
  /** End of the cleaning buffer: the hall is free again from here. */
  free: number;
}

function spanOf(slot: ScheduleSlot): Span | undefined {
  const start = Date.parse(slot.startsAt);
  const end = Date.parse(slot.endsAt);
  if (Number.isNaN(start) || Number.isNaN(end)) return undefined;
  return { start, end, free: end + slot.cleaningMinutes * MINUTE_MS };
}

/**
 * Every live showtime in the candidate's hall that it collides with, earliest first.
 * Cancelled showtimes free their hall; the candidate's own stored version (same id, when a
 * showtime is moved) is not a conflict; starting exactly when the previous cleaning ends is fine.
 */
export function findScheduleConflicts(
  candidate: ScheduleSlot,
  existing: readonly ScheduleSlot[],
): ScheduleConflict[] {
  const mine = spanOf(candidate);
  if (mine === undefined || candidate.status === 'cancelled') return [];
  const found: { start: number; conflict: ScheduleConflict }[] = [];
  for (const other of existing) {
    if (other.id === candidate.id || other.hallId !== candidate.hallId || other.status === 'cancelled')
      continue;
    const theirs = spanOf(other);
    if (theirs === undefined) continue;
    if (!(mine.start < theirs.free && theirs.start < mine.free)) continue;
    found.push({ start: theirs.start, conflict: describe(candidate, mine, other, theirs) });
  }
  return found.sort((a, b) => a.start - b.start).map((f) => f.conflict);
}

/** The earliest conflict, or null when the candidate fits. */
export function findScheduleConflict(
  candidate: ScheduleSlot,
  existing: readonly ScheduleSlot[],
): ScheduleConflict | null {
  return findScheduleConflicts(candidate, existing)[0] ?? null;
}

/**
 * The schedule check a create or move of a showtime goes through: sane times, then no
 * conflicts. Refusals are `validation_failed` or `schedule_conflict` with every conflict.
 */
export function checkScheduleSlot(
  candidate: ScheduleSlot & { salesWindow?: SalesWindow },
  existing: readonly ScheduleSlot[],
): Result<ScheduleSlot> {
  const times = validateShowtimeTimes(candidate);
  if (!times.ok) return times;
  const conflicts = findScheduleConflicts(candidate, existing);
  const first = conflicts[0];
  if (first !== undefined) return fail('schedule_conflict', first.message, { conflicts });
  return ok(candidate);
}

function describe(candidate: ScheduleSlot, mine: Span, other: ScheduleSlot, theirs: Span): ScheduleConflict {
  const named = `showtime ${other.id} (${clock(theirs.start)} to ${clock(theirs.end)})`;
  const screeningOverlap = Math.min(mine.end, theirs.end) - Math.max(mine.start, theirs.start);
  if (screeningOverlap > 0) {
    const minutes = wholeMinutes(screeningOverlap);
    return {
      showtimeId: other.id,
      hallId: other.hallId,
      reason: 'overlap',
      overlapMinutes: minutes,
      message: `Overlaps ${named} in the same hall by ${plural(minutes, 'minute')}.`,
    };
  }
  if (mine.start >= theirs.end) {
    const minutes = wholeMinutes(theirs.free - mine.start);
    return {
      showtimeId: other.id,
      hallId: other.hallId,
      reason: 'cleaning_buffer',
      overlapMinutes: minutes,
      message:
        `Starts ${plural(minutes, 'minute')} too early: ${named} needs ` +
        `${plural(other.cleaningMinutes, 'minute')} of cleaning after it ends.`,
    };
  }
  const minutes = wholeMinutes(mine.free - theirs.start);
  return {
    showtimeId: other.id,
    hallId: other.hallId,
    reason: 'cleaning_buffer',
    overlapMinutes: minutes,
    message:
      `Ends ${plural(minutes, 'minute')} too late: its ${plural(candidate.cleaningMinutes, 'minute')} ` +
      `of cleaning would run into ${named}.`,
  };
}

function wholeMinutes(ms: number): number {
  return Math.ceil(ms / MINUTE_MS);
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function clock(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

// ---------------------------------------------------------------------------------------------
// Times of one showtime

/** When a showtime ends: start + runtime + trailers, as a UTC instant. */
export function showtimeEnd(
  startsAt: string,
  runtimeMinutes: number,
  trailerMinutes: number,
): Result<string> {
  if (!Instant.safeParse(startsAt).success) {
    return fail('validation_failed', `not an ISO 8601 instant with an offset: ${startsAt}`, {
      rule: 'instant',
      field: 'startsAt',
    });
  }
  if (!Number.isInteger(runtimeMinutes) || runtimeMinutes < 1) {
    return fail('validation_failed', 'the runtime must be a whole number of minutes, at least 1', {
      rule: 'runtime',
      field: 'runtimeMinutes',
    });
  }
  if (!Number.isInteger(trailerMinutes) || trailerMinutes < 0) {
    return fail('validation_failed', 'trailer time must be a whole number of minutes, 0 or more', {
      rule: 'trailers',
      field: 'trailerMinutes',
    });
  }
  return ok(new Date(Date.parse(startsAt) + (runtimeMinutes + trailerMinutes) * MINUTE_MS).toISOString());
}

export interface ShowtimeTimesIssue {
  field: 'startsAt' | 'endsAt' | 'salesWindow.opensAt' | 'salesWindow.closesAt';
  rule: 'instant' | 'ends_before_start' | 'window_empty' | 'sales_after_end';
  message: string;
}

/**
 * The times of one showtime make sense: it ends after it starts, and its sales window opens
 * before it closes and closes no later than the showtime ends. Every issue is reported at once,
 * so a manager's form can mark each field.
 */
export function validateShowtimeTimes(slot: {
  startsAt: string;
  endsAt: string;
  salesWindow?: SalesWindow;
}): Result<true> {
  const issues: ShowtimeTimesIssue[] = [];
  const instant = (value: string, field: ShowtimeTimesIssue['field']): number | undefined => {
    if (Instant.safeParse(value).success) return Date.parse(value);
    issues.push({ field, rule: 'instant', message: `${field} is not an ISO 8601 instant with an offset` });
    return undefined;
  };
  const start = instant(slot.startsAt, 'startsAt');
  const end = instant(slot.endsAt, 'endsAt');
  if (start !== undefined && end !== undefined && end <= start) {
    issues.push({
      field: 'endsAt',
      rule: 'ends_before_start',
      message: 'the showtime must end after it starts',
    });
  }
  if (slot.salesWindow !== undefined) {
    const opens = instant(slot.salesWindow.opensAt, 'salesWindow.opensAt');
    const closes = instant(slot.salesWindow.closesAt, 'salesWindow.closesAt');
    if (opens !== undefined && closes !== undefined && closes <= opens) {
      issues.push({
        field: 'salesWindow.closesAt',
        rule: 'window_empty',
        message: 'ticket sales must open before they close',
      });
    }
    if (closes !== undefined && end !== undefined && closes > end) {
      issues.push({
        field: 'salesWindow.closesAt',
        rule: 'sales_after_end',
        message: 'ticket sales must close by the time the showtime ends',
      });
    }
  }
  const first = issues[0];
  if (first !== undefined) return fail('validation_failed', first.message, { issues });
  return ok(true);
}
