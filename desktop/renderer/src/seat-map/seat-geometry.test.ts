import { describe, expect, it } from 'vitest';
import type { HallLayout } from '@marquee/shared';
import { layoutFromPatterns } from '../../../../shared/src/testing/layouts.ts';
import {
  KIOSK_MIN_SCALE,
  LABEL_WIDTH,
  MIN_TOUCH_TARGET_PX,
  ROW_PITCH,
  SCREEN_DEPTH,
  SEAT_PITCH,
  fitScale,
  inLayoutOrder,
  neighbourSeat,
  seatMapGeometry,
  zoomStep,
} from './seat-geometry.ts';

// A: 3 | 3 with an aisle;  B: fan row shifted by one gap;  C: after a cross aisle, 8 wide.
const hall: HallLayout = (() => {
  const layout = layoutFromPatterns(['SSS_SSS', '_SS_SS', 'SSSSSSSS']);
  const rows = layout.rows.map((row, i) => (i === 2 ? { ...row, spaceBefore: 1 } : row));
  return { ...layout, rows };
})();

describe('seat map geometry', () => {
  const geometry = seatMapGeometry(hall);

  it('places seats by their cell, so aisles stay open', () => {
    const a3 = geometry.byId.get('A-3');
    const a4 = geometry.byId.get('A-4');
    expect(a3?.x).toBe(LABEL_WIDTH + 2 * SEAT_PITCH);
    // Seat A4 sits in cell 4: one empty cell (the aisle) after A3.
    expect(a4?.x).toBe(LABEL_WIDTH + 4 * SEAT_PITCH);
  });

  it('puts the screen on top and rows behind it, with cross aisles', () => {
    expect(geometry.byId.get('A-1')?.y).toBe(SCREEN_DEPTH);
    expect(geometry.byId.get('B-1')?.y).toBe(SCREEN_DEPTH + ROW_PITCH);
    expect(geometry.byId.get('C-1')?.y).toBe(SCREEN_DEPTH + 3 * ROW_PITCH);
    expect(geometry.screen.y).toBeLessThan(SCREEN_DEPTH);
  });

  it('is as wide as the widest row plus labels', () => {
    expect(geometry.width).toBe(2 * LABEL_WIDTH + 8 * SEAT_PITCH);
  });

  it('moves left and right along a row, across the aisle', () => {
    expect(neighbourSeat(geometry, 'A-3', 'right')?.id).toBe('A-4');
    expect(neighbourSeat(geometry, 'A-4', 'left')?.id).toBe('A-3');
    expect(neighbourSeat(geometry, 'A-6', 'right')).toBeUndefined();
    expect(neighbourSeat(geometry, 'A-5', 'home')?.id).toBe('A-1');
    expect(neighbourSeat(geometry, 'A-1', 'end')?.id).toBe('A-6');
  });

  it('moves up and down to the nearest seat as drawn, not the same number', () => {
    // B1 is drawn in cell 1, under A2.
    expect(neighbourSeat(geometry, 'A-2', 'down')?.id).toBe('B-1');
    expect(neighbourSeat(geometry, 'B-1', 'up')?.id).toBe('A-2');
    expect(neighbourSeat(geometry, 'B-4', 'down')?.id).toBe('C-6');
    expect(neighbourSeat(geometry, 'A-1', 'up')).toBeUndefined();
  });

  it('keeps kiosk touch targets at least 44 px', () => {
    expect(SEAT_PITCH * KIOSK_MIN_SCALE).toBeGreaterThanOrEqual(MIN_TOUCH_TARGET_PX);
    const big = { width: 3000, height: 2000 };
    const scale = fitScale(big, { width: 800, height: 600 }, KIOSK_MIN_SCALE);
    expect(SEAT_PITCH * scale).toBeGreaterThanOrEqual(MIN_TOUCH_TARGET_PX);
  });

  it('fits a small hall to the viewport, up to the maximum zoom', () => {
    expect(fitScale({ width: 400, height: 300 }, { width: 800, height: 900 }, 0.5)).toBe(2);
    expect(fitScale({ width: 400, height: 300 }, { width: 4000, height: 3000 }, 0.5, 2.5)).toBe(2.5);
    expect(fitScale({ width: 400, height: 300 }, { width: 0, height: 0 }, 0.5)).toBe(1);
  });

  it('zooms in steps within the limits', () => {
    expect(zoomStep(1, 'in', 0.5)).toBe(1.25);
    expect(zoomStep(1, 'out', 0.5)).toBe(0.8);
    expect(zoomStep(0.55, 'out', 0.5)).toBe(0.5);
    expect(zoomStep(2.4, 'in', 0.5, 2.5)).toBe(2.5);
  });

  it('caches the geometry per layout object', () => {
    expect(seatMapGeometry(hall)).toBe(geometry);
  });

  it('orders seats front row first, left to right, unknown seats last', () => {
    expect(inLayoutOrder(hall, ['C-2', 'A-10', 'A-4', 'B-1', 'A-3'])).toEqual([
      'A-3',
      'A-4',
      'B-1',
      'C-2',
      'A-10',
    ]);
  });
});
