import { describe, expect, it } from 'vitest';
import { isTrustedSender, parseTerminalCall, untrustedSender } from './ipc-guard.ts';

const SHOWTIME = '0b6c4f0e-5d7a-4c1e-9c2a-7d3f1a2b3c4d';

describe('IPC sender checks', () => {
  it("trusts only the app's own top-level page", () => {
    expect(isTrustedSender({ url: 'app://marquee/index.html', parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'app://marquee/kiosk?x=1#seat', parent: null })).toBe(true);
  });

  it('refuses iframes, foreign pages, look-alike hosts and vanished frames', () => {
    expect(isTrustedSender({ url: 'app://marquee/index.html', parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://marquee/index.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'app://marquee.evil/index.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'app://user:pw@marquee/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'file:///app/dist/renderer/index.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: '', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(untrustedSender()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

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
