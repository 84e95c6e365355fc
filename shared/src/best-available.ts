/**
 * Just over 400 lines: the row scorer and the split fallback share the sweet-spot cost model.
 *
 * "Best available": the seats a kiosk or cashier suggests for a party of n.
 *
 * A party sits together in one row when it can (no aisle between them), as near the sweet spot
 * as possible: the middle of the row, about two thirds of the way back from the screen. The
 * suggestion leaves no single empty seat when it can avoid it (the kiosk rule of
 * `validateSelection`), never splits a loveseat, and leaves wheelchair places and companion seats
 * alone unless asked for. When no row has room for the whole party it splits the party into as
 * few groups as possible, kept close to each other and to the sweet spot.
 *
 * Cost is linear in the seats for the usual case; the split fallback is a small knapsack over the
 * stretches of free seats, not a search over seat combinations.
 */
import type { HallLayout, SeatId, SeatKind } from './domain.ts';
import { seatBlocks } from './layout.ts';
import type { SeatBlock, SeatInfo } from './layout.ts';
import { canBeOrphaned } from './seat-map.ts';

export interface BestAvailableOptions {
  /**
   * Seat kinds that may be suggested; default standard, premium and loveseats (whole pairs only).
   * Wheelchair places and companion seats are suggested only when listed; a companion seat then
   * only together with its wheelchair place or next to one already taken. Listing either
   * loveseat half allows whole loveseats.
   */
  allowKinds?: readonly SeatKind[];
  /** Prefer suggestions that leave no single empty seat; default true. */
  avoidOrphans?: boolean;
}

const DEFAULT_KINDS: readonly SeatKind[] = ['standard', 'premium', 'loveseat-left', 'loveseat-right'];

/** Depth of a row step in seat widths: a row is about one and a half seats deep. */
const ROW_DEPTH = 1.5;
/** The sweet spot's distance from the screen, as a fraction of the hall's depth. */
const SWEET_SPOT_DEPTH = 2 / 3;
/** Cost, in seat widths, of a single seat left empty where it cannot be helped. */
const UNAVOIDABLE_ORPHAN_COST = 3;
/** Weight of a group's distance from the rest of its party when the party is split. */
const COHESION_WEIGHT = 1;
/** Stretches tried as the centre of a split party; the best few by position are enough. */
const MAX_ANCHORS = 6;

interface Frame {
  /** Horizontal centre of each row's seats, in columns. */
  rowCentre: readonly number[];
  targetRow: number;
}

const frameCache = new WeakMap<HallLayout, Frame>();

function frameOf(layout: HallLayout): Frame {
  const cached = frameCache.get(layout);
  if (cached !== undefined) return cached;
  const rowCentre = layout.rows.map((row) => {
    let first = -1;
    let last = -1;
    row.cells.forEach((cell, column) => {
      if (cell.type !== 'seat') return;
      if (first < 0) first = column;
      last = column;
    });
    return first < 0 ? 0 : (first + last) / 2;
  });
  const frame: Frame = { rowCentre, targetRow: (layout.rows.length - 1) * SWEET_SPOT_DEPTH };
  frameCache.set(layout, frame);
  return frame;
}

/**
 * Seats of one block that were open (not blocked, not unavailable) as one stretch. At most one
 * group of a party goes into a stretch: two groups in one stretch would either fit as one group
 * or strand seats between them.
 */
interface Stretch {
  seats: readonly SeatInfo[];
  open: Uint8Array;
  /** [start, end] (inclusive) of the open stretch in `seats`. */
  start: number;
  end: number;
  /** Runs of suggestible seats inside the stretch, as inclusive [start, end] pairs. */
  runs: number[];
  longestRun: number;
  rowIndex: number;
}

interface Window {
  stretch: Stretch;
  start: number;
  size: number;
  /** Single seats it strands that could have been avoided. */
  hard: number;
  /** Distance from the sweet spot in seat widths, times the seats, plus a charge per stranded seat. */
  soft: number;
  /** Offset from the row centre and from the sweet-spot row, in seat widths. */
  x: number;
  y: number;
}

/**
 * Suggests `count` seats, or null when the free suggestible seats cannot seat the party (fewer
 * than `count`, or only in ways that would split a loveseat). `unavailable` holds every seat
 * that is taken; seats blocked in the layout are never suggested either. The seats come in
 * layout order.
 */
export function bestAvailable(
  layout: HallLayout,
  unavailable: ReadonlySet<SeatId>,
  count: number,
  opts: BestAvailableOptions = {},
): SeatId[] | null {
  if (!Number.isInteger(count) || count < 1) return null;
  const avoidOrphans = opts.avoidOrphans ?? true;
  const allowed = new Set<SeatKind>(opts.allowKinds ?? DEFAULT_KINDS);
  if (allowed.has('loveseat-left') || allowed.has('loveseat-right')) {
    allowed.add('loveseat-left');
    allowed.add('loveseat-right');
  }
  const frame = frameOf(layout);

  const stretches: Stretch[] = [];
  let suggestible = 0;
  for (const block of seatBlocks(layout))
    suggestible += collectStretches(block, unavailable, allowed, stretches);
  if (suggestible < count) return null;

  const evaluate = (stretch: Stretch, start: number, size: number): Window | null =>
    evaluateWindow(stretch, start, size, frame, allowed.has('companion'), avoidOrphans);

  // The usual case: the whole party in one row.
  let single: Window | null = null;
  for (const stretch of stretches) {
    if (stretch.longestRun < count) continue;
    const window = bestWindow(stretch, count, evaluate);
    if (window !== null && (single === null || isBetter(window, single))) single = window;
  }
  if (single !== null && single.hard === 0) return seatIdsOf([single]);

  const split = splitParty(stretches, count, evaluate);
  const chosen = split === null || (single !== null && single.hard <= split.hard) ? single : split.windows;
  if (chosen === null) return null;
  return seatIdsOf(Array.isArray(chosen) ? chosen : [chosen]);
}

/** Adds the block's open stretches that hold suggestible seats; returns how many seats that is. */
function collectStretches(
  block: SeatBlock,
  unavailable: ReadonlySet<SeatId>,
  allowed: ReadonlySet<SeatKind>,
  out: Stretch[],
): number {
  const seats = block.seats;
  const n = seats.length;
  const open = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const seat = seats[i] as SeatInfo;
    open[i] = !seat.blocked && !unavailable.has(seat.id) ? 1 : 0;
  }
  const usable = (i: number): boolean => {
    const seat = seats[i] as SeatInfo;
    if (open[i] !== 1 || !allowed.has(seat.kind)) return false;
    // A loveseat half is suggestible only with its partner free beside it.
    if (seat.kind === 'loveseat-left') return seats[i + 1]?.kind === 'loveseat-right' && open[i + 1] === 1;
    if (seat.kind === 'loveseat-right') return seats[i - 1]?.kind === 'loveseat-left' && open[i - 1] === 1;
    return true;
  };

  let total = 0;
  let i = 0;
  while (i < n) {
    if (open[i] !== 1) {
      i += 1;
      continue;
    }
    const start = i;
    while (i < n && open[i] === 1) i += 1;
    const end = i - 1;
    const runs: number[] = [];
    let longestRun = 0;
    let j = start;
    while (j <= end) {
      if (!usable(j)) {
        j += 1;
        continue;
      }
      const runStart = j;
      while (j <= end && usable(j)) j += 1;
      runs.push(runStart, j - 1);
      longestRun = Math.max(longestRun, j - runStart);
      total += j - runStart;
    }
    if (runs.length > 0) out.push({ seats, open, start, end, runs, longestRun, rowIndex: block.rowIndex });
  }
  return total;
}

function isBetter(a: Window, b: Window): boolean {
  return a.hard < b.hard || (a.hard === b.hard && a.soft < b.soft);
}

/** The best window of `size` seats in the stretch, or null when none fits. */
function bestWindow(
  stretch: Stretch,
  size: number,
  evaluate: (stretch: Stretch, start: number, size: number) => Window | null,
): Window | null {
  let best: Window | null = null;
  const { runs } = stretch;
  for (let r = 0; r < runs.length; r += 2) {
    const runStart = runs[r] as number;
    const runEnd = runs[r + 1] as number;
    for (let s = runStart; s + size - 1 <= runEnd; s++) {
      const window = evaluate(stretch, s, size);
      if (window !== null && (best === null || isBetter(window, best))) best = window;
    }
  }
  return best;
}

function evaluateWindow(
  stretch: Stretch,
  start: number,
  size: number,
  frame: Frame,
  checkCompanions: boolean,
  avoidOrphans: boolean,
): Window | null {
  const { seats, open } = stretch;
  const end = start + size - 1;
  const first = seats[start] as SeatInfo;
  const last = seats[end] as SeatInfo;
  if (first.kind === 'loveseat-right' || last.kind === 'loveseat-left') return null;

  if (checkCompanions) {
    for (let i = start; i <= end; i++) {
      if ((seats[i] as SeatInfo).kind !== 'companion') continue;
      const withWheelchair = [i - 1, i + 1].some((j) => {
        const neighbour = seats[j];
        if (neighbour?.kind !== 'wheelchair') return false;
        return (j >= start && j <= end) || (open[j] !== 1 && !neighbour.blocked);
      });
      if (!withWheelchair) return null;
    }
  }

  // Seats stranded next to the window. The window's own seats were open, so a stranded
  // neighbour was not stranded before: this choice did it.
  let orphans = 0;
  const strands = (i: number, beyond: number): boolean => {
    const seat = seats[i];
    return (
      seat !== undefined &&
      open[i] === 1 &&
      canBeOrphaned(seat.kind) &&
      (seats[beyond] === undefined || open[beyond] !== 1)
    );
  };
  if (strands(start - 1, start - 2)) orphans += 1;
  if (strands(end + 1, end + 2)) orphans += 1;
  const stretchSize = stretch.end - stretch.start + 1;
  const unavoidable = stretchSize - size === 1;

  const x = (first.column + last.column) / 2 - (frame.rowCentre[stretch.rowIndex] ?? 0);
  const y = ROW_DEPTH * (stretch.rowIndex - frame.targetRow);
  const hard = avoidOrphans && !unavoidable ? orphans : 0;
  const soft = size * Math.hypot(x, y) + (avoidOrphans ? orphans * UNAVOIDABLE_ORPHAN_COST : 0);
  return { stretch, start, size, hard, soft, x, y };
}

interface Split {
  windows: Window[];
  hard: number;
}

/**
 * The party in as few groups as possible, one group per stretch: a knapsack over stretches where
 * each stretch offers its best window of every size. It is solved once per anchor (a well-placed
 * stretch that must take part), charging every other group its distance from the anchor, so the
 * groups sit together rather than scattered around the sweet spot. Avoidable orphans outrank
 * the number of groups, which outranks position.
 */
function splitParty(
  stretches: readonly Stretch[],
  count: number,
  evaluate: (stretch: Stretch, start: number, size: number) => Window | null,
): Split | null {
  const width = count + 1;
  // options[i * width + k]: the best window of k seats in stretch i.
  const options: (Window | null)[] = new Array<Window | null>(stretches.length * width).fill(null);
  const anchorOrder: { index: number; soft: number }[] = [];
  stretches.forEach((stretch, index) => {
    const maxSize = Math.min(stretch.longestRun, count);
    for (let size = 1; size <= maxSize; size++)
      options[index * width + size] = bestWindow(stretch, size, evaluate);
    for (let size = maxSize; size >= 1; size--) {
      const window = options[index * width + size];
      if (window !== null && window !== undefined) {
        anchorOrder.push({ index, soft: window.soft / window.size });
        break;
      }
    }
  });
  anchorOrder.sort((a, b) => a.soft - b.soft);

  let best: { hard: number; groups: number; soft: number; windows: Window[] } | null = null;
  for (const { index: anchor } of anchorOrder.slice(0, MAX_ANCHORS)) {
    const result = solveAround(anchor, stretches.length, count, options);
    if (result === null) continue;
    if (
      best === null ||
      result.hard < best.hard ||
      (result.hard === best.hard &&
        (result.groups < best.groups || (result.groups === best.groups && result.soft < best.soft)))
    ) {
      best = result;
    }
  }
  return best === null ? null : { windows: best.windows, hard: best.hard };
}

function solveAround(
  anchor: number,
  stretchCount: number,
  count: number,
  options: readonly (Window | null)[],
): { hard: number; groups: number; soft: number; windows: Window[] } | null {
  const width = count + 1;
  let anchorPoint: Window | null = null;
  for (let size = count; size >= 1 && anchorPoint === null; size--)
    anchorPoint = options[anchor * width + size] ?? null;
  if (anchorPoint === null) return null;
  const ax = anchorPoint.x;
  const ay = anchorPoint.y;

  const hard = new Float64Array(width).fill(Infinity);
  const groups = new Float64Array(width).fill(Infinity);
  const soft = new Float64Array(width).fill(Infinity);
  // choice[step * width + j]: seats the step's stretch took when j seats were placed after it.
  const order = [anchor, ...Array.from({ length: stretchCount }, (_, i) => i).filter((i) => i !== anchor)];
  const choice = new Int32Array(order.length * width);
  hard[0] = 0;
  groups[0] = 0;
  soft[0] = 0;

  // Cost of each group size in the current stretch, hoisted out of the knapsack's inner loop.
  const sizeHard = new Float64Array(width);
  const sizeSoft = new Float64Array(width);
  order.forEach((stretchIndex, step) => {
    const cohesion = step === 0 ? 0 : COHESION_WEIGHT;
    let maxSize = 0;
    for (let size = 1; size <= count; size++) {
      const window = options[stretchIndex * width + size];
      if (window === null || window === undefined) {
        sizeHard[size] = Infinity;
        continue;
      }
      maxSize = size;
      sizeHard[size] = window.hard;
      sizeSoft[size] = window.soft + cohesion * size * Math.hypot(window.x - ax, window.y - ay);
    }
    for (let j = count; j >= 1; j--) {
      for (let size = 1; size <= j && size <= maxSize; size++) {
        const from = j - size;
        const h = (hard[from] as number) + (sizeHard[size] as number);
        if (h === Infinity) continue;
        const g = (groups[from] as number) + 1;
        const s = (soft[from] as number) + (sizeSoft[size] as number);
        const currentHard = hard[j] as number;
        const currentGroups = groups[j] as number;
        if (
          h < currentHard ||
          (h === currentHard && (g < currentGroups || (g === currentGroups && s < (soft[j] as number))))
        ) {
          hard[j] = h;
          groups[j] = g;
          soft[j] = s;
          choice[step * width + j] = size;
        }
      }
    }
    // The anchor must take part: drop the way of placing nothing that skips it.
    if (step === 0) {
      hard[0] = Infinity;
      groups[0] = Infinity;
      soft[0] = Infinity;
    }
  });
  if ((hard[count] as number) === Infinity) return null;

  // Walk the steps backwards: a step whose choice at j is 0 left the best way to place j seats
  // as it found it.
  const windows: Window[] = [];
  let j = count;
  for (let step = order.length - 1; step >= 0 && j > 0; step--) {
    const size = choice[step * width + j] as number;
    if (size === 0) continue;
    const window = options[(order[step] as number) * width + size];
    if (window === null || window === undefined) continue;
    windows.push(window);
    j -= size;
  }
  if (j !== 0) return null;
  return {
    hard: hard[count] as number,
    groups: groups[count] as number,
    soft: soft[count] as number,
    windows,
  };
}

function seatIdsOf(windows: readonly Window[]): SeatId[] {
  const seats: SeatInfo[] = [];
  for (const window of windows) {
    for (let i = window.start; i < window.start + window.size; i++)
      seats.push(window.stretch.seats[i] as SeatInfo);
  }
  seats.sort((a, b) => a.rowIndex - b.rowIndex || a.column - b.column);
  return seats.map((seat) => seat.id);
}
