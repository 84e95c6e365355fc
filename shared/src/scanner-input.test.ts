import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WEDGE_OPTIONS,
  INITIAL_WEDGE_STATE,
  scansIn,
  wedgeStep,
  type KeyStroke,
} from './scanner-input.ts';

const TOKEN = 'NCFOXN%TSMAHN-HYS9:P$5L8-7T1:C';

/** Keys typed `gapMs` apart from `start`, then Enter `gapMs` later. */
function typed(
  text: string,
  start: number,
  gapMs: number | ((i: number) => number),
  enter = true,
): KeyStroke[] {
  const gap = typeof gapMs === 'number' ? () => gapMs : gapMs;
  const strokes: KeyStroke[] = [];
  let at = start;
  for (let i = 0; i < text.length; i++) {
    strokes.push({ key: text[i]!, at });
    at += gap(i);
  }
  if (enter) strokes.push({ key: 'Enter', at });
  return strokes;
}

describe('keyboard-wedge scanner detection', () => {
  it('recognises a scanner burst ending in Enter as one scan', () => {
    expect(scansIn(typed(TOKEN, 1000, 4))).toEqual([TOKEN]);
  });

  it('lets a person typing the same characters through as typing', () => {
    expect(scansIn(typed(TOKEN, 1000, 120))).toEqual([]);
    // A very fast typist still averages far above a scanner.
    expect(scansIn(typed(TOKEN, 1000, (i) => (i % 2 === 0 ? 40 : 70)))).toEqual([]);
  });

  it('ignores Shift between the characters of a scan (upper-case letters)', () => {
    const strokes: KeyStroke[] = [];
    let at = 0;
    for (const char of TOKEN) {
      if (/[A-Z]/.test(char)) strokes.push({ key: 'Shift', at: (at += 1) });
      strokes.push({ key: char, at: (at += 3) });
    }
    strokes.push({ key: 'Enter', at: at + 3 });
    expect(scansIn(strokes)).toEqual([TOKEN]);
  });

  it('keeps only the burst when a scan follows a few typed keys', () => {
    const strokes = [...typed('abc', 0, 150, false), ...typed(TOKEN, 1000, 5)];
    expect(scansIn(strokes)).toEqual([TOKEN]);
  });

  it('does not take a short fast burst (a typed shortcut or a key repeat) for a scan', () => {
    expect(scansIn(typed('aaaa', 0, 30))).toEqual([]);
  });

  it('does not take a burst without its terminator, or an Enter after a pause, for a scan', () => {
    const strokes = [...typed(TOKEN, 0, 4, false), { key: 'Enter', at: 5000 }];
    expect(scansIn(strokes)).toEqual([]);
  });

  it('refuses a burst with too many slow keys even when each gap is under the limit', () => {
    expect(scansIn(typed(TOKEN, 0, 45))).toEqual([]);
  });

  it('tells scans apart when two come one after the other', () => {
    const second = 'B'.repeat(20);
    expect(scansIn([...typed(TOKEN, 0, 3), ...typed(second, 2000, 3)])).toEqual([TOKEN, second]);
  });

  it('accepts Tab as terminator when the scanner is set up that way', () => {
    const options = { ...DEFAULT_WEDGE_OPTIONS, terminators: ['Tab'] };
    const strokes = typed(TOKEN, 0, 3, false);
    strokes.push({ key: 'Tab', at: strokes.at(-1)!.at + 3 });
    expect(scansIn(strokes, options)).toEqual([TOKEN]);
  });

  it('gives up on a burst longer than the maximum', () => {
    const options = { ...DEFAULT_WEDGE_OPTIONS, maxLength: 10 };
    expect(scansIn(typed('X'.repeat(30), 0, 2), options)).toEqual([]);
  });

  it('is a pure reducer: the same state and key give the same answer', () => {
    const a = wedgeStep(INITIAL_WEDGE_STATE, { key: 'A', at: 10 });
    const b = wedgeStep(INITIAL_WEDGE_STATE, { key: 'A', at: 10 });
    expect(a).toEqual(b);
    expect(INITIAL_WEDGE_STATE.chars).toBe('');
  });
});
