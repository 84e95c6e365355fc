/**
 * Seat-layout geometry: which seats a hall has, where they sit, which ones touch, and whether a
 * layout is structurally sound. Seat maps, selection rules and best-available build on this.
 *
 * Layouts are treated as immutable documents: derived geometry is cached per layout object, so
 * a layout must not be mutated after it has been looked at (build a new object instead).
 */
import { HallLayout, seatIdOf } from './domain.ts';
import type { SeatId, SeatKind } from './domain.ts';
import { fail, ok } from './errors.ts';
import type { Result } from './errors.ts';

export interface SeatInfo {
  readonly id: SeatId;
  readonly row: string;
  readonly label: string;
  readonly kind: SeatKind;
  /** Permanently out of sale in the layout. */
  readonly blocked: boolean;
  /** 0 = the row nearest the screen. */
  readonly rowIndex: number;
  /** Index of the seat's cell in its row, gaps included. */
  readonly column: number;
}

/**
 * A run of seats in one row with no gap between them: people in one block can sit together,
 * across an aisle they cannot.
 */
export interface SeatBlock {
  readonly rowIndex: number;
  readonly row: string;
  /** Left to right. */
  readonly seats: readonly SeatInfo[];
}

export interface SeatPlacement {
  readonly block: SeatBlock;
  /** Position of the seat inside `block.seats`. */
  readonly index: number;
}

interface Geometry {
  seats: readonly SeatInfo[];
  byId: ReadonlyMap<SeatId, SeatInfo>;
  blocks: readonly SeatBlock[];
  placement: ReadonlyMap<SeatId, SeatPlacement>;
}

// Seat maps, selection checks and best-available all ask for geometry many times per second on
// the same layout object; deriving it once per object keeps those paths linear in the seats.
const geometryCache = new WeakMap<HallLayout, Geometry>();

function geometryOf(layout: HallLayout): Geometry {
  const cached = geometryCache.get(layout);
  if (cached !== undefined) return cached;

  const seats: SeatInfo[] = [];
  const byId = new Map<SeatId, SeatInfo>();
  const blocks: SeatBlock[] = [];
  const placement = new Map<SeatId, SeatPlacement>();

  layout.rows.forEach((row, rowIndex) => {
    let current: SeatInfo[] = [];
    const closeBlock = (): void => {
      if (current.length === 0) return;
      const block: SeatBlock = { rowIndex, row: row.label, seats: current };
      blocks.push(block);
      current.forEach((seat, index) => placement.set(seat.id, { block, index }));
      current = [];
    };
    row.cells.forEach((cell, column) => {
      if (cell.type === 'gap') {
        closeBlock();
        return;
      }
      const seat: SeatInfo = {
        id: seatIdOf(row.label, cell.label),
        row: row.label,
        label: cell.label,
        kind: cell.kind,
        blocked: cell.blocked === true,
        rowIndex,
        column,
      };
      seats.push(seat);
      // A structurally invalid layout may repeat an id; the first occurrence wins everywhere.
      if (!byId.has(seat.id)) byId.set(seat.id, seat);
      current.push(seat);
    });
    closeBlock();
  });

  const geometry: Geometry = { seats, byId, blocks, placement };
  geometryCache.set(layout, geometry);
  return geometry;
}

/** Every seat of the layout, row by row from the screen backwards, left to right. */
export function layoutSeats(layout: HallLayout): readonly SeatInfo[] {
  return geometryOf(layout).seats;
}

export function seatIndex(layout: HallLayout): ReadonlyMap<SeatId, SeatInfo> {
  return geometryOf(layout).byId;
}

/** Contiguous seat blocks, row by row from the screen backwards, left to right. */
export function seatBlocks(layout: HallLayout): readonly SeatBlock[] {
  return geometryOf(layout).blocks;
}

export function seatPlacement(layout: HallLayout, seatId: SeatId): SeatPlacement | undefined {
  return geometryOf(layout).placement.get(seatId);
}

/** Seats that can be sold: every seat not blocked in the layout. */
export function capacity(layout: HallLayout): number {
  let count = 0;
  for (const seat of geometryOf(layout).seats) if (!seat.blocked) count += 1;
  return count;
}

/** Same row, neighbouring cells: a gap cell (aisle, pillar) between two seats breaks adjacency. */
export function areAdjacent(layout: HallLayout, a: SeatId, b: SeatId): boolean {
  const index = geometryOf(layout).byId;
  const first = index.get(a);
  const second = index.get(b);
  if (first === undefined || second === undefined) return false;
  return first.rowIndex === second.rowIndex && Math.abs(first.column - second.column) === 1;
}

export interface SeatNeighbours {
  readonly left: SeatInfo | undefined;
  readonly right: SeatInfo | undefined;
}

/** The adjacent seats on either side; undefined at a row end, an aisle, or for an unknown seat. */
export function seatNeighbours(layout: HallLayout, seatId: SeatId): SeatNeighbours {
  const place = geometryOf(layout).placement.get(seatId);
  if (place === undefined) return { left: undefined, right: undefined };
  return { left: place.block.seats[place.index - 1], right: place.block.seats[place.index + 1] };
}

/** The other half of a loveseat; undefined for any other seat. */
export function loveseatPartner(layout: HallLayout, seatId: SeatId): SeatInfo | undefined {
  const seat = geometryOf(layout).byId.get(seatId);
  if (seat === undefined) return undefined;
  const { left, right } = seatNeighbours(layout, seatId);
  if (seat.kind === 'loveseat-left') return right?.kind === 'loveseat-right' ? right : undefined;
  if (seat.kind === 'loveseat-right') return left?.kind === 'loveseat-left' ? left : undefined;
  return undefined;
}

export const LAYOUT_RULES = [
  'duplicate_row',
  'duplicate_seat',
  'no_seats',
  'loveseat_pair',
  'companion_without_wheelchair',
] as const;
export type LayoutRule = (typeof LAYOUT_RULES)[number];

export interface LayoutProblem {
  rule: LayoutRule;
  row?: string;
  seat?: string;
  message: string;
}

// Enough for an editor to show every mistake of a hand-written layout, small enough for an error.
const MAX_REPORTED_PROBLEMS = 50;

/**
 * Parses a layout and checks the rules the schema cannot express. The error's details describe
 * the first problem (`rule`, `row`, `seat`) and list all of them in `problems`, so a layout editor
 * can mark every mistake at once.
 */
export function validateLayout(input: unknown): Result<HallLayout> {
  const parsed = HallLayout.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, MAX_REPORTED_PROBLEMS).map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    const first = issues[0] ?? { path: '', message: 'invalid layout' };
    return fail('validation_failed', `layout: ${first.path || '(root)'}: ${first.message}`, {
      path: first.path,
      issues,
    });
  }
  const layout = parsed.data;
  const problems = layoutProblems(layout);
  const first = problems[0];
  if (first === undefined) return ok(layout);
  const { message, ...where } = first;
  return fail('validation_failed', message, {
    ...where,
    problems: problems.slice(0, MAX_REPORTED_PROBLEMS),
  });
}

function layoutProblems(layout: HallLayout): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  const rowLabels = new Set<string>();
  let seatCount = 0;

  for (const row of layout.rows) {
    if (rowLabels.has(row.label)) {
      problems.push({ rule: 'duplicate_row', row: row.label, message: `row ${row.label} appears twice` });
    }
    rowLabels.add(row.label);

    const seatLabels = new Set<string>();
    row.cells.forEach((cell, column) => {
      if (cell.type === 'gap') return;
      seatCount += 1;
      const at = { row: row.label, seat: cell.label };
      const name = `row ${row.label} seat ${cell.label}`;
      if (seatLabels.has(cell.label)) {
        problems.push({ rule: 'duplicate_seat', ...at, message: `${name} appears twice` });
      }
      seatLabels.add(cell.label);

      const before = row.cells[column - 1];
      const after = row.cells[column + 1];
      if (cell.kind === 'loveseat-left') {
        if (after?.type !== 'seat' || after.kind !== 'loveseat-right') {
          problems.push({
            rule: 'loveseat_pair',
            ...at,
            message: `${name}: a loveseat-left must be directly followed by a loveseat-right`,
          });
        } else if ((after.blocked === true) !== (cell.blocked === true)) {
          // A half that can never be sold alone would sit empty forever.
          problems.push({
            rule: 'loveseat_pair',
            ...at,
            message: `${name}: both halves of a loveseat must be blocked together`,
          });
        }
      }
      if (cell.kind === 'loveseat-right' && (before?.type !== 'seat' || before.kind !== 'loveseat-left')) {
        problems.push({
          rule: 'loveseat_pair',
          ...at,
          message: `${name}: a loveseat-right must directly follow a loveseat-left`,
        });
      }
      if (cell.kind === 'companion') {
        const nextToWheelchair = [before, after].some(
          (neighbour) => neighbour?.type === 'seat' && neighbour.kind === 'wheelchair',
        );
        if (!nextToWheelchair) {
          problems.push({
            rule: 'companion_without_wheelchair',
            ...at,
            message: `${name}: a companion seat must be directly next to a wheelchair place`,
          });
        }
      }
    });
  }

  if (seatCount === 0) problems.push({ rule: 'no_seats', message: 'the layout has no seats' });
  return problems;
}
