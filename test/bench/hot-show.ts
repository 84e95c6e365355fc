/**
 * The hot-show race: 2,000 single-seat holds on the same 100 seats of one showtime (20 claimers
 * per seat), fired all at once through a bounded pool of keep-alive connections. Exactly one
 * claimer per seat may win; every other one must get 409 seats_unavailable.
 */
import { CpuMeter } from './children.ts';
import { KeepAliveClient, type Reply } from './http-load.ts';
import { elapsedMs, round, shuffled, summarize } from './stats.ts';

export interface HotShowOptions {
  serverUrl: string;
  serverPid: number;
  tokens: readonly string[];
  showtimeId: string;
  seats: readonly string[];
  claimers: number;
  concurrency: number;
  log: (message: string) => void;
}

export async function benchHotShow(options: HotShowOptions) {
  const { seats, showtimeId, tokens } = options;
  if (seats.length < 100) throw new Error(`hot show needs 100 free seats, has ${seats.length}`);
  const contested = seats.slice(0, 100);
  const client = new KeepAliveClient(options.serverUrl, options.concurrency);
  try {
    // Open the connections first: the race is about holds, not TCP handshakes.
    await client.connectAll('/api/v1/health');
    const jobs = shuffled(
      Array.from({ length: options.claimers }, (_, k) => ({
        seatId: contested[k % contested.length] ?? '',
        token: tokens[k % tokens.length] ?? '',
      })),
      20261123,
    );
    options.log(
      `hotShow: ${jobs.length} claimers on ${contested.length} seats, ${options.concurrency} connections`,
    );
    const results: { seatId: string; reply: Reply }[] = [];
    const meter = new CpuMeter(options.serverPid);
    meter.start();
    const fired = process.hrtime.bigint();
    let next = 0;
    const worker = async () => {
      for (;;) {
        const job = jobs[next++];
        if (job === undefined) return;
        const reply = await client.send('POST', '/api/v1/holds', {
          token: job.token,
          body: JSON.stringify({ showtimeId, seatIds: [job.seatId] }),
        });
        results.push({ seatId: job.seatId, reply });
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const makespanMs = elapsedMs(fired);
    meter.stop();

    const winnersPerSeat = new Map<string, number>();
    let winners = 0;
    let losers = 0;
    let errors = 0;
    let firstError: string | undefined;
    for (const { seatId, reply } of results) {
      if (reply.status === 201) {
        winners++;
        winnersPerSeat.set(seatId, (winnersPerSeat.get(seatId) ?? 0) + 1);
      } else if (reply.status === 409 && reply.body.includes('"seats_unavailable"')) {
        losers++;
      } else {
        errors++;
        firstError ??= `${reply.status} ${reply.error ?? reply.body.slice(0, 200)}`;
      }
    }
    const oneWinnerEach = contested.every((s) => winnersPerSeat.get(s) === 1);
    // The server's own view must agree: all 100 seats held, by the winners.
    const map = await client.json<{ seats: { id: string; state: string }[] }>(
      'GET',
      `/api/v1/showtimes/${showtimeId}/seats`,
      { token: tokens[0] ?? '' },
    );
    const wanted = new Set(contested);
    const heldOnServer = map.seats.filter((s) => wanted.has(s.id) && s.state === 'held').length;

    const latency = summarize(results.map((r) => r.reply.ms));
    const fromFire = summarize(results.map((r) => Number(r.reply.doneAt - fired) / 1e6));
    const ok =
      winners === contested.length &&
      oneWinnerEach &&
      losers === options.claimers - contested.length &&
      errors === 0 &&
      heldOnServer === contested.length;
    const target = { winners: contested.length, maxP99Ms: 100 };
    return {
      claimers: options.claimers,
      seats: contested.length,
      concurrency: options.concurrency,
      winners,
      losers,
      errors,
      ...(firstError === undefined ? {} : { firstError }),
      oneWinnerPerSeat: oneWinnerEach,
      heldOnServer,
      ok,
      /** Per request, from the moment it went out on a pooled connection. */
      p50Ms: latency.p50Ms,
      p90Ms: latency.p90Ms,
      p99Ms: latency.p99Ms,
      maxMs: latency.maxMs,
      /** From the instant all 2,000 were fired (includes waiting for a free connection). */
      fromFire: { p50Ms: fromFire.p50Ms, p99Ms: fromFire.p99Ms },
      makespanMs: round(makespanMs),
      rps: round(options.claimers / (makespanMs / 1000), 0),
      cpuMsPerRequest: round((meter.result.serverCores * makespanMs) / options.claimers, 3),
      cpu: {
        server: round(meter.result.serverCores),
        loadGenerator: round(meter.result.clientCores),
        otherProcesses: round(meter.result.otherCores),
      },
      target,
      met: ok && latency.p99Ms < target.maxP99Ms,
    };
  } finally {
    client.close();
  }
}
