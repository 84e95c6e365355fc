import { describe, expect, it } from 'vitest';
import { KeyboardWedge } from './keyboard-wedge.ts';

/** Feeds `keys` `gapMs` apart from `start`; returns what the wedge reported. */
function feed(
  wedge: KeyboardWedge,
  keys: readonly string[],
  gapMs: number | readonly number[],
  start = 1000,
): string[] {
  const scans: string[] = [];
  let at = start;
  keys.forEach((key, i) => {
    if (i > 0) at += typeof gapMs === 'number' ? gapMs : (gapMs[i - 1] ?? 0);
    const text = wedge.push(key, at);
    if (text !== undefined) scans.push(text);
  });
  return scans;
}

const TOKEN = '570NVD-$MITFU8880H08 ACPQ7';

describe('keyboard wedge', () => {
  it('recognises a scanner: a fast burst of characters closed by Enter', () => {
    expect(feed(new KeyboardWedge(), [...Array.from(TOKEN), 'Enter'], 4)).toEqual([TOKEN]);
  });

  it('ignores a person typing the same characters', () => {
    expect(feed(new KeyboardWedge(), [...Array.from(TOKEN), 'Enter'], 110)).toEqual([]);
  });

  it('forgives one key the browser delivered late, but not a slow average', () => {
    const gaps = TOKEN.split('').map((_, i) => (i === 10 ? 100 : 5));
    expect(feed(new KeyboardWedge(), [...Array.from(TOKEN), 'Enter'], gaps)).toEqual([TOKEN]);
    expect(feed(new KeyboardWedge(), [...Array.from('ABCDEFGHIJ'), 'Enter'], 60)).toEqual([]);
  });

  it('starts a new burst after a pause, dropping what a person typed before', () => {
    const wedge = new KeyboardWedge();
    expect(feed(wedge, ['h', 'i'], 150, 0)).toEqual([]);
    expect(feed(wedge, [...Array.from(TOKEN), 'Enter'], 3, 5000)).toEqual([TOKEN]);
  });

  it('does not let Shift break a burst of capitals', () => {
    const keys = Array.from('ABCDEFGHIJ').flatMap((c) => ['Shift', c]);
    expect(feed(new KeyboardWedge(), [...keys, 'Enter'], 2)).toEqual(['ABCDEFGHIJ']);
  });

  it('needs a minimum length and accepts Tab as the end', () => {
    expect(feed(new KeyboardWedge(), [...Array.from('1234'), 'Enter'], 3)).toEqual([]);
    expect(feed(new KeyboardWedge({ minLength: 4 }), [...Array.from('1234'), 'Tab'], 3)).toEqual(['1234']);
  });

  it('drops a burst broken by a non-character key', () => {
    expect(
      feed(new KeyboardWedge(), [...Array.from('ABCDE'), 'ArrowLeft', ...Array.from('FGHIJ'), 'Enter'], 3),
    ).toEqual([]);
  });

  it('says while a burst looks like a scanner, so its keys can be kept from buttons', () => {
    const wedge = new KeyboardWedge();
    wedge.push('A', 0);
    expect(wedge.scanning).toBe(false);
    wedge.push('B', 4);
    expect(wedge.scanning).toBe(true);
    wedge.push('C', 300);
    expect(wedge.scanning).toBe(false);
  });
});
