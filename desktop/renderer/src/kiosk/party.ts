/**
 * A kiosk party: how many tickets of each type, and which seat gets which type. Types are given
 * to seats in layout order (front row first, left to right) in the order the cinema lists its
 * ticket types, so the same choice always prices the same way.
 */
import type { SeatId } from '@marquee/shared';

/** Tickets wanted per ticket type id. */
export type PartyCounts = Readonly<Record<string, number>>;

export function partySize(counts: PartyCounts): number {
  let size = 0;
  for (const count of Object.values(counts)) size += count;
  return size;
}

/** `counts` with one more (or one fewer) of a type, never below zero or above `limit` in total. */
export function changeCount(counts: PartyCounts, typeId: string, delta: 1 | -1, limit: number): PartyCounts {
  const current = counts[typeId] ?? 0;
  const next = current + delta;
  if (next < 0 || (delta > 0 && partySize(counts) >= limit)) return counts;
  return { ...counts, [typeId]: next };
}

export interface SaleLineDraft {
  seatId: SeatId;
  ticketTypeId: string;
}

/**
 * Order lines for `seatIds` (already in layout order). Returns undefined when the number of
 * seats and the party differ: the caller must not sell a partly typed order.
 */
export function assignTicketTypes(
  seatIds: readonly SeatId[],
  counts: PartyCounts,
  typeOrder: readonly string[],
): SaleLineDraft[] | undefined {
  if (seatIds.length !== partySize(counts)) return undefined;
  const types: string[] = [];
  for (const typeId of typeOrder) for (let i = 0; i < (counts[typeId] ?? 0); i++) types.push(typeId);
  // Types in `counts` but missing from `typeOrder` still get their seats, after the listed ones.
  for (const [typeId, count] of Object.entries(counts)) {
    if (!typeOrder.includes(typeId)) for (let i = 0; i < count; i++) types.push(typeId);
  }
  return seatIds.map((seatId, i) => ({ seatId, ticketTypeId: types[i] ?? '' }));
}
