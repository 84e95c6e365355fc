// Over 400 lines on purpose: one table of the demo multiplex's expectations, hall by hall.
import { describe, expect, it } from 'vitest';

import {
  Hall,
  Movie,
  PriceList,
  Showtime,
  Site,
  StaffRole,
  TicketType,
  Username,
  seatIdOf,
} from '../domain.ts';
import type { HallLayout, LayoutCell, PriceClass } from '../domain.ts';
import { MarqueeError } from '../errors.ts';
import { validateLayout } from '../layout.ts';
import { priceFor, validatePriceList } from '../pricing.ts';
import { findScheduleConflict } from '../schedule.ts';
import { generateDemoData } from './demo-data.ts';
import type { DemoData } from './demo-data.ts';
import { ROW_LETTERS } from './halls.ts';
import { DEMO_MOVIES } from './movies.ts';
import { createPrng, pick, shuffle, uuidFrom, weightedPick } from './prng.ts';

const START_DATE = '2025-03-03'; // a Monday
const MINUTE_MS = 60_000;
const PRICE_CLASSES: readonly PriceClass[] = ['standard', 'premium', 'loveseat'];

const demo = generateDemoData({ seed: 20250303, startDate: START_DATE });
const benchmark = generateDemoData({ seed: 20250303, startDate: START_DATE, halls: 10 });

type Seat = Extract<LayoutCell, { type: 'seat' }>;

function seatsOf(layout: HallLayout): Seat[] {
  return layout.rows.flatMap((row) => row.cells.filter((cell): cell is Seat => cell.type === 'seat'));
}

function capacityOf(hall: Hall): number {
  return seatsOf(hall.layout).length;
}

/** Local wall-clock parts in Shanghai, through Intl rather than the generator's fixed offset. */
const shanghai = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
function localParts(instant: string): { date: string; minutes: number } {
  const parts = Object.fromEntries(shanghai.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

function isoWeekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

function allIds(data: DemoData): string[] {
  return [
    data.site.id,
    ...data.halls.map((h) => h.id),
    ...data.movies.map((m) => m.id),
    ...data.ticketTypes.map((t) => t.id),
    ...data.priceLists.map((p) => p.id),
    ...data.showtimes.map((s) => s.id),
  ];
}

describe('generateDemoData: shape and determinism', () => {
  it('produces entities that every domain schema accepts', () => {
    for (const data of [demo, benchmark]) {
      expect(Site.parse(data.site)).toEqual(data.site);
      for (const hall of data.halls) expect(Hall.parse(hall)).toEqual(hall);
      for (const movie of data.movies) expect(Movie.parse(movie)).toEqual(movie);
      for (const type of data.ticketTypes) expect(TicketType.parse(type)).toEqual(type);
      for (const list of data.priceLists) expect(PriceList.parse(list)).toEqual(list);
      for (const showtime of data.showtimes) expect(Showtime.parse(showtime)).toEqual(showtime);
      for (const member of data.staff) {
        expect(Username.parse(member.username)).toBe(member.username);
        expect(StaffRole.parse(member.role)).toBe(member.role);
        expect(member.name.length).toBeGreaterThan(0);
      }
    }
  });

  it('gives the same data, down to every id, for the same options', () => {
    expect(generateDemoData({ seed: 20250303, startDate: START_DATE })).toEqual(demo);
    expect(generateDemoData({ seed: 20250303, startDate: START_DATE, halls: 10 })).toEqual(benchmark);
  });

  it('gives different ids and a different programme for a different seed', () => {
    const other = generateDemoData({ seed: 20250304, startDate: START_DATE });
    const ids = new Set(allIds(demo));
    expect(allIds(other).some((id) => ids.has(id))).toBe(false);
    const programme = (data: DemoData): string[] => {
      const titleOf = new Map(data.movies.map((m) => [m.id, m.titles.en]));
      const hallOf = new Map(data.halls.map((h) => [h.id, h.name]));
      return data.showtimes.map((s) => `${hallOf.get(s.hallId)} ${s.startsAt} ${titleOf.get(s.movieId)}`);
    };
    expect(programme(other)).not.toEqual(programme(demo));
  });

  it('never repeats an id', () => {
    for (const data of [demo, benchmark]) {
      const ids = allIds(data);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('keeps the first halls and days unchanged when more halls or days are asked for', () => {
    // The server can reseed a longer programme without invalidating tickets sold on a shorter one.
    expect(benchmark.halls.slice(0, 6)).toEqual(demo.halls);
    const shorter = generateDemoData({ seed: 20250303, startDate: START_DATE, days: 3 });
    const firstThreeDays = demo.showtimes.filter((s) => localParts(s.startsAt).date < '2025-03-06');
    expect(shorter.showtimes).toEqual(firstThreeDays);
    const sixHallIds = new Set(demo.halls.map((h) => h.id));
    expect(benchmark.showtimes.filter((s) => sixHallIds.has(s.hallId))).toEqual(demo.showtimes);
  });

  it('refuses invalid options with validation_failed', () => {
    const bad = [
      { seed: 1, startDate: '2025-02-30' },
      { seed: 1, startDate: '3 March 2025' },
      { seed: 1.5, startDate: START_DATE },
      { seed: 1, startDate: START_DATE, days: 0 },
      { seed: 1, startDate: START_DATE, halls: 13 },
    ];
    for (const options of bad) {
      expect(() => generateDemoData(options)).toThrow(MarqueeError);
      try {
        generateDemoData(options);
      } catch (error) {
        expect((error as MarqueeError).code).toBe('validation_failed');
      }
    }
  });
});

describe('generateDemoData: the site and its halls', () => {
  it('is a multiplex in Shanghai selling in yuan', () => {
    expect(demo.site).toMatchObject({ timezone: 'Asia/Shanghai', currency: 'CNY', locale: 'zh-CN' });
    expect(demo.site.name).toMatch(/Marquee/);
    for (const hall of demo.halls) expect(hall.siteId).toBe(demo.site.id);
  });

  it('has six halls by default, each with its own name and seat count', () => {
    expect(demo.halls).toHaveLength(6);
    expect(new Set(demo.halls.map((h) => h.name)).size).toBe(6);
    expect(new Set(demo.halls.map(capacityOf)).size).toBe(6);
  });

  it('offers up to 12 halls and over 2,000 seats for the 10-hall benchmark', () => {
    expect(benchmark.halls).toHaveLength(10);
    expect(benchmark.halls.reduce((n, h) => n + capacityOf(h), 0)).toBeGreaterThanOrEqual(2000);
    expect(generateDemoData({ seed: 1, startDate: START_DATE, days: 1, halls: 12 }).halls).toHaveLength(12);
  });

  it('passes the structural layout rules in every hall', () => {
    for (const hall of benchmark.halls) {
      const result = validateLayout(hall.layout);
      expect(result.ok, `${hall.name}: ${result.ok ? '' : result.error.message}`).toBe(true);
      expect(hall.layout.version).toBe(1);
    }
  });

  it('labels rows A, B, C… from the screen back without I or O, and seats 1..n left to right', () => {
    for (const hall of benchmark.halls) {
      hall.layout.rows.forEach((row, index) => {
        expect(row.label).toBe(ROW_LETTERS.charAt(index));
        expect(row.label).not.toMatch(/[IO]/);
        const labels = row.cells.flatMap((cell) => (cell.type === 'seat' ? [cell.label] : []));
        expect(labels).toEqual(labels.map((_, i) => String(i + 1)));
      });
    }
  });

  it('gives every seat an id unique within its hall', () => {
    for (const hall of benchmark.halls) {
      const ids = hall.layout.rows.flatMap((row) =>
        row.cells.flatMap((cell) => (cell.type === 'seat' ? [seatIdOf(row.label, cell.label)] : [])),
      );
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[A-Z0-9]{1,3}-[A-Z0-9]{1,3}$/);
    }
  });

  it('has a main hall of 300+ seats with two longitudinal aisles and a cross aisle', () => {
    const main = demo.halls.find((h) => capacityOf(h) >= 300 && !h.features.includes('imax'));
    expect(main).toBeDefined();
    const layout = (main as Hall).layout;
    for (const row of layout.rows) {
      const gapColumns = row.cells.flatMap((cell, column) => (cell.type === 'gap' ? [column] : []));
      expect(gapColumns).toHaveLength(2);
      // Gaps sit between seats, i.e. they are aisles, not padding.
      for (const column of gapColumns) {
        expect(row.cells[column - 1]?.type).toBe('seat');
        expect(row.cells[column + 1]?.type).toBe('seat');
      }
    }
    expect(layout.rows.some((row) => (row.spaceBefore ?? 0) > 0)).toBe(true);
    expect(seatsOf(layout).some((seat) => seat.kind === 'wheelchair')).toBe(true);
    expect(seatsOf(layout).some((seat) => seat.blocked === true)).toBe(true);
  });

  it('has an IMAX hall of 250+ seats whose rows widen towards the back and are centred', () => {
    const imax = demo.halls.find((h) => h.features.includes('imax'));
    expect(imax).toBeDefined();
    expect(capacityOf(imax as Hall)).toBeGreaterThanOrEqual(250);
    const rows = (imax as Hall).layout.rows;
    const widths = rows.map((row) => row.cells.length);
    const maxWidth = Math.max(...widths);
    let previousSeats = 0;
    for (const row of rows) {
      const seats = row.cells.filter((c) => c.type === 'seat').length;
      const leading = row.cells.findIndex((c) => c.type === 'seat');
      expect(seats).toBeGreaterThanOrEqual(previousSeats);
      expect(row.cells.slice(leading).every((c) => c.type === 'seat')).toBe(true);
      // Centred: the padding is half of what the row is shorter than the widest row.
      expect(leading).toBe(Math.floor((maxWidth - seats) / 2));
      previousSeats = seats;
    }
    expect(rows[0]?.cells.filter((c) => c.type === 'seat').length).toBeLessThan(previousSeats);
  });

  it('has a VIP hall of recliners and correctly paired loveseats', () => {
    const vip = demo.halls.find((h) => seatsOf(h.layout).some((s) => s.kind === 'loveseat-left'));
    expect(vip).toBeDefined();
    const seats = seatsOf((vip as Hall).layout);
    expect(seats.some((s) => s.kind === 'premium')).toBe(true);
    for (const hall of benchmark.halls) {
      for (const row of hall.layout.rows) {
        row.cells.forEach((cell, column) => {
          if (cell.type !== 'seat') return;
          const before = row.cells[column - 1];
          const after = row.cells[column + 1];
          if (cell.kind === 'loveseat-left') {
            expect(after?.type === 'seat' && after.kind === 'loveseat-right').toBe(true);
          }
          if (cell.kind === 'loveseat-right') {
            expect(before?.type === 'seat' && before.kind === 'loveseat-left').toBe(true);
          }
        });
      }
    }
  });

  it('has a small hall of 40 to 70 seats', () => {
    expect(demo.halls.some((h) => capacityOf(h) >= 40 && capacityOf(h) <= 70)).toBe(true);
  });

  it('seats a companion directly next to every wheelchair place, and only there', () => {
    let wheelchairs = 0;
    for (const hall of benchmark.halls) {
      for (const row of hall.layout.rows) {
        row.cells.forEach((cell, column) => {
          if (cell.type !== 'seat') return;
          const neighbours = [row.cells[column - 1], row.cells[column + 1]];
          if (cell.kind === 'wheelchair') {
            wheelchairs += 1;
            expect(
              neighbours.some((n) => n?.type === 'seat' && n.kind === 'companion'),
              `${hall.name} ${row.label}-${cell.label}`,
            ).toBe(true);
          }
          if (cell.kind === 'companion') {
            expect(neighbours.some((n) => n?.type === 'seat' && n.kind === 'wheelchair')).toBe(true);
          }
        });
      }
    }
    expect(wheelchairs).toBeGreaterThanOrEqual(benchmark.halls.length);
  });

  it('has a few permanently blocked standard seats', () => {
    const blocked = demo.halls.flatMap((h) => seatsOf(h.layout).filter((s) => s.blocked === true));
    expect(blocked.length).toBeGreaterThanOrEqual(2);
    expect(blocked.length).toBeLessThanOrEqual(10);
    expect(blocked.every((s) => s.kind === 'standard')).toBe(true);
  });
});

describe('generateDemoData: films, tickets and prices', () => {
  it('has 20+ films titled in English and Chinese', () => {
    expect(demo.movies.length).toBeGreaterThanOrEqual(20);
    for (const movie of demo.movies) {
      expect(movie.titles.en.trim()).not.toBe('');
      expect(movie.titles['zh-CN']).toMatch(/\p{Script=Han}/u);
      expect(movie.runtimeMinutes).toBeGreaterThanOrEqual(85);
      expect(movie.runtimeMinutes).toBeLessThanOrEqual(180);
      expect(movie.genres.length).toBeGreaterThan(0);
    }
    expect(new Set(demo.movies.map((m) => m.titles.en)).size).toBe(demo.movies.length);
    expect(new Set(demo.movies.map((m) => m.titles['zh-CN'])).size).toBe(demo.movies.length);
    expect(new Set(demo.movies.map((m) => m.rating)).size).toBeGreaterThanOrEqual(4);
  });

  it('sells adult, child, senior, student and member tickets; students show a card', () => {
    expect(demo.ticketTypes.map((t) => t.code)).toEqual(['adult', 'child', 'senior', 'student', 'member']);
    expect(demo.ticketTypes.find((t) => t.code === 'student')?.requiresProof).toBe(true);
    for (const type of demo.ticketTypes) {
      expect(type.active).toBe(true);
      expect(type.names['zh-CN']).toMatch(/\p{Script=Han}/u);
    }
  });

  it('prices every ticket type in every seat class in every list, once', () => {
    expect(demo.priceLists.map((l) => l.name)).toHaveLength(3);
    for (const list of demo.priceLists) {
      expect(list.currency).toBe('CNY');
      expect(validatePriceList(list).ok).toBe(true);
      for (const type of demo.ticketTypes) {
        for (const priceClass of PRICE_CLASSES) {
          const entries = list.prices.filter(
            (p) => p.ticketTypeId === type.id && p.priceClass === priceClass,
          );
          expect(entries, `${list.name} ${type.code} ${priceClass}`).toHaveLength(1);
          // Whole yuan, as printed on the price board.
          expect((entries[0]?.amount ?? 1) % 100).toBe(0);
        }
      }
    }
  });

  it('charges children, seniors and students less than adults, and premium more than standard', () => {
    const amount = (list: PriceList, code: string, priceClass: PriceClass): number => {
      const type = demo.ticketTypes.find((t) => t.code === code);
      return (
        list.prices.find((p) => p.ticketTypeId === type?.id && p.priceClass === priceClass)?.amount ?? NaN
      );
    };
    for (const list of demo.priceLists) {
      for (const priceClass of PRICE_CLASSES) {
        for (const code of ['child', 'senior', 'student', 'member']) {
          expect(amount(list, code, priceClass)).toBeLessThan(amount(list, 'adult', priceClass));
        }
      }
      expect(amount(list, 'adult', 'premium')).toBeGreaterThan(amount(list, 'adult', 'standard'));
    }
    const standard = demo.priceLists.find((l) => l.name.startsWith('Standard')) as PriceList;
    expect(amount(standard, 'adult', 'standard')).toBe(4500);
  });

  it('makes a weekday matinee ¥10 cheaper and a weekend matinee full price in the standard list', () => {
    const standard = demo.priceLists.find((l) => l.name.startsWith('Standard')) as PriceList;
    const adult = demo.ticketTypes.find((t) => t.code === 'adult')?.id ?? '';
    const at = (weekday: number, hour: number): unknown =>
      priceFor(standard, adult, 'standard', { weekday, minutes: hour * 60 });
    expect(at(2, 14)).toEqual({ ok: true, value: 3500 });
    expect(at(6, 14)).toEqual({ ok: true, value: 4500 });
    expect(at(2, 19)).toEqual({ ok: true, value: 4500 });
    expect(at(2, 22)).toEqual({ ok: true, value: 4000 });
  });
});

describe('generateDemoData: the programme', () => {
  const hallById = new Map(benchmark.halls.map((h) => [h.id, h]));
  const movieById = new Map(benchmark.movies.map((m) => [m.id, m]));

  it('never overlaps two showtimes in one hall, cleaning time included', () => {
    for (const data of [demo, benchmark]) {
      const byHall = new Map<string, Showtime[]>();
      for (const s of data.showtimes) byHall.set(s.hallId, [...(byHall.get(s.hallId) ?? []), s]);
      for (const showtimes of byHall.values()) {
        const sorted = [...showtimes].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
        for (let i = 1; i < sorted.length; i++) {
          const before = sorted[i - 1] as Showtime;
          const after = sorted[i] as Showtime;
          const free = Date.parse(before.endsAt) + before.cleaningMinutes * MINUTE_MS;
          expect(Date.parse(after.startsAt), `${before.id} then ${after.id}`).toBeGreaterThanOrEqual(free);
        }
      }
    }
  });

  it('passes the schedule conflict check for every showtime', () => {
    for (const showtime of demo.showtimes) {
      expect(findScheduleConflict(showtime, demo.showtimes)).toBeNull();
    }
  });

  it('starts every showtime between 09:00 and 24:00 Shanghai time, on a 5-minute mark', () => {
    for (const s of benchmark.showtimes) {
      const { minutes } = localParts(s.startsAt);
      expect(minutes).toBeGreaterThanOrEqual(9 * 60);
      expect(minutes).toBeLessThan(24 * 60);
      expect(minutes % 5).toBe(0);
    }
  });

  it('writes UTC instants and ends after runtime plus 15 minutes of trailers', () => {
    for (const s of benchmark.showtimes) {
      for (const instant of [s.startsAt, s.endsAt, s.salesWindow.opensAt, s.salesWindow.closesAt]) {
        expect(instant).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      }
      const movie = movieById.get(s.movieId) as Movie;
      expect(Date.parse(s.endsAt) - Date.parse(s.startsAt)).toBe((movie.runtimeMinutes + 15) * MINUTE_MS);
      expect(s.cleaningMinutes).toBeGreaterThanOrEqual(15);
      expect(s.cleaningMinutes).toBeLessThanOrEqual(20);
    }
  });

  it('sells every showtime from up to 7 days before until 15 minutes after it starts', () => {
    const generationStart = Date.parse('2025-03-02T16:00:00Z'); // 2025-03-03 00:00 in Shanghai
    for (const s of benchmark.showtimes) {
      const start = Date.parse(s.startsAt);
      expect(s.status).toBe('on_sale');
      expect(Date.parse(s.salesWindow.opensAt)).toBe(
        Math.max(start - 7 * 24 * 60 * MINUTE_MS, generationStart),
      );
      expect(Date.parse(s.salesWindow.closesAt)).toBe(start + 15 * MINUTE_MS);
    }
  });

  it("sells each showtime with its hall's layout version and price list", () => {
    const listByName = new Map(benchmark.priceLists.map((l) => [l.name, l.id]));
    for (const s of benchmark.showtimes) {
      const hall = hallById.get(s.hallId) as Hall;
      expect(s.layoutVersion).toBe(hall.layout.version);
      const expected = hall.features.includes('imax')
        ? 'IMAX'
        : hall.name.includes('VIP')
          ? 'VIP recliner'
          : 'Standard 2D/3D';
      expect(s.priceListId).toBe(listByName.get(expected));
    }
  });

  it('finds every ticket type in every seat class of each showtime’s price list', () => {
    const listById = new Map(benchmark.priceLists.map((l) => [l.id, l]));
    for (const s of benchmark.showtimes) {
      const list = listById.get(s.priceListId) as PriceList;
      const hall = hallById.get(s.hallId) as Hall;
      const classes = new Set(
        seatsOf(hall.layout).map((seat) =>
          seat.kind === 'premium' ? 'premium' : seat.kind.startsWith('loveseat') ? 'loveseat' : 'standard',
        ),
      );
      for (const type of benchmark.ticketTypes) {
        for (const priceClass of classes) {
          expect(list.prices.some((p) => p.ticketTypeId === type.id && p.priceClass === priceClass)).toBe(
            true,
          );
        }
      }
    }
  });

  it('programmes every hall on each of the 14 days, about six showtimes a day', () => {
    const days = new Set<string>();
    const perHallDay = new Map<string, number>();
    for (const s of demo.showtimes) {
      const { date } = localParts(s.startsAt);
      days.add(date);
      perHallDay.set(`${s.hallId} ${date}`, (perHallDay.get(`${s.hallId} ${date}`) ?? 0) + 1);
    }
    expect([...days].sort()).toEqual(
      Array.from({ length: 14 }, (_, i) => new Date(Date.parse(`${START_DATE}T00:00:00Z`) + i * 86_400_000))
        .map((d) => d.toISOString().slice(0, 10))
        .sort(),
    );
    expect(perHallDay.size).toBe(14 * demo.halls.length);
    for (const count of perHallDay.values()) {
      expect(count).toBeGreaterThanOrEqual(4);
      expect(count).toBeLessThanOrEqual(8);
    }
  });

  it('shows a film only from its release date, and every film at least once over two weeks', () => {
    const shown = new Set<string>();
    for (const s of demo.showtimes) {
      const movie = demo.movies.find((m) => m.id === s.movieId) as Movie;
      expect(localParts(s.startsAt).date >= (movie.releaseDate ?? '')).toBe(true);
      shown.add(movie.id);
    }
    expect(shown.size).toBe(demo.movies.length);
  });

  it('books only spectacle films into the IMAX hall and has weekday matinees', () => {
    const bigFormat = new Set(DEMO_MOVIES.filter((m) => m.bigFormat).map((m) => m.en));
    const imax = demo.halls.find((h) => h.features.includes('imax')) as Hall;
    for (const s of demo.showtimes) {
      const movie = demo.movies.find((m) => m.id === s.movieId) as Movie;
      if (s.hallId === imax.id) expect(bigFormat.has(movie.titles.en)).toBe(true);
    }
    // Weekday matinees exist so the matinee price rule is exercised in the demo.
    expect(
      demo.showtimes.some((s) => {
        const { date, minutes } = localParts(s.startsAt);
        return isoWeekdayOf(date) <= 5 && minutes < 17 * 60;
      }),
    ).toBe(true);
  });

  it('generates the 14-day, 10-hall benchmark programme', () => {
    const seatsPerHall = new Map(benchmark.halls.map((h) => [h.id, capacityOf(h)]));
    const seatShowtimes = benchmark.showtimes.reduce((n, s) => n + (seatsPerHall.get(s.hallId) ?? 0), 0);
    expect(benchmark.showtimes.length).toBeGreaterThanOrEqual(750);
    expect(benchmark.showtimes.length).toBeLessThanOrEqual(1000);
    expect(seatShowtimes).toBeGreaterThanOrEqual(150_000);
  });

  it('has staff for every role, with two cashiers', () => {
    expect(demo.staff.map((s) => s.username)).toEqual([
      'admin',
      'manager',
      'supervisor',
      'cashier1',
      'cashier2',
    ]);
    expect(demo.staff.filter((s) => s.role === 'cashier')).toHaveLength(2);
    expect(new Set(demo.staff.map((s) => s.role))).toEqual(
      new Set(['admin', 'manager', 'supervisor', 'cashier']),
    );
  });
});

describe('prng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createPrng(7);
    const b = createPrng(7);
    const c = createPrng(8);
    const seqA = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('forks streams that depend on the label, not on what was drawn before', () => {
    const a = createPrng(7);
    const b = createPrng(7);
    for (let i = 0; i < 5; i++) b.nextUint32();
    expect(a.fork('x').nextUint32()).toBe(b.fork('x').nextUint32());
    expect(a.fork('x').nextUint32()).not.toBe(a.fork('y').nextUint32());
  });

  it('makes RFC 4122 version 4 UUIDs', () => {
    const prng = createPrng(1);
    const uuids = Array.from({ length: 500 }, () => uuidFrom(prng));
    for (const uuid of uuids) {
      expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(uuids).size).toBe(uuids.length);
  });

  it('draws integers within range, covering all of it', () => {
    const prng = createPrng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const n = prng.int(-2, 2);
      expect(n).toBeGreaterThanOrEqual(-2);
      expect(n).toBeLessThanOrEqual(2);
      seen.add(n);
    }
    expect(seen.size).toBe(5);
  });

  it('shuffles into a permutation, picks members, and never picks a zero weight', () => {
    const prng = createPrng(4);
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = shuffle(prng, items);
    expect([...shuffled].sort((x, y) => x - y)).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(items).toContain(pick(prng, items));
    for (let i = 0; i < 200; i++) {
      expect(weightedPick(prng, items, (n) => (n % 2 === 0 ? 1 : 0)) % 2).toBe(0);
    }
    expect(() => pick(prng, [])).toThrow(RangeError);
    expect(() => weightedPick(prng, items, () => 0)).toThrow(RangeError);
  });
});
