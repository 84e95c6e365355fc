import { describe, expect, it } from 'vitest';
import { seededRandom } from './testing/random.ts';
import { bestAvailable } from './best-available.ts';
import type { HallLayout, SeatClaim, SeatId } from './domain.ts';
import { layoutSeats, loveseatPartner, seatIndex } from './layout.ts';
import { validateSelection } from './seat-map.ts';
import { largeHall, mainHall, premiumHall, smallHall } from './testing/layouts.ts';

const NOW = Date.parse('2025-03-01T18:00:00Z');

/** Every seat taken except the listed ones. */
function allTakenExcept(layout: HallLayout, free: readonly SeatId[]): Set<SeatId> {
  const keep = new Set(free);
  return new Set(
    layoutSeats(layout)
      .filter((seat) => !keep.has(seat.id))
      .map((seat) => seat.id),
  );
}

function rowSeats(layout: HallLayout, row: string): SeatId[] {
  return layoutSeats(layout)
    .filter((seat) => seat.row === row)
    .map((seat) => seat.id);
}

function asSold(unavailable: ReadonlySet<SeatId>): SeatClaim[] {
  return [...unavailable].map((seatId) => ({ seatId, state: 'sold' }));
}

function kioskAccepts(layout: HallLayout, unavailable: ReadonlySet<SeatId>, seats: SeatId[]): boolean {
  return validateSelection(layout, asSold(unavailable), seats, { now: NOW, profile: 'kiosk' }).ok;
}

describe('bestAvailable on an empty hall', () => {
  it('seats a couple in the middle of the row two thirds of the way back', () => {
    // 14 rows: two thirds back is row index 8.7, row K; K-12/K-13 straddle the centre line.
    expect(bestAvailable(mainHall(), new Set(), 2)).toEqual(['K-12', 'K-13']);
    expect(bestAvailable(mainHall(), new Set(), 4)).toEqual(['K-11', 'K-12', 'K-13', 'K-14']);
    expect(bestAvailable(smallHall(), new Set(), 2)).toEqual(['D-5', 'D-6']);
  });

  it('seats one person on the centre line of the sweet-spot row', () => {
    const [seat] = bestAvailable(mainHall(), new Set(), 1) ?? [];
    expect(['K-12', 'K-13']).toContain(seat);
  });

  it('moves a party off centre rather than strand a seat at the aisle', () => {
    // The premium rows have six seats between the aisles: three centred seats would strand one.
    const seats = bestAvailable(premiumHall(), new Set(), 3);
    expect(seats).toEqual(['F-4', 'F-5', 'F-6']);
    expect(kioskAccepts(premiumHall(), new Set(), seats ?? [])).toBe(true);
  });
});

describe('bestAvailable with seats taken', () => {
  it('skips taken seats and takes the next best row', () => {
    const layout = mainHall();
    const taken = new Set(['K-9', 'K-10', 'K-11', 'K-12', 'K-13', 'K-14', 'K-15', 'K-16']);
    expect(bestAvailable(layout, taken, 2)).toEqual(['J-12', 'J-13']);
  });

  it('shifts a party so no single seat is left, and centres it when orphans are allowed', () => {
    const layout = mainHall();
    const taken = allTakenExcept(layout, ['K-10', 'K-11', 'K-12', 'K-13', 'K-14']);
    expect(bestAvailable(layout, taken, 3)).toEqual(['K-12', 'K-13', 'K-14']);
    expect(bestAvailable(layout, taken, 3, { avoidOrphans: false })).toEqual(['K-11', 'K-12', 'K-13']);
  });

  it('splits a party over neighbouring rows when no row has room for all of it', () => {
    const layout = smallHall();
    // Every third seat is taken, so no row has more than two seats together.
    const taken = new Set(
      layoutSeats(layout)
        .filter((seat) => ['3', '6', '9'].includes(seat.label))
        .map((seat) => seat.id),
    );
    const seats = bestAvailable(layout, taken, 4);
    expect(seats).toEqual(['D-4', 'D-5', 'E-4', 'E-5']);
    expect(kioskAccepts(layout, taken, seats ?? [])).toBe(true);
  });

  it('splits into as few groups as it can', () => {
    const layout = mainHall();
    // Only row C (6 | 12 | 6) and single seats scattered in row M are left.
    const taken = allTakenExcept(layout, [...rowSeats(layout, 'C'), 'M-3', 'M-10', 'M-15']);
    const seats = bestAvailable(layout, taken, 16) ?? [];
    expect(seats).toHaveLength(16);
    expect(seats.every((id) => id.startsWith('C-'))).toBe(true);
  });

  it('returns null when the hall is full or too few seats are left', () => {
    const layout = smallHall();
    const everySeat = new Set(layoutSeats(layout).map((seat) => seat.id));
    expect(bestAvailable(layout, everySeat, 1)).toBeNull();
    const twoLeft = allTakenExcept(layout, ['A-1', 'F-5']);
    expect(bestAvailable(layout, twoLeft, 3)).toBeNull();
    expect(bestAvailable(layout, twoLeft, 2)).toEqual(['A-1', 'F-5']);
  });

  it('returns null for a party of no one', () => {
    expect(bestAvailable(smallHall(), new Set(), 0)).toBeNull();
    expect(bestAvailable(smallHall(), new Set(), 1.5)).toBeNull();
  });
});

describe('bestAvailable and special seats', () => {
  it('never suggests wheelchair places or companion seats unless asked', () => {
    const layout = mainHall();
    const onlyRowA = allTakenExcept(layout, rowSeats(layout, 'A'));
    const seats = bestAvailable(layout, onlyRowA, 20) ?? [];
    expect(seats).toHaveLength(20);
    const kinds = new Set(seats.map((id) => seatIndex(layout).get(id)?.kind));
    expect([...kinds]).toEqual(['standard']);
    expect(bestAvailable(layout, onlyRowA, 21)).toBeNull();
  });

  it('suggests a wheelchair place with its companion seat when asked', () => {
    const layout = mainHall();
    const seats = bestAvailable(layout, new Set(), 2, { allowKinds: ['wheelchair', 'companion'] });
    expect(seats).toEqual(['A-1', 'A-2']);
    expect(kioskAccepts(layout, new Set(), seats ?? [])).toBe(true);
  });

  it('suggests a companion seat alone only beside a wheelchair place already taken', () => {
    const layout = mainHall();
    expect(bestAvailable(layout, new Set(['A-1']), 1, { allowKinds: ['companion'] })).toEqual(['A-2']);
    expect(bestAvailable(layout, new Set(), 1, { allowKinds: ['companion'] })).toBeNull();
  });

  it('seats couples in whole loveseats and never offers half of one', () => {
    const layout = premiumHall();
    const onlyLoveseats = allTakenExcept(layout, rowSeats(layout, 'G'));
    expect(bestAvailable(layout, onlyLoveseats, 2)).toEqual(['G-7', 'G-8']);
    expect(bestAvailable(layout, onlyLoveseats, 4)).toEqual(['G-7', 'G-8', 'G-9', 'G-10']);
    expect(bestAvailable(layout, onlyLoveseats, 3)).toBeNull();
    // G-5 is left while its partner G-6 is sold: a single customer still gets nothing.
    expect(bestAvailable(layout, allTakenExcept(layout, ['G-5']), 1)).toBeNull();
  });

  it('keeps to the kinds it is given', () => {
    const layout = premiumHall();
    const seats = bestAvailable(layout, new Set(), 4, { allowKinds: ['standard'] }) ?? [];
    expect(seats).toHaveLength(4);
    expect(seats.every((id) => seatIndex(layout).get(id)?.kind === 'standard')).toBe(true);
  });
});

describe('bestAvailable on random hall states', () => {
  const halls = [
    { name: 'main', layout: mainHall() },
    { name: 'premium', layout: premiumHall() },
    { name: 'small', layout: smallHall() },
    { name: 'large', layout: largeHall() },
  ];

  /** Sold seats as real sales fall: random groups of one to four, to a random fill level. */
  function randomState(layout: HallLayout, random: () => number): Set<SeatId> {
    const seats = layoutSeats(layout);
    const taken = new Set<SeatId>();
    const fill = random() * 0.98;
    while (taken.size < fill * seats.length) {
      const startIndex = Math.floor(random() * seats.length);
      const size = 1 + Math.floor(random() * 4);
      for (let i = startIndex; i < Math.min(seats.length, startIndex + size); i++) {
        const seat = seats[i];
        if (seat !== undefined) taken.add(seat.id);
      }
    }
    return taken;
  }

  it('always suggests free, whole-loveseat seats that a kiosk accepts, when the party fits', () => {
    const random = seededRandom(20250301);
    let suggested = 0;
    let split = 0;
    for (let round = 0; round < 600; round++) {
      const hall = halls[round % halls.length];
      if (hall === undefined) throw new Error('no hall');
      const { layout } = hall;
      const index = seatIndex(layout);
      const taken = randomState(layout, random);
      const count = 1 + Math.floor(random() * 8);
      const seats = bestAvailable(layout, taken, count);

      const freeOrdinary = layoutSeats(layout).filter(
        (seat) => !taken.has(seat.id) && (seat.kind === 'standard' || seat.kind === 'premium'),
      ).length;
      if (seats === null) {
        // Without loveseats the only reason to give up is too few free seats.
        if (hall.name !== 'premium') expect(freeOrdinary, `round ${round}`).toBeLessThan(count);
        continue;
      }
      suggested += 1;
      if (new Set(seats.map((id) => index.get(id)?.row)).size > 1) split += 1;
      expect(new Set(seats).size).toBe(count);
      for (const id of seats) {
        const seat = index.get(id);
        expect(seat, id).toBeDefined();
        expect(taken.has(id) || seat?.blocked, `round ${round}: ${id} is taken`).toBe(false);
        expect(['standard', 'premium', 'loveseat-left', 'loveseat-right']).toContain(seat?.kind);
        const partner = loveseatPartner(layout, id);
        if (partner !== undefined) expect(seats, `round ${round}: half of a loveseat`).toContain(partner.id);
      }
      const verdict = validateSelection(layout, asSold(taken), seats, { now: NOW, profile: 'kiosk' });
      expect(verdict.ok ? 'accepted' : verdict.error.details, `round ${round}: ${seats.join(' ')}`).toBe(
        'accepted',
      );
    }
    // The generator must exercise both the one-row path and the split fallback.
    expect(suggested).toBeGreaterThan(300);
    expect(split).toBeGreaterThan(20);
  });
});
