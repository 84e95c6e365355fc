/**
 * The end-to-end test world: one clock for server, cores and pages (11:00 at the cinema), a real
 * sync server, and real terminal cores served by the real browser-mode bridge, exactly as
 * `npm run terminal` runs them. Nothing here is mocked. The browser is in browser.ts, the
 * renderer build in renderer-build.ts; fixture.ts puts them together once per test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  LeasePolicy,
  SaleResult,
  Showtime,
  TerminalCall,
  TerminalOutput,
  TerminalProfile,
} from '@marquee/shared';
import { siteDate } from '../../desktop/renderer/src/i18n/format.ts';
import { sellableOn } from '../../desktop/renderer/src/programme.ts';
import { systemClock, type Clock } from '../../desktop/core/src/clock.ts';
import { TerminalCore } from '../../desktop/core/src/core.ts';
import { startBridge, type RunningBridge } from '../../desktop/bridge/bridge-server.ts';
import { waitOnline } from '../support/core.ts';
import { enrollCore } from '../support/enroll.ts';
import { sellBest } from '../support/sell.ts';
import { startTestServer, TestClock, type TestServer, type TestServerOptions } from '../support/server.ts';
import { adultTicketTypeId } from '../support/test-showtime.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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
  options: { leasePolicy?: LeasePolicy | undefined; serverUrl?: string | undefined } = {},
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
  const { sale } = await sellBest(till, show.id, await adultTicketTypeId(server, show.id), count);
  const doorsOpen = Date.parse(show.startsAt) - 60 * 60_000;
  if (server.clock.now() < doorsOpen) server.clock.ms = Date.parse(show.startsAt) - 20 * 60_000;
  return sale;
}
