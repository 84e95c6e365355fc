/**
 * Fan-out: N terminals on the change stream; a driver makes holds one at a time. For every hold
 * and every terminal: time from just before the HTTP request was sent, and from the 201 answer
 * (the commit is already done then), to the frame carrying that hold arriving at the terminal.
 */
import { randomUUID } from 'node:crypto';
import { CpuMeter } from './children.ts';
import { KeepAliveClient } from './http-load.ts';
import { round, sleep, summarize } from './stats.ts';
import { closeSubscribers, connectSubscribers, frameText, type Frame } from './stream-clients.ts';

export interface FanoutOptions {
  serverUrl: string;
  serverPid: number;
  tokens: readonly string[];
  showtimeId: string;
  seats: readonly string[];
  subscribers: number;
  holds: number;
  spacingMs: number;
  log: (message: string) => void;
}

interface ChangesMessage {
  type: string;
  changes?: { collection: string; documents: { id: string; claims?: { ownerId: string }[] }[] }[];
}

export async function benchFanout(options: FanoutOptions) {
  const { showtimeId, tokens } = options;
  if (options.seats.length < options.holds) throw new Error('fan-out showtime has too few free seats');
  options.log(`fanout: connecting ${options.subscribers} stream clients`);
  const subscribers = await connectSubscribers(options.serverUrl, tokens, options.subscribers, {
    keepFrames: true,
  });
  const driver = new KeepAliveClient(options.serverUrl, 1);
  const holdIndex = new Map<string, number>();
  const sentAt: bigint[] = [];
  const answeredAt: bigint[] = [];
  const requestMs: number[] = [];
  let driverErrors = 0;
  try {
    await driver.send('GET', '/api/v1/health');
    await sleep(200);
    options.log(`fanout: ${options.holds} holds, ${options.spacingMs} ms apart`);
    const meter = new CpuMeter(options.serverPid);
    meter.start();
    for (let i = 0; i < options.holds; i++) {
      const id = randomUUID();
      holdIndex.set(id, i);
      const body = JSON.stringify({ id, showtimeId, seatIds: [options.seats[i]] });
      sentAt[i] = process.hrtime.bigint();
      const reply = await driver.send('POST', '/api/v1/holds', { token: tokens[0] ?? '', body });
      answeredAt[i] = reply.doneAt;
      requestMs.push(reply.ms);
      if (reply.status !== 201) driverErrors++;
      await sleep(options.spacingMs);
    }
    meter.stop();
    // Let the last frames land.
    const expected = options.subscribers * options.holds;
    const deadline = performance.now() + 3000;
    while (performance.now() < deadline) {
      await sleep(100);
      if (subscribers.every((s) => delivered(s.frames, holdIndex) === options.holds)) break;
    }

    const fromSend: number[] = [];
    const fromAnswer: number[] = [];
    let deliveredCount = 0;
    let duplicates = 0;
    for (const subscriber of subscribers) {
      const seen = new Set<number>();
      for (const frame of subscriber.frames) {
        const message = JSON.parse(frameText(frame)) as ChangesMessage;
        if (message.type !== 'changes') continue;
        for (const change of message.changes ?? []) {
          if (change.collection !== 'seat_maps') continue;
          for (const doc of change.documents) {
            if (doc.id !== showtimeId) continue;
            const fresh = (doc.claims ?? [])
              .map((c) => holdIndex.get(c.ownerId))
              .filter((i): i is number => i !== undefined && !seen.has(i));
            if (fresh.length === 0) duplicates++;
            for (const i of fresh) {
              seen.add(i);
              deliveredCount++;
              fromSend.push(Number(frame.at - (sentAt[i] ?? 0n)) / 1e6);
              fromAnswer.push(Number(frame.at - (answeredAt[i] ?? 0n)) / 1e6);
            }
          }
        }
      }
    }
    const sent = summarize(fromSend);
    const answered = summarize(fromAnswer);
    const request = summarize(requestMs);
    const target = { maxP99Ms: 50 };
    return {
      subscribers: options.subscribers,
      holds: options.holds,
      spacingMs: options.spacingMs,
      expected,
      delivered: deliveredCount,
      redundantFrames: duplicates,
      driverErrors,
      /** Request sent → frame received by a terminal, over all terminals × holds. */
      p50Ms: sent.p50Ms,
      p90Ms: sent.p90Ms,
      p99Ms: sent.p99Ms,
      maxMs: sent.maxMs,
      /** 201 received by the driver → frame received (negative: the frame beat the HTTP answer). */
      fromAnswer: { p50Ms: answered.p50Ms, p99Ms: answered.p99Ms, maxMs: answered.maxMs },
      holdRequest: { p50Ms: request.p50Ms, p99Ms: request.p99Ms },
      /** CPU in cores while the holds ran; `otherProcesses` is load from outside the bench. */
      cpu: {
        server: round(meter.result.serverCores),
        loadGenerator: round(meter.result.clientCores),
        otherProcesses: round(meter.result.otherCores),
      },
      target,
      met: deliveredCount === expected && driverErrors === 0 && sent.p99Ms < target.maxP99Ms,
      ok: deliveredCount === expected && driverErrors === 0,
    };
  } finally {
    driver.close();
    await closeSubscribers(subscribers);
  }
}

/** How many of our holds the newest change frame of a subscriber shows (a seat map carries all claims). */
function delivered(frames: readonly Frame[], holdIndex: ReadonlyMap<string, number>): number {
  let text: string | undefined;
  for (let i = frames.length - 1; i >= 0 && text === undefined; i--) {
    const candidate = frameText(frames[i] as Frame);
    if (candidate.includes('"type":"changes"')) text = candidate;
  }
  if (text === undefined) return 0;
  let n = 0;
  for (const id of holdIndex.keys()) if (text.includes(id)) n++;
  return n;
}
