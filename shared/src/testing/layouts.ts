/**
 * Hall layouts for tests, written as row patterns so a test reads like the hall plan on the wall
 * (screen at the top, row A first). One character per cell, spaces ignored:
 *
 *   S standard   P premium   W wheelchair place   C companion seat
 *   L loveseat-left   R loveseat-right   X blocked standard seat   _ gap (aisle)
 *
 * Seats are numbered 1..n from the left, skipping gaps; rows are lettered A, B, C… skipping I
 * and O. Same notation as the demo halls, kept separate so tests do not move when demo data does.
 */
import type { HallLayout, LayoutCell, LayoutRow, SeatKind } from '../domain.ts';

export const TEST_ROW_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

const KIND_OF_CODE: Readonly<Record<string, SeatKind>> = {
  S: 'standard',
  P: 'premium',
  W: 'wheelchair',
  C: 'companion',
  L: 'loveseat-left',
  R: 'loveseat-right',
  X: 'standard',
};

export function testRowLabel(index: number): string {
  const letter = TEST_ROW_LETTERS.charAt(index);
  if (letter === '') throw new RangeError(`test halls have at most ${TEST_ROW_LETTERS.length} rows`);
  return letter;
}

export function rowFromPattern(label: string, pattern: string): LayoutRow {
  const cells: LayoutCell[] = [];
  let seatNumber = 0;
  for (const code of pattern.replaceAll(' ', '')) {
    if (code === '_') {
      cells.push({ type: 'gap' });
      continue;
    }
    const kind = KIND_OF_CODE[code];
    if (kind === undefined) throw new RangeError(`unknown cell code '${code}' in row ${label}`);
    seatNumber += 1;
    cells.push(
      code === 'X'
        ? { type: 'seat', label: String(seatNumber), kind, blocked: true }
        : { type: 'seat', label: String(seatNumber), kind },
    );
  }
  return { label, cells };
}

/** A layout from row patterns, front row first. */
export function layoutFromPatterns(patterns: readonly string[], version = 1): HallLayout {
  return { version, rows: patterns.map((pattern, index) => rowFromPattern(testRowLabel(index), pattern)) };
}

const SIDE = 'SSSSSS';
const CENTRE = 'SSSSSSSSSSSS';

/**
 * The main hall: 14 rows A–P of 6 | 12 | 6 seats (336 seats) with two aisles. Row A has a
 * wheelchair place and its companion seat at each outer end.
 */
export function mainHall(): HallLayout {
  const rows = [`WCSSSS_${CENTRE}_SSSSCW`];
  for (let i = 1; i < 14; i++) rows.push(`${SIDE}_${CENTRE}_${SIDE}`);
  return layoutFromPatterns(rows);
}

/**
 * A premium hall: three standard rows (4 | 8 | 4), three premium rows (3 | 6 | 3) and two rows of
 * loveseats (2 | 4 | 2 pairs). The back row has wheelchair places with companions at the walls.
 */
export function premiumHall(): HallLayout {
  return layoutFromPatterns([
    'SSSS_SSSSSSSS_SSSS',
    'SSSS_SSSSSSSS_SSSS',
    'SSSS_SSSSSSSS_SSSS',
    'PPP_PPPPPP_PPP',
    'PPP_PPPPPP_PPP',
    'PPP_PPPPPP_PPP',
    'LRLR_LRLRLRLR_LRLR',
    'WC_LRLRLRLR_CW',
  ]);
}

/** A 60-seat studio: six rows of ten without an aisle; the back row has two wheelchair places. */
export function smallHall(): HallLayout {
  return layoutFromPatterns([
    'SSSSSSSSSS',
    'SSSSSSSSSS',
    'SSSSSSSSSS',
    'SSSSSSSSSS',
    'SSSSSSSSSS',
    'WCSSSSSSCW',
  ]);
}

/** A 400-seat hall: 16 rows of 6 | 13 | 6, for timing and larger random states. */
export function largeHall(): HallLayout {
  const rows: string[] = [];
  for (let i = 0; i < 16; i++) rows.push(`${SIDE}_SSSSSSSSSSSSS_${SIDE}`);
  return layoutFromPatterns(rows);
}
