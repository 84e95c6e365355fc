/**
 * The lobby under failure, shared by `test/partition.test.ts` (fixed seed, short) and
 * `npm run chaos` (random seed, longer): a real sync server process, two selling terminals and two
 * doors, each behind its own fault proxy. A seeded schedule cuts, delays, resets and heals the
 * links while the tills sell (online, or offline from their leases) and the doors scan; the server
 * is SIGKILLed and restarted in the middle. Afterwards everything is healed and drained, and the
 * DESIGN §2 invariants are checked against the server's own records (lobby-checks.ts). The result
 * lists every violation found; an empty list is a pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LeasePolicy, TerminalProfile } from '@marquee/shared';
import { TEST_ROW_LETTERS } from '../../shared/src/testing/layouts.ts';
import { seededRandom } from '../../shared/src/testing/random.ts';
import { LiveClock, startCoreAt, type TestCore } from './core.ts';
import { randomFaults, startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { httpApi, signIn, type Admin } from './http-api.ts';
import {
  bump,
  checkLobby,
  type AckedAdmission,
  type AckedSale,
  type LobbyChecks,
  type QueuedSale,
} from './lobby-checks.ts';
import { spawnServer, type ServerProcess } from './server-process.ts';
import { createTestShowtime } from './test-showtime.ts';
import { waitFor } from './wait.ts';

export interface LobbyOptions {
  seed: number;
  /** Length of the random fault phase. */
  chaosMs: number;
  /** How often the server is SIGKILLed and restarted during the fault phase. */
  serverKills?: number;
  log?: (line: string) => void;
}

export interface LobbyReport {
  seed: number;
  ms: number;
  showtimeId: string;
  sales: {
    online: number;
    offline: number;
    queued: number;
    queuedLanded: number;
    tickets: number;
    refused: Record<string, number>;
  };
  scans: {
    admittedOnline: number;
    admittedOffline: number;
    verdicts: Record<string, number>;
    ticketsAdmittedTwiceWhilePartitioned: number;
  };
  faults: Record<string, number>;
  serverRestarts: number;
  server: LobbyChecks['server'];
  violations: string[];
}

const ADMIN = { username: 'admin', password: 'lobby-chaos-password' };
const LEASE_POLICY: LeasePolicy = { seatsPerShowtime: 6, hoursAhead: 1 };

interface Lobby {
  server: ServerProcess;
  url: string;
}

export async function runLobbyScenario(options: LobbyOptions): Promise<LobbyReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'marquee-lobby-'));
  const env = {
    MARQUEE_DATA_DIR: dataDir,
    MARQUEE_SEED: 'demo',
    MARQUEE_ADMIN_USER: ADMIN.username,
    MARQUEE_ADMIN_PASSWORD: ADMIN.password,
    // Short holds, so abandoned ones are gone by the end without moving the server's clock.
    MARQUEE_HOLD_TTL_BOX_OFFICE: '10',
    MARQUEE_HOLD_TTL_KIOSK: '10',
  };
  const spawned = await spawnServer(env).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const lobby: Lobby = { server: spawned, url: '' };
  lobby.url = lobby.server.url;
  const api = httpApi(() => lobby.url);
  const proxies: FaultProxy[] = [];
  const cores: { name: string; core: TestCore; proxy: FaultProxy; seller: boolean }[] = [];
  const violations: string[] = [];
  const faults: Record<string, number> = {};
  const refused: Record<string, number> = {};
  const verdicts: Record<string, number> = {};
  const sales: AckedSale[] = [];
  const queued: QueuedSale[] = [];
  const admissions: AckedAdmission[] = [];
  let serverRestarts = 0;
  const timers = new Set<NodeJS.Timeout>();

  try {
    const token = await signIn(api, ADMIN.username, ADMIN.password);
    // Doors open an hour before the start and leases are taken from 10 minutes before it: a show
    // 40 minutes away can be sold, leased and scanned on the real clock the server process uses.
    const admin: Admin = { api, adminToken: token };
    const show = await createTestShowtime(admin, {
      startsAt: Date.now() + 40 * 60_000,
      // Enough seats that the tills rarely sell out before the faults end (rows A–Z without I, O).
      rows: Math.min(TEST_ROW_LETTERS.length, Math.max(8, Math.ceil((options.chaosMs / 1000) * 0.35) + 2)),
      seatsPerRow: 20,
      name: `Lobby ${String(options.seed)}`,
    });
    log(`showtime ${show.id} in hall ${show.hallId}`);

    const port = () => Number(new URL(lobby.url).port);
    const profiles: { name: string; profile: TerminalProfile }[] = [
      { name: 'till', profile: 'box_office' },
      { name: 'kiosk', profile: 'kiosk' },
      { name: 'door-1', profile: 'gate' },
      { name: 'door-2', profile: 'gate' },
    ];
    for (const [i, spec] of profiles.entries()) {
      const proxy = await startFaultProxy(port(), { seed: options.seed * 31 + i });
      proxies.push(proxy);
      const seller = spec.profile !== 'gate';
      const core = await startCoreAt(admin, spec.profile, {
        serverUrl: proxy.url,
        clock: new LiveClock(),
        name: spec.name,
        leasePolicy: seller ? LEASE_POLICY : undefined,
      });
      cores.push({ name: spec.name, core, proxy, seller });
    }
    const sellers = cores.filter((c) => c.seller);
    const gates = cores.filter((c) => !c.seller);
    await waitFor(
      () => cores.every((c) => c.core.core.status().connection === 'online'),
      20_000,
      'all online',
    );
    // Every till holds a lease on the show before the first fault.
    await waitFor(
      async () => {
        for (const s of sellers) {
          const map = await s.core.core.handle('seatmap.get', { showtimeId: show.id });
          if (!map.ok || !map.value.seats.some((seat) => seat.mine && seat.state === 'leased')) return false;
        }
        return true;
      },
      20_000,
      'leases on the show',
    );
    log(
      `leases granted: ${sellers.map((s) => `${s.name}=${s.core.core.status().leaseSeatsLeft}`).join(' ')}`,
    );

    const lines = (seatIds: string[]) =>
      seatIds.map((seatId) => ({ seatId, ticketTypeId: show.adultTicketTypeId }));

    /** One customer at a till: pick seats, hold, sell; returns what the till showed. */
    const sellOnce = async (name: string, core: TestCore, count: number): Promise<AckedSale | undefined> => {
      const c = core.core;
      let hold: { id: string; seatIds: string[] } | undefined;
      for (let attempt = 0; attempt < 2 && hold === undefined; attempt++) {
        const picked = await c.handle('seats.bestAvailable', { showtimeId: show.id, count });
        if (!picked.ok || picked.value === null) {
          bump(refused, picked.ok ? 'no_seats' : picked.error.code);
          return undefined;
        }
        const held = await c.handle('seats.hold', { showtimeId: show.id, seatIds: picked.value });
        if (held.ok) hold = held.value;
        // The till found out only now that it is offline: pick again, from its lease.
        else if (
          held.error.code === 'seats_unavailable' &&
          held.error.details?.['offline'] === true &&
          attempt === 0
        )
          continue;
        else {
          bump(refused, `hold:${held.error.code}`);
          log(`${name}: hold refused: ${held.error.code} ${held.error.message}`);
          return undefined;
        }
      }
      if (hold === undefined) return undefined;
      const quote = await c.handle('order.quote', { showtimeId: show.id, lines: lines(hold.seatIds) });
      if (!quote.ok) {
        bump(refused, `quote:${quote.error.code}`);
        await c.handle('seats.release', { holdId: hold.id });
        return undefined;
      }
      const sold = await c.handle('order.sell', {
        holdId: hold.id,
        lines: lines(hold.seatIds),
        payments: [{ method: 'cash', amount: quote.value.total }],
      });
      if (sold.ok) {
        const sale: AckedSale = {
          core: name,
          orderId: sold.value.orderId,
          offline: sold.value.offline,
          tickets: sold.value.tickets.map((t) => ({ id: t.id, seatId: t.seatId, token: t.token })),
        };
        sales.push(sale);
        return sale;
      }
      if (sold.error.code === 'offline' && sold.error.details?.['queued'] === true) {
        queued.push({ core: name, orderId: sold.error.details['orderId'] as string });
        return undefined;
      }
      bump(refused, `sell:${sold.error.code}`);
      log(`${name}: sale refused: ${sold.error.code} ${sold.error.message}`);
      await c.handle('seats.release', { holdId: hold.id });
      return undefined;
    };

    const scan = async (gate: { name: string; core: TestCore }, token: string, ticketId: string) => {
      const result = await gate.core.core.handle('ticket.admit', { token, showtimeId: show.id });
      if (!result.ok) {
        bump(verdicts, `error:${result.error.code}`);
        return undefined;
      }
      bump(verdicts, `${result.value.verdict}${result.value.offline ? ' (offline)' : ''}`);
      if (result.value.verdict === 'admitted')
        admissions.push({ gate: gate.name, ticketId, offline: result.value.offline });
      return result.value;
    };

    const [till, kiosk] = sellers as [(typeof cores)[number], (typeof cores)[number]];
    const [door1, door2] = gates as [(typeof cores)[number], (typeof cores)[number]];

    // --- scripted partition: each case is exercised at least once, whatever the seed ----------
    const first = await sellOnce(till.name, till.core, 2);
    await sellOnce(kiosk.name, kiosk.core, 1);
    if (first === undefined || first.tickets.length < 2) throw new Error('the first online sale failed');
    const [t1, t2] = first.tickets as [AckedSale['tickets'][number], AckedSale['tickets'][number]];
    await scan(door1, t1.token, t1.id);
    // Connected doors: the second scan is refused.
    await scan(door2, t1.token, t1.id);

    // A customer whose seats the till held online pays just as the link drops.
    const stuckSeats = await till.core.call('seats.bestAvailable', { showtimeId: show.id, count: 1 });
    const stuckHold = await till.core.call('seats.hold', { showtimeId: show.id, seatIds: stuckSeats ?? [] });
    const stuckQuote = await till.core.call('order.quote', {
      showtimeId: show.id,
      lines: lines(stuckHold.seatIds),
    });

    for (const c of [till, door1, door2]) c.proxy.cut();
    bump(faults, 'cut');
    await waitFor(
      () => [till, door1, door2].every((c) => c.core.core.status().connection !== 'online'),
      10_000,
      'partition',
    );
    const offlineSale = await sellOnce(till.name, till.core, 2);
    if (offlineSale?.offline !== true)
      violations.push('a till cut off from the server could not sell from its lease');
    // Both partitioned doors let the same holder in; one of them also admits the offline sale.
    await scan(door1, t2.token, t2.id);
    await scan(door2, t2.token, t2.id);
    if (offlineSale !== undefined && offlineSale.tickets[0] !== undefined)
      await scan(door1, offlineSale.tickets[0].token, offlineSale.tickets[0].id);
    // The held-online sale cannot reach the server: the till queues it (and says so).
    const stuck = await till.core.core.handle('order.sell', {
      holdId: stuckHold.id,
      lines: lines(stuckHold.seatIds),
      payments: [{ method: 'card', amount: stuckQuote.total }],
    });
    if (stuck.ok) violations.push('a till cut off from the server reported an online sale as done');
    else if (stuck.error.code === 'offline' && stuck.error.details?.['queued'] === true)
      queued.push({ core: till.name, orderId: stuck.error.details['orderId'] as string });
    else bump(refused, `sell:${stuck.error.code}`);
    for (const c of [till, door1, door2]) c.proxy.heal();
    bump(faults, 'heal');

    // --- random faults while the lobby keeps working -----------------------------------------
    const chaosEnd = Date.now() + options.chaosMs;
    const kills = options.serverKills ?? 1;
    const killAt = Array.from(
      { length: kills },
      (_, i) => Date.now() + ((i + 1) * options.chaosMs) / (kills + 1),
    );

    const killLoop = async () => {
      for (const at of killAt) {
        await sleep(Math.max(0, at - Date.now()));
        log('server: kill -9');
        lobby.server.child.kill('SIGKILL');
        await lobby.server.exited;
        lobby.server = await spawnServer(env);
        lobby.url = lobby.server.url;
        for (const proxy of proxies) proxy.retarget(port());
        serverRestarts += 1;
        log(`server: back on ${lobby.url}`);
      }
    };

    const sellerLoop = async (seller: (typeof cores)[number], index: number) => {
      const random = seededRandom(options.seed * 7 + index);
      while (Date.now() < chaosEnd) {
        await sleep(300 + random() * 600);
        await sellOnce(seller.name, seller.core, 1 + Math.floor(random() * 3));
      }
    };

    const gateLoop = async (gate: (typeof cores)[number], index: number) => {
      const random = seededRandom(options.seed * 13 + index);
      while (Date.now() < chaosEnd) {
        await sleep(50 + random() * 250);
        const tickets = sales.flatMap((s) => s.tickets);
        const ticket = tickets[Math.floor(random() * tickets.length)];
        if (ticket !== undefined) await scan(gate, ticket.token, ticket.id);
      }
    };

    await Promise.all([
      randomFaults(proxies, options.seed, chaosEnd, (fault) => bump(faults, fault), timers),
      killLoop(),
      ...sellers.map((s, i) => sellerLoop(s, i)),
      ...gates.map((g, i) => gateLoop(g, i)),
    ]);

    // --- heal, drain, check ----------------------------------------------------------------------
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const proxy of proxies) proxy.heal();
    log('healed; draining outboxes');
    await waitFor(
      () =>
        cores.every((c) => {
          const status = c.core.core.status();
          return status.connection === 'online' && status.pendingOutbox === 0;
        }),
      45_000,
      'every core online with an empty outbox',
    ).catch((error: unknown) => {
      violations.push(
        `${String(error)}: ${cores.map((c) => `${c.name}=${JSON.stringify(c.core.core.status())}`).join(' ')}`,
      );
    });

    const checks = await checkLobby(dataDir, api, token, {
      showtimeId: show.id,
      cores,
      sales,
      queued,
      admissions,
    });
    return {
      seed: options.seed,
      ms: Date.now() - started,
      showtimeId: show.id,
      sales: {
        online: sales.filter((s) => !s.offline).length,
        offline: sales.filter((s) => s.offline).length,
        queued: queued.length,
        queuedLanded: checks.queuedLanded,
        tickets: sales.reduce((n, s) => n + s.tickets.length, 0),
        refused,
      },
      scans: {
        admittedOnline: admissions.filter((a) => !a.offline).length,
        admittedOffline: admissions.filter((a) => a.offline).length,
        verdicts,
        ticketsAdmittedTwiceWhilePartitioned: checks.ticketsAdmittedTwice,
      },
      faults,
      serverRestarts,
      server: checks.server,
      violations: [...violations, ...checks.violations],
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    for (const c of cores) c.core.close();
    await Promise.all(proxies.map((p) => p.close()));
    lobby.server.child.kill('SIGTERM');
    await Promise.race([lobby.server.exited, sleep(10_000)]);
    lobby.server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
