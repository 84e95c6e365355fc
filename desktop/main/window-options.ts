/**
 * How each terminal profile's window is built and locked down (DESIGN §11). Pure data from the
 * profile, so the lockdown is tested without Electron; `main.ts` passes it to `BrowserWindow`.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { TerminalProfile } from '@marquee/shared';
import { isAppUrl } from './app-origin.ts';

export interface WindowPlan {
  options: BrowserWindowConstructorOptions;
  /** Kiosk mode: fullscreen, no way out but the staff PIN. */
  locked: boolean;
  /** Whether the application menu is shown (it carries reload and devtools entries). */
  menu: boolean;
  /** Whether devtools may open at all (also enforced through `webPreferences.devTools`). */
  devTools: boolean;
  /** Seconds without input after which the kiosk resets to its attract screen; 0 = never. */
  idleResetSeconds: number;
}

export interface WindowPlanInput {
  /** Undefined before enrollment: the enrollment screen in an ordinary window. */
  profile: TerminalProfile | undefined;
  preloadPath: string;
  /** `app.isPackaged`: developers get devtools on staff profiles, installed terminals never. */
  isPackaged: boolean;
  /** From the terminal config; kiosks default to {@link DEFAULT_KIOSK_IDLE_SECONDS}. */
  idleResetSeconds?: number;
}

/**
 * The shell's idle reset is a backstop: the kiosk screens reset their own flow sooner (with an
 * "are you still there?" prompt). This one catches a page that could not: hung, or stuck in a
 * dialog, still holding seats.
 */
export const DEFAULT_KIOSK_IDLE_SECONDS = 180;

export function windowPlan(input: WindowPlanInput): WindowPlan {
  const locked = input.profile === 'kiosk';
  const devTools = !locked && !input.isPackaged;
  const options: BrowserWindowConstructorOptions = {
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    backgroundColor: '#111111',
    title: 'Marquee',
    show: false,
    autoHideMenuBar: true,
    ...(locked
      ? {
          kiosk: true,
          fullscreen: true,
          frame: false,
          resizable: false,
          movable: false,
          minimizable: false,
          maximizable: false,
          closable: false,
          alwaysOnTop: true,
          skipTaskbar: true,
        }
      : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools,
      // A kiosk behind a locked screen must keep its timers (hold expiry, idle reset) running.
      backgroundThrottling: !locked,
    },
  };
  return {
    options,
    locked,
    menu: devTools,
    devTools,
    idleResetSeconds: locked ? (input.idleResetSeconds ?? DEFAULT_KIOSK_IDLE_SECONDS) : 0,
  };
}

/**
 * Navigation may only stay inside the app (a full reload back to the start screen). Links, dropped
 * files and injected markup pointing anywhere else are refused: a terminal never browses.
 */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}
