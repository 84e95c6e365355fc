import { describe, expect, it } from 'vitest';
import { isTrustedSender, untrustedSender } from './ipc-guard.ts';

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
