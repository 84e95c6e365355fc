/**
 * Hall layouts for tests, written as row patterns so a test reads like the hall plan on the wall
 * (screen at the top, row A first). One character per cell, spaces ignored:
 *
 *   S standard   P premium   W wheelchair place   C companion seat
 *   L loveseat-left   R loveseat-right   X blocked standard seat   _ gap (aisle)
 *
 * Seats are numbered 1..n from the left, skipping gaps; rows are lettered A, B, C… skipping I
 * and O. Same notation (and parser) as the demo halls; the hall plans themselves are the tests' own.
 */
import type { HallLayout } from '../domain.ts';
import { ROW_LETTERS, rowFromPattern as demoRow, rowLabel } from '../demo/halls.ts';

export const TEST_ROW_LETTERS = ROW_LETTERS;
export const testRowLabel = rowLabel;

/** A row from a pattern (spaces ignored, for readability in tests). */
export function rowFromPattern(label: string, pattern: string) {
  return demoRow(label, { pattern: pattern.replaceAll(' ', '') });
}

/** A layout from row patterns, front row first. */
export function layoutFromPatterns(patterns: readonly string[], version = 1): HallLayout {
  return { version, rows: patterns.map((pattern, index) => rowFromPattern(rowLabel(index), pattern)) };
}

/** A plain block of standard seats without aisles: rows A, B, C… of seats 1..n. */
export function gridHall(rows: number, seatsPerRow: number): HallLayout {
  return layoutFromPatterns(Array.from({ length: rows }, () => 'S'.repeat(seatsPerRow)));
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

// --- integration-test halls (test/**) -------------------------------------------------------------

/**
 * A plain block of `rows` × `seatsPerRow` standard seats, no aisle and no accessible places: a
 * hall of its own for a server test, whose seats (A-1 … A-n, B-1 …) are easy to name.
 */
export function plainHall(rows: number, seatsPerRow: number): HallLayout {
  return layoutFromPatterns(Array.from({ length: rows }, () => 'S'.repeat(seatsPerRow)));
}
