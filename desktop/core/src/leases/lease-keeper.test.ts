/** Lease time is measured on the monotonic clock from the request: wall-clock changes and late answers cannot stretch it. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MutationResult } from '@marquee/shared';
import { ManualClock } from '../clock.ts';
import { Outbox } from '../outbox.ts';
import { Replica } from '../replica.ts';
import { ServerApi } from '../server-api.ts';
import { freshStore, type FreshStore } from '../testing/fresh-store.ts';
import { LeaseKeeper } from './lease-keeper.ts';

const SHOW = '0b6c4f0e-5d7a-4c1e-9c2a-7d3f1a2b3c4d';
const TERMINAL = '1a2b3c4d-0b6c-4f0e-9c2a-7d3f5d7a4c1e';
const MINUTE = 60_000;

let store: FreshStore;
let clock: ManualClock;
let outbox: Outbox;
let keeper: LeaseKeeper;

beforeEach(() => {
  store = freshStore();
  clock = new ManualClock(Date.parse('2026-11-23T18:00:00Z'), 1_000_000, 'boot-1');
  const api = new ServerApi('http://127.0.0.1:1', undefined);
  outbox = new Outbox(
    store.db,
    api,
    () => undefined,
    () => undefined,
  );
  keeper = new LeaseKeeper({
    db: store.db,
    replica: new Replica(store.db),
    clock,
    outbox,
    server: api,
    online: () => false,
    identity: { terminalId: TERMINAL, profile: 'box_office' },
    changed: () => undefined,
  });
});
afterEach(() => store.close());

/** A `lease.request` the server answers `answeredAfterMs` after it was made, with a 60-minute lease. */
function grant(answeredAfterMs: number, leaseId = '5d7a4c1e-9c2a-4d3f-8a2b-3c4d0b6c4f0e'): void {
  const requestId = '7d3f1a2b-3c4d-4b6c-8f0e-5d7a4c1e9c2a';
  store.db.transaction(() =>
    outbox.add(requestId, 'lease.request', { showtimeId: SHOW, seats: 2 }, clock.wall()),
  )();
  const grantedAt = clock.wall();
  clock.advance(answeredAfterMs);
  const row = outbox.row(requestId);
  if (row === undefined) throw new Error('no request');
  const result: MutationResult = {
    id: requestId,
    status: 'ok',
    duplicate: false,
    result: {
      id: leaseId,
      showtimeId: SHOW,
      terminalId: TERMINAL,
      seatIds: ['A-1', 'A-2'],
      grantedAt: new Date(grantedAt).toISOString(),
      deadline: new Date(grantedAt + 60 * MINUTE).toISOString(),
      status: 'active',
    },
  };
  keeper.settled(row, result);
}

describe('the lease keeper', () => {
  it('counts a late answer from the request, and ignores the wall clock', () => {
    grant(20 * MINUTE);
    const [lease] = keeper.live(SHOW);
    expect(lease === undefined ? 0 : keeper.remainingMs(lease)).toBe(40 * MINUTE);
    clock.wallMs -= 24 * 60 * MINUTE;
    expect(keeper.seatsLeft()).toBe(2);
    clock.monoMs += 40 * MINUTE;
    expect(keeper.live()).toEqual([]);
    expect(keeper.seatsLeft()).toBe(0);
  });

  it('cannot measure a lease across a reboot: it ends', () => {
    grant(0);
    expect(keeper.seatsLeft()).toBe(2);
    clock.boot = 'boot-2';
    expect(keeper.seatsLeft()).toBe(0);
  });

  it('offers only leased seats not sold or held here', () => {
    grant(0);
    keeper.store.insertHold({
      id: '9c2a7d3f-1a2b-4c4d-8b6c-4f0e5d7a4c1e',
      showtimeId: SHOW,
      seatIds: ['A-1'],
      leaseId: '5d7a4c1e-9c2a-4d3f-8a2b-3c4d0b6c4f0e',
      expiresMono: clock.mono() + MINUTE,
    });
    expect(keeper.sellableSeats(SHOW).map((s) => s.seatId)).toEqual(['A-2']);
    clock.advance(MINUTE);
    expect(keeper.sellableSeats(SHOW).map((s) => s.seatId)).toEqual(['A-1', 'A-2']);
  });

  it('settles a malformed grant without recording a lease', () => {
    store.db.transaction(() =>
      outbox.add('7d3f1a2b-3c4d-4b6c-8f0e-5d7a4c1e9c2a', 'lease.request', { showtimeId: SHOW, seats: 2 }, 0),
    )();
    const row = outbox.row('7d3f1a2b-3c4d-4b6c-8f0e-5d7a4c1e9c2a');
    if (row === undefined) throw new Error('no request');
    keeper.settled(row, { id: row.id, status: 'ok', duplicate: false, result: { id: 'nope' } });
    expect(keeper.store.active()).toEqual([]);
  });
});
