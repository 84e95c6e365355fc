/**
 * End-to-end harness: real Chromium (Debian's, driven by playwright-core), the real built renderer,
 * real terminal cores behind the real browser-mode bridge, and a real sync server. Nothing here is
 * mocked; a missing Chromium fails the run with the command that installs it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import {
  parseAmount,
  type LeasePolicy,
  type SaleResult,
  type Showtime,
  type TerminalCall,
  type TerminalOutput,
  type TerminalProfile,
} from '@marquee/shared';
import { siteDate } from '../../desktop/renderer/src/i18n/format.ts';
import { sellableOn } from '../../desktop/renderer/src/programme.ts';
import { en, zhCN } from '../../desktop/renderer/src/i18n/strings.ts';
import { systemClock, type Clock } from '../../desktop/core/src/clock.ts';
import { TerminalCore } from '../../desktop/core/src/core.ts';
import { startBridge, type RunningBridge } from '../../desktop/bridge/bridge-server.ts';
import { waitOnline } from '../support/core.ts';
import { enrollCore } from '../support/enroll.ts';
import { startTestServer, TestClock, type TestServer, type TestServerOptions } from '../support/server.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test', 'artifacts');
export const CHROMIUM = '/usr/bin/chromium';
/** ENVIRONMENT.md: the flags that keep Debian's Chromium quiet and offline in CI. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `End-to-end tests need Chromium at ${CHROMIUM}: run \`apt-get update && apt-get install -y chromium ffmpeg\` ` +
        '(as root; .ci/run does this). No browser is ever downloaded by the tests.',
    );
  }
}

// --- one clock for the whole world ---------------------------------------------------------------

/** The demo site's zone (Asia/Shanghai, no daylight saving). */
const SITE_UTC_OFFSET_MS = 8 * 3_600_000;

/**
 * How far the test world's clock is from the real one. Server, cores and pages all run at
 * 11:00 in the cinema's time zone (today there), whatever time CI runs: the box office lists
 * today's showings, and late in the evening there would be none left to sell.
 */
export const WORLD_OFFSET_MS = (() => {
  const siteDay = new Date(Date.now() + SITE_UTC_OFFSET_MS).toISOString().slice(0, 10);
  return Date.parse(`${siteDay}T11:00:00+08:00`) - Date.now();
})();

export function worldNow(): number {
  return Date.now() + WORLD_OFFSET_MS;
}

/** The core's clock in the test world: shifted wall time, real monotonic time. */
export function worldCoreClock(): Clock {
  const system = systemClock();
  return { wall: worldNow, mono: () => system.mono(), bootId: () => system.bootId() };
}

// --- the renderer build ------------------------------------------------------------------------

/** A fingerprint of everything the renderer build reads, so an unchanged tree is built once. */
function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        hash.update(`${path}:${stat.size}:${stat.mtimeMs}\n`);
      }
    }
  };
  walk(join(ROOT, 'desktop', 'renderer'));
  walk(join(ROOT, 'shared', 'src'));
  return hash.digest('hex').slice(0, 16);
}

/** Drops builds of earlier source trees (older than an hour), so /tmp does not fill up. */
function pruneOldBuilds(keep: string): void {
  for (const entry of readdirSync(tmpdir())) {
    const dir = join(tmpdir(), entry);
    if (!entry.startsWith('marquee-e2e-renderer-') || dir === keep || entry.endsWith('.lock')) continue;
    const built = statSync(join(dir, '.complete'), { throwIfNoEntry: false })?.mtimeMs;
    if (built !== undefined && Date.now() - built > 3_600_000) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Builds the renderer (`vite build --config desktop/renderer/vite.config.ts`) into a temp dir
 * keyed by the sources, once for all test files: the first worker builds under a lock directory,
 * the others wait for its `.complete` marker. Never touches desktop/dist.
 */
export async function buildRenderer(): Promise<string> {
  const outDir = join(tmpdir(), `marquee-e2e-renderer-${sourceFingerprint()}`);
  const complete = join(outDir, '.complete');
  const lock = `${outDir}.lock`;
  const deadline = Date.now() + 240_000;
  while (!existsSync(complete)) {
    try {
      mkdirSync(lock);
    } catch {
      // Another worker is building; a lock older than the deadline is from a crashed run.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 240_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for the renderer build');
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      const run = spawnSync(
        join(ROOT, 'node_modules', '.bin', 'vite'),
        [
          'build',
          '--config',
          'desktop/renderer/vite.config.ts',
          '--outDir',
          outDir,
          '--emptyOutDir',
          '--logLevel',
          'warn',
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 240_000 },
      );
      if (run.status !== 0) throw new Error(`renderer build failed:\n${run.stdout}\n${run.stderr}`);
      if (!existsSync(join(outDir, 'index.html')))
        throw new Error(`renderer build wrote no index.html to ${outDir}`);
      writeFileSync(complete, new Date().toISOString());
      pruneOldBuilds(outDir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return outDir;
}

// --- browser -----------------------------------------------------------------------------------

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

export interface TerminalPage {
  context: BrowserContext;
  page: Page;
  /** Console messages about blocked content: the CSP must never have to block our own UI. */
  cspViolations: string[];
  /** Uncaught errors in the page. */
  pageErrors: string[];
  /** Serious and critical axe-core findings, per screen checked with {@link checkScreen}. */
  a11y: Record<string, AxeViolation[]>;
  /** Every answer the page received over the bridge (`{id, result}` frames), in order. */
  replies: { id: unknown; result: { ok: boolean; value?: unknown; error?: { code: string } } }[];
}

/** Opens a terminal's printed URL in a fresh browser context (its own cookie jar), like a lobby PC. */
export async function openTerminalPage(
  browser: Browser,
  terminal: E2eTerminal,
  options: { viewport?: { width: number; height: number }; camera?: boolean } = {},
): Promise<TerminalPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    ...(options.camera === true ? { permissions: ['camera'] } : {}),
  });
  // The page lives in the test world's time too (time keeps flowing from there).
  await context.clock.install({ time: worldNow() });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) cspViolations.push(text);
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const replies: TerminalPage['replies'] = [];
  // What really crossed the bridge: lets a test learn e.g. the order id the UI only abbreviates.
  page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string') return;
      const frame = JSON.parse(payload) as {
        id?: unknown;
        result?: TerminalPage['replies'][number]['result'];
      };
      if (frame.result !== undefined) replies.push({ id: frame.id, result: frame.result });
    });
  });
  await page.goto(terminal.bridge.url);
  return { context, page, cspViolations, pageErrors, a11y: {}, replies };
}

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the current screen and returns its serious and critical violations. axe is
 * evaluated through the DevTools protocol, so the page's CSP stays on while it runs.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  const installed = await page.evaluate('typeof window.axe === "object"');
  if (installed !== true) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<AxeViolation[]>(`
    window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)) })))
  `);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a screenshot to test/artifacts/<name>.png (CI keeps the folder as evidence). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// --- server and terminals ----------------------------------------------------------------------

/**
 * A server clock that runs with real time (holds expire as they would) and can still be moved
 * (`clock.ms = …` opens the doors of a showtime hours away).
 */
export function liveClock(): TestClock {
  const clock = new TestClock();
  let offset = WORLD_OFFSET_MS;
  Object.defineProperty(clock, 'ms', {
    get: () => Date.now() + offset,
    set: (value: number) => {
      offset = value - Date.now();
    },
  });
  return clock;
}

export async function startE2eServer(options: TestServerOptions = {}): Promise<TestServer> {
  return startTestServer({ clock: liveClock(), ...options });
}

export interface E2eTerminal {
  core: TerminalCore;
  bridge: RunningBridge;
  dataDir: string;
  profile: TerminalProfile;
  /** Calls the terminal API directly (test set-up), throwing on a refusal. */
  call<C extends TerminalCall>(call: C, input: unknown): Promise<TerminalOutput<C>>;
  close(): Promise<void>;
}

/**
 * A real core enrolled against `server` (through `serverUrl`, e.g. a relay) and served by the real
 * bridge on an ephemeral port, exactly as `npm run terminal` runs it.
 */
export async function startTerminal(
  server: TestServer,
  rendererDir: string,
  profile: TerminalProfile,
  options: { leasePolicy?: LeasePolicy; serverUrl?: string } = {},
): Promise<E2eTerminal> {
  const dataDir = mkdtempSync(join(tmpdir(), `marquee-e2e-${profile}-`));
  const core = TerminalCore.open({
    dataDir,
    clock: worldCoreClock(),
    backoff: { minMs: 50, maxMs: 500 },
    saleTimeoutMs: 5000,
  });
  await enrollCore(core, server, profile, options.serverUrl ?? server.url, options);
  await waitOnline(core, `${profile} core online`);
  const bridge = await startBridge({ core, rendererDir, port: 0 });
  return {
    core,
    bridge,
    dataDir,
    profile,
    async call(call, input) {
      const result = await core.handle(call, input);
      if (!result.ok) throw new Error(`${call}: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
    async close() {
      await bridge.close();
      core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A TCP relay on a fixed loopback port in front of the sync server, so a server can be stopped and
 * started again on another port while the terminals keep the one URL they enrolled with.
 */
export class Relay {
  private target: number | undefined;
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<Relay> {
    const holder: { relay?: Relay } = {};
    const server = createServer((client) => holder.relay?.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('relay has no port');
    const relay = new Relay(server, address.port);
    relay.target = targetPort;
    holder.relay = relay;
    return relay;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Points at a (restarted) server; `undefined` refuses every connection, as a dead server does. */
  retarget(port: number | undefined): void {
    this.target = port;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private accept(client: Socket): void {
    if (this.target === undefined) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: this.target });
    this.sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  }

  close(): Promise<void> {
    this.retarget(undefined);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Showtimes the terminal can sell: on sale, starting 1 h to 2 days from now, earliest first. */
export async function upcoming(terminal: E2eTerminal): Promise<TerminalOutput<'showtimes.list'>> {
  const now = worldNow();
  const shows = await terminal.call('showtimes.list', {
    from: new Date(now + 3_600_000).toISOString(),
    to: new Date(now + 2 * 86_400_000).toISOString(),
  });
  return shows.filter((s) => (s as { status?: string }).status === 'on_sale');
}

// --- screens -----------------------------------------------------------------------------------

/** Switches the UI to English (the demo site's default is Chinese), so tests read like the UI. */
export async function toEnglish(page: Page): Promise<void> {
  await page.getByTitle(zhCN.switchLanguageLabel).first().click();
  await page.locator('html[lang="en"]').waitFor();
}

/**
 * Evidence for one screen: a screenshot under test/artifacts and an axe-core run. Findings are
 * collected and judged by {@link expectCleanScreens} at the end of the test, so a flow that works
 * but has an accessibility defect reports both facts rather than stopping at the first.
 */
export async function checkScreen(terminalPage: TerminalPage, name: string): Promise<void> {
  await screenshot(terminalPage.page, name);
  const violations = await seriousA11yViolations(terminalPage.page);
  if (violations.length > 0) terminalPage.a11y[name] = violations;
}

/** No screen had a serious/critical axe finding, the CSP never had to refuse, nothing threw. */
export function expectCleanScreens(terminalPage: TerminalPage): void {
  expect(terminalPage.a11y, 'serious or critical accessibility violations, by screen').toEqual({});
  expect(terminalPage.cspViolations, 'Content-Security-Policy refusals').toEqual([]);
  expect(terminalPage.pageErrors, 'uncaught errors in the page').toEqual([]);
}

/** The sales the page completed, as the core answered them over the bridge. */
export function salesSeen(terminalPage: TerminalPage): SaleResult[] {
  return terminalPage.replies
    .filter((r) => r.result.ok && typeof (r.result.value as { orderId?: unknown }).orderId === 'string')
    .map((r) => r.result.value as SaleResult);
}

/** The amount in minor units of a money text such as `CN¥1,234.50` (CNY: two decimals). */
export function minorUnitsOf(text: string): number {
  const parsed = parseAmount(text.replace(/[^\d.]/g, ''), 'CNY');
  if (!parsed.ok) throw new Error(`not an amount: ${text}`);
  return parsed.value;
}

export { en, zhCN };

export const SITE_TIME_ZONE = 'Asia/Shanghai';

/**
 * Today's showings in the order the box office lists them (its number keys 1–9), worked out with
 * the renderer's own programme rules from the terminal's replica.
 */
export async function boxOfficeShowings(terminal: E2eTerminal): Promise<Showtime[]> {
  const now = worldNow();
  const all = await terminal.call('showtimes.list', {
    from: new Date(now - 86_400_000).toISOString(),
    to: new Date(now + 2 * 86_400_000).toISOString(),
  });
  return sellableOn(all as unknown as Showtime[], siteDate(now, SITE_TIME_ZONE), SITE_TIME_ZONE, now);
}

/**
 * Sells `count` adult seats of today's first showing at a box office (through its core) and
 * opens that showing's doors: the server's clock moves to 20 minutes before the start if needed.
 */
export async function sellAtTill(server: TestServer, till: E2eTerminal, count: number): Promise<SaleResult> {
  const [show] = await boxOfficeShowings(till);
  if (show === undefined) throw new Error('no showing to sell');
  const seats = (await till.call('seats.bestAvailable', { showtimeId: show.id, count }))!;
  const hold = await till.call('seats.hold', { showtimeId: show.id, seatIds: seats });
  const details = await server.api('GET', `/showtimes/${show.id}`, { token: server.adminToken });
  const adult = details.body.ticketTypes.find((t: any) => t.ticketType.code === 'adult').ticketType
    .id as string;
  const lines = seats.map((seatId) => ({ seatId, ticketTypeId: adult }));
  const quote = await till.call('order.quote', { showtimeId: show.id, lines });
  const sale = await till.call('order.sell', {
    holdId: hold.id,
    lines,
    payments: [{ method: 'cash', amount: quote.total }],
  });
  const doorsOpen = Date.parse(show.startsAt) - 60 * 60_000;
  if (server.clock.now() < doorsOpen) server.clock.ms = Date.parse(show.startsAt) - 20 * 60_000;
  return sale;
}
