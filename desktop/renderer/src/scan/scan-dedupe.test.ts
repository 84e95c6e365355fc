import { describe, expect, it } from 'vitest';
import { createScanDeduper } from './scan-dedupe.ts';

describe('camera scan dedupe', () => {
  it('judges a ticket held in front of the camera once', () => {
    const accept = createScanDeduper(2500);
    const decisions = [0, 100, 200, 300, 2000, 4000].map((at) => accept('T1', at));
    expect(decisions).toEqual([true, false, false, false, false, false]);
  });

  it('judges it again once it was out of view long enough', () => {
    const accept = createScanDeduper(2500);
    expect(accept('T1', 0)).toBe(true);
    expect(accept('T1', 3000)).toBe(true);
  });

  it('judges a different ticket at once', () => {
    const accept = createScanDeduper(2500);
    expect(accept('T1', 0)).toBe(true);
    expect(accept('T2', 50)).toBe(true);
    expect(accept('T1', 100)).toBe(true);
  });
});
