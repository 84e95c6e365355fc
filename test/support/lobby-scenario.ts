/**
 * The lobby under failure, shared by `test/partition.test.ts` (fixed seed, short) and
 * `npm run chaos` (random seed, longer): a real sync server process, two selling terminals and two
 * doors, each behind its own fault proxy. A seeded schedule cuts, delays, resets and heals the
 * links while the tills sell (online, or offline from their leases) and the doors scan; the server
 * is SIGKILLed and restarted in the middle. Afterwards everything is healed and drained, and the
 * DESIGN §2 invariants are checked against the server's own records. The result lists every
 * violation found; an empty list is a pass.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { LeasePolicy, TerminalProfile } from '@marquee/shared';
import { ManualClock } from '../../desktop/core/src/clock.ts';
import { openCore, wrap, type TestCore } from './core.ts';
import { waitFor } from './wait.ts';
import { seededRandom, startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { spawnServer, type ServerProcess } from './server-process.ts';

/** A manager's access to a server: a test server, or a server process over HTTP. */
export interface Admin {
  api: Api;
  adminToken: string;
}

export type Api = (
  method: string,
  path: string,
  options?: { token?: string; body?: unknown },
) => Promise<{ status: number; body: any }>;

/** JSON over HTTP to a server at `baseUrl()` (which may change when the server restarts). */
export function httpApi(baseUrl: () => string): Api {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl()}/api/v1${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };
}

/** A wall clock and a monotonic clock that follow the machine's (for a real server process). */
export class LiveClock extends ManualClock {
  override wall(): number {
    return Date.now();
  }
  override mono(): number {
    return 1_000_000 + performance.now();
  }
}

function squareLayout(rows: number, seatsPerRow: number) {
  return {
    version: 1,
    rows: Array.from({ length: rows }, (_, r) => ({
      label: String.fromCharCode(65 + r),
      cells: Array.from({ length: seatsPerRow }, (_, s) => ({
        type: 'seat',
        label: String(s + 1),
        kind: 'standard',
      })),
    })),
  };
}

export interface TestShowtime {
  id: string;
  hallId: string;
  startsAt: string;
  adultTicketTypeId: string;
}

/**
 * A showtime of its own for a test: a fresh hall (so nothing else is scheduled there) and a film
 * of the demo programme, starting at `startsAt` (epoch ms).
 */
export async function createTestShowtime(
  admin: Admin,
  options: { startsAt: number; rows?: number; seatsPerRow?: number; name?: string },
): Promise<TestShowtime> {
  const movies = await admin.api('GET', '/movies', { token: admin.adminToken });
  const movie = (movies.body?.movies as { id: string }[] | undefined)?.[0];
  if (movie === undefined) throw new Error(`no films: ${movies.status}`);
  const hall = await admin.api('POST', '/halls', {
    token: admin.adminToken,
    body: {
      name: options.name ?? `Test hall ${Math.random().toString(36).slice(2, 8)}`,
      features: [],
      layout: squareLayout(options.rows ?? 8, options.seatsPerRow ?? 12),
    },
  });
  if (hall.status !== 201) throw new Error(`hall: ${hall.status} ${JSON.stringify(hall.body)}`);
  const created = await admin.api('POST', '/showtimes', {
    token: admin.adminToken,
    body: { movieId: movie.id, hallId: hall.body.id, startsAt: new Date(options.startsAt).toISOString() },
  });
  if (created.status !== 201) throw new Error(`showtime: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const details = await admin.api('GET', `/showtimes/${id}`, { token: admin.adminToken });
  const adult = (details.body.ticketTypes as { ticketType: { id: string; code: string } }[]).find(
    (t) => t.ticketType.code === 'adult',
  );
  if (adult === undefined) throw new Error('no adult ticket type on sale');
  return {
    id,
    hallId: hall.body.id as string,
    startsAt: created.body.startsAt as string,
    adultTicketTypeId: adult.ticketType.id,
  };
}

/** Enrolls a core (in this process) against the server at `serverUrl`, e.g. a fault proxy. */
export async function enrollCore(
  admin: Admin,
  profile: TerminalProfile,
  serverUrl: string,
  options: { leasePolicy?: LeasePolicy; clock?: ManualClock; name?: string } = {},
): Promise<TestCore> {
  const res = await admin.api('POST', '/devices/enrollment-codes', {
    token: admin.adminToken,
    body: {
      name: options.name ?? `${profile}-${Math.random().toString(36).slice(2, 8)}`,
      profile,
      ...(options.leasePolicy === undefined ? {} : { leasePolicy: options.leasePolicy }),
    },
  });
  if (res.status !== 201) throw new Error(`enrollment code: ${res.status} ${JSON.stringify(res.body)}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'marquee-core-'));
  const clock = options.clock ?? new LiveClock();
  const core = openCore(dataDir, clock);
  const enrolled = await core.handle('terminal.enroll', { serverUrl, code: res.body.code as string });
  if (!enrolled.ok) throw new Error(`enroll failed: ${JSON.stringify(enrolled.error)}`);
  return wrap(core, dataDir, clock);
}

// --- the scenario ----------------------------------------------------------------------------------

export interface LobbyOptions {
  seed: number;
  /** Length of the random fault phase. */
  chaosMs: number;
  /** How often the server is SIGKILLed and restarted during the fault phase. */
  serverKills?: number;
  log?: (line: string) => void;
}

export interface AckedSale {
  core: string;
  orderId: string;
  offline: boolean;
  tickets: { id: string; seatId: string; token: string }[];
}

export interface AckedAdmission {
  gate: string;
  ticketId: string;
  offline: boolean;
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
  server: {
    orders: number;
    validTickets: number;
    admissions: number;
    duplicateAdmissions: number;
    rejectedMutations: Record<string, number>;
  };
  violations: string[];
}

const ADMIN = { username: 'admin', password: 'lobby-chaos-password' };
const LEASE_POLICY: LeasePolicy = { seatsPerShowtime: 6, hoursAhead: 1 };

function bump(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
  const queued: { core: string; orderId: string }[] = [];
  const admissions: AckedAdmission[] = [];
  let serverRestarts = 0;
  const timers = new Set<NodeJS.Timeout>();

  try {
    const login = await api('POST', '/auth/login', { body: ADMIN });
    const token = login.body.token as string;
    // Doors open an hour before the start and leases are taken from 10 minutes before it: a show
    // 40 minutes away can be sold, leased and scanned on the real clock the server process uses.
    const admin: Admin = { api, adminToken: token };
    const show = await createTestShowtime(admin, {
      startsAt: Date.now() + 40 * 60_000,
      // Enough seats that the tills rarely sell out before the faults end.
      rows: Math.min(26, Math.max(8, Math.ceil((options.chaosMs / 1000) * 0.35) + 2)),
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
      const core = await enrollCore(admin, spec.profile, proxy.url, {
        name: spec.name,
        ...(seller ? { leasePolicy: LEASE_POLICY } : {}),
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

    const faultLoop = async () => {
      const random = seededRandom(options.seed);
      while (Date.now() < chaosEnd) {
        await sleep(150 + random() * 450);
        const proxy = proxies[Math.floor(random() * proxies.length)];
        if (proxy === undefined) continue;
        const roll = random();
        if (roll < 0.3) {
          proxy.cut();
          bump(faults, 'cut');
          const timer = setTimeout(
            () => {
              timers.delete(timer);
              proxy.heal();
              bump(faults, 'heal');
            },
            500 + random() * 2500,
          );
          timers.add(timer);
        } else if (roll < 0.45) {
          proxy.heal();
          bump(faults, 'heal');
        } else if (roll < 0.7) {
          const directions = ['both', 'toServer', 'toClient'] as const;
          // Mostly a slow link; sometimes one slower than the terminal's request timeout (8 s), so
          // requests the server applied are abandoned by the terminal and retried or replaced.
          const ms = random() < 0.15 ? 2000 + random() * 7000 : random() * 400;
          proxy.delay(Math.floor(ms), directions[Math.floor(random() * 3)]);
          bump(faults, 'delay');
        } else if (roll < 0.93) {
          proxy.resetAll();
          bump(faults, 'resetAll');
        } else {
          proxy.dropRate(0.02 + random() * 0.08);
          bump(faults, 'dropRate');
        }
      }
    };

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
      faultLoop(),
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

    const db = new Database(join(dataDir, 'marquee.db'), { readonly: true, fileMustExist: true });
    try {
      // Holds: released, sold or expired by the server's own clock.
      await waitFor(
        () =>
          (db.prepare("SELECT COUNT(*) AS n FROM holds WHERE status = 'active'").get() as { n: number }).n ===
          0,
        20_000,
        'no active holds',
      ).catch(() => {
        const n = (
          db.prepare("SELECT COUNT(*) AS n FROM holds WHERE status = 'active'").get() as { n: number }
        ).n;
        violations.push(`${String(n)} holds are still active after their lifetime`);
      });

      // Invariant 1: one valid ticket per seat on the server, and no seat was sold to two customers.
      const doubled = db
        .prepare(
          "SELECT showtime_id, seat_id, COUNT(*) AS n FROM tickets WHERE status = 'valid' GROUP BY showtime_id, seat_id HAVING n > 1",
        )
        .all() as { seat_id: string; n: number }[];
      for (const d of doubled)
        violations.push(`seat ${d.seat_id} has ${String(d.n)} valid tickets on the server`);
      const seatOwners = new Map<string, string>();
      for (const sale of sales) {
        for (const t of sale.tickets) {
          const other = seatOwners.get(t.seatId);
          if (other !== undefined)
            violations.push(
              `seat ${t.seatId} was sold to two customers: orders ${other} and ${sale.orderId}`,
            );
          seatOwners.set(t.seatId, sale.orderId);
        }
      }

      // Invariant 2: every sale a till showed as paid is on the server, once, with its tickets.
      for (const sale of sales) {
        const found = await api('GET', `/orders/${sale.orderId}`, { token });
        if (found.status !== 200) {
          violations.push(
            `acknowledged ${sale.offline ? 'offline' : 'online'} sale ${sale.orderId} (${sale.core}) is not on the server: ${String(found.status)}`,
          );
          continue;
        }
        const server = (found.body.tickets as { id: string; seatId: string; token: string }[])
          .map((t) => `${t.id}/${t.seatId}/${t.token}`)
          .sort();
        const local = sale.tickets.map((t) => `${t.id}/${t.seatId}/${t.token}`).sort();
        if (JSON.stringify(server) !== JSON.stringify(local))
          violations.push(`order ${sale.orderId} on the server has other tickets than the till printed`);
        const rows = db.prepare('SELECT COUNT(*) AS n FROM tickets WHERE order_id = ?').get(sale.orderId) as {
          n: number;
        };
        if (rows.n !== sale.tickets.length)
          violations.push(
            `order ${sale.orderId} has ${String(rows.n)} tickets, the till printed ${String(sale.tickets.length)}`,
          );
        const sameHold = db
          .prepare(
            'SELECT COUNT(*) AS n FROM orders WHERE hold_id IS NOT NULL AND hold_id = (SELECT hold_id FROM orders WHERE id = ?)',
          )
          .get(sale.orderId) as { n: number };
        if (sameHold.n > 1)
          violations.push(`the hold of order ${sale.orderId} was sold ${String(sameHold.n)} times`);
        for (const t of sale.tickets) {
          const ticket = db.prepare('SELECT status FROM tickets WHERE id = ?').get(t.id) as
            { status: string } | undefined;
          if (ticket?.status !== 'valid')
            violations.push(
              `ticket ${t.id} of order ${sale.orderId} is ${ticket?.status ?? 'missing'} on the server`,
            );
        }
      }
      // A queued sale (the till said "will complete") either landed once or was answered as rejected.
      let queuedLanded = 0;
      for (const q of queued) {
        const found = await api('GET', `/orders/${q.orderId}`, { token });
        if (found.status === 200) {
          queuedLanded += 1;
          continue;
        }
        const owner = cores.find((c) => c.name === q.core);
        const entry = (await owner?.core.call('outbox.list', {}))?.find((e) => e.id === q.orderId);
        if (entry?.status !== 'rejected')
          violations.push(`queued sale ${q.orderId} (${q.core}) neither reached the server nor was rejected`);
      }

      // Invariant 3: acknowledged admissions are recorded; partitioned double entries are flagged.
      const byTicket = new Map<string, AckedAdmission[]>();
      for (const a of admissions) byTicket.set(a.ticketId, [...(byTicket.get(a.ticketId) ?? []), a]);
      let twice = 0;
      for (const [ticketId, acks] of byTicket) {
        const rows = db
          .prepare("SELECT duplicate FROM admissions WHERE ticket_id = ? AND verdict = 'admitted'")
          .all(ticketId) as { duplicate: number }[];
        if (rows.length === 0)
          violations.push(`admission of ticket ${ticketId} at ${acks[0]?.gate ?? '?'} is not on the server`);
        if (rows.filter((r) => r.duplicate === 0).length > 1)
          violations.push(`ticket ${ticketId} has two first admissions`);
        if (acks.filter((a) => !a.offline).length > 1)
          violations.push(`ticket ${ticketId} was admitted twice by connected doors`);
        if (acks.length > 1) {
          twice += 1;
          if (!rows.some((r) => r.duplicate === 1))
            violations.push(
              `ticket ${ticketId} was admitted ${String(acks.length)} times but no duplicate is flagged`,
            );
        }
      }

      // Every replica converges on the server's seat map.
      const serverStates = async () => {
        const res = await api('GET', `/showtimes/${show.id}/seats`, { token });
        return new Map((res.body.seats as { id: string; state: string }[]).map((s) => [s.id, s.state]));
      };
      for (const c of cores) {
        let diff: string[] = [];
        await waitFor(
          async () => {
            const expected = await serverStates();
            const map = await c.core.call('seatmap.get', { showtimeId: show.id });
            diff = map.seats
              .filter((s) => expected.get(s.id) !== s.state)
              .map((s) => `${s.id}: ${s.state} here, ${expected.get(s.id) ?? '?'} on the server`);
            return diff.length === 0;
          },
          10_000,
          `${c.name} converged`,
        ).catch(() =>
          violations.push(`${c.name}'s seat map differs from the server's: ${diff.slice(0, 5).join('; ')}`),
        );
      }

      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      const rejectedMutations: Record<string, number> = {};
      for (const row of db.prepare('SELECT result FROM applied_mutations').all() as { result: string }[]) {
        const result = JSON.parse(row.result) as { status: string; error?: { code: string } };
        if (result.status === 'rejected') bump(rejectedMutations, result.error?.code ?? '?');
      }
      const report: LobbyReport = {
        seed: options.seed,
        ms: Date.now() - started,
        showtimeId: show.id,
        sales: {
          online: sales.filter((s) => !s.offline).length,
          offline: sales.filter((s) => s.offline).length,
          queued: queued.length,
          queuedLanded,
          tickets: sales.reduce((n, s) => n + s.tickets.length, 0),
          refused,
        },
        scans: {
          admittedOnline: admissions.filter((a) => !a.offline).length,
          admittedOffline: admissions.filter((a) => a.offline).length,
          verdicts,
          ticketsAdmittedTwiceWhilePartitioned: twice,
        },
        faults,
        serverRestarts,
        server: {
          orders: count(`SELECT COUNT(*) AS n FROM orders WHERE showtime_id = '${show.id}'`),
          validTickets: count(
            `SELECT COUNT(*) AS n FROM tickets WHERE status = 'valid' AND showtime_id = '${show.id}'`,
          ),
          admissions: count('SELECT COUNT(*) AS n FROM admissions WHERE duplicate = 0'),
          duplicateAdmissions: count('SELECT COUNT(*) AS n FROM admissions WHERE duplicate = 1'),
          rejectedMutations,
        },
        violations,
      };
      return report;
    } finally {
      db.close();
    }
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
