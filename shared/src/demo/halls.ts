/**
 * Seat-layout builders for the demo multiplex.
 *
 * Rows are written as patterns, one character per cell, because a pattern reads like the
 * hall plan on a wall (screen at the top, row A first):
 *
 *   S standard   P premium (recliner)   W wheelchair place   C companion seat
 *   L loveseat-left   R loveseat-right   X permanently blocked standard seat   _ gap (aisle)
 *
 * Seats are numbered 1..n from the left, skipping gaps, as cinemas print them.
 */
import type { HallFeature, HallLayout, LayoutCell, LayoutRow, SeatKind } from '../domain.ts';

/** Row letters from the screen backwards; I and O are skipped because they read as 1 and 0. */
export const ROW_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

export function rowLabel(index: number): string {
  const letter = ROW_LETTERS.charAt(index);
  if (!Number.isInteger(index) || index < 0 || letter === '') {
    throw new RangeError(`a demo hall has at most ${ROW_LETTERS.length} rows, asked for row ${index}`);
  }
  return letter;
}

const KIND_OF_CODE: Readonly<Record<string, SeatKind>> = {
  S: 'standard',
  P: 'premium',
  W: 'wheelchair',
  C: 'companion',
  L: 'loveseat-left',
  R: 'loveseat-right',
  X: 'standard',
};

export interface RowSpec {
  pattern: string;
  /** A cross aisle before this row, in row heights. */
  spaceBefore?: number;
}

export function rowFromPattern(label: string, spec: RowSpec): LayoutRow {
  const cells: LayoutCell[] = [];
  let seatNumber = 0;
  for (const code of spec.pattern) {
    if (code === '_') {
      cells.push({ type: 'gap' });
      continue;
    }
    const kind = KIND_OF_CODE[code];
    if (kind === undefined) throw new RangeError(`unknown cell code '${code}' in row ${label}`);
    seatNumber += 1;
    const seat: LayoutCell = { type: 'seat', label: String(seatNumber), kind };
    if (code === 'X') seat.blocked = true;
    cells.push(seat);
  }
  return spec.spaceBefore === undefined ? { label, cells } : { label, cells, spaceBefore: spec.spaceBefore };
}

/** A version-1 layout; row labels are assigned A, B, C… in order. */
export function layoutFromPatterns(rows: readonly RowSpec[]): HallLayout {
  return { version: 1, rows: rows.map((spec, index) => rowFromPattern(rowLabel(index), spec)) };
}

const repeat = (code: string, count: number): string => code.repeat(Math.max(0, count));

/** Replace the middle seat code of a block (used for the technician's seat). */
function blockMiddle(block: string): string {
  const mid = Math.floor(block.length / 2);
  return `${block.slice(0, mid)}X${block.slice(mid + 1)}`;
}

export interface ThreeBlockOptions {
  rows: number;
  /** Seats in each side block. */
  side: number;
  /** Seats in the centre block. */
  centre: number;
  /** Row index that has a cross aisle in front of it. */
  crossAisleBefore?: number;
  /** Row indexes [from, to] whose centre block is premium (the "sweet spot"). */
  premiumRows?: readonly [number, number];
  /** Row index with two wheelchair places, one at each longitudinal aisle, each with a companion. */
  accessibleRow: number;
  /** Block the middle seat of the back row for the projection technician. */
  technicianSeat?: boolean;
}

/**
 * The classic multiplex hall: two longitudinal aisles split every row into side|centre|side
 * blocks. Wheelchair places sit on the aisle (step-free access) with the companion seat
 * next to them, on the side away from the aisle.
 */
export function threeBlockHallLayout(options: ThreeBlockOptions): HallLayout {
  const specs: RowSpec[] = [];
  for (let i = 0; i < options.rows; i++) {
    const premium =
      options.premiumRows !== undefined && i >= options.premiumRows[0] && i <= options.premiumRows[1];
    let left = repeat('S', options.side);
    let centre = repeat(premium ? 'P' : 'S', options.centre);
    let right = repeat('S', options.side);
    if (i === options.accessibleRow) {
      left = `${repeat('S', options.side - 2)}CW`;
      right = `WC${repeat('S', options.side - 2)}`;
    }
    if (options.technicianSeat === true && i === options.rows - 1) centre = blockMiddle(centre);
    const spec: RowSpec = { pattern: `${left}_${centre}_${right}` };
    if (i === options.crossAisleBefore) spec.spaceBefore = 1;
    specs.push(spec);
  }
  return layoutFromPatterns(specs);
}

export interface CurvedOptions {
  rows: number;
  firstRowSeats: number;
  /** Seats added per row going back; even, so the padding centres rows exactly. */
  growth: number;
  maxRowSeats: number;
  /** Back row gets wheelchair places with companions at both ends. */
  accessibleBackRow: boolean;
  /** Seats blocked in the middle of the back row (camera / technician position). */
  blockedBackSeats: number;
}

/**
 * A big-format hall: continental rows that widen towards the back like a fan, each padded
 * with leading gaps so the plan is centred on the screen.
 */
export function curvedHallLayout(options: CurvedOptions): HallLayout {
  const lengths: number[] = [];
  for (let i = 0; i < options.rows; i++) {
    lengths.push(Math.min(options.firstRowSeats + i * options.growth, options.maxRowSeats));
  }
  const width = Math.max(...lengths);
  const specs: RowSpec[] = lengths.map((length, i) => {
    const back = i === options.rows - 1;
    let seats = repeat('S', length);
    if (back && options.accessibleBackRow) seats = `WC${repeat('S', length - 4)}CW`;
    if (back && options.blockedBackSeats > 0) {
      const from = Math.floor((length - options.blockedBackSeats) / 2);
      seats =
        seats.slice(0, from) +
        repeat('X', options.blockedBackSeats) +
        seats.slice(from + options.blockedBackSeats);
    }
    return { pattern: repeat('_', Math.floor((width - length) / 2)) + seats };
  });
  return layoutFromPatterns(specs);
}

export interface VipOptions {
  reclinerRows: number;
  loveseatRows: number;
  /** Recliner pairs / loveseats per row, separated by narrow gaps for the side tables. */
  pairsPerRow: number;
}

/** Recliners in pairs, then loveseats behind a cross aisle; wheelchair place on the front row. */
export function vipHallLayout(options: VipOptions): HallLayout {
  const pairs = (pair: string): string[] => Array.from({ length: options.pairsPerRow }, () => pair);
  const specs: RowSpec[] = [];
  for (let i = 0; i < options.reclinerRows; i++) {
    const row = pairs('PP');
    if (i === 0) row[0] = 'WC';
    specs.push({ pattern: row.join('_') });
  }
  for (let i = 0; i < options.loveseatRows; i++) {
    const spec: RowSpec = { pattern: pairs('LR').join('_') };
    if (i === 0) spec.spaceBefore = 1;
    specs.push(spec);
  }
  return layoutFromPatterns(specs);
}

export interface CentreAisleOptions {
  rows: number;
  /** Seats either side of the centre aisle. */
  half: number;
  /** Front row has wheelchair places at both walls. */
  accessibleFrontRow: boolean;
  /** An extra back row of loveseats. */
  loveseatBackRow: boolean;
  /** A broken seat, as [row index, seat index within the row's seats]. */
  brokenSeat?: readonly [number, number];
}

export function centreAisleHallLayout(options: CentreAisleOptions): HallLayout {
  const specs: RowSpec[] = [];
  for (let i = 0; i < options.rows; i++) {
    let seats = repeat('S', options.half * 2);
    if (i === 0 && options.accessibleFrontRow) seats = `WC${repeat('S', options.half * 2 - 4)}CW`;
    if (options.brokenSeat !== undefined && options.brokenSeat[0] === i) {
      const at = options.brokenSeat[1];
      seats = `${seats.slice(0, at)}X${seats.slice(at + 1)}`;
    }
    specs.push({ pattern: `${seats.slice(0, options.half)}_${seats.slice(options.half)}` });
  }
  if (options.loveseatBackRow) {
    const pairsPerSide = Math.floor(options.half / 2);
    const side = repeat('LR', pairsPerSide);
    // Pad with gaps so the loveseats line up under the centre aisle.
    const pad = repeat('_', options.half - pairsPerSide * 2);
    specs.push({ pattern: `${pad}${side}_${side}${pad}`, spaceBefore: 1 });
  }
  return layoutFromPatterns(specs);
}

export interface StudioOptions {
  rows: number;
  /** Seats either side of the centre aisle. */
  half: number;
}

/** A small screening room: a centre aisle and a wheelchair place on the back row. */
export function studioHallLayout(options: StudioOptions): HallLayout {
  const specs: RowSpec[] = [];
  for (let i = 0; i < options.rows; i++) {
    const back = i === options.rows - 1;
    const left = back ? `${repeat('S', options.half - 2)}CW` : repeat('S', options.half);
    specs.push({ pattern: `${left}_${repeat('S', options.half)}` });
  }
  return layoutFromPatterns(specs);
}

/** Which price list a hall sells with. */
export type DemoPriceTier = 'standard' | 'vip' | 'imax';

/** How a hall is programmed: big-format halls only get spectacle films, studios lean arthouse. */
export type DemoHallProfile = 'flagship' | 'imax' | 'vip' | 'general' | 'studio' | 'motion';

export interface DemoHallSpec {
  name: string;
  features: HallFeature[];
  priceTier: DemoPriceTier;
  profile: DemoHallProfile;
  /** Minutes between the end of a showtime and the next start, for cleaning. */
  cleaningMinutes: number;
  layout: () => HallLayout;
}

/**
 * The demo multiplex, in hall-number order. The first six are the default site; the rest are
 * variations used when a benchmark asks for more halls.
 */
export const DEMO_HALL_SPECS: readonly DemoHallSpec[] = [
  {
    name: 'Hall 1',
    features: ['dolby-atmos', 'laser'],
    priceTier: 'standard',
    profile: 'flagship',
    cleaningMinutes: 20,
    // 16 rows × (6 | 14 | 6) = 416 seats.
    layout: () =>
      threeBlockHallLayout({
        rows: 16,
        side: 6,
        centre: 14,
        crossAisleBefore: 7,
        premiumRows: [8, 11],
        accessibleRow: 15,
        technicianSeat: true,
      }),
  },
  {
    name: 'Hall 2 IMAX',
    features: ['imax', '3d', 'laser'],
    priceTier: 'imax',
    profile: 'imax',
    cleaningMinutes: 20,
    // 20, 22 … 34, then 34 × 5: 352 seats.
    layout: () =>
      curvedHallLayout({
        rows: 12,
        firstRowSeats: 20,
        growth: 2,
        maxRowSeats: 34,
        accessibleBackRow: true,
        blockedBackSeats: 2,
      }),
  },
  {
    name: 'Hall 3 VIP',
    features: ['dolby-atmos', 'laser'],
    priceTier: 'vip',
    profile: 'vip',
    cleaningMinutes: 20,
    // 4 rows of 6 recliner pairs + 2 rows of 6 loveseats = 72 seats.
    layout: () => vipHallLayout({ reclinerRows: 4, loveseatRows: 2, pairsPerRow: 6 }),
  },
  {
    name: 'Hall 4',
    features: ['3d', 'dolby-atmos'],
    priceTier: 'standard',
    profile: 'general',
    cleaningMinutes: 15,
    // 9 rows × (4 | 12 | 4) = 180 seats.
    layout: () =>
      threeBlockHallLayout({ rows: 9, side: 4, centre: 12, crossAisleBefore: 4, accessibleRow: 3 }),
  },
  {
    name: 'Hall 5',
    features: [],
    priceTier: 'standard',
    profile: 'general',
    cleaningMinutes: 15,
    // 10 rows × (7 | 7) + 6 loveseat pairs = 152 seats.
    layout: () =>
      centreAisleHallLayout({
        rows: 10,
        half: 7,
        accessibleFrontRow: true,
        loveseatBackRow: true,
        brokenSeat: [5, 3],
      }),
  },
  {
    name: 'Hall 6 Studio',
    features: [],
    priceTier: 'standard',
    profile: 'studio',
    cleaningMinutes: 15,
    // 7 rows × (4 | 4) = 56 seats.
    layout: () => studioHallLayout({ rows: 7, half: 4 }),
  },
  {
    name: 'Hall 7 Dolby',
    features: ['dolby-cinema', 'dolby-atmos', 'laser'],
    priceTier: 'standard',
    profile: 'flagship',
    cleaningMinutes: 20,
    // 14 rows × (5 | 14 | 5) = 336 seats.
    layout: () =>
      threeBlockHallLayout({
        rows: 14,
        side: 5,
        centre: 14,
        crossAisleBefore: 6,
        premiumRows: [7, 10],
        accessibleRow: 6,
        technicianSeat: true,
      }),
  },
  {
    name: 'Hall 8 4DX',
    features: ['4dx', '3d'],
    priceTier: 'standard',
    profile: 'motion',
    cleaningMinutes: 20,
    // 16, 18 … 26, then 26 × 3: 204 seats.
    layout: () =>
      curvedHallLayout({
        rows: 9,
        firstRowSeats: 16,
        growth: 2,
        maxRowSeats: 26,
        accessibleBackRow: true,
        blockedBackSeats: 0,
      }),
  },
  {
    name: 'Hall 9',
    features: ['3d'],
    priceTier: 'standard',
    profile: 'general',
    cleaningMinutes: 15,
    // 11 rows × (8 | 8) = 176 seats.
    layout: () =>
      centreAisleHallLayout({ rows: 11, half: 8, accessibleFrontRow: true, loveseatBackRow: false }),
  },
  {
    name: 'Hall 10',
    features: ['laser'],
    priceTier: 'standard',
    profile: 'general',
    cleaningMinutes: 15,
    // 10 rows × (4 | 12 | 4) = 200 seats.
    layout: () =>
      threeBlockHallLayout({ rows: 10, side: 4, centre: 12, crossAisleBefore: 5, accessibleRow: 4 }),
  },
  {
    name: 'Hall 11 VIP',
    features: ['dolby-atmos'],
    priceTier: 'vip',
    profile: 'vip',
    cleaningMinutes: 20,
    // 3 rows of 5 recliner pairs + 2 rows of 5 loveseats = 50 seats.
    layout: () => vipHallLayout({ reclinerRows: 3, loveseatRows: 2, pairsPerRow: 5 }),
  },
  {
    name: 'Hall 12 Studio',
    features: [],
    priceTier: 'standard',
    profile: 'studio',
    cleaningMinutes: 15,
    // 6 rows × (5 | 5) = 60 seats.
    layout: () => studioHallLayout({ rows: 6, half: 5 }),
  },
];
