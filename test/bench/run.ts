/**
 * `npm run bench`: the server-side performance targets of DESIGN §13, measured in one run on
 * loopback. The server under test, the echo baseline and an Express echo (a reference point) run
 * in child processes; this process is the load generator. One JSON summary goes to stdout,
 * progress to stderr (`npm run -s bench` keeps npm's own banner off stdout too). See
 * docs/benchmarks.md.
 *
 * Exit code 0 when the bench ran (targets missed show as `met: false`); non-zero when it broke or
 * a correctness check failed (hot-show winners ≠ 100, lost fan-out frames).
 *
 *   npm run -s bench                       # everything, about 45 s on 2 cores
 *   npm run -s bench -- --only=holds       # holds | hotShow | fanout | memory | core | printing | seatMap, comma-separated
 *   npm run -s bench -- --cpu-prof         # also write a V8 CPU profile of the server to .tmp/bench-prof */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryOf, startChild, type Child } from './children.ts';
import { benchFanout } from './fanout.ts';
import { interleave, loadFreeSeats, type ShowtimeSeats } from './fixtures.ts';
import { benchHolds } from './holds.ts';
import { benchHotShow } from './hot-show.ts';
import { KeepAliveClient } from './http-load.ts';
import { benchMemory } from './memory.ts';
import type { BenchServerInfo } from './server-process.ts';
import { round, sleep } from './stats.ts';
import { runCoreBench } from './core-bench.ts';
import { runPrintingBench } from './printing-bench.ts';
import { runSeatMapBench } from './seatmap-bench.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BENCHES = ['holds', 'hotShow', 'fanout', 'memory', 'core', 'printing', 'seatMap'] as const;
type BenchName = (typeof BENCHES)[number];
/** The whole run stops itself past this, whatever happens. */
const RUN_LIMIT_MS = 290_000;

const CONFIG = {
  devices: 8,
  holds: { clients: 256, warmupMs: 1000, durationMs: 8000, rounds: 4 },
  hotShow: { claimers: 2000, seats: 100, concurrency: 256 },
  fanout: { subscribers: 200, holds: 50, spacingMs: 50 },
  memory: { clients: 500 },
};

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function parseArgs(argv: readonly string[]): { only: Set<BenchName>; cpuProf: boolean } {
  const only = new Set<BenchName>(BENCHES);
  let cpuProf = false;
  for (const arg of argv) {
    if (arg === '--cpu-prof') cpuProf = true;
    else if (arg.startsWith('--only=')) {
      only.clear();
      for (const name of arg.slice('--only='.length).split(',')) {
        if (!(BENCHES as readonly string[]).includes(name)) throw new Error(`unknown benchmark ${name}`);
        only.add(name as BenchName);
      }
    } else throw new Error(`unknown argument ${arg}`);
  }
  return { only, cpuProf };
}

/** Takes the showtime with the most free seats that has at least `min`, out of the list. */
function reserve(showtimes: ShowtimeSeats[], min: number): ShowtimeSeats {
  let best = -1;
  showtimes.forEach((s, i) => {
    if (
      s.freeSeats.length >= min &&
      (best < 0 || s.freeSeats.length > (showtimes[best]?.freeSeats.length ?? 0))
    )
      best = i;
  });
  const [taken] = best < 0 ? [] : showtimes.splice(best, 1);
  if (taken === undefined) throw new Error(`no showtime with ${min} free seats`);
  return taken;
}

/** A result's own `met`, or (for a group such as the core's) every part's. */
function targetsMet(result: unknown): boolean {
  if (typeof result !== 'object' || result === null) return false;
  const met = (result as { met?: unknown }).met;
  if (typeof met === 'boolean') return met;
  const parts = Object.values(result).filter((v) => typeof v === 'object' && v !== null && 'met' in v);
  return parts.length > 0 && parts.every(targetsMet);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const startedAt = performance.now();
  // Other work on the machine skews every figure: say how busy it was.
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const children: Child<unknown>[] = [];
  const limit = setTimeout(() => {
    log(`run exceeded ${RUN_LIMIT_MS} ms: stopping`);
    for (const child of children) child.process.kill('SIGKILL');
    process.exit(3);
  }, RUN_LIMIT_MS);
  limit.unref();

  const results: Record<string, unknown> = {};
  let broken = false;
  try {
    log('starting the server (seeding the demo multiplex), the echo baseline and the Express echo');
    const profDir = join(ROOT, '.tmp', 'bench-prof');
    const [server, echo, expressEcho] = await Promise.all([
      startChild<BenchServerInfo>('test/bench/server-process.ts', {
        cwd: ROOT,
        env: { BENCH_DEVICES: String(CONFIG.devices) },
        nodeFlags: args.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
      }),
      startChild<{ url: string; pid: number }>('test/bench/echo-server.ts', { cwd: ROOT }),
      startChild<{ url: string; pid: number }>('test/bench/express-echo.ts', { cwd: ROOT }),
    ]);
    children.push(server, echo, expressEcho);
    const tokens = server.info.deviceTokens;
    log(
      `server ${server.info.url} (pid ${server.pid}, ready in ${server.info.bootMs} ms), echo ${echo.info.url}`,
    );
    await sleep(1000);
    const idle = memoryOf(server.pid);

    const setup = new KeepAliveClient(server.info.url, 8);
    const showtimes = await loadFreeSeats(setup, tokens[0] ?? '');
    setup.close();
    const hot = reserve(showtimes, CONFIG.hotShow.seats);
    const fan = reserve(showtimes, CONFIG.fanout.holds);
    const pool = interleave(showtimes);
    log(`${showtimes.length + 2} showtimes selling, ${pool.length} free seats for the holds run`);

    const attempt = async (name: BenchName, fn: () => Promise<Record<string, unknown>>) => {
      if (!args.only.has(name)) return;
      try {
        const result = await fn();
        results[name] = result;
        if (result['ok'] === false) {
          broken = true;
          log(`${name}: CORRECTNESS CHECK FAILED`);
        }
        log(`${name}: ${JSON.stringify(result)}`);
      } catch (error) {
        broken = true;
        results[name] = { error: error instanceof Error ? error.message : String(error) };
        log(`${name} broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    };

    await attempt('holds', () =>
      benchHolds({
        serverUrl: server.info.url,
        serverPid: server.pid,
        echoUrl: echo.info.url,
        echoPid: echo.pid,
        expressEchoUrl: expressEcho.info.url,
        expressEchoPid: expressEcho.pid,
        tokens,
        pool,
        ...CONFIG.holds,
        log,
      }),
    );
    await attempt('hotShow', () =>
      benchHotShow({
        serverUrl: server.info.url,
        serverPid: server.pid,
        tokens,
        showtimeId: hot.showtimeId,
        seats: hot.freeSeats,
        claimers: CONFIG.hotShow.claimers,
        concurrency: CONFIG.hotShow.concurrency,
        log,
      }),
    );
    await attempt('fanout', () =>
      benchFanout({
        serverUrl: server.info.url,
        serverPid: server.pid,
        tokens,
        showtimeId: fan.showtimeId,
        seats: fan.freeSeats,
        subscribers: CONFIG.fanout.subscribers,
        holds: CONFIG.fanout.holds,
        spacingMs: CONFIG.fanout.spacingMs,
        log,
      }),
    );
    await attempt('memory', () =>
      benchMemory({
        serverUrl: server.info.url,
        serverPid: server.pid,
        tokens,
        clients: CONFIG.memory.clients,
        idleRssMb: idle.rssMb,
        log,
      }),
    );
    const exits = await Promise.all(children.map((c) => c.stop()));
    if (exits.some((code) => code !== 0)) {
      broken = true;
      log(`children exited with ${exits.join(', ')} (server, echo, express echo)`);
    }
    if (args.cpuProf) log(`server CPU profile written to ${profDir}`);
  } catch (error) {
    broken = true;
    results['error'] = error instanceof Error ? error.message : String(error);
    log(`bench broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await Promise.all(children.map((c) => c.stop()));
  }

  // The terminal core and printing benchmarks host their own server and processes: run them
  // after the server's children have stopped, one at a time, so they do not share the CPUs.
  const standalone: [BenchName, () => Promise<Record<string, unknown>>][] = [
    ['core', () => runCoreBench()],
    ['printing', () => runPrintingBench({ log })],
    ['seatMap', () => runSeatMapBench({ log })],
  ];
  for (const [name, run] of standalone) {
    if (!args.only.has(name)) continue;
    try {
      log(`${name}: running`);
      results[name] = await run();
    } catch (error) {
      broken = true;
      results[name] = { error: error instanceof Error ? error.message : String(error) };
      log(`${name} broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  const cpu = cpus();
  const summary = {
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? 'unknown',
      memoryMb: Math.round(totalmem() / 2 ** 20),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      loadAverage1m: { atStart: round(loadAtStart), atEnd: round(loadavg()[0] ?? Number.NaN) },
    },
    date: new Date().toISOString(),
    wallSeconds: round((performance.now() - startedAt) / 1000, 1),
    ...results,
    allTargetsMet: BENCHES.filter((b) => args.only.has(b)).every((b) => targetsMet(results[b])),
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  clearTimeout(limit);
  return broken ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
