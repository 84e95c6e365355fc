import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshStore, type FreshStore } from '../testing/fresh-store.ts';
import { LeaseStore, holdSeatIds, leaseSeatIds } from './lease-store.ts';

const LEASE = '5d7a4c1e-9c2a-4d3f-8a2b-3c4d0b6c4f0e';
const SHOW = '0b6c4f0e-5d7a-4c1e-9c2a-7d3f1a2b3c4d';
const ORDER = '9c2a7d3f-1a2b-4c4d-8b6c-4f0e5d7a4c1e';

let store: FreshStore;
let leases: LeaseStore;

beforeEach(() => {
  store = freshStore();
  leases = new LeaseStore(store.db);
  leases.insertGranted({
    id: LEASE,
    showtimeId: SHOW,
    seatIds: ['A-1', 'A-2', 'A-3'],
    grantedAt: 1_000,
    deadline: 61_000,
    monoAtGrant: 500,
    bootId: 'boot',
  });
});
afterEach(() => store.close());

describe('the lease store', () => {
  it('records a grant once, however often its answer arrives', () => {
    leases.insertGranted({
      id: LEASE,
      showtimeId: SHOW,
      seatIds: ['B-1'],
      grantedAt: 2_000,
      deadline: 99_000,
      monoAtGrant: 900,
      bootId: 'other',
    });
    const [lease] = leases.active(SHOW);
    expect(lease === undefined ? [] : leaseSeatIds(lease)).toEqual(['A-1', 'A-2', 'A-3']);
    expect(lease?.mono_at_grant).toBe(500);
    leases.setStatus(LEASE, 'returning');
    expect(leases.active()).toEqual([]);
    expect(leases.get(LEASE)?.status).toBe('returning');
  });

  it('keeps local holds until they expire on the monotonic clock, and the seats sold here', () => {
    leases.insertHold({ id: ORDER, showtimeId: SHOW, seatIds: ['A-2'], leaseId: LEASE, expiresMono: 800 });
    expect([...leases.heldSeats(LEASE, 799)]).toEqual(['A-2']);
    expect([...leases.heldSeats(LEASE, 800)]).toEqual([]);
    const hold = leases.hold(ORDER);
    expect(hold === undefined ? [] : holdSeatIds(hold)).toEqual(['A-2']);
    store.db.transaction(() => {
      leases.recordSale(LEASE, ['A-2'], ORDER);
      expect(leases.deleteHold(ORDER)).toBe(true);
    })();
    expect(leases.deleteHold(ORDER)).toBe(false);
    expect([...leases.soldSeats(LEASE)]).toEqual(['A-2']);
    expect(leases.soldCount(LEASE)).toBe(1);
    expect(leases.soldHere(SHOW)).toEqual(['A-2']);
    expect(() => leases.recordSale(LEASE, ['A-2'], ORDER)).toThrow(/UNIQUE|PRIMARY/);
  });
});
