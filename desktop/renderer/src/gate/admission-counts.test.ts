import { describe, expect, it } from 'vitest';
import { admissionCounts } from './admission-counts.ts';

describe('admitted per showing', () => {
  it('counts people through every door against valid tickets sold', () => {
    const counts = admissionCounts(
      [
        { ticketId: 't1', showtimeId: 's1', verdict: 'admitted' },
        { ticketId: 't2', showtimeId: 's1', verdict: 'admitted' },
        { ticketId: 't9', showtimeId: 's2', verdict: 'admitted' },
      ],
      [
        { showtimeId: 's1', status: 'valid' },
        { showtimeId: 's1', status: 'valid' },
        { showtimeId: 's1', status: 'valid' },
        { showtimeId: 's1', status: 'refunded' },
        { showtimeId: 's2', status: 'valid' },
      ],
    );
    expect(counts.get('s1')).toEqual({ admitted: 2, sold: 3 });
    expect(counts.get('s2')).toEqual({ admitted: 1, sold: 1 });
  });

  it('counts a ticket admitted at two partitioned doors once', () => {
    const counts = admissionCounts(
      [
        { ticketId: 't1', showtimeId: 's1', verdict: 'admitted' },
        { ticketId: 't1', showtimeId: 's1', verdict: 'admitted' },
      ],
      [],
    );
    expect(counts.get('s1')).toEqual({ admitted: 1, sold: 0 });
  });

  it('ignores refused scans', () => {
    expect(
      admissionCounts([{ ticketId: 't1', showtimeId: 's1', verdict: 'already_admitted' }], []).size,
    ).toBe(0);
  });
});
