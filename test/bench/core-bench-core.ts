/**
 * The core side of the terminal-core benchmarks: a core watched through a read-only view of its
 * SQLite file and its events, a core process's memory, and timed offline scans.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { TerminalEvent } from '@marquee/shared';
import type { ManualClock } from '../../desktop/core/src/clock.ts';
import type { TerminalCore } from '../../desktop/core/src/core.ts';
import { enrollmentCode } from '../support/enroll.ts';
import type { TestServer } from '../support/server.ts';
import { memoryOf } from './children.ts';
import type { SoldTicket } from './core-bench-site.ts';
import { round, summarize } from './stats.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ms = (from: number) => performance.now() - from;

export interface BenchCore {
  core: TerminalCore;
  dataDir: string;
  clock: ManualClock;
  /** Read-only view of the core's SQLite file (WAL: sees each commit at once). */
  view: Database.Database;
  /** Link states with the time they were entered (performance.now()). */
  states: { state: string; at: number }[];
  replicaEvents: number;
}

export function attach(
  core: TerminalCore,
  dataDir: string,
  clock: ManualClock,
  previous?: BenchCore,
): BenchCore {
  const bench: BenchCore = previous ?? {
    core,
    dataDir,
    clock,
    view: new Database(join(dataDir, 'terminal.db'), { readonly: true, fileMustExist: true }),
    states: [],
    replicaEvents: 0,
  };
  bench.core = core;
  core.events.on('event', (event: TerminalEvent) => {
    if (event.type === 'replica') bench.replicaEvents += 1;
    else if (event.type === 'status' && bench.states.at(-1)?.state !== event.status.connection)
      bench.states.push({ state: event.status.connection, at: performance.now() });
  });
  return bench;
}

export const coreMaxSeq = (c: BenchCore): number =>
  (c.view.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM docs').get() as { n: number }).n;
export const coreMinCheckpoint = (c: BenchCore): number =>
  (c.view.prepare('SELECT COALESCE(MIN(seq), 0) AS n FROM checkpoints').get() as { n: number }).n;
export const coreDocCount = (c: BenchCore): number =>
  (c.view.prepare('SELECT COUNT(*) AS n FROM docs').get() as { n: number }).n;

export function fileMb(dataDir: string): number {
  let bytes = 0;
  for (const name of ['terminal.db', 'terminal.db-wal']) {
    try {
      bytes += statSync(join(dataDir, name)).size;
    } catch {
      // no WAL right now
    }
  }
  return round(bytes / 1024 / 1024, 1);
}

/** A core process of its own (the headless CLI), enrolled against the server; RSS once online. */
export async function coreProcessMemory(server: TestServer, maxRssMb: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'marquee-core-bench-mem-'));
  const code = await enrollmentCode(server, 'gate');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'desktop/core/src/cli.ts', '--server', server.url, '--code', code, '--data', dataDir],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (codeOut) => resolve(codeOut)));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('core process: no pid');
  try {
    const lines = createInterface({ input: child.stdout });
    const startedAt = performance.now();
    let readyRssMb = Number.NaN;
    const online = new Promise<number>((resolve, reject) => {
      lines.on('line', (line) => {
        let message: { ready?: unknown; event?: TerminalEvent };
        try {
          message = JSON.parse(line) as typeof message;
        } catch {
          return;
        }
        if (message.ready !== undefined) readyRssMb = memoryOf(pid).rssMb;
        const event = message.event;
        if (event?.type === 'status' && event.status.connection === 'online') resolve(ms(startedAt));
      });
      void exited.then((exitCode) => reject(new Error(`core process exited (${exitCode}): ${stderr}`)));
    });
    let timer: NodeJS.Timeout | undefined;
    const onlineMs = await Promise.race([
      online,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('core process: not online after 60 s')), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
    const view = new Database(join(dataDir, 'terminal.db'), { readonly: true, fileMustExist: true });
    let documents: number;
    try {
      documents = (view.prepare('SELECT COUNT(*) AS n FROM docs').get() as { n: number }).n;
    } finally {
      view.close();
    }
    const atOnline = memoryOf(pid);
    // Let it settle (stream catch-up, lease timer, GC) and measure again.
    await sleep(2000);
    const settled = memoryOf(pid);
    const rssMb = Math.max(atOnline.rssMb, settled.rssMb);
    return {
      documents,
      onlineSeconds: round(onlineMs / 1000, 2),
      startupRssMb: round(readyRssMb, 1),
      rssMbAtOnline: round(atOnline.rssMb, 1),
      rssMbSettled: round(settled.rssMb, 1),
      peakRssMb: round(settled.peakRssMb, 1),
      target: { maxRssMb },
      met: rssMb < maxRssMb,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Offline door: the core's link is down (server stopped). Each scan is `ticket.admit` through the
 * terminal API with the core's clock inside the ticket's door window; timed per call.
 */
export async function scanAll(c: BenchCore, tickets: readonly SoldTicket[], expected: string) {
  const times: number[] = [];
  const verdicts = new Map<string, number>();
  const cpuBefore = process.cpuUsage();
  for (const ticket of tickets) {
    c.clock.wallMs = Date.parse(ticket.startsAt) - 10 * 60_000;
    const started = performance.now();
    const result = await c.core.handle('ticket.admit', { token: ticket.token });
    times.push(ms(started));
    const verdict = result.ok
      ? `${result.value.verdict}${result.value.offline ? '' : ' (online!)'}`
      : result.error.code;
    verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const summary = summarize(times);
  return {
    ...summary,
    /** CPU time of this process per scan (user + system): what a scan costs, whatever else runs. */
    cpuMsPerScan: round((cpu.user + cpu.system) / 1000 / tickets.length, 3),
    verdicts: Object.fromEntries(verdicts),
    allExpected: verdicts.get(expected) === tickets.length,
  };
}
