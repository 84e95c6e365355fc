import { describe, expect, it } from 'vitest';
import type { SeatClaim } from '@marquee/shared';
import { layoutFromPatterns } from '../../../../shared/src/testing/layouts.ts';
import { freeSeatCount, ownLeaseOf, seatViews, takenMeanwhile } from './seat-states.ts';

const layout = layoutFromPatterns(['SSSSXS']);
const NOW = Date.parse('2026-03-01T12:00:00Z');
const later = new Date(NOW + 60_000).toISOString();
const earlier = new Date(NOW - 60_000).toISOString();
const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const HOLD = '33333333-3333-4333-8333-333333333333';

const base = { now: NOW, terminalId: ME, selected: new Set<string>(), offline: false };

describe('seat views', () => {
  it('shows free, sold, held, leased and blocked seats', () => {
    const claims: SeatClaim[] = [
      { seatId: 'A-1', state: 'sold', ownerId: OTHER },
      { seatId: 'A-2', state: 'held', ownerId: OTHER, terminalId: OTHER, expiresAt: later },
      { seatId: 'A-3', state: 'leased', ownerId: OTHER, terminalId: OTHER, expiresAt: later },
    ];
    const views = seatViews(layout, claims, base);
    expect(Object.fromEntries(views)).toEqual({
      'A-1': 'sold',
      'A-2': 'held',
      'A-3': 'leased',
      'A-4': 'free',
      'A-5': 'blocked',
      'A-6': 'free',
    });
  });

  it('frees a hold whose time is up', () => {
    const views = seatViews(
      layout,
      [{ seatId: 'A-2', state: 'held', ownerId: OTHER, expiresAt: earlier }],
      base,
    );
    expect(views.get('A-2')).toBe('free');
  });

  it('shows this terminal’s hold as its own, and chosen seats as selected', () => {
    const claims: SeatClaim[] = [
      { seatId: 'A-1', state: 'held', ownerId: HOLD, terminalId: ME, expiresAt: later },
    ];
    const views = seatViews(layout, claims, {
      ...base,
      hold: { id: HOLD, seatIds: ['A-1'] },
      selected: new Set(['A-4']),
    });
    expect(views.get('A-1')).toBe('mine');
    expect(views.get('A-4')).toBe('selected');
  });

  it('shows an offline hold (not replicated) as its own', () => {
    const views = seatViews(layout, [], { ...base, hold: { id: HOLD, seatIds: ['A-6'] } });
    expect(views.get('A-6')).toBe('mine');
  });

  it('does not call a seat taken while this terminal’s previous hold is being released', () => {
    const claims: SeatClaim[] = [
      { seatId: 'A-1', state: 'held', ownerId: HOLD, terminalId: ME, expiresAt: later },
    ];
    const views = seatViews(layout, claims, { ...base, selected: new Set(['A-1']) });
    expect(views.get('A-1')).toBe('selected');
    expect(takenMeanwhile(['A-1'], views)).toEqual([]);
  });

  it('offline, sells only this terminal’s leased seats', () => {
    const claims: SeatClaim[] = [
      { seatId: 'A-1', state: 'leased', ownerId: 'lease-1', terminalId: ME, expiresAt: later },
      { seatId: 'A-2', state: 'leased', ownerId: 'lease-2', terminalId: OTHER, expiresAt: later },
    ];
    const offline = seatViews(layout, claims, { ...base, offline: true });
    expect(offline.get('A-1')).toBe('free');
    expect(offline.get('A-2')).toBe('leased');
    expect(offline.get('A-4')).toBe('offline');
    const online = seatViews(layout, claims, base);
    expect(online.get('A-1')).toBe('leased');
    expect(online.get('A-4')).toBe('free');
  });

  it('names chosen seats someone else took meanwhile', () => {
    const selected = new Set(['A-1', 'A-4']);
    const before = seatViews(layout, [], { ...base, selected });
    expect(takenMeanwhile(selected, before)).toEqual([]);
    const after = seatViews(
      layout,
      [{ seatId: 'A-4', state: 'held', ownerId: OTHER, terminalId: OTHER, expiresAt: later }],
      {
        ...base,
        selected,
      },
    );
    expect(takenMeanwhile(selected, after)).toEqual(['A-4']);
  });

  it('counts the seats a customer could still buy', () => {
    expect(freeSeatCount(layout, [], NOW)).toBe(5);
    expect(freeSeatCount(layout, [{ seatId: 'A-1', state: 'sold' }], NOW)).toBe(4);
  });

  it('finds the lease chosen seats were escrowed under, so offline rules treat it as ours', () => {
    const claims: SeatClaim[] = [
      { seatId: 'A-1', state: 'leased', ownerId: 'lease-1', terminalId: ME, expiresAt: later },
      { seatId: 'A-2', state: 'leased', ownerId: 'lease-1', terminalId: ME, expiresAt: later },
      { seatId: 'A-3', state: 'leased', ownerId: 'lease-2', terminalId: ME, expiresAt: later },
      { seatId: 'A-4', state: 'leased', ownerId: 'lease-3', terminalId: OTHER, expiresAt: later },
    ];
    expect(ownLeaseOf(claims, ['A-1', 'A-2'], ME, NOW)).toBe('lease-1');
    expect(ownLeaseOf(claims, ['A-2', 'A-3'], ME, NOW)).toBeUndefined();
    expect(ownLeaseOf(claims, ['A-4'], ME, NOW)).toBeUndefined();
    expect(ownLeaseOf(claims, ['A-1', 'A-6'], ME, NOW)).toBeUndefined();
    expect(ownLeaseOf(claims, ['A-1'], ME, Date.parse(later) + 1)).toBeUndefined();
  });
});
