import { describe, expect, it } from 'vitest';
import { hashText, posterArt, titleInitials } from './poster-art.ts';

describe('generated posters', () => {
  it('takes the initials of the meaningful words', () => {
    expect(titleInitials('The Last Lighthouse')).toBe('LL');
    expect(titleInitials('Orbit of Silence')).toBe('OS');
    expect(titleInitials('Detective Lu and the Jade Cipher')).toBe('DL');
    expect(titleInitials('Up')).toBe('U');
    expect(titleInitials('2046')).toBe('2');
    expect(titleInitials('  ')).toBe('?');
  });

  it('takes the first two characters of a Chinese title', () => {
    expect(titleInitials('流浪地球')).toBe('流浪');
    expect(titleInitials('陆探长与玉石密码')).toBe('陆探');
  });

  it('keeps accented letters whole', () => {
    expect(titleInitials('Émile et l’été')).toBe('ÉE');
  });

  it('gives a film the same look everywhere, and different films different looks', () => {
    const a = posterArt('0b8f5f0e-7d4c-4e61-9a3e-1f2a3b4c5d6e', 'Orbit of Silence');
    expect(posterArt('0b8f5f0e-7d4c-4e61-9a3e-1f2a3b4c5d6e', 'Orbit of Silence')).toEqual(a);
    expect(posterArt('9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d', 'Orbit of Silence')).not.toEqual(a);
    const gap = (a.hueB - a.hueA + 360) % 360;
    expect(gap).toBeGreaterThanOrEqual(40);
    expect(gap).toBeLessThan(140);
    expect(hashText('abc')).toBe(hashText('abc'));
  });
});
