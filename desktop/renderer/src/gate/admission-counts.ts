/**
 * People through the doors per showing, from the replicated admissions of every door (not just
 * this one), against the tickets sold. A ticket admitted twice by partitioned doors counts once.
 */
import type { Admission, Ticket } from '@marquee/shared';

export interface ShowingCount {
  admitted: number;
  sold: number;
}

export function admissionCounts(
  admissions: readonly Pick<Admission, 'ticketId' | 'showtimeId' | 'verdict'>[],
  tickets: readonly Pick<Ticket, 'showtimeId' | 'status'>[],
): Map<string, ShowingCount> {
  const counts = new Map<string, ShowingCount>();
  const entry = (showtimeId: string): ShowingCount => {
    let count = counts.get(showtimeId);
    if (count === undefined) {
      count = { admitted: 0, sold: 0 };
      counts.set(showtimeId, count);
    }
    return count;
  };
  for (const ticket of tickets) if (ticket.status === 'valid') entry(ticket.showtimeId).sold += 1;
  const seen = new Set<string>();
  for (const admission of admissions) {
    if (admission.verdict !== 'admitted' || seen.has(admission.ticketId)) continue;
    seen.add(admission.ticketId);
    entry(admission.showtimeId).admitted += 1;
  }
  return counts;
}
