import { describe, expect, it } from 'vitest';
import { createScanDeduper } from './scan-dedupe.ts';

describe('camera scan dedupe', () => {
  it('judges a ticket held in front of the camera once', () => {
    const scans = createScanDeduper(2500);
    const decisions = [0, 100, 200, 300, 2000, 4000].map((at) => scans.accept('T1', at));
    expect(decisions).toEqual([true, false, false, false, false, false]);
  });

  it('judges it again once it was out of view long enough', () => {
    const scans = createScanDeduper(2500);
    expect(scans.accept('T1', 0)).toBe(true);
    expect(scans.accept('T1', 3000)).toBe(true);
  });

  it('judges a different ticket at once', () => {
    const scans = createScanDeduper(2500);
    expect(scans.accept('T1', 0)).toBe(true);
    expect(scans.accept('T2', 50)).toBe(true);
    expect(scans.accept('T1', 100)).toBe(true);
  });

  it('tries a ticket held in view again after its scan could not be judged, once', () => {
    const scans = createScanDeduper(2500, 1000);
    expect(scans.accept('T1', 0)).toBe(true);
    scans.retry('T1', 200);
    const decisions = [300, 900, 1200, 1300, 2000].map((at) => scans.accept('T1', at));
    expect(decisions).toEqual([false, false, true, false, false]);
  });

  it('does not retry a code that is no longer the one in view', () => {
    const scans = createScanDeduper(2500, 1000);
    expect(scans.accept('T1', 0)).toBe(true);
    expect(scans.accept('T2', 100)).toBe(true);
    scans.retry('T1', 200);
    expect(scans.accept('T2', 1500)).toBe(false);
  });
});
