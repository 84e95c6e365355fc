/** The programme as the replica has it: showtimes starting in a window, in start order. */
import type { Showtime } from '@marquee/shared';
import type { ReplicaReader } from '../replica.ts';

export function showtimesBetween(replica: ReplicaReader, from: number, to: number): Showtime[] {
  return replica
    .all<Showtime>('showtimes')
    .filter((s) => {
      const start = Date.parse(s.startsAt);
      return start >= from && start < to;
    })
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}
