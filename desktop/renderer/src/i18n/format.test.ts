import { describe, expect, it } from 'vitest';
import { addDays, formatClock, formatDuration, siteDate } from './format.ts';

describe('dates and times for the lobby', () => {
  it('shows times in the cinema’s zone on a 24-hour clock', () => {
    expect(formatClock('2026-03-01T11:30:00Z', 'en', 'Asia/Shanghai')).toBe('19:30');
    expect(formatClock('2026-03-01T11:30:00Z', 'zh-CN', 'Asia/Shanghai')).toBe('19:30');
  });

  it('takes the calendar date in the cinema’s zone', () => {
    expect(siteDate(Date.parse('2026-03-01T16:30:00Z'), 'Asia/Shanghai')).toBe('2026-03-02');
    expect(siteDate(Date.parse('2026-03-01T16:30:00Z'), 'UTC')).toBe('2026-03-01');
  });

  it('adds calendar days across months', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('says how long in words', () => {
    expect(formatDuration(45_000, 'en')).toBe('45 s');
    expect(formatDuration(12 * 60_000, 'en')).toBe('12 min');
    expect(formatDuration(125 * 60_000, 'en')).toBe('2 h 5 min');
    expect(formatDuration(125 * 60_000, 'zh-CN')).toBe('2小时5分钟');
  });
});
