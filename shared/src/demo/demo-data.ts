/**
 * Deterministic demo data: a Shanghai multiplex with halls, films, ticket types, price lists,
 * a programme of showtimes and staff. Used by `npm start` to seed the server and by the
 * benchmarks (14 days × 10 halls). Same options → the same data, down to every id.
 */
import { z } from 'zod';

import type {
  Hall,
  HallLayout,
  Movie,
  PriceClass,
  PriceEntry,
  PriceList,
  PriceRule,
  Showtime,
  Site,
  StaffRole,
  TicketType,
} from '../domain.ts';
import { IsoDate } from '../domain.ts';
import { MarqueeError } from '../errors.ts';
import { DEMO_HALL_SPECS } from './halls.ts';
import type { DemoHallProfile, DemoPriceTier } from './halls.ts';
import { DEMO_MOVIES } from './movies.ts';
import type { DemoMovieSpec } from './movies.ts';
import { createPrng, uuidFrom, weightedPick } from './prng.ts';
import type { Prng } from './prng.ts';

export interface DemoOptions {
  seed: number;
  /** First programme day, `YYYY-MM-DD`, as a local date of the site. */
  startDate: string;
  /** Programme days; default 14. */
  days?: number;
  /** Halls; default 6, up to 12 for benchmarks. */
  halls?: number;
}

export interface DemoStaff {
  username: string;
  name: string;
  role: StaffRole;
}

export interface DemoData {
  site: Site;
  halls: Hall[];
  movies: Movie[];
  ticketTypes: TicketType[];
  priceLists: PriceList[];
  showtimes: Showtime[];
  staff: DemoStaff[];
}

export const DEMO_DEFAULT_DAYS = 14;
export const DEMO_DEFAULT_HALLS = 6;
export const DEMO_MAX_HALLS = DEMO_HALL_SPECS.length;

const DemoOptionsSchema = z.strictObject({
  seed: z.number().int(),
  startDate: IsoDate,
  days: z.number().int().min(1).max(366).optional(),
  halls: z.number().int().min(1).max(DEMO_MAX_HALLS).optional(),
});

// ---------------------------------------------------------------------------------------------
// Time. Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed offset is
// exact for any demo date and the generator needs no time-zone database.

export const DEMO_TIMEZONE = 'Asia/Shanghai';
const UTC_OFFSET_MINUTES = 8 * 60;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Trailers and ads before the feature; `endsAt` includes them. */
export const DEMO_TRAILER_MINUTES = 15;
/**
 * Programme window (local minutes after midnight): first starts between 09:00 and 10:00, the
 * last start by 23:45. Chinese multiplexes open early; with ~2 h films this yields about six
 * showtimes per hall and day, i.e. ~900 for the 14-day × 10-hall benchmark.
 */
const EARLIEST_FIRST_START = 9 * 60;
const LATEST_START = 23 * 60 + 45;
const SALES_OPEN_DAYS_BEFORE = 7;
const SALES_CLOSE_MINUTES_AFTER_START = 15;

/** Epoch ms of local midnight of `startDate` + `dayOffset` days. */
function localMidnightMs(startDate: string, dayOffset: number): number {
  const [y, m, d] = startDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d + dayOffset) - UTC_OFFSET_MINUTES * MINUTE_MS;
}

/** ISO weekday (Monday = 1 … Sunday = 7) of local day `dayOffset`. */
function isoWeekday(startDate: string, dayOffset: number): number {
  const day = new Date(localMidnightMs(startDate, dayOffset) + UTC_OFFSET_MINUTES * MINUTE_MS).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The local date `dayOffset` days after `startDate`, `YYYY-MM-DD`. */
function localDate(startDate: string, dayOffset: number): string {
  return instant(localMidnightMs(startDate, dayOffset) + UTC_OFFSET_MINUTES * MINUTE_MS).slice(0, 10);
}

/** UTC instant without milliseconds, e.g. `2025-03-01T02:00:00Z`. */
function instant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const roundUpTo5 = (minutes: number): number => Math.ceil(minutes / 5) * 5;

// ---------------------------------------------------------------------------------------------
// Ticket types and prices

interface TicketTypeSpec {
  code: string;
  en: string;
  zh: string;
  requiresProof: boolean;
  /** Price as a percentage of the adult price of the same seat class. */
  percentOfAdult: number;
}

const TICKET_TYPES: readonly TicketTypeSpec[] = [
  { code: 'adult', en: 'Adult', zh: '成人', requiresProof: false, percentOfAdult: 100 },
  // Children are checked by eye, not by document.
  { code: 'child', en: 'Child (under 12)', zh: '儿童（12岁以下）', requiresProof: false, percentOfAdult: 65 },
  { code: 'senior', en: 'Senior (60+)', zh: '长者（60岁以上）', requiresProof: true, percentOfAdult: 65 },
  { code: 'student', en: 'Student', zh: '学生', requiresProof: true, percentOfAdult: 80 },
  // Membership is verified at the till when the member card is scanned, not at the door.
  { code: 'member', en: 'Member', zh: '会员', requiresProof: false, percentOfAdult: 85 },
];

interface PriceListSpec {
  tier: DemoPriceTier;
  name: string;
  /** Adult price per seat, in fen. Loveseats are priced per seat, i.e. half the pair. */
  adult: Readonly<Record<PriceClass, number>>;
  rules: readonly Omit<PriceRule, 'ticketTypeIds'>[];
}

const PRICE_LISTS: readonly PriceListSpec[] = [
  {
    tier: 'standard',
    name: 'Standard 2D/3D',
    adult: { standard: 4500, premium: 6000, loveseat: 7500 },
    rules: [
      {
        name: 'Weekday matinee',
        weekdays: [1, 2, 3, 4, 5],
        from: '00:00',
        to: '17:00',
        adjustment: { type: 'delta', amount: -1000 },
      },
      { name: 'Late night', from: '22:00', to: '24:00', adjustment: { type: 'delta', amount: -500 } },
    ],
  },
  {
    tier: 'vip',
    name: 'VIP recliner',
    adult: { standard: 9000, premium: 12000, loveseat: 12500 },
    rules: [
      {
        name: 'Weekday matinee',
        weekdays: [1, 2, 3, 4, 5],
        from: '00:00',
        to: '17:00',
        adjustment: { type: 'delta', amount: -2000 },
      },
      { name: 'Late night', from: '22:00', to: '24:00', adjustment: { type: 'delta', amount: -1000 } },
    ],
  },
  {
    tier: 'imax',
    name: 'IMAX',
    adult: { standard: 8000, premium: 9500, loveseat: 11000 },
    rules: [
      {
        name: 'Weekday matinee',
        weekdays: [1, 2, 3, 4, 5],
        from: '00:00',
        to: '17:00',
        adjustment: { type: 'delta', amount: -1000 },
      },
      { name: 'Late night', from: '22:00', to: '24:00', adjustment: { type: 'delta', amount: -1000 } },
    ],
  },
];

const PRICE_CLASS_ORDER: readonly PriceClass[] = ['standard', 'premium', 'loveseat'];

/** `percent` of `amount`, rounded half up to whole yuan (100 fen): prices on a board are round. */
function percentToYuan(amount: number, percent: number): number {
  return Math.floor((amount * percent + 5000) / 10000) * 100;
}

// ---------------------------------------------------------------------------------------------
// Staff

const STAFF: readonly DemoStaff[] = [
  { username: 'admin', name: 'Zhou Min', role: 'admin' },
  { username: 'manager', name: 'Chen Jing', role: 'manager' },
  { username: 'supervisor', name: 'Liu Yang', role: 'supervisor' },
  { username: 'cashier1', name: 'Zhang Wei', role: 'cashier' },
  { username: 'cashier2', name: 'Huang Li', role: 'cashier' },
];

// ---------------------------------------------------------------------------------------------
// Programme

interface CatalogueEntry {
  spec: DemoMovieSpec;
  movie: Movie;
}

const isFamily = (spec: DemoMovieSpec): boolean => spec.genres.includes('family');
const isAdultOnly = (spec: DemoMovieSpec): boolean => spec.rating === 'R' || spec.rating === 'NC-17';

/** How likely `spec` is to fill a slot starting at local `minute` in a hall of `profile`. */
function slotWeight(
  spec: DemoMovieSpec,
  profile: DemoHallProfile,
  minute: number,
  daysSinceRelease: number,
  weekend: boolean,
  previous: DemoMovieSpec | undefined,
): number {
  if ((profile === 'imax' || profile === 'motion') && !spec.bigFormat) return 0;
  // Studios carry the long tail that the big halls do not.
  let weight = profile === 'studio' ? 11 - spec.popularity : spec.popularity;
  if (profile === 'vip' && isFamily(spec)) weight *= 0.3;
  if (isFamily(spec)) weight *= minute < 18 * 60 ? (weekend ? 3 : 2) : minute >= 20 * 60 ? 0.1 : 0.6;
  if (isAdultOnly(spec)) weight *= minute < 14 * 60 ? 0.4 : minute >= 21 * 60 ? 1.8 : 1;
  // Opening weeks get more screens.
  if (daysSinceRelease < 7) weight *= 1.5;
  if (previous === spec) weight *= 0.35;
  return weight;
}

// ---------------------------------------------------------------------------------------------

export function generateDemoData(options: DemoOptions): DemoData {
  const parsed = DemoOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new MarqueeError('validation_failed', 'invalid demo data options', {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
  }
  const { seed, startDate } = parsed.data;
  const days = parsed.data.days ?? DEMO_DEFAULT_DAYS;
  const hallCount = parsed.data.halls ?? DEMO_DEFAULT_HALLS;

  // Independent streams per kind of entity (and per hall and day below), so asking for more
  // days or halls extends the data without reshuffling what was already there.
  const root = createPrng(seed);

  const site: Site = {
    id: uuidFrom(root.fork('site')),
    name: 'Marquee Cinema Xuhui',
    timezone: DEMO_TIMEZONE,
    currency: 'CNY',
    locale: 'zh-CN',
  };

  const ticketTypeIds = root.fork('ticket-types');
  const ticketTypes: TicketType[] = TICKET_TYPES.map((spec) => ({
    id: uuidFrom(ticketTypeIds),
    code: spec.code,
    names: { en: spec.en, 'zh-CN': spec.zh },
    requiresProof: spec.requiresProof,
    active: true,
  }));

  const priceListIds = root.fork('price-lists');
  const priceListByTier = new Map<DemoPriceTier, PriceList>();
  const priceLists: PriceList[] = PRICE_LISTS.map((spec) => {
    const prices: PriceEntry[] = [];
    TICKET_TYPES.forEach((typeSpec, index) => {
      const ticketTypeId = (ticketTypes[index] as TicketType).id;
      for (const priceClass of PRICE_CLASS_ORDER) {
        prices.push({
          ticketTypeId,
          priceClass,
          amount: percentToYuan(spec.adult[priceClass], typeSpec.percentOfAdult),
        });
      }
    });
    const list: PriceList = {
      id: uuidFrom(priceListIds),
      name: spec.name,
      currency: site.currency,
      prices,
      rules: spec.rules.map((rule) => ({ ...rule })),
    };
    priceListByTier.set(spec.tier, list);
    return list;
  });

  const hallIds = root.fork('halls');
  const hallSpecs = DEMO_HALL_SPECS.slice(0, hallCount);
  const halls: Hall[] = hallSpecs.map((spec) => {
    const layout: HallLayout = spec.layout();
    return { id: uuidFrom(hallIds), siteId: site.id, name: spec.name, features: [...spec.features], layout };
  });

  const movieIds = root.fork('movies');
  const catalogue: CatalogueEntry[] = DEMO_MOVIES.map((spec) => ({
    spec,
    movie: {
      id: uuidFrom(movieIds),
      titles: { en: spec.en, 'zh-CN': spec.zh },
      runtimeMinutes: spec.runtimeMinutes,
      rating: spec.rating,
      genres: [...spec.genres],
      releaseDate: localDate(startDate, spec.releaseOffsetDays),
    },
  }));

  const generationStartMs = localMidnightMs(startDate, 0);
  const showtimes: Showtime[] = [];
  for (let day = 0; day < days; day++) {
    const midnightMs = localMidnightMs(startDate, day);
    const weekday = isoWeekday(startDate, day);
    const weekend = weekday >= 6;
    const showing = catalogue.filter((entry) => entry.spec.releaseOffsetDays <= day);
    hallSpecs.forEach((spec, hallIndex) => {
      const hall = halls[hallIndex] as Hall;
      const priceList = priceListByTier.get(spec.priceTier) as PriceList;
      const rng: Prng = root.fork(`showtimes/hall-${hallIndex}/day-${day}`);
      // Staggered first starts keep the lobby and the box office from peaking all at once.
      let minute = EARLIEST_FIRST_START + (weekend ? 0 : 15) + rng.int(0, 9) * 5;
      let previous: DemoMovieSpec | undefined;
      while (minute <= LATEST_START) {
        const start = minute;
        const entry = weightedPick(rng, showing, (candidate) =>
          slotWeight(
            candidate.spec,
            spec.profile,
            start,
            day - candidate.spec.releaseOffsetDays,
            weekend,
            previous,
          ),
        );
        const startsMs = midnightMs + start * MINUTE_MS;
        const endMinute = start + entry.spec.runtimeMinutes + DEMO_TRAILER_MINUTES;
        showtimes.push({
          id: uuidFrom(rng),
          movieId: entry.movie.id,
          hallId: hall.id,
          startsAt: instant(startsMs),
          endsAt: instant(midnightMs + endMinute * MINUTE_MS),
          cleaningMinutes: spec.cleaningMinutes,
          priceListId: priceList.id,
          salesWindow: {
            opensAt: instant(Math.max(startsMs - SALES_OPEN_DAYS_BEFORE * DAY_MS, generationStartMs)),
            closesAt: instant(startsMs + SALES_CLOSE_MINUTES_AFTER_START * MINUTE_MS),
          },
          status: 'on_sale',
          layoutVersion: hall.layout.version,
        });
        previous = entry.spec;
        minute = roundUpTo5(endMinute + spec.cleaningMinutes);
      }
    });
  }
  // Programme order, as a timetable reads: by start, then by hall.
  const hallOrder = new Map(halls.map((hall, index) => [hall.id, index]));
  showtimes.sort(
    (a, b) =>
      (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0) ||
      (hallOrder.get(a.hallId) ?? 0) - (hallOrder.get(b.hallId) ?? 0),
  );

  return {
    site,
    halls,
    movies: catalogue.map((entry) => entry.movie),
    ticketTypes,
    priceLists,
    showtimes,
    staff: STAFF.map((member) => ({ ...member })),
  };
}
