/**
 * Electron main (DESIGN §3, §11): owns the window, the `app://` protocol, the security policy and
 * the IPC bridge to the terminal core, which runs in a utility process. Deliberately thin: every
 * decision lives in a pure module next to this file (window-options, ipc-guard, permissions,
 * kiosk-session) or in desktop/host, shared with the browser bridge (csp, kiosk-pin, the core
 * protocol, static files), and is unit-tested without Electron; this file only wires them in.
 *
 *   electron desktop [--data DIR] [--server URL --code CODE]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  powerMonitor,
  protocol,
  session,
  utilityProcess,
  type UtilityProcess,
} from 'electron';
import { TerminalStatus, fail, ok, parseTerminalCall, type TerminalProfile } from '@marquee/shared';
import { IPC } from '../preload/ipc-channels.ts';
import { resolveAsset } from '../host/static-files.ts';
import { APP_ENTRY_URL, APP_SCHEME } from './app-origin.ts';
import { CoreChannel } from '../host/core-protocol.ts';
import { securityHeaders, withSecurityHeaders } from '../host/csp.ts';
import { isTrustedSender, untrustedSender } from './ipc-guard.ts';
import { HoldLedger, IdleWatch } from './kiosk-session.ts';
import { PinAttempts, verifyPin } from '../host/kiosk-pin.ts';
import { isPermissionAllowed } from './permissions.ts';
import { loadTerminalConfig } from './terminal-config.ts';
import { isNavigationAllowed, windowPlan, type WindowPlan } from './window-options.ts';

const HERE = import.meta.dirname;
const RENDERER_DIR = join(HERE, '..', 'renderer');
const PRELOAD = join(HERE, '..', 'preload', 'preload.cjs');
const CORE_HOST = join(HERE, 'core-host.js');

// Must precede `ready`: `standard` gives the scheme real origins and relative URLs, `secure`
// makes it a secure context (camera access needs one).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

const { values: args } = parseArgs({
  args: process.argv.slice(app.isPackaged ? 1 : 2),
  options: { data: { type: 'string' }, server: { type: 'string' }, code: { type: 'string' } },
  strict: false,
  allowPositionals: true,
});
const dataDir = typeof args.data === 'string' ? args.data : join(app.getPath('userData'), 'terminal');
const loaded = loadTerminalConfig(join(dataDir, 'terminal-config.json'));
const config = loaded.config;

let profile: TerminalProfile | undefined;
let window: BrowserWindow | undefined;
let plan: WindowPlan | undefined;
let quitting = false;
let mayClose = false;
const holds = new HoldLedger();
/** Terminal-API calls from the page still waiting for the core (the idle reset waits for them). */
let callsInFlight = 0;
const pinAttempts = new PinAttempts();

function log(message: string, extra?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level: 'info', message, ...extra })}\n`);
}

function startCore(): { host: UtilityProcess; channel: CoreChannel } {
  const host = utilityProcess.fork(CORE_HOST, ['--data', dataDir], {
    serviceName: 'Marquee terminal core',
    stdio: 'inherit',
  });
  const channel = new CoreChannel((message) => host.postMessage(message));
  host.on('message', (message: unknown) => {
    const received = channel.receive(message);
    if (!received.ok) log(received.problem);
  });
  host.on('exit', (code) => {
    channel.closed(`the terminal core exited (${String(code)})`);
    if (quitting) return;
    // The core's SQLite holds every acknowledged sale; a fresh start picks up where it stopped.
    log('terminal core exited; restarting the app', { code });
    app.relaunch();
    app.exit(1);
  });
  return { host, channel };
}

function lockDownContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isNavigationAllowed(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isNavigationAllowed(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withSecurityHeaders(details.responseHeaders) });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : undefined;
    callback(
      isPermissionAllowed(profile, {
        permission,
        requestingUrl: details.requestingUrl,
        isMainFrame: details.isMainFrame,
        ...(mediaTypes === undefined ? {} : { mediaTypes }),
      }),
    );
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionAllowed(profile, {
      permission,
      requestingUrl: requestingOrigin,
      isMainFrame: details.isMainFrame,
      ...(details.mediaType === undefined ? {} : { mediaTypes: [details.mediaType] }),
    }),
  );
  ses.setDevicePermissionHandler(() => false);
  protocol.handle(APP_SCHEME, async (request) => {
    const headers = securityHeaders();
    const asset = resolveAsset(RENDERER_DIR, new URL(request.url).pathname);
    if (asset === undefined) return new Response('Not found', { status: 404, headers });
    const body = await readFile(asset.file);
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': asset.contentType } });
  });
}

function createWindow(): BrowserWindow {
  plan = windowPlan({
    profile,
    preloadPath: PRELOAD,
    isPackaged: app.isPackaged,
    ...(config.idleResetSeconds === undefined ? {} : { idleResetSeconds: config.idleResetSeconds }),
  });
  Menu.setApplicationMenu(plan.menu ? Menu.getApplicationMenu() : null);
  const win = new BrowserWindow(plan.options);
  const locked = plan.locked;
  win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    // A kiosk closes only after the staff PIN (or when the whole app quits for an update).
    if (locked && !mayClose && !quitting) event.preventDefault();
  });
  win.webContents.on('before-input-event', (event, input) => {
    if (!locked || input.type !== 'keyDown') return;
    // The one way out: Ctrl+Alt+Shift+X asks the page for the staff PIN.
    if (input.control && input.alt && input.shift && input.key.toLowerCase() === 'x') {
      event.preventDefault();
      win.webContents.send(IPC.exitRequested);
    }
  });
  void win.loadURL(APP_ENTRY_URL);
  return win;
}

function watchIdle(channel: CoreChannel, seconds: number): void {
  if (seconds <= 0) return;
  const watch = new IdleWatch(seconds);
  const timer = setInterval(() => {
    if (!watch.tick(powerMonitor.getSystemIdleTime(), callsInFlight > 0)) return;
    const win = window;
    if (win === undefined || win.isDestroyed()) return;
    win.webContents.send(IPC.idleReset);
    // Free the abandoned customer's seats now rather than when their holds expire.
    const released = holds
      .drain()
      .map((holdId) => channel.call({ call: 'seats.release', input: { holdId } }));
    void Promise.allSettled(released).then(() => win.loadURL(APP_ENTRY_URL));
  }, 5_000);
  timer.unref();
}

function registerIpc(channel: CoreChannel): void {
  ipcMain.handle(IPC.call, async (event, call: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame)) return untrustedSender();
    // The Electron transport's one parse: the core host gets the typed request.
    const parsed = parseTerminalCall(call, input);
    if (!parsed.ok) return parsed;
    callsInFlight++;
    try {
      const result = await channel.call(parsed.value);
      holds.observe(parsed.value.call, parsed.value.input, result);
      return result;
    } finally {
      callsInFlight--;
    }
  });
  ipcMain.handle(IPC.exitKiosk, (event, pin: unknown) => {
    if (!isTrustedSender(event.senderFrame)) return untrustedSender();
    const now = Date.now();
    const wait = pinAttempts.waitMs(now);
    if (wait > 0) return fail('rate_limited', 'too many attempts', { waitMs: wait });
    const hash = config.kioskPinHash;
    const good = typeof pin === 'string' && hash !== undefined && verifyPin(pin, hash);
    pinAttempts.record(good, now);
    if (!good) return fail('forbidden', 'wrong PIN');
    mayClose = true;
    setImmediate(() => app.quit());
    return ok(null);
  });
  channel.onEvent((event) => {
    const win = window;
    if (win !== undefined && !win.isDestroyed()) win.webContents.send(IPC.event, event);
    // Enrolling just now decided the profile: a kiosk must restart into its locked window.
    if (event.type === 'status' && event.status.profile !== undefined && event.status.profile !== profile) {
      const before = profile;
      profile = event.status.profile;
      if (before === undefined && profile === 'kiosk') {
        app.relaunch();
        app.exit(0);
      }
    }
  });
}

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    // Two instances would share one SQLite file and one printer.
    app.quit();
    return;
  }
  if (loaded.problem !== undefined) log(loaded.problem);
  await app.whenReady();
  lockDownContents();
  lockDownSession();
  const { host, channel } = startCore();
  app.on('before-quit', () => {
    quitting = true;
    host.postMessage({ type: 'stop' });
  });
  registerIpc(channel);
  let status = await channel.ready;
  const enroll =
    typeof args.server === 'string' && typeof args.code === 'string'
      ? { serverUrl: args.server, code: args.code }
      : config.enroll;
  if (!status.enrolled && enroll !== undefined) {
    const request = parseTerminalCall('terminal.enroll', enroll);
    const enrolled = request.ok ? await channel.call(request.value) : request;
    const answer = enrolled.ok ? TerminalStatus.safeParse(enrolled.value) : undefined;
    if (answer?.success === true) status = answer.data;
    else log('enrollment failed', { error: enrolled.ok ? 'off-contract answer' : enrolled.error });
  }
  profile = status.profile;
  if (config.profile !== undefined && profile !== undefined && profile !== config.profile)
    log('this terminal is enrolled with another profile than its config expects', {
      profile,
      expected: config.profile,
    });
  window = createWindow();
  app.on('second-instance', () => {
    if (window !== undefined && !window.isDestroyed()) window.focus();
  });
  watchIdle(channel, plan?.idleResetSeconds ?? 0);
  app.on('window-all-closed', () => app.quit());
}

start().catch((error: unknown) => {
  log('the terminal failed to start', { error: String(error) });
  app.exit(1);
});
