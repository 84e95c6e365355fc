import { describe, expect, it } from 'vitest';
import type { SeatClaim, SeatId } from './domain.ts';
import { activeClaims, seatStates, unavailableSeats, validateSelection } from './seat-map.ts';
import type { SelectionOptions } from './seat-map.ts';
import { layoutFromPatterns, mainHall, premiumHall, smallHall } from './testing/layouts.ts';

const NOW = Date.parse('2025-03-01T18:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const OWNER = '0b7f2c1e-6a4d-4f7a-9a43-2f8d5c1e9b01';
const OTHER = '5c3e8f0a-1b2d-4c6e-8f90-a1b2c3d4e5f6';

const sold = (...seatIds: SeatId[]): SeatClaim[] => seatIds.map((seatId) => ({ seatId, state: 'sold' }));
const held = (seatIds: SeatId[], ownerId: string, expiresAt = NOW + 60_000): SeatClaim[] =>
  seatIds.map((seatId) => ({ seatId, state: 'held', ownerId, expiresAt: iso(expiresAt) }));
const kiosk: SelectionOptions = { now: NOW, profile: 'kiosk' };
const boxOffice: SelectionOptions = { now: NOW, profile: 'box_office' };

function refusal(result: ReturnType<typeof validateSelection>): {
  code: string;
  details: Record<string, unknown>;
} {
  if (result.ok) throw new Error(`expected a refusal, got ${result.value.join(', ')}`);
  return { code: result.error.code, details: result.error.details ?? {} };
}

describe('activeClaims', () => {
  it('drops holds and leases whose expiry has passed, at the expiry instant itself too', () => {
    const claims: SeatClaim[] = [
      { seatId: 'A-1', state: 'held', expiresAt: iso(NOW - 1) },
      { seatId: 'A-2', state: 'held', expiresAt: iso(NOW) },
      { seatId: 'A-3', state: 'held', expiresAt: iso(NOW + 1) },
      { seatId: 'A-4', state: 'leased', expiresAt: iso(NOW - 5_000) },
      { seatId: 'A-5', state: 'leased', expiresAt: iso(NOW + 5_000) },
      { seatId: 'A-6', state: 'sold' },
      { seatId: 'A-7', state: 'blocked' },
      { seatId: 'A-8', state: 'held' },
    ];
    expect(activeClaims(claims, NOW).map((claim) => claim.seatId)).toEqual([
      'A-3',
      'A-5',
      'A-6',
      'A-7',
      'A-8',
    ]);
  });

  it('reads expiries written with an offset', () => {
    const claims: SeatClaim[] = [{ seatId: 'A-1', state: 'held', expiresAt: '2025-03-02T01:59:00+08:00' }];
    expect(activeClaims(claims, NOW)).toEqual([]);
    expect(activeClaims(claims, NOW - 120_000)).toHaveLength(1);
  });
});

describe('seatStates', () => {
  it('gives every seat of the hall a state: blocked, claimed, or free', () => {
    const layout = layoutFromPatterns(['SSXS_SS']);
    const states = seatStates(
      layout,
      [
        { seatId: 'A-1', state: 'sold' },
        { seatId: 'A-2', state: 'held', expiresAt: iso(NOW + 1000) },
        { seatId: 'A-4', state: 'leased', expiresAt: iso(NOW + 1000) },
        { seatId: 'A-5', state: 'blocked' },
      ],
      NOW,
    );
    expect(Object.fromEntries(states)).toEqual({
      'A-1': 'sold',
      'A-2': 'held',
      'A-3': 'blocked',
      'A-4': 'leased',
      'A-5': 'blocked',
      'A-6': 'free',
    });
  });

  it('shows a seat whose hold expired as free', () => {
    const states = seatStates(smallHall(), held(['C-5'], OWNER, NOW - 1), NOW);
    expect(states.get('C-5')).toBe('free');
  });

  it('ignores claims for seats the layout does not have', () => {
    const states = seatStates(smallHall(), sold('Z-99', 'A-11'), NOW);
    expect(states.size).toBe(60);
    expect(states.has('Z-99')).toBe(false);
    expect([...states.values()].every((state) => state === 'free')).toBe(true);
  });

  it('lets a sale outrank a stale hold on the same seat', () => {
    const claims = [...held(['B-2'], OWNER), ...sold('B-2'), ...held(['B-2'], OTHER)];
    expect(seatStates(smallHall(), claims, NOW).get('B-2')).toBe('sold');
  });
});

describe('unavailableSeats', () => {
  it('collects blocked and claimed seats but not the caller’s own hold', () => {
    const layout = layoutFromPatterns(['SSXSSS']);
    const claims = [
      ...sold('A-1'),
      ...held(['A-4'], OWNER),
      ...held(['A-5'], OTHER),
      ...held(['A-6'], OTHER, NOW),
    ];
    expect([...unavailableSeats(layout, claims, NOW)].sort()).toEqual(['A-1', 'A-3', 'A-4', 'A-5']);
    expect([...unavailableSeats(layout, claims, NOW, OWNER)].sort()).toEqual(['A-1', 'A-3', 'A-5']);
  });
});

describe('validateSelection: every terminal', () => {
  const layout = mainHall();

  it('accepts free seats and returns them in seat order', () => {
    expect(validateSelection(layout, [], ['F-10', 'E-9', 'F-9'], kiosk)).toEqual({
      ok: true,
      value: ['E-9', 'F-9', 'F-10'],
    });
  });

  it('refuses an empty selection', () => {
    expect(refusal(validateSelection(layout, [], [], boxOffice))).toEqual({
      code: 'validation_failed',
      details: { rule: 'empty_selection' },
    });
  });

  it('refuses a seat chosen twice', () => {
    expect(refusal(validateSelection(layout, [], ['F-9', 'F-10', 'F-9'], boxOffice)).details).toEqual({
      rule: 'duplicate_seat',
      seatIds: ['F-9'],
    });
  });

  it('names seats the hall does not have', () => {
    const { code, details } = refusal(validateSelection(layout, [], ['F-9', 'F-25', 'Z-1'], boxOffice));
    expect(code).toBe('validation_failed');
    expect(details).toEqual({ rule: 'unknown_seat', seatIds: ['F-25', 'Z-1'] });
  });

  it('names every seat that is taken or blocked, on the box office too', () => {
    const hall = layoutFromPatterns(['SSSSSSXSSS']);
    const claims = [...sold('A-2'), ...held(['A-3'], OTHER), { seatId: 'A-4', state: 'blocked' } as const];
    const { code, details } = refusal(
      validateSelection(hall, claims, ['A-1', 'A-2', 'A-3', 'A-4', 'A-7'], boxOffice),
    );
    expect(code).toBe('seats_unavailable');
    expect(details).toEqual({ seatIds: ['A-2', 'A-3', 'A-4', 'A-7'] });
  });

  it('offers a seat again once the hold on it has expired', () => {
    const claims = held(['F-9', 'F-10'], OTHER, NOW - 1);
    expect(validateSelection(layout, claims, ['F-9', 'F-10'], kiosk).ok).toBe(true);
  });

  it('lets the caller re-choose seats of its own hold, not of someone else’s', () => {
    const claims = [...held(['F-9', 'F-10'], OWNER), ...held(['F-11'], OTHER)];
    expect(validateSelection(layout, claims, ['F-9', 'F-10'], { ...kiosk, ownClaimOwnerId: OWNER }).ok).toBe(
      true,
    );
    expect(refusal(validateSelection(layout, claims, ['F-9', 'F-10'], kiosk)).code).toBe('seats_unavailable');
    expect(
      refusal(validateSelection(layout, claims, ['F-10', 'F-11'], { ...kiosk, ownClaimOwnerId: OWNER }))
        .details,
    ).toEqual({ seatIds: ['F-11'] });
  });

  it('never treats a sold seat as the caller’s own', () => {
    const claims: SeatClaim[] = [{ seatId: 'F-9', state: 'sold', ownerId: OWNER }];
    const result = validateSelection(layout, claims, ['F-9'], { ...boxOffice, ownClaimOwnerId: OWNER });
    expect(refusal(result).code).toBe('seats_unavailable');
  });
});

describe('validateSelection: seat limit', () => {
  const layout = mainHall();
  const eleven = ['F-7', 'F-8', 'F-9', 'F-10', 'F-11', 'F-12', 'F-13', 'F-14', 'F-15', 'F-16', 'F-17'];

  it('stops a kiosk order at ten seats', () => {
    expect(validateSelection(layout, [], eleven.slice(0, 10), kiosk).ok).toBe(true);
    expect(refusal(validateSelection(layout, [], eleven, kiosk)).details).toEqual({
      rule: 'seat_limit',
      limit: 10,
      count: 11,
    });
  });

  it('uses a configured limit, and none on the box office unless configured', () => {
    expect(
      refusal(validateSelection(layout, [], eleven.slice(0, 5), { ...kiosk, maxSeats: 4 })).details,
    ).toMatchObject({ rule: 'seat_limit', limit: 4 });
    expect(validateSelection(layout, [], eleven, boxOffice).ok).toBe(true);
    expect(refusal(validateSelection(layout, [], eleven, { ...boxOffice, maxSeats: 8 })).details.rule).toBe(
      'seat_limit',
    );
  });
});

describe('validateSelection: single empty seats', () => {
  const layout = mainHall();

  it('refuses a kiosk selection that leaves a single empty seat between it and the aisle', () => {
    expect(refusal(validateSelection(layout, [], ['F-8', 'F-9'], kiosk)).details).toEqual({
      rule: 'orphan_seat',
      seatIds: ['F-7'],
    });
  });

  it('refuses a selection that leaves a single empty seat next to a sold one', () => {
    const claims = sold('F-9');
    expect(refusal(validateSelection(layout, claims, ['F-11', 'F-12'], kiosk)).details).toEqual({
      rule: 'orphan_seat',
      seatIds: ['F-10'],
    });
    expect(validateSelection(layout, claims, ['F-10', 'F-11'], kiosk).ok).toBe(true);
  });

  it('names both seats when a selection strands one on each side', () => {
    const claims = sold('F-9', 'F-13');
    expect(refusal(validateSelection(layout, claims, ['F-11'], kiosk)).details).toEqual({
      rule: 'orphan_seat',
      seatIds: ['F-10', 'F-12'],
    });
  });

  it('leaves the rule to the cashier on the box office', () => {
    expect(validateSelection(layout, [], ['F-8', 'F-9'], boxOffice).ok).toBe(true);
  });

  it('does not blame a customer for single seats that were already stranded', () => {
    // F-7 sits alone at the aisle and F-12 alone between two sold seats before anyone chooses.
    const claims = sold('F-8', 'F-11', 'F-13');
    expect(validateSelection(layout, claims, ['F-9', 'F-10'], kiosk).ok).toBe(true);
    expect(validateSelection(layout, claims, ['F-14', 'F-15'], kiosk).ok).toBe(true);
  });

  it('welcomes a customer who fills a stranded seat', () => {
    expect(validateSelection(layout, sold('F-8', 'F-10'), ['F-9'], kiosk).ok).toBe(true);
    expect(validateSelection(layout, sold('F-8'), ['F-7'], kiosk).ok).toBe(true);
  });

  it('lets a solo customer take one of the last two seats of a stretch in a nearly full hall', () => {
    // Only F-9/F-10 are left between sold seats: any one seat there leaves the other alone.
    const claims = sold('F-8', 'F-11');
    expect(validateSelection(layout, claims, ['F-9'], kiosk).ok).toBe(true);
    // Three free seats leave a choice: an end seat keeps the other two together.
    const three = sold('F-8', 'F-12');
    expect(validateSelection(layout, three, ['F-9'], kiosk).ok).toBe(true);
    expect(refusal(validateSelection(layout, three, ['F-10'], kiosk)).details.seatIds).toEqual([
      'F-9',
      'F-11',
    ]);
  });

  it('counts a seat freed from the caller’s own previous hold as empty', () => {
    // Moving the hold from F-7/F-8 to F-8/F-9 would strand F-7 at the aisle.
    const claims = held(['F-7', 'F-8'], OWNER);
    const result = validateSelection(layout, claims, ['F-8', 'F-9'], { ...kiosk, ownClaimOwnerId: OWNER });
    expect(refusal(result).details).toEqual({ rule: 'orphan_seat', seatIds: ['F-7'] });
  });

  it('does not count a wheelchair place or companion seat left alone as a stranded seat', () => {
    // Row A: W C S S S S | … ; taking A-3 next to the companion seat is fine.
    expect(validateSelection(layout, sold('A-5', 'A-6'), ['A-3', 'A-4'], kiosk).ok).toBe(true);
  });
});

describe('validateSelection: loveseats', () => {
  const layout = premiumHall();

  it('sells a loveseat only as a pair on a kiosk', () => {
    expect(validateSelection(layout, [], ['G-5', 'G-6'], kiosk).ok).toBe(true);
    expect(refusal(validateSelection(layout, [], ['G-6'], kiosk)).details).toEqual({
      rule: 'loveseat_pair',
      seatIds: ['G-6'],
      partners: ['G-5'],
    });
    expect(refusal(validateSelection(layout, [], ['G-6', 'G-7'], boxOffice)).details).toMatchObject({
      rule: 'loveseat_pair',
      seatIds: ['G-6', 'G-7'],
      partners: ['G-5', 'G-8'],
    });
  });

  it('lets the box office sell the remaining half of a pair whose other half is taken', () => {
    expect(validateSelection(layout, sold('G-5'), ['G-6'], boxOffice).ok).toBe(true);
    expect(refusal(validateSelection(layout, sold('G-5'), ['G-6'], kiosk)).details.rule).toBe(
      'loveseat_pair',
    );
  });
});

describe('validateSelection: companion seats', () => {
  const layout = mainHall(); // A-1 wheelchair, A-2 its companion seat; A-23 companion, A-24 wheelchair

  it('keeps a companion seat for a wheelchair user’s companion on a kiosk', () => {
    expect(refusal(validateSelection(layout, [], ['A-2'], kiosk)).details).toEqual({
      rule: 'companion_requires_wheelchair',
      seatIds: ['A-2'],
    });
  });

  it('sells the companion seat together with its wheelchair place', () => {
    expect(validateSelection(layout, [], ['A-1', 'A-2'], kiosk).ok).toBe(true);
    expect(validateSelection(layout, [], ['A-23', 'A-24'], kiosk).ok).toBe(true);
  });

  it('sells the companion seat when the wheelchair place is already sold or held by someone', () => {
    expect(validateSelection(layout, sold('A-1'), ['A-2'], kiosk).ok).toBe(true);
    expect(validateSelection(layout, held(['A-24'], OTHER), ['A-23'], kiosk).ok).toBe(true);
  });

  it('does not count the wheelchair place of the caller’s own hold that the selection gives up', () => {
    const claims = held(['A-1', 'A-2'], OWNER);
    const result = validateSelection(layout, claims, ['A-2'], { ...kiosk, ownClaimOwnerId: OWNER });
    expect(refusal(result).details.rule).toBe('companion_requires_wheelchair');
  });

  it('leaves companion seats to the cashier’s judgement on the box office', () => {
    expect(validateSelection(layout, [], ['A-2'], boxOffice).ok).toBe(true);
  });
});
