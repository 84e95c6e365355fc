/**
 * The state of a showtime's seats, and the rules a seat selection must pass before a hold is
 * asked for: every terminal and the server apply the same rules, so a kiosk never offers a
 * choice the server refuses.
 */
import type {
  ClaimState,
  HallLayout,
  SeatClaim,
  SeatId,
  SeatKind,
  SeatState,
  TerminalProfile,
} from './domain.ts';
import { fail, ok } from './errors.ts';
import type { Result } from './errors.ts';
import { layoutSeats, loveseatPartner, seatIndex, seatNeighbours, seatPlacement } from './layout.ts';
import type { SeatInfo } from './layout.ts';

/** Seats per order a kiosk sells unless configured otherwise. */
export const DEFAULT_KIOSK_SEAT_LIMIT = 10;

function isExpired(claim: SeatClaim, now: number): boolean {
  if (claim.state !== 'held' && claim.state !== 'leased') return false;
  if (claim.expiresAt === undefined) return false;
  const expiresAt = Date.parse(claim.expiresAt);
  // An unreadable expiry keeps the seat taken: wrongly freeing a seat can sell it twice.
  return !Number.isNaN(expiresAt) && expiresAt <= now;
}

/** Claims still in force at `now` (epoch ms): holds and leases past their expiry free their seat. */
export function activeClaims(claims: readonly SeatClaim[], now: number): SeatClaim[] {
  return claims.filter((claim) => !isExpired(claim, now));
}

// When replicas briefly disagree a seat can carry two claims; the one that matters most wins.
const CLAIM_PRIORITY: Readonly<Record<ClaimState, number>> = { sold: 4, blocked: 3, leased: 2, held: 1 };

/** The claim in force for each seat of the layout; claims for seats the layout lacks are ignored. */
function claimBySeat(layout: HallLayout, claims: readonly SeatClaim[], now: number): Map<SeatId, SeatClaim> {
  const index = seatIndex(layout);
  const bySeat = new Map<SeatId, SeatClaim>();
  for (const claim of claims) {
    if (!index.has(claim.seatId) || isExpired(claim, now)) continue;
    const current = bySeat.get(claim.seatId);
    if (current === undefined || CLAIM_PRIORITY[claim.state] > CLAIM_PRIORITY[current.state]) {
      bySeat.set(claim.seatId, claim);
    }
  }
  return bySeat;
}

/** The state of every seat of the layout at `now`. */
export function seatStates(
  layout: HallLayout,
  claims: readonly SeatClaim[],
  now: number,
): Map<SeatId, SeatState> {
  const bySeat = claimBySeat(layout, claims, now);
  const states = new Map<SeatId, SeatState>();
  for (const seat of layoutSeats(layout)) {
    if (states.has(seat.id)) continue;
    states.set(seat.id, seat.blocked ? 'blocked' : (bySeat.get(seat.id)?.state ?? 'free'));
  }
  return states;
}

function isOwnClaim(claim: SeatClaim, ownerId: string | undefined): boolean {
  return (
    ownerId !== undefined && claim.ownerId === ownerId && (claim.state === 'held' || claim.state === 'leased')
  );
}

/**
 * Seats nobody else may take at `now`: blocked in the layout or claimed. Seats held or leased
 * by `ownClaimOwnerId` are left out, so a terminal can re-plan within its own hold or lease.
 * This is the `unavailable` set {@link bestAvailable} wants.
 */
export function unavailableSeats(
  layout: HallLayout,
  claims: readonly SeatClaim[],
  now: number,
  ownClaimOwnerId?: string,
): Set<SeatId> {
  const unavailable = new Set<SeatId>();
  for (const seat of layoutSeats(layout)) if (seat.blocked) unavailable.add(seat.id);
  for (const [seatId, claim] of claimBySeat(layout, claims, now)) {
    if (!isOwnClaim(claim, ownClaimOwnerId)) unavailable.add(seatId);
  }
  return unavailable;
}

export const SELECTION_RULES = [
  'empty_selection',
  'duplicate_seat',
  'unknown_seat',
  'seat_limit',
  'loveseat_pair',
  'companion_requires_wheelchair',
  'orphan_seat',
] as const;
export type SelectionRule = (typeof SELECTION_RULES)[number];

export interface SelectionOptions {
  /** Epoch milliseconds. */
  now: number;
  profile: TerminalProfile;
  /** Seats per selection; kiosks default to {@link DEFAULT_KIOSK_SEAT_LIMIT}, staff have none. */
  maxSeats?: number;
  /**
   * Owner (hold or lease id) whose held or leased seats count as selectable: the selection
   * replaces that owner's claim, so its seats that are not selected again count as free.
   */
  ownClaimOwnerId?: string;
}

// Only ordinary seats count as orphans: a lone wheelchair place or companion seat is the normal
// state of accessible seating, and loveseat halves are never sold alone.
const ORPHAN_KINDS: ReadonlySet<SeatKind> = new Set<SeatKind>(['standard', 'premium']);

export function canBeOrphaned(kind: SeatKind): boolean {
  return ORPHAN_KINDS.has(kind);
}

/**
 * Checks a customer's or cashier's seat choice. On success the value is the selection in
 * layout order (row from the screen backwards, left to right).
 *
 * Every profile: the seats exist, are distinct, are free (or the caller's own), and loveseats go
 * in pairs (staff may sell the remaining half of a pair whose other half is already taken).
 * Kiosks also enforce the seat limit, keep companion seats for wheelchair users' companions and
 * refuse selections that strand a single seat; the box office may override those.
 */
export function validateSelection(
  layout: HallLayout,
  claims: readonly SeatClaim[],
  seatIds: readonly SeatId[],
  opts: SelectionOptions,
): Result<SeatId[]> {
  const kiosk = opts.profile === 'kiosk';
  if (seatIds.length === 0) {
    return fail('validation_failed', 'choose at least one seat', { rule: 'empty_selection' });
  }

  const seen = new Set<SeatId>();
  const duplicates = new Set<SeatId>();
  for (const id of seatIds) (seen.has(id) ? duplicates : seen).add(id);
  if (duplicates.size > 0) {
    return fail('validation_failed', `seats chosen twice: ${[...duplicates].join(', ')}`, {
      rule: 'duplicate_seat',
      seatIds: [...duplicates],
    });
  }

  const index = seatIndex(layout);
  const unknown = seatIds.filter((id) => !index.has(id));
  if (unknown.length > 0) {
    return fail('validation_failed', `no such seats in this hall: ${unknown.join(', ')}`, {
      rule: 'unknown_seat',
      seatIds: unknown,
    });
  }
  const chosen = seatIds.map((id) => index.get(id)).filter((seat) => seat !== undefined);

  const limit = opts.maxSeats ?? (kiosk ? DEFAULT_KIOSK_SEAT_LIMIT : undefined);
  if (limit !== undefined && chosen.length > limit) {
    return fail('validation_failed', `at most ${limit} seats per order`, {
      rule: 'seat_limit',
      limit,
      count: chosen.length,
    });
  }

  const bySeat = claimBySeat(layout, claims, opts.now);
  // "Open" = could be chosen by this caller right now: not blocked, and free or its own.
  const isOpen = (seat: SeatInfo): boolean => {
    if (seat.blocked) return false;
    const claim = bySeat.get(seat.id);
    return claim === undefined || isOwnClaim(claim, opts.ownClaimOwnerId);
  };

  const unavailable = chosen.filter((seat) => !isOpen(seat)).map((seat) => seat.id);
  if (unavailable.length > 0) {
    return fail('seats_unavailable', `no longer available: ${unavailable.join(', ')}`, {
      seatIds: unavailable,
    });
  }

  const lonelyHalves: SeatId[] = [];
  const partners: SeatId[] = [];
  for (const seat of chosen) {
    if (seat.kind !== 'loveseat-left' && seat.kind !== 'loveseat-right') continue;
    const partner = loveseatPartner(layout, seat.id);
    if (partner !== undefined && seen.has(partner.id)) continue;
    // Staff may sell what is left of a pair (one half refunded); a kiosk sells only whole pairs.
    if (!kiosk && partner !== undefined && !isOpen(partner)) continue;
    lonelyHalves.push(seat.id);
    if (partner !== undefined) partners.push(partner.id);
  }
  if (lonelyHalves.length > 0) {
    return fail('validation_failed', `loveseats are sold as pairs: add ${partners.join(', ')}`, {
      rule: 'loveseat_pair',
      seatIds: lonelyHalves,
      partners,
    });
  }

  if (kiosk) {
    const companions = chosen
      .filter((seat) => seat.kind === 'companion')
      .filter((seat) => {
        const { left, right } = seatNeighbours(layout, seat.id);
        return ![left, right].some(
          (wheelchair) =>
            wheelchair?.kind === 'wheelchair' &&
            (seen.has(wheelchair.id) || hasPatron(wheelchair, bySeat, opts.ownClaimOwnerId)),
        );
      })
      .map((seat) => seat.id);
    if (companions.length > 0) {
      return fail(
        'validation_failed',
        `companion seats are kept for a wheelchair user's companion: ${companions.join(', ')}`,
        { rule: 'companion_requires_wheelchair', seatIds: companions },
      );
    }

    const orphans = orphansCreated(layout, chosen, seen, isOpen);
    if (orphans.length > 0) {
      return fail('validation_failed', `that would leave a single empty seat: ${orphans.join(', ')}`, {
        rule: 'orphan_seat',
        seatIds: orphans,
      });
    }
  }

  const ordered = [...chosen].sort((a, b) => a.rowIndex - b.rowIndex || a.column - b.column);
  return ok(ordered.map((seat) => seat.id));
}

/**
 * A wheelchair place someone else has bought or is buying, so its companion seat may go too.
 * The caller's own claim does not count: the selection replaces it.
 */
function hasPatron(
  seat: SeatInfo,
  bySeat: ReadonlyMap<SeatId, SeatClaim>,
  ownClaimOwnerId: string | undefined,
): boolean {
  const claim = bySeat.get(seat.id);
  if (seat.blocked || claim === undefined || isOwnClaim(claim, ownClaimOwnerId)) return false;
  return claim.state === 'sold' || claim.state === 'held' || claim.state === 'leased';
}

/**
 * Seats this selection would leave as a single empty seat: open, hemmed in on both sides (taken,
 * blocked, chosen, aisle or row end) after the selection, but not before it — a seat that was
 * already stranded is not the customer's doing. A stranded seat is also excused when it is the
 * only open seat the selection leaves in its stretch of open seats: that many seats could not
 * have been placed there without leaving one, and refusing would lock small parties out of a
 * nearly sold-out hall.
 */
function orphansCreated(
  layout: HallLayout,
  chosen: readonly SeatInfo[],
  selected: ReadonlySet<SeatId>,
  isOpenBefore: (seat: SeatInfo) => boolean,
): SeatId[] {
  const isOpenAfter = (seat: SeatInfo): boolean => !selected.has(seat.id) && isOpenBefore(seat);
  const hemmedIn = (seat: SeatInfo, open: (seat: SeatInfo) => boolean): boolean => {
    const { left, right } = seatNeighbours(layout, seat.id);
    return (left === undefined || !open(left)) && (right === undefined || !open(right));
  };

  const orphans = new Set<SeatId>();
  for (const seat of chosen) {
    const { left, right } = seatNeighbours(layout, seat.id);
    for (const neighbour of [left, right]) {
      if (neighbour === undefined || orphans.has(neighbour.id)) continue;
      if (!canBeOrphaned(neighbour.kind) || !isOpenAfter(neighbour)) continue;
      if (!hemmedIn(neighbour, isOpenAfter) || hemmedIn(neighbour, isOpenBefore)) continue;
      if (openLeftInStretch(layout, neighbour, isOpenBefore, isOpenAfter) === 1) continue;
      orphans.add(neighbour.id);
    }
  }
  return [...orphans];
}

/** Open seats left after the selection in the run of seats that were open before it. */
function openLeftInStretch(
  layout: HallLayout,
  seat: SeatInfo,
  isOpenBefore: (seat: SeatInfo) => boolean,
  isOpenAfter: (seat: SeatInfo) => boolean,
): number {
  const place = seatPlacement(layout, seat.id);
  if (place === undefined) return 0;
  const seats = place.block.seats;
  let start = place.index;
  while (start > 0 && isOpenBefore(seats[start - 1] as SeatInfo)) start -= 1;
  let left = 0;
  for (let i = start; i < seats.length; i++) {
    const current = seats[i] as SeatInfo;
    if (!isOpenBefore(current)) break;
    if (isOpenAfter(current)) left += 1;
  }
  return left;
}
