/**
 * Terminal-core benchmarks (DESIGN §13): bootstrap of an empty core (demo multiplex 6 halls × 14
 * days, then 10 halls × 14 days with sales, holds, admissions and a lobby of enrolled terminals),
 * catch-up of 1,000 changes after a disconnection, the offline scan verdict (verify + lookup +
 * record in the outbox) and the RSS of a core process holding the full 10-hall replica.
 *
 * The server under test runs in this process (test/support/server.ts: real SQLite file in a temp
 * dir, loopback HTTP/WebSocket), so bootstrap and catch-up times include the server's own work on
 * the same thread: an upper bound for a terminal talking to a server on another machine. The
 * memory figure comes from a separate core process (desktop/core/src/cli.ts), so it is the core's
 * alone. Progress goes to stderr; the result is returned, nothing is written to stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../desktop/core/src/clock.ts';
import { seedDemo } from '../../sync-server/src/seed.ts';
import { openCore } from '../support/core.ts';
import { enrollDevice, enrollmentCode } from '../support/enroll.ts';
import { DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';
import { holdSeats, releaseHold } from '../support/terminal.ts';
import { waitFor } from '../support/wait.ts';
import {
  attach,
  coreDocCount,
  coreMaxSeq,
  coreMinCheckpoint,
  coreProcessMemory,
  fileMb,
  scanAll,
  type BenchCore,
} from './core-bench-core.ts';
import {
  admitOnline,
  holdTargets,
  pool,
  sellTickets,
  serverDocs,
  serverSeq,
  siteShape,
  upcoming,
  type HoldTarget,
} from './core-bench-site.ts';
import { round, shuffled, sleep } from './stats.ts';

const TARGETS = {
  bootstrapSeconds: 3,
  catchUpMs: 200,
  offlineScanP99Ms: 5,
  coreRssMb: 200,
};

interface Config {
  /** Distinct tickets sold through the server and scanned offline (first scan, then repeat). */
  scanTickets: number;
  /** Tickets sold and admitted online at "other doors", so the replica carries admissions. */
  otherAdmissions: number;
  /** Showtimes that get a live hold, so seat maps carry held seats besides sold ones. */
  heldShowtimes: number;
  /** Other terminals enrolled on the site (their public keys replicate to every door). */
  lobbyTerminals: number;
  /** Server changes made while the core is disconnected. */
  catchUpChanges: number;
  catchUpRounds: number;
}

const FULL: Config = {
  scanTickets: 2000,
  otherAdmissions: 5000,
  heldShowtimes: 300,
  lobbyTerminals: 12,
  catchUpChanges: 1000,
  catchUpRounds: 3,
};
const QUICK: Config = {
  scanTickets: 400,
  otherAdmissions: 100,
  heldShowtimes: 60,
  lobbyTerminals: 4,
  catchUpChanges: 1000,
  catchUpRounds: 1,
};

const log = (message: string) => process.stderr.write(`[core-bench] ${message}\n`);
const ms = (from: number) => performance.now() - from;

/** How often the bench looks again while it waits: often, since the waits are timed. */
const POLL_MS = 2;

/**
 * Enrolls an empty core and times enroll → `online` (the core pulls every collection before it
 * opens the stream, so `online` means the full replica is in its SQLite file). Then watches the
 * link for `settleMs`: it should stay online without re-sending the replica.
 */
async function bootstrap(server: TestServer, label: string, settleMs: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'marquee-core-bench-'));
  const clock = new ManualClock(server.clock.now());
  const core = openCore(dataDir, clock);
  const bench = attach(core, dataDir, clock);
  const code = await enrollmentCode(server, 'gate');
  log(`${label}: enrolling an empty core`);
  const started = performance.now();
  const enrolled = await core.handle('terminal.enroll', { serverUrl: server.url, code });
  if (!enrolled.ok) throw new Error(`enroll failed: ${JSON.stringify(enrolled.error)}`);
  const enrolledMs = ms(started);
  await waitFor(() => bench.states.some((s) => s.state === 'online'), 60_000, `${label} online`, POLL_MS);
  const onlineAt = bench.states.find((s) => s.state === 'online')?.at ?? Number.NaN;
  const onlineMs = onlineAt - started;
  const atOnline = { docs: coreDocCount(bench), seq: coreMaxSeq(bench) };
  const expected = await serverDocs(server);
  const eventsAtOnline = bench.replicaEvents;
  await sleep(settleMs);
  const flaps = bench.states.filter((s) => s.at > onlineAt && s.state !== 'online').length;
  const seconds = onlineMs / 1000;
  const result = {
    documents: atOnline.docs,
    serverDocuments: expected.documents,
    byCollection: expected.byCollection,
    fullReplicaAtOnline: atOnline.docs === expected.documents,
    enrollMs: round(enrolledMs, 1),
    seconds: round(seconds, 3),
    replicaMb: fileMb(dataDir),
    /** After `online`: link drops and replica change events while nothing changed on the server. */
    settle: {
      ms: settleMs,
      linkDrops: flaps,
      replicaEvents: bench.replicaEvents - eventsAtOnline,
      connection: core.status().connection,
    },
    target: { maxSeconds: TARGETS.bootstrapSeconds },
    met: seconds < TARGETS.bootstrapSeconds && atOnline.docs === expected.documents && flaps === 0,
  };
  log(
    `${label}: ${result.documents} documents, online after ${result.seconds} s, ${flaps} link drops while settling`,
  );
  return { result, bench };
}

/**
 * Disconnects the core (closes it), makes `changes` seat changes on the server (hold/release pairs
 * over the HTTP API), reopens the core on the same data dir and times start → replica holding the
 * server's latest change (and → `online`, → every collection checkpoint at the server's seq).
 */
async function catchUpRound(
  server: TestServer,
  c: BenchCore,
  targets: HoldTarget[],
  changes: number,
  round_: number,
) {
  await waitFor(
    async () => coreMaxSeq(c) === (await serverSeq(server)),
    10_000,
    'core caught up before the round',
    POLL_MS,
  );
  c.core.close();
  const before = await serverSeq(server);
  // Hold/release pairs, each on another showtime and other seats: one seat-map change each.
  const pairs = Math.ceil(changes / 2);
  const jobs = Array.from({ length: pairs }, (_, i) => {
    const target = targets[i % targets.length] as HoldTarget;
    const k = Math.floor(i / targets.length) + round_ * 7;
    const at = (k * 2) % Math.max(1, target.seats.length - 2);
    return { showtimeId: target.showtimeId, seatIds: target.seats.slice(at, at + 2) };
  });
  const madeAt = performance.now();
  await pool(jobs, 8, async (job) => {
    const { id } = await holdSeats(server, server.adminToken, job.showtimeId, job.seatIds);
    await releaseHold(server, server.adminToken, id);
  });
  const after = await serverSeq(server);
  log(
    `catch-up round ${round_ + 1}: ${after - before} changes made in ${round(ms(madeAt))} ms while the core was closed`,
  );

  const openedAt = performance.now();
  const core = openCore(c.dataDir, c.clock);
  const openMs = ms(openedAt);
  attach(core, c.dataDir, c.clock, c);
  c.states.length = 0;
  const started = performance.now();
  core.start();
  let replicaMs = Number.NaN;
  let checkpointMs = Number.NaN;
  const check = () => {
    if (Number.isNaN(replicaMs) && coreMaxSeq(c) >= after) replicaMs = ms(started);
    if (Number.isNaN(checkpointMs) && coreMinCheckpoint(c) >= after) checkpointMs = ms(started);
    return !Number.isNaN(replicaMs) && c.states.some((s) => s.state === 'online');
  };
  await waitFor(check, 15_000, 'core caught up', 1);
  // The checkpoints should follow at once; a core that never gets there is reported, not waited on.
  await waitFor(() => check() && !Number.isNaN(checkpointMs), 3000, 'checkpoints', 1).catch(() => undefined);
  const onlineMs = (c.states.find((s) => s.state === 'online')?.at ?? Number.NaN) - started;
  await sleep(300);
  const linkDrops = c.states.filter((s) => s.at > started && s.state === 'offline').length;
  return {
    changes: after - before,
    openMs: round(openMs, 1),
    replicaMs: round(replicaMs, 1),
    onlineMs: round(onlineMs, 1),
    checkpointMs: Number.isNaN(checkpointMs) ? null : round(checkpointMs, 1),
    /** Link drops from start until 300 ms after catching up. */
    linkDrops,
  };
}

// --- the run -----------------------------------------------------------------------------------

export async function runCoreBench(options: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const config = options.quick === true ? QUICK : FULL;
  const runStarted = performance.now();
  // Latencies on a shared 2-core machine move with whatever else runs: the load is part of the result.
  const loadAtStart = round(loadavg()[0] ?? Number.NaN);
  const cleanups = new Map<string, () => void | Promise<void>>();
  const done = async (name: string) => {
    const cleanup = cleanups.get(name);
    cleanups.delete(name);
    await cleanup?.();
  };
  try {
    // 1a. bootstrap: the demo multiplex as `npm start` seeds it.
    log('bootstrap: demo multiplex (6 halls × 14 days)');
    const demo = await startTestServer();
    cleanups.set('demo', () => demo.close());
    const demoShape = await siteShape(demo);
    const demoBoot = await bootstrap(demo, 'demo', 1000);
    demoBoot.bench.core.close();
    demoBoot.bench.view.close();
    rmSync(demoBoot.bench.dataDir, { recursive: true, force: true });
    await done('demo');

    // 1b. The benchmark site: 10 halls × 14 days, a lobby of terminals, sales, admissions, holds.
    log('site: seeding 10 halls × 14 days');
    const server = await startTestServer({ seed: false });
    cleanups.set('server', () => server.close());
    const seedStarted = performance.now();
    await seedDemo(server.ctx, {
      seed: 42,
      startDate: new Date(server.clock.now()).toISOString().slice(0, 10),
      staffPassword: DEMO_STAFF_PASSWORD,
      halls: 10,
    });
    const seedMs = ms(seedStarted);
    const lobby = [];
    for (let i = 0; i < config.lobbyTerminals; i++)
      lobby.push(await enrollDevice(server, i % 3 === 0 ? 'kiosk' : i % 3 === 1 ? 'box_office' : 'gate'));
    const otherDoor = lobby[2] ?? (await enrollDevice(server, 'gate'));
    const selling = await upcoming(server);
    log(`site: selling ${config.scanTickets + config.otherAdmissions} tickets`);
    const salesStarted = performance.now();
    const admittedElsewhere = await sellTickets(server, selling, config.otherAdmissions);
    const scanTickets = await sellTickets(server, selling, config.scanTickets);
    const salesMs = ms(salesStarted);
    log(`site: admitting ${admittedElsewhere.length} tickets at other doors (online)`);
    const admitStarted = performance.now();
    await admitOnline(server, otherDoor.token, admittedElsewhere);
    const admitMs = ms(admitStarted);
    log(`site: holding seats on ${config.heldShowtimes} showtimes`);
    const targets = (await holdTargets(server, selling.slice(0, config.heldShowtimes + 40))).filter(
      (t) => t.seats.length >= 12,
    );
    await pool(targets.slice(0, config.heldShowtimes), 8, async (t) => {
      const n = Math.min(40, Math.floor(t.seats.length / 3));
      await holdSeats(server, server.adminToken, t.showtimeId, t.seats.slice(-n));
      t.seats = t.seats.slice(0, -n);
    });
    const shape = await siteShape(server);
    log(
      `site: ${shape.showtimes} showtimes, ${shape.seatShowtimes} seat-showtimes, ${shape.claims} claimed seats (seeded in ${round(seedMs)} ms)`,
    );

    // 1c. bootstrap of the benchmark site.
    const siteBoot = await bootstrap(server, 'site', 1500);
    const c = siteBoot.bench;
    cleanups.set('core', () => {
      c.core.close();
      c.view.close();
      rmSync(c.dataDir, { recursive: true, force: true });
    });

    // 2. catch-up.
    const rounds = [];
    for (let r = 0; r < config.catchUpRounds; r++) {
      const result = await catchUpRound(server, c, targets, config.catchUpChanges, r);
      log(
        `catch-up round ${r + 1}: replica ${result.replicaMs} ms, online ${result.onlineMs} ms, checkpoints ${result.checkpointMs} ms`,
      );
      rounds.push(result);
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
    const catchUpMs = median(rounds.map((r) => r.replicaMs));

    // 4. memory of a core process with the full replica (the server still up, in this process).
    log('memory: a core process bootstrapping the site');
    const memory = await coreProcessMemory(server, TARGETS.coreRssMb);
    log(`memory: ${memory.rssMbSettled} MB RSS settled (peak ${memory.peakRssMb} MB)`);

    // 3. offline scans: stop the server, wait for the link to drop, scan every ticket twice.
    await waitFor(
      async () => coreMaxSeq(c) === (await serverSeq(server)),
      10_000,
      'core caught up before scanning',
      POLL_MS,
    );
    const serverSeqAtStop = await serverSeq(server);
    await done('server');
    await waitFor(() => c.core.status().connection !== 'online', 10_000, 'core offline', POLL_MS);
    // The in-process server just deleted its data dir and the memory child its own: let that I/O
    // settle so the scans measure the door, not this harness.
    await sleep(1000);
    log(`offline scan: ${scanTickets.length} distinct tickets (server stopped at seq ${serverSeqAtStop})`);
    const order = shuffled(scanTickets, 7);
    const first = await scanAll(c, order, 'admitted');
    const repeat = await scanAll(c, shuffled(scanTickets, 11), 'already_admitted');
    const pendingOutbox = c.core.status().pendingOutbox;
    log(
      `offline scan: first p50 ${first.p50Ms} / p99 ${first.p99Ms} ms, repeat p50 ${repeat.p50Ms} / p99 ${repeat.p99Ms} ms`,
    );
    await done('core');

    return {
      bootstrap: {
        demo: { halls: 6, days: 14, ...demoShape, ...demoBoot.result },
        site: {
          halls: 10,
          days: 14,
          ...shape,
          lobbyTerminals: config.lobbyTerminals,
          ticketsSold: scanTickets.length + admittedElsewhere.length,
          admissions: admittedElsewhere.length,
          seedMs: round(seedMs),
          salesMs: round(salesMs),
          admitMs: round(admitMs),
          ...siteBoot.result,
        },
        met: demoBoot.result.met && siteBoot.result.met,
      },
      catchUp: {
        changes: config.catchUpChanges,
        /** Median over the rounds of start → the server's latest change applied in the replica. */
        ms: catchUpMs,
        rounds,
        target: { maxMs: TARGETS.catchUpMs },
        /** Replica and link back (checkpoints at the server's seq, no link drops) within the target. */
        met: rounds.every(
          (r) =>
            r.replicaMs < TARGETS.catchUpMs &&
            r.onlineMs < TARGETS.catchUpMs &&
            r.checkpointMs !== null &&
            r.linkDrops === 0,
        ),
      },
      offlineScan: {
        tickets: scanTickets.length,
        replicaAdmissions: admittedElsewhere.length,
        signingKeys: siteBoot.result.byCollection['signing_keys'] ?? 0,
        firstScan: first,
        repeatScan: repeat,
        pendingOutboxAfter: pendingOutbox,
        target: { maxP99Ms: TARGETS.offlineScanP99Ms },
        met:
          first.allExpected &&
          repeat.allExpected &&
          first.p99Ms < TARGETS.offlineScanP99Ms &&
          repeat.p99Ms < TARGETS.offlineScanP99Ms,
      },
      coreMemory: memory,
      machine: {
        cpus: cpus().length,
        loadAvg1mAtStart: loadAtStart,
        loadAvg1mAtEnd: round(loadavg()[0] ?? Number.NaN),
      },
      quick: options.quick === true,
      durationSeconds: round(ms(runStarted) / 1000, 1),
    };
  } finally {
    for (const cleanup of [...cleanups.values()].reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`cleanup failed: ${String(error)}`);
      }
    }
  }
}
