import { describe, expect, it } from 'vitest';
import { URGENT_SECONDS, countdown } from './countdown.ts';

const END = Date.parse('2026-03-01T12:05:00Z');

describe('hold countdown', () => {
  it('shows minutes and seconds left', () => {
    expect(countdown(END, END - 245_000)).toMatchObject({
      seconds: 245,
      text: '4:05',
      expired: false,
      urgent: false,
    });
  });

  it('rounds up, so 0:00 means the hold is over', () => {
    expect(countdown(END, END - 200).text).toBe('0:01');
    expect(countdown(END, END)).toMatchObject({ seconds: 0, text: '0:00', expired: true });
    expect(countdown(END, END + 5_000)).toMatchObject({ seconds: 0, expired: true });
  });

  it('turns urgent in the last minute', () => {
    expect(countdown(END, END - (URGENT_SECONDS + 1) * 1000).urgent).toBe(false);
    expect(countdown(END, END - URGENT_SECONDS * 1000).urgent).toBe(true);
  });

  it('reads ISO instants and treats an unreadable one as expired', () => {
    expect(countdown('2026-03-01T12:05:00Z', END - 60_000).text).toBe('1:00');
    expect(countdown('soon', END).expired).toBe(true);
  });
});
