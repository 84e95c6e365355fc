import { describe, expect, it } from 'vitest';
import { assignTicketTypes, changeCount, partySize } from './party.ts';

describe('kiosk party', () => {
  it('adds and removes tickets within the limit', () => {
    let counts = {};
    counts = changeCount(counts, 'adult', 1, 3);
    counts = changeCount(counts, 'adult', 1, 3);
    counts = changeCount(counts, 'child', 1, 3);
    expect(changeCount(counts, 'child', 1, 3)).toBe(counts);
    expect(partySize(counts)).toBe(3);
    expect(changeCount({ adult: 0 }, 'adult', -1, 3)).toEqual({ adult: 0 });
    expect(changeCount(counts, 'child', -1, 3)).toEqual({ adult: 2, child: 0 });
  });

  it('gives ticket types to seats in the cinema’s type order', () => {
    expect(assignTicketTypes(['F-6', 'F-7', 'F-8'], { child: 1, adult: 2 }, ['adult', 'child'])).toEqual([
      { seatId: 'F-6', ticketTypeId: 'adult' },
      { seatId: 'F-7', ticketTypeId: 'adult' },
      { seatId: 'F-8', ticketTypeId: 'child' },
    ]);
  });

  it('still types seats for a type the order does not list', () => {
    expect(assignTicketTypes(['A-1', 'A-2'], { adult: 1, staff: 1 }, ['adult'])).toEqual([
      { seatId: 'A-1', ticketTypeId: 'adult' },
      { seatId: 'A-2', ticketTypeId: 'staff' },
    ]);
  });

  it('refuses to type a selection that does not match the party', () => {
    expect(assignTicketTypes(['A-1'], { adult: 2 }, ['adult'])).toBeUndefined();
  });
});
