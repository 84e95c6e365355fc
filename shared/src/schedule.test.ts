import { describe, expect, it } from 'vitest';
import type { Result } from './errors.ts';
import {
  checkScheduleSlot,
  findScheduleConflict,
  findScheduleConflicts,
  showtimeEnd,
  validateShowtimeTimes,
} from './schedule.ts';
import type { ScheduleSlot } from './schedule.ts';

const HALL_1 = 'hall-1';
const HALL_2 = 'hall-2';

/** A showtime on 1 June 2025 from `start` to `end` (UTC, HH:MM) with 15 minutes of cleaning. */
function slot(id: string, start: string, end: string, overrides: Partial<ScheduleSlot> = {}): ScheduleSlot {
  return {
    id,
    hallId: HALL_1,
    startsAt: `2025-06-01T${start}:00Z`,
    endsAt: `2025-06-01T${end}:00Z`,
    cleaningMinutes: 15,
    status: 'on_sale',
    ...overrides,
  };
}

function errorOf<T>(result: Result<T>) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('findScheduleConflicts', () => {
  const evening = slot('evening', '18:00', '20:00');

  it('reports a showtime that overlaps another in the same hall', () => {
    const conflicts = findScheduleConflicts(slot('new', '19:30', '21:30'), [evening]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({
      showtimeId: 'evening',
      hallId: HALL_1,
      reason: 'overlap',
      overlapMinutes: 30,
    });
    expect(conflicts[0]?.message).toContain('evening');
    expect(conflicts[0]?.message).toContain('2025-06-01 18:00 UTC');
    expect(conflicts[0]?.message).toContain('30 minutes');
  });

  it('reports a showtime inside another, and one that starts at the same time', () => {
    expect(findScheduleConflict(slot('new', '18:30', '19:00'), [evening])).toMatchObject({
      reason: 'overlap',
      overlapMinutes: 30,
    });
    expect(findScheduleConflict(slot('new', '18:00', '20:00'), [evening])).toMatchObject({
      reason: 'overlap',
      overlapMinutes: 120,
    });
  });

  it('refuses a start one minute inside the previous showtime’s cleaning time', () => {
    const conflict = findScheduleConflict(slot('new', '20:14', '22:00'), [evening]);
    expect(conflict).toMatchObject({ showtimeId: 'evening', reason: 'cleaning_buffer', overlapMinutes: 1 });
    expect(conflict?.message).toContain('evening');
    expect(conflict?.message).toContain('1 minute too early');
  });

  it('refuses a showtime whose own cleaning runs one minute into the next one', () => {
    const conflict = findScheduleConflict(slot('new', '16:00', '17:46'), [evening]);
    expect(conflict).toMatchObject({ showtimeId: 'evening', reason: 'cleaning_buffer', overlapMinutes: 1 });
    expect(conflict?.message).toContain('evening');
  });

  it('uses each showtime’s own cleaning time', () => {
    const quickClean = slot('quick', '18:00', '20:00', { cleaningMinutes: 5 });
    expect(findScheduleConflicts(slot('new', '20:05', '22:00'), [quickClean])).toEqual([]);
    const slowClean = slot('new', '16:00', '17:30', { cleaningMinutes: 45 });
    expect(findScheduleConflict(slowClean, [evening])).toMatchObject({
      reason: 'cleaning_buffer',
      overlapMinutes: 15,
    });
  });

  it('allows a showtime back to back with the end of the previous cleaning', () => {
    expect(findScheduleConflicts(slot('after', '20:15', '22:00'), [evening])).toEqual([]);
    expect(findScheduleConflicts(slot('before', '15:00', '17:45'), [evening])).toEqual([]);
    expect(findScheduleConflict(slot('after', '20:15', '22:00'), [evening])).toBeNull();
  });

  it('ignores cancelled showtimes, on either side', () => {
    const cancelled = slot('cancelled', '18:00', '20:00', { status: 'cancelled' });
    expect(findScheduleConflicts(slot('new', '18:00', '20:00'), [cancelled])).toEqual([]);
    expect(findScheduleConflicts(slot('new', '18:00', '20:00', { status: 'cancelled' }), [evening])).toEqual(
      [],
    );
  });

  it('ignores the stored version of the showtime being moved', () => {
    const moved = slot('evening', '18:30', '20:30');
    expect(findScheduleConflicts(moved, [evening])).toEqual([]);
  });

  it('ignores showtimes in other halls', () => {
    const elsewhere = slot('elsewhere', '18:00', '20:00', { hallId: HALL_2 });
    expect(findScheduleConflicts(slot('new', '18:00', '20:00'), [elsewhere])).toEqual([]);
  });

  it('lists every conflict, earliest first, and the first one alone', () => {
    const existing = [
      slot('late', '21:00', '23:00'),
      slot('early', '14:00', '16:00'),
      slot('other-hall', '17:00', '19:00', { hallId: HALL_2 }),
      slot('middle', '17:00', '18:00', { status: 'scheduled' }),
    ];
    const candidate = slot('long', '15:00', '22:00');
    expect(findScheduleConflicts(candidate, existing).map((c) => c.showtimeId)).toEqual([
      'early',
      'middle',
      'late',
    ]);
    expect(findScheduleConflict(candidate, existing)?.showtimeId).toBe('early');
  });

  it('handles screenings that cross midnight', () => {
    const lateShow = { ...slot('late', '23:00', '23:00'), endsAt: '2025-06-02T01:00:00Z' };
    const earlyMorning = {
      ...slot('new', '00:00', '00:00'),
      startsAt: '2025-06-02T01:10:00Z',
      endsAt: '2025-06-02T03:00:00Z',
    };
    expect(findScheduleConflict(earlyMorning, [lateShow])).toMatchObject({
      reason: 'cleaning_buffer',
      overlapMinutes: 5,
    });
  });

  it('compares instants written with different offsets as the same moments', () => {
    const shanghai = {
      ...evening,
      startsAt: '2025-06-02T02:00:00+08:00',
      endsAt: '2025-06-02T04:00:00+08:00',
    };
    expect(findScheduleConflicts(slot('after', '20:15', '22:00'), [shanghai])).toEqual([]);
    expect(findScheduleConflict(slot('new', '20:00', '22:00'), [shanghai])?.reason).toBe('cleaning_buffer');
  });
});

describe('checkScheduleSlot', () => {
  const evening = slot('evening', '18:00', '20:00');

  it('accepts a showtime that fits', () => {
    const candidate = slot('new', '20:15', '22:00');
    expect(checkScheduleSlot(candidate, [evening])).toEqual({ ok: true, value: candidate });
  });

  it('refuses a conflicting showtime with schedule_conflict and every conflict', () => {
    const error = errorOf(checkScheduleSlot(slot('new', '19:00', '21:00'), [evening]));
    expect(error.code).toBe('schedule_conflict');
    expect(error.details).toMatchObject({ conflicts: [{ showtimeId: 'evening', reason: 'overlap' }] });
  });

  it('refuses nonsensical times before looking for conflicts', () => {
    const error = errorOf(checkScheduleSlot(slot('new', '21:00', '19:00'), [evening]));
    expect(error.code).toBe('validation_failed');
  });
});

describe('showtimeEnd', () => {
  it('adds the runtime and the trailers to the start', () => {
    expect(showtimeEnd('2025-06-01T18:00:00Z', 148, 12)).toEqual({
      ok: true,
      value: '2025-06-01T20:40:00.000Z',
    });
  });

  it('writes the end in UTC whatever offset the start had', () => {
    expect(showtimeEnd('2025-06-01T23:30:00+08:00', 90, 0)).toEqual({
      ok: true,
      value: '2025-06-01T17:00:00.000Z',
    });
  });

  it('refuses a malformed start, a zero runtime or negative trailers', () => {
    expect(errorOf(showtimeEnd('tonight', 90, 10)).details).toMatchObject({ field: 'startsAt' });
    expect(errorOf(showtimeEnd('2025-06-01T18:00:00Z', 0, 10)).details).toMatchObject({
      field: 'runtimeMinutes',
    });
    expect(errorOf(showtimeEnd('2025-06-01T18:00:00Z', 90.5, 10)).details).toMatchObject({
      field: 'runtimeMinutes',
    });
    expect(errorOf(showtimeEnd('2025-06-01T18:00:00Z', 90, -1)).details).toMatchObject({
      field: 'trailerMinutes',
    });
  });
});

describe('validateShowtimeTimes', () => {
  const salesWindow = { opensAt: '2025-05-25T00:00:00Z', closesAt: '2025-06-01T18:30:00Z' };

  it('accepts a showtime that ends after it starts, with sales closing before the end', () => {
    expect(validateShowtimeTimes({ ...slot('s', '18:00', '20:00'), salesWindow })).toEqual({
      ok: true,
      value: true,
    });
    expect(validateShowtimeTimes(slot('s', '18:00', '20:00'))).toEqual({ ok: true, value: true });
  });

  it('refuses a showtime that ends when or before it starts', () => {
    for (const end of ['18:00', '17:00']) {
      const error = errorOf(validateShowtimeTimes(slot('s', '18:00', end)));
      expect(error.code).toBe('validation_failed');
      expect(error.details).toMatchObject({ issues: [{ field: 'endsAt', rule: 'ends_before_start' }] });
    }
  });

  it('refuses a sales window that closes before it opens', () => {
    const error = errorOf(
      validateShowtimeTimes({
        ...slot('s', '18:00', '20:00'),
        salesWindow: { opensAt: '2025-06-01T12:00:00Z', closesAt: '2025-06-01T12:00:00Z' },
      }),
    );
    expect(error.details).toMatchObject({
      issues: [{ field: 'salesWindow.closesAt', rule: 'window_empty' }],
    });
  });

  it('refuses sales that continue after the showtime has ended', () => {
    const error = errorOf(
      validateShowtimeTimes({
        ...slot('s', '18:00', '20:00'),
        salesWindow: { opensAt: salesWindow.opensAt, closesAt: '2025-06-01T20:01:00Z' },
      }),
    );
    expect(error.details).toMatchObject({ issues: [{ rule: 'sales_after_end' }] });
  });

  it('reports every malformed instant at once', () => {
    const error = errorOf(
      validateShowtimeTimes({
        startsAt: 'noon',
        endsAt: '2025-06-01T20:00:00Z',
        salesWindow: { opensAt: 'yesterday', closesAt: '2025-06-01T18:00:00Z' },
      }),
    );
    expect(error.details).toMatchObject({
      issues: [
        { field: 'startsAt', rule: 'instant' },
        { field: 'salesWindow.opensAt', rule: 'instant' },
      ],
    });
  });
});
