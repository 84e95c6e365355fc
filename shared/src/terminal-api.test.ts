import { describe, expect, it } from 'vitest';
import { parseTerminalCall, readResult } from './terminal-api.ts';

const SHOWTIME = '0b6c4f0e-5d7a-4c1e-9c2a-7d3f1a2b3c4d';

describe('parsing a terminal call against the contract', () => {
  it('passes a known call with valid input, stripped to the schema', () => {
    const parsed = parseTerminalCall('seatmap.get', { showtimeId: SHOWTIME });
    expect(parsed).toEqual({ ok: true, value: { call: 'seatmap.get', input: { showtimeId: SHOWTIME } } });
  });

  it('answers validation_failed for an unknown call, without echoing a huge name', () => {
    const parsed = parseTerminalCall('system.shutdown', {});
    expect(parsed).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { call: 'system.shutdown' } },
    });
    const long = parseTerminalCall('x'.repeat(10_000), {});
    expect(long.ok).toBe(false);
    if (!long.ok) expect(String(long.error.details?.['call'])).toHaveLength(64);
    expect(parseTerminalCall(42, {})).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(parseTerminalCall('__proto__', {})).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(parseTerminalCall('toString', {})).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
  });

  it('answers validation_failed naming the field for bad input', () => {
    const parsed = parseTerminalCall('seats.hold', { showtimeId: SHOWTIME, seatIds: [] });
    expect(parsed).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { field: 'seatIds' } },
    });
    expect(parseTerminalCall('seatmap.get', { showtimeId: 'nope' })).toMatchObject({ ok: false });
    expect(parseTerminalCall('terminal.status', { extra: 1 })).toMatchObject({ ok: false });
    expect(parseTerminalCall('terminal.status', undefined)).toMatchObject({ ok: false });
  });
});

describe('reading a result that crossed a boundary', () => {
  it('keeps ok values and known error codes', () => {
    expect(readResult({ ok: true, value: 3 })).toEqual({ ok: true, value: 3 });
    expect(readResult({ ok: false, error: { code: 'hold_expired', message: 'gone' } })).toEqual({
      ok: false,
      error: { code: 'hold_expired', message: 'gone' },
    });
  });

  it('turns an unknown code into internal, naming it, and refuses what is no result', () => {
    expect(readResult({ ok: false, error: { code: 'from_the_future', message: 'new' } })).toEqual({
      ok: false,
      error: { code: 'internal', message: 'new', details: { code: 'from_the_future' } },
    });
    expect(readResult({ ok: true })).toBeUndefined();
    expect(readResult({ ok: false, error: { code: 'internal' } })).toBeUndefined();
    expect(readResult('ok')).toBeUndefined();
  });
});
