import { describe, expect, it } from 'vitest';
import { hashPin, isPinHash, PinAttempts, verifyPin } from './kiosk-pin.ts';

describe('the kiosk exit PIN', () => {
  it('keeps only a salted hash that verifies the right PIN and no other', () => {
    const stored = hashPin('482913');
    expect(isPinHash(stored)).toBe(true);
    expect(stored).not.toContain('482913');
    expect(hashPin('482913')).not.toBe(stored);
    expect(verifyPin('482913', stored)).toBe(true);
    expect(verifyPin('482914', stored)).toBe(false);
    expect(verifyPin('', stored)).toBe(false);
    expect(verifyPin('482913', 'plain-482913')).toBe(false);
  });

  it('refuses PINs that are too short or not digits', () => {
    expect(() => hashPin('123')).toThrow(/4 to 12 digits/);
    expect(() => hashPin('12ab')).toThrow();
  });

  it('slows guessing down after three wrong PINs and forgets after a right one', () => {
    const attempts = new PinAttempts(3, 60_000);
    let now = 1_000;
    for (let i = 0; i < 2; i++) attempts.record(false, now);
    expect(attempts.waitMs(now)).toBe(0);
    attempts.record(false, now);
    expect(attempts.waitMs(now)).toBe(1_000);
    now += 1_000;
    attempts.record(false, now);
    expect(attempts.waitMs(now)).toBe(2_000);
    for (let i = 0; i < 20; i++) attempts.record(false, now);
    expect(attempts.waitMs(now)).toBe(60_000);
    attempts.record(true, now);
    expect(attempts.waitMs(now)).toBe(0);
  });
});
