import { describe, expect, it } from 'vitest';
import { isNavigationAllowed, windowPlan } from './window-options.ts';

const base = { preloadPath: '/app/dist/preload/preload.cjs', isPackaged: true } as const;

describe('terminal windows', () => {
  it.each(['kiosk', 'box_office', 'gate', undefined] as const)(
    'isolates the %s page from Node and the preload (sandbox, contextIsolation, no nodeIntegration)',
    (profile) => {
      const prefs = windowPlan({ ...base, profile }).options.webPreferences!;
      expect(prefs).toMatchObject({
        preload: base.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        navigateOnDragDrop: false,
      });
    },
  );

  it('locks a kiosk: fullscreen kiosk mode, no frame, not closable, no menu, no devtools, idle reset', () => {
    const plan = windowPlan({ ...base, isPackaged: false, profile: 'kiosk' });
    expect(plan.locked).toBe(true);
    expect(plan.options).toMatchObject({ kiosk: true, fullscreen: true, frame: false, closable: false });
    expect(plan.menu).toBe(false);
    expect(plan.devTools).toBe(false);
    expect(plan.options.webPreferences?.devTools).toBe(false);
    expect(plan.idleResetSeconds).toBe(180);
    expect(windowPlan({ ...base, profile: 'kiosk', idleResetSeconds: 45 }).idleResetSeconds).toBe(45);
  });

  it('gives staff profiles an ordinary window, devtools only in a developer build', () => {
    const dev = windowPlan({ ...base, isPackaged: false, profile: 'box_office' });
    expect(dev.locked).toBe(false);
    expect(dev.options.kiosk).toBeUndefined();
    expect(dev.devTools).toBe(true);
    expect(dev.idleResetSeconds).toBe(0);
    const installed = windowPlan({ ...base, profile: 'gate' });
    expect(installed.devTools).toBe(false);
    expect(installed.menu).toBe(false);
    expect(installed.options.webPreferences?.devTools).toBe(false);
  });

  it('allows navigation only within the app', () => {
    expect(isNavigationAllowed('app://marquee/index.html')).toBe(true);
    expect(isNavigationAllowed('https://evil.example/')).toBe(false);
    expect(isNavigationAllowed('file:///etc/passwd')).toBe(false);
    expect(isNavigationAllowed('app://other/index.html')).toBe(false);
    expect(isNavigationAllowed('app://marquee:8080/')).toBe(false);
    expect(isNavigationAllowed('javascript:alert(1)')).toBe(false);
    expect(isNavigationAllowed('not a url')).toBe(false);
  });
});
