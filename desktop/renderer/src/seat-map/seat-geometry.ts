/**
 * Where every seat of a hall layout is drawn, and how the keyboard moves between seats. Pure: the
 * SVG component and the tests share it. Units are SVG user units; at zoom 1 one unit is one CSS
 * pixel, and a seat's hit area is its whole cell (`SEAT_PITCH`), so the kiosk keeps touch targets
 * at least 44 px by never zooming below `KIOSK_MIN_SCALE`.
 */
import { layoutSeats, seatIndex } from '@marquee/shared';
import type { HallLayout, SeatId } from '@marquee/shared';
import type { SeatInfo } from '@marquee/shared';

/** Horizontal distance between neighbouring cells. */
export const SEAT_PITCH = 48;
/** Vertical distance between rows; a `spaceBefore` of 1 adds one more. */
export const ROW_PITCH = 52;
/** The drawn seat inside its cell. */
export const SEAT_SIZE = 40;
/** Room for row labels on both sides. */
export const LABEL_WIDTH = 44;
/** The screen arc and the space under it. */
export const SCREEN_DEPTH = 76;
export const BOTTOM_MARGIN = 16;

/** Touch screens: a cell never smaller than 44 CSS px (WCAG 2.5.5 target size). */
export const MIN_TOUCH_TARGET_PX = 44;
export const KIOSK_MIN_SCALE = MIN_TOUCH_TARGET_PX / SEAT_PITCH;
export const DESK_MIN_SCALE = 0.35;
export const MAX_SCALE = 2.5;

export interface PlacedSeat extends SeatInfo {
  /** Top-left corner of the seat's cell. */
  readonly x: number;
  readonly y: number;
  /** Centre of the cell. */
  readonly cx: number;
  readonly cy: number;
}

export interface PlacedRow {
  readonly label: string;
  readonly index: number;
  /** Top of the row's cells. */
  readonly y: number;
  /** Seats left to right. */
  readonly seats: readonly PlacedSeat[];
}

export interface SeatMapGeometry {
  readonly width: number;
  readonly height: number;
  readonly rows: readonly PlacedRow[];
  readonly seats: readonly PlacedSeat[];
  readonly byId: ReadonlyMap<SeatId, PlacedSeat>;
  /** The screen, drawn at the top: rows are ordered from the screen backwards. */
  readonly screen: { readonly x1: number; readonly x2: number; readonly y: number };
}

const cache = new WeakMap<HallLayout, SeatMapGeometry>();

export function seatMapGeometry(layout: HallLayout): SeatMapGeometry {
  const cached = cache.get(layout);
  if (cached !== undefined) return cached;

  const columns = Math.max(1, ...layout.rows.map((row) => row.cells.length));
  const width = LABEL_WIDTH * 2 + columns * SEAT_PITCH;
  const rowTops: number[] = [];
  let y = SCREEN_DEPTH;
  layout.rows.forEach((row) => {
    y += (row.spaceBefore ?? 0) * ROW_PITCH;
    rowTops.push(y);
    y += ROW_PITCH;
  });

  const seatsByRow = new Map<number, PlacedSeat[]>();
  const seats: PlacedSeat[] = [];
  const byId = new Map<SeatId, PlacedSeat>();
  for (const seat of layoutSeats(layout)) {
    const top = rowTops[seat.rowIndex] ?? SCREEN_DEPTH;
    const x = LABEL_WIDTH + seat.column * SEAT_PITCH;
    const placed: PlacedSeat = { ...seat, x, y: top, cx: x + SEAT_PITCH / 2, cy: top + ROW_PITCH / 2 };
    seats.push(placed);
    if (!byId.has(placed.id)) byId.set(placed.id, placed);
    const list = seatsByRow.get(seat.rowIndex) ?? [];
    list.push(placed);
    seatsByRow.set(seat.rowIndex, list);
  }
  const rows: PlacedRow[] = layout.rows.map((row, index) => ({
    label: row.label,
    index,
    y: rowTops[index] ?? SCREEN_DEPTH,
    seats: seatsByRow.get(index) ?? [],
  }));

  const geometry: SeatMapGeometry = {
    width,
    height: y + BOTTOM_MARGIN,
    rows,
    seats,
    byId,
    screen: { x1: LABEL_WIDTH + SEAT_PITCH, x2: width - LABEL_WIDTH - SEAT_PITCH, y: SCREEN_DEPTH / 2 },
  };
  cache.set(layout, geometry);
  return geometry;
}

export type SeatDirection = 'left' | 'right' | 'up' | 'down' | 'home' | 'end';

export const KEY_DIRECTIONS: Readonly<Record<string, SeatDirection>> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
  Home: 'home',
  End: 'end',
};

/**
 * The seat the keyboard moves to from `from`. Left and right step along the row across aisles;
 * up and down go to the nearest seat (by drawn position) of the next row that has seats, so a
 * staggered or fan-shaped hall still feels straight. Undefined at the edge of the hall.
 */
export function neighbourSeat(
  geometry: SeatMapGeometry,
  from: SeatId,
  direction: SeatDirection,
): PlacedSeat | undefined {
  const seat = geometry.byId.get(from);
  if (seat === undefined) return geometry.seats[0];
  const row = geometry.rows[seat.rowIndex];
  if (row === undefined) return undefined;
  const at = row.seats.findIndex((s) => s.id === seat.id);
  switch (direction) {
    case 'left':
      return row.seats[at - 1];
    case 'right':
      return row.seats[at + 1];
    case 'home':
      return row.seats[0];
    case 'end':
      return row.seats[row.seats.length - 1];
    case 'up':
    case 'down': {
      const step = direction === 'up' ? -1 : 1;
      for (let index = seat.rowIndex + step; index >= 0 && index < geometry.rows.length; index += step) {
        const candidates = geometry.rows[index]?.seats ?? [];
        if (candidates.length === 0) continue;
        let best = candidates[0];
        for (const candidate of candidates) {
          if (best === undefined || Math.abs(candidate.cx - seat.cx) < Math.abs(best.cx - seat.cx)) {
            best = candidate;
          }
        }
        return best;
      }
      return undefined;
    }
  }
}

/**
 * The zoom that shows the whole hall in the viewport, kept within [minScale, maxScale]. Below
 * `minScale` the hall does not fit and the viewport scrolls (pans) instead of shrinking seats
 * under the touch-target size.
 */
export function fitScale(
  content: { width: number; height: number },
  viewport: { width: number; height: number },
  minScale: number,
  maxScale = MAX_SCALE,
): number {
  if (viewport.width <= 0 || viewport.height <= 0) return Math.max(minScale, Math.min(1, maxScale));
  const scale = Math.min(viewport.width / content.width, viewport.height / content.height);
  return Math.min(maxScale, Math.max(minScale, scale));
}

/** One zoom step in or out (25 %), within the limits. */
export function zoomStep(
  scale: number,
  direction: 'in' | 'out',
  minScale: number,
  maxScale = MAX_SCALE,
): number {
  const next = direction === 'in' ? scale * 1.25 : scale / 1.25;
  return Math.min(maxScale, Math.max(minScale, next));
}

/** Seat ids front row first, left to right, as tickets and orders list them; unknown ids last. */
export function inLayoutOrder(layout: HallLayout, ids: Iterable<SeatId>): SeatId[] {
  const index = seatIndex(layout);
  const rank = (id: SeatId): number => {
    const seat = index.get(id);
    return seat === undefined ? Number.MAX_SAFE_INTEGER : seat.rowIndex * 10_000 + seat.column;
  };
  return [...ids].sort((a, b) => rank(a) - rank(b));
}
