import { describe, expect, it } from 'vitest';
import { LOCALES } from '@marquee/shared';
import { STRINGS, en, zhCN } from './strings.ts';

const HAN = /\p{Script=Han}/u;
// Sample arguments for every string that takes values: numbers for counts, text otherwise.
const sample = (fn: (...args: never[]) => string): string =>
  (fn as (...args: unknown[]) => string)(
    ...Array.from({ length: fn.length }, (_, i) => (i === 0 ? 3 : 'X7')),
  );

describe('strings', () => {
  it('has every string in every language the domain knows', () => {
    expect(Object.keys(STRINGS).sort()).toEqual([...LOCALES].sort());
    for (const locale of LOCALES) expect(Object.keys(STRINGS[locale]).sort()).toEqual(Object.keys(en).sort());
  });

  it('gives each value-taking string the same arguments in both languages', () => {
    for (const [key, value] of Object.entries(en)) {
      const other = (zhCN as Record<string, unknown>)[key];
      expect(typeof other, key).toBe(typeof value);
      if (typeof value === 'function' && typeof other === 'function')
        expect(other.length, key).toBe(value.length);
    }
  });

  it('never shows an empty string, and every value appears in the sentence', () => {
    for (const strings of Object.values(STRINGS)) {
      for (const [key, value] of Object.entries(strings)) {
        if (typeof value === 'string') {
          expect(value.trim(), key).not.toBe('');
          continue;
        }
        const text = sample(value);
        expect(text.trim(), key).not.toBe('');
        if (value.length > 1) expect(text, key).toContain('X7');
      }
    }
  });

  it('translates sentences rather than copying the English', () => {
    const untranslated = Object.entries(zhCN)
      .filter(([, value]) => typeof value === 'string' && value.length > 12 && !HAN.test(value))
      .map(([key]) => key);
    expect(untranslated).toEqual([]);
  });

  it('counts in English with the right plural', () => {
    expect(en.seatsLeft(1)).toBe('1 seat left');
    expect(en.seatsLeft(12)).toBe('12 seats left');
    expect(zhCN.seatsLeft(12)).toBe('余 12 座');
  });
});
