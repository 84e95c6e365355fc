/**
 * The door rule: which verdict a scanned ticket gets, in which order the checks run. The server
 * decides online scans with it and the terminal core decides offline scans with it, so a door
 * never admits offline what the server would refuse online (or the other way round).
 */
import type { AdmissionVerdict, ShowtimeStatus, TicketStatus } from './domain.ts';

/** Doors open this long before the advertised start. */
export const DOORS_OPEN_BEFORE_MS = 60 * 60 * 1000;

export interface DoorFacts {
  /** The token's signature verified against a known, unrevoked key. */
  signatureValid: boolean;
  /** The ticket as this side knows it; undefined when it has not heard of it yet (an offline sale). */
  ticketStatus: TicketStatus | undefined;
  /** The showtime the ticket is for. */
  ticketShowtimeId: string;
  /** The showtime this door admits, if the usher chose one. */
  doorShowtimeId: string | undefined;
  /**
   * The ticket's showtime, or undefined if unknown. `timing: 'door_decided'` skips the showtime and
   * time checks: a door that admitted offline reports it, and the person is already inside.
   */
  showtime: { status: ShowtimeStatus; startsAt: string; endsAt: string } | undefined;
  timing: 'check' | 'door_decided';
  /** When the ticket was first admitted, if it was. */
  admittedAt: string | undefined;
  now: number;
}

/**
 * The verdict, checks in this order: signature, refunded/voided, wrong showtime, unknown or
 * cancelled showtime, too early, too late, already admitted. `admitted` means "admit it if this
 * is the first admission": the server still arbitrates the first one by a unique index.
 */
export function doorVerdict(facts: DoorFacts): AdmissionVerdict {
  if (!facts.signatureValid) return 'invalid';
  if (facts.ticketStatus !== undefined && facts.ticketStatus !== 'valid') return 'refunded';
  if (facts.doorShowtimeId !== undefined && facts.doorShowtimeId !== facts.ticketShowtimeId)
    return 'wrong_showtime';
  if (facts.timing === 'check') {
    const showtime = facts.showtime;
    if (showtime === undefined) return 'invalid';
    if (showtime.status === 'cancelled') return 'refunded';
    if (facts.now < Date.parse(showtime.startsAt) - DOORS_OPEN_BEFORE_MS) return 'too_early';
    if (facts.now > Date.parse(showtime.endsAt)) return 'too_late';
  }
  if (facts.admittedAt !== undefined) return 'already_admitted';
  return 'admitted';
}
