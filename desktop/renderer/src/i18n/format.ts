/**
 * Dates and times as the cinema reads them: always in the site's time zone (a terminal whose
 * system clock is set to another zone still shows 19:30 for a 19:30 showing), in the UI language.
 */
import { localTimeParts } from '@marquee/shared';
import type { Locale } from '@marquee/shared';

const formats = new Map<string, Intl.DateTimeFormat>();

function cachedFormat(
  locale: Locale,
  timeZone: string | undefined,
  kind: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ''}|${kind}`;
  let format = formats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, timeZone === undefined ? options : { ...options, timeZone });
    formats.set(key, format);
  }
  return format;
}

/** "19:30" — a 24-hour clock in both languages, as cinema programmes print it. */
export function formatClock(instant: string | number, locale: Locale, timeZone: string | undefined): string {
  return cachedFormat(locale, timeZone, 'clock', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(typeof instant === 'number' ? instant : Date.parse(instant));
}

/** "Sat 23 Nov" / "11月23日周六". */
export function formatDay(instant: string | number, locale: Locale, timeZone: string | undefined): string {
  return cachedFormat(locale, timeZone, 'day', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(typeof instant === 'number' ? instant : Date.parse(instant));
}

/** The cinema's calendar date (`YYYY-MM-DD`) at an instant; the machine's zone if the site's is unknown. */
export function siteDate(epochMs: number, timeZone: string | undefined): string {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const parts = localTimeParts(new Date(epochMs).toISOString(), zone);
  if (parts.ok) return parts.value.date;
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus whole days, on the calendar (no time zone involved). */
export function addDays(date: string, days: number): string {
  const [year = 1970, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** "12 min", "2 h 5 min", "45 s"; "1小时5分钟" in Chinese. For "offline for …". */
export function formatDuration(ms: number, locale: Locale): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (locale === 'zh-CN') {
    if (hours > 0) return minutes > 0 ? `${hours}小时${minutes}分钟` : `${hours}小时`;
    return minutes > 0 ? `${minutes}分钟` : `${seconds}秒`;
  }
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return minutes > 0 ? `${minutes} min` : `${seconds} s`;
}
