/**
 * Seat holds over HTTP against a bare `node:http` JSON echo server, same client loop, same run.
 * Every hold is for a seat nobody else asks for, so this measures the uncontended path. An Express
 * echo (no application work) runs alongside as a reference point.
 */
import { CpuMeter, type CpuShare } from './children.ts';
import { closedLoop, KeepAliveClient, type LoopResult } from './http-load.ts';
import { round, summarize } from './stats.ts';

export interface HoldsOptions {
  serverUrl: string;
  serverPid: number;
  echoUrl: string;
  echoPid: number;
  expressEchoUrl: string;
  expressEchoPid: number;
  tokens: readonly string[];
  pool: readonly { showtimeId: string; seatId: string }[];
  clients: number;
  warmupMs: number;
  /** Measured time per target, split into `rounds` alternating rounds. */
  durationMs: number;
  rounds: number;
  log: (message: string) => void;
}

interface Target {
  name: string;
  client: KeepAliveClient;
  pid: number;
  body: (i: number) => string | undefined;
  next: number;
  rounds: { loop: LoopResult; cpu: CpuShare }[];
}

const holdBody = (seat: { showtimeId: string; seatId: string }) =>
  JSON.stringify({ showtimeId: seat.showtimeId, seatIds: [seat.seatId] });

function target(
  name: string,
  url: string,
  pid: number,
  clients: number,
  body: (i: number) => string | undefined,
): Target {
  return { name, client: new KeepAliveClient(url, clients), pid, body, next: 0, rounds: [] };
}

async function runRound(t: Target, options: HoldsOptions, warmupMs: number): Promise<void> {
  const meter = new CpuMeter(t.pid);
  const loop = await closedLoop({
    clients: options.clients,
    warmupMs,
    durationMs: options.durationMs / options.rounds,
    issue: (c) => {
      const payload = t.body(t.next++);
      if (payload === undefined) return undefined;
      return t.client.send('POST', '/api/v1/holds', {
        token: options.tokens[c % options.tokens.length] ?? '',
        body: payload,
      });
    },
    ok: (reply) => reply.status === 201,
    onWindowStart: () => meter.start(),
    onWindowEnd: () => meter.stop(),
  });
  t.rounds.push({ loop, cpu: meter.result });
}

function combine(t: Target) {
  const rounds = t.rounds;
  const windowMs = rounds.reduce((a, r) => a + r.loop.windowMs, 0);
  const completed = rounds.reduce((a, r) => a + r.loop.completed, 0);
  const statuses: Record<string, number> = {};
  for (const r of rounds)
    for (const [status, n] of Object.entries(r.loop.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  const coreMs = (pick: (cpu: CpuShare) => number) =>
    rounds.reduce((a, r) => a + pick(r.cpu) * r.loop.windowMs, 0);
  return {
    rps: completed / (windowMs / 1000),
    roundRps: rounds.map((r) => r.loop.rps),
    completed,
    latency: summarize(rounds.flatMap((r) => r.loop.latencies)),
    errors: rounds.reduce((a, r) => a + r.loop.errors, 0),
    firstError: rounds.map((r) => r.loop.firstError).find((e) => e !== undefined),
    exhausted: rounds.some((r) => r.loop.exhausted),
    statuses,
    /** CPU time the target process spent per answered request: robust to a noisy machine. */
    cpuMsPerRequest: coreMs((c) => c.serverCores) / completed,
    cpu: {
      target: round(coreMs((c) => c.serverCores) / windowMs),
      loadGenerator: round(coreMs((c) => c.clientCores) / windowMs),
      otherProcesses: round(coreMs((c) => c.otherCores) / windowMs),
    },
  };
}

/**
 * The targets alternate in short rounds (this VM's speed drifts by tens of percent from one
 * minute to the next, and other work may share it), and each side adds up its rounds.
 */
export async function benchHolds(options: HoldsOptions) {
  const { pool } = options;
  if (pool.length === 0) throw new Error('no free seats to hold');
  // The echoes keep nothing, so they may cycle through the very same bodies.
  const cycled = (i: number) => {
    const seat = pool[i % pool.length];
    return seat === undefined ? undefined : holdBody(seat);
  };
  const echo = target('echo', options.echoUrl, options.echoPid, options.clients, cycled);
  const expressEcho = target(
    'express echo',
    options.expressEchoUrl,
    options.expressEchoPid,
    options.clients,
    cycled,
  );
  const server = target('server', options.serverUrl, options.serverPid, options.clients, (i) => {
    const seat = pool[i];
    return seat === undefined ? undefined : holdBody(seat);
  });
  const targets = [echo, expressEcho, server];
  try {
    for (let r = 0; r < options.rounds; r++) {
      options.log(`holds: round ${r + 1}/${options.rounds}: ${targets.map((t) => t.name).join(', ')}`);
      for (const t of targets) {
        await t.client.connectAll('/api/v1/health');
        await runRound(t, options, r === 0 ? options.warmupMs : 250);
      }
    }
  } finally {
    for (const t of targets) t.client.close();
  }
  const holds = combine(server);
  const baseline = combine(echo);
  const reference = combine(expressEcho);
  const ratio = holds.rps / baseline.rps;
  const target_ = { minRatio: 0.7, maxP99Ms: 50, errors: 0 };
  return {
    clients: options.clients,
    devices: options.tokens.length,
    seatsPerHold: 1,
    measuredMs: options.durationMs,
    rounds: options.rounds,
    rps: round(holds.rps, 0),
    baselineRps: round(baseline.rps, 0),
    ratio: round(ratio, 3),
    roundRatios: holds.roundRps.map((rps, i) => round(rps / (baseline.roundRps[i] ?? NaN), 3)),
    p50Ms: holds.latency.p50Ms,
    p90Ms: holds.latency.p90Ms,
    p99Ms: holds.latency.p99Ms,
    maxMs: holds.latency.maxMs,
    completed: holds.completed,
    errors: holds.errors,
    statuses: holds.statuses,
    ...(holds.firstError === undefined ? {} : { firstError: holds.firstError }),
    seatPoolExhausted: holds.exhausted,
    /** Server CPU per hold and the echo's per request; their ratio is the CPU-cost view of `ratio`. */
    cpuMsPerHold: round(holds.cpuMsPerRequest, 3),
    cpuRatio: round(baseline.cpuMsPerRequest / holds.cpuMsPerRequest, 3),
    /** CPU in cores during the measured windows (1.0 = one core busy the whole time). */
    cpu: holds.cpu,
    baseline: {
      p50Ms: baseline.latency.p50Ms,
      p99Ms: baseline.latency.p99Ms,
      errors: baseline.errors,
      cpuMsPerRequest: round(baseline.cpuMsPerRequest, 3),
      cpu: baseline.cpu,
    },
    expressEcho: {
      rps: round(reference.rps, 0),
      ratioToBaseline: round(reference.rps / baseline.rps, 3),
      p50Ms: reference.latency.p50Ms,
      p99Ms: reference.latency.p99Ms,
      errors: reference.errors,
      cpuMsPerRequest: round(reference.cpuMsPerRequest, 3),
      cpu: reference.cpu,
    },
    target: target_,
    met:
      ratio >= target_.minRatio &&
      holds.latency.p99Ms < target_.maxP99Ms &&
      holds.errors === 0 &&
      !holds.exhausted,
  };
}
