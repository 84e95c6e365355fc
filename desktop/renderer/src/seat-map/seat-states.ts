/**
 * What each seat looks like to the person at this terminal: the replicated claims of the showtime
 * (shared `seatStates` rules: expired holds are free, the strongest claim wins), seen through who
 * is looking — this terminal's hold is "mine", its leases are sellable only while offline, and
 * while offline nothing else can be sold.
 */
import { activeClaims, layoutSeats, seatStates, validateSelection } from '@marquee/shared';
import type { HallLayout, Result, SeatClaim, SeatId } from '@marquee/shared';

export type SeatDisplayState =
  /** Can be chosen. */
  | 'free'
  /** Chosen here, not yet held. */
  | 'selected'
  /** In this terminal's current hold. */
  | 'mine'
  /** Someone else is buying it. */
  | 'held'
  | 'sold'
  /** Escrowed to a terminal for offline sales. */
  | 'leased'
  /** Never for sale (technician's seat, broken). */
  | 'blocked'
  /** Free on the server, but this terminal is offline and can only sell its leased seats. */
  | 'offline';

export const SELECTABLE_STATES: ReadonlySet<SeatDisplayState> = new Set(['free', 'selected', 'mine']);

export interface SeatViewContext {
  /** Epoch ms: holds and leases past their expiry are free. */
  now: number;
  terminalId?: string | undefined;
  /** This terminal's live hold, if any (an offline hold is not in the replicated claims). */
  hold?: { id: string; seatIds: readonly SeatId[] } | undefined;
  /** Seats chosen on screen but not held yet. */
  selected: ReadonlySet<SeatId>;
  /** The terminal cannot reach the server: only its own leased seats can be sold. */
  offline: boolean;
}

export function seatViews(
  layout: HallLayout,
  claims: readonly SeatClaim[],
  ctx: SeatViewContext,
): Map<SeatId, SeatDisplayState> {
  const states = seatStates(layout, claims, ctx.now);
  const liveBySeat = new Map<SeatId, SeatClaim[]>();
  for (const claim of activeClaims(claims, ctx.now)) {
    const list = liveBySeat.get(claim.seatId) ?? [];
    list.push(claim);
    liveBySeat.set(claim.seatId, list);
  }
  const holdSeats = new Set(ctx.hold?.seatIds ?? []);
  const views = new Map<SeatId, SeatDisplayState>();

  for (const seat of layoutSeats(layout)) {
    if (views.has(seat.id)) continue;
    const state = states.get(seat.id) ?? 'free';
    const claim = liveBySeat.get(seat.id)?.find((c) => c.state === state);
    const ownHold =
      (ctx.hold !== undefined && claim?.ownerId === ctx.hold.id) ||
      (state !== 'sold' && holdSeats.has(seat.id));
    const ownLease =
      state === 'leased' && ctx.terminalId !== undefined && claim?.terminalId === ctx.terminalId;
    // Another hold of this terminal is one being released (the customer went back): the seats
    // are on their way back to this screen, not taken by someone else.
    const releasing =
      state === 'held' && ctx.terminalId !== undefined && claim?.terminalId === ctx.terminalId;

    let view: SeatDisplayState;
    if (state === 'blocked') view = 'blocked';
    else if (state === 'sold') view = 'sold';
    else if (ownHold) view = 'mine';
    else if (releasing) view = ctx.selected.has(seat.id) ? 'selected' : 'free';
    else if (state === 'held') view = 'held';
    else if (state === 'leased' && !(ownLease && ctx.offline)) view = 'leased';
    else if (state === 'free' && ctx.offline) view = 'offline';
    else view = ctx.selected.has(seat.id) ? 'selected' : 'free';
    views.set(seat.id, view);
  }
  return views;
}

/**
 * Seats the person chose that someone else has taken since (a sale or hold on another terminal
 * arrived through replication). The seat screen drops them and says so.
 */
export function takenMeanwhile(
  selected: Iterable<SeatId>,
  views: ReadonlyMap<SeatId, SeatDisplayState>,
): SeatId[] {
  const taken: SeatId[] = [];
  for (const id of selected) {
    const view = views.get(id);
    if (view !== undefined && !SELECTABLE_STATES.has(view)) taken.push(id);
  }
  return taken;
}

/** Seats a customer could still buy at `now` (not blocked, not claimed by anyone). */
export function freeSeatCount(layout: HallLayout, claims: readonly SeatClaim[], now: number): number {
  let free = 0;
  for (const state of seatStates(layout, claims, now).values()) if (state === 'free') free += 1;
  return free;
}

/**
 * The lease the chosen seats were escrowed to this terminal under, if they all share one. Offline,
 * a terminal sells only such seats, and the shared selection rules must then treat the lease's
 * claim as the terminal's own (`ownClaimOwnerId`) rather than as someone else's.
 */
export function ownLeaseOf(
  claims: readonly SeatClaim[],
  seatIds: readonly SeatId[],
  terminalId: string | undefined,
  now: number,
): string | undefined {
  if (terminalId === undefined || seatIds.length === 0) return undefined;
  const owners = new Set<string | undefined>();
  const chosen = new Set(seatIds);
  const leased = new Map<SeatId, string | undefined>();
  for (const claim of activeClaims(claims, now)) {
    if (claim.state === 'leased' && claim.terminalId === terminalId && chosen.has(claim.seatId)) {
      leased.set(claim.seatId, claim.ownerId);
    }
  }
  for (const id of seatIds) owners.add(leased.get(id));
  const [only] = owners;
  return owners.size === 1 ? only : undefined;
}

/**
 * The shared selection rules as this terminal applies them before asking for a hold: offline,
 * the seats come from its own lease, whose claim counts as its own rather than someone else's.
 */
export function checkSelection(
  layout: HallLayout,
  claims: readonly SeatClaim[],
  selection: readonly SeatId[],
  options: { profile: 'kiosk' | 'box_office'; offline: boolean; terminalId: string | undefined; now: number },
): Result<SeatId[]> {
  const lease = options.offline ? ownLeaseOf(claims, selection, options.terminalId, options.now) : undefined;
  return validateSelection(layout, claims, selection, {
    now: options.now,
    profile: options.profile,
    ...(lease === undefined ? {} : { ownClaimOwnerId: lease }),
  });
}
