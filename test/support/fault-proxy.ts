/**
 * A fault-injecting TCP proxy for loopback tests: terminal cores talk to the sync server through
 * it (HTTP and the WebSocket stream alike), and a test cuts, delays, drops or resets their
 * connections. Random decisions come from a seeded generator, so a schedule can be replayed.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../../shared/src/testing/random.ts';

export type Direction = 'both' | 'toServer' | 'toClient';

export interface ProxyStats {
  /** Connections accepted and forwarded. */
  connections: number;
  /** Connections refused while cut. */
  refused: number;
  /** Connections closed by `dropRate`. */
  dropped: number;
  /** Connections killed by `cut` or `resetAll`. */
  reset: number;
  /** HTTP request lines seen going to the server, e.g. `GET /api/v1/sync/pull?...`. */
  requests: string[];
}

export interface FaultProxy {
  readonly port: number;
  readonly url: string;
  readonly stats: ProxyStats;
  readonly isCut: boolean;
  /** Drops every connection and refuses new ones until `heal`. */
  cut(): void;
  /** Accepts connections again and stops delaying and dropping. */
  heal(): void;
  /** Holds bytes for `ms` before forwarding them (both ways, or one way). */
  delay(ms: number, direction?: Direction): void;
  /** Closes a connection with probability `p` each time it carries a chunk. */
  dropRate(p: number): void;
  /** Kills every open connection (clients reconnect, possibly in another order). */
  resetAll(): void;
  /** Sends new connections to another port (the server was restarted elsewhere). */
  retarget(port: number): void;
  /** Requests seen whose request line contains `fragment`. */
  count(fragment: string): number;
  close(): Promise<void>;
}

const REQUEST_LINE = /(?:^|\r\n)(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+) HTTP\/1\.[01]\r\n/g;

interface Pair {
  client: Socket;
  upstream: Socket;
  closed: boolean;
  /** Drop what is queued and stop the timers (the connection is gone). */
  cleanups: (() => void)[];
}

export async function startFaultProxy(
  targetPort: number,
  options: { seed?: number; host?: string } = {},
): Promise<FaultProxy> {
  const host = options.host ?? '127.0.0.1';
  const random = seededRandom(options.seed ?? 1);
  let target = targetPort;
  let isCut = false;
  let delayUp = 0;
  let delayDown = 0;
  let drop = 0;
  const pairs = new Set<Pair>();
  const stats: ProxyStats = { connections: 0, refused: 0, dropped: 0, reset: 0, requests: [] };

  const kill = (pair: Pair) => {
    if (pair.closed) return;
    pair.closed = true;
    pairs.delete(pair);
    for (const cleanup of pair.cleanups) cleanup();
    // RST, not FIN: the peer sees the connection die, as with a pulled cable noticed by the stack.
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    if (!pair.upstream.destroyed) pair.upstream.resetAndDestroy();
  };

  /** Forwards `from` → `to` in order, each chunk held for the delay current when it arrived. */
  const forward = (pair: Pair, from: Socket, to: Socket, delayOf: () => number, sniff: boolean) => {
    const queue: { due: number; chunk: Buffer | null }[] = [];
    let timer: NodeJS.Timeout | undefined;
    pair.cleanups.push(() => {
      clearTimeout(timer);
      queue.length = 0;
    });
    const pump = () => {
      timer = undefined;
      const now = Date.now();
      while (queue.length > 0 && (queue[0]?.due ?? 0) <= now) {
        const item = queue.shift();
        if (item === undefined || pair.closed || to.destroyed) return;
        if (item.chunk === null) to.end();
        else to.write(item.chunk);
      }
      const next = queue[0];
      if (next !== undefined) timer = setTimeout(pump, Math.max(0, next.due - now));
    };
    const enqueue = (chunk: Buffer | null) => {
      const wait = delayOf();
      if (wait <= 0 && queue.length === 0) {
        if (pair.closed || to.destroyed) return;
        if (chunk === null) to.end();
        else to.write(chunk);
        return;
      }
      queue.push({ due: Date.now() + wait, chunk });
      timer ??= setTimeout(pump, Math.max(0, wait));
    };
    from.on('data', (chunk: Buffer) => {
      if (pair.closed) return;
      if (drop > 0 && random() < drop) {
        stats.dropped += 1;
        kill(pair);
        return;
      }
      if (sniff) {
        for (const match of chunk.toString('latin1').matchAll(REQUEST_LINE))
          stats.requests.push(`${match[1] ?? ''} ${match[2] ?? ''}`);
      }
      enqueue(chunk);
    });
    from.on('end', () => enqueue(null));
    from.on('close', (hadError) => {
      // A reset on one side is passed on as a reset; an orderly close was passed on by 'end'.
      if (hadError) kill(pair);
      else if (pair.client.destroyed && pair.upstream.destroyed && !pair.closed) {
        pair.closed = true;
        pairs.delete(pair);
        for (const cleanup of pair.cleanups) cleanup();
      }
    });
  };

  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    client.on('error', () => undefined);
    if (isCut) {
      stats.refused += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host, port: target, allowHalfOpen: true });
    upstream.on('error', () => undefined);
    const pair: Pair = { client, upstream, closed: false, cleanups: [] };
    pairs.add(pair);
    stats.connections += 1;
    // A dead target (a server being restarted) errors here and resets the client: refused.
    upstream.on('connect', () => client.resume());
    forward(pair, client, upstream, () => delayUp, true);
    forward(pair, upstream, client, () => delayDown, false);
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fault proxy has no address');
  const port = address.port;

  const resetAll = () => {
    for (const pair of [...pairs]) {
      stats.reset += 1;
      kill(pair);
    }
  };

  return {
    port,
    url: `http://${host}:${port}`,
    stats,
    get isCut() {
      return isCut;
    },
    cut() {
      isCut = true;
      resetAll();
    },
    heal() {
      isCut = false;
      delayUp = 0;
      delayDown = 0;
      drop = 0;
    },
    delay(ms, direction = 'both') {
      if (direction !== 'toClient') delayUp = ms;
      if (direction !== 'toServer') delayDown = ms;
    },
    dropRate(p) {
      drop = Math.min(1, Math.max(0, p));
    },
    resetAll,
    retarget(next) {
      target = next;
    },
    count(fragment) {
      return stats.requests.filter((r) => r.includes(fragment)).length;
    },
    async close() {
      isCut = true;
      resetAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Random faults on `proxies` until `untilMs` (epoch): cuts that heal by themselves a few seconds
 * later, heals, delays (some longer than a terminal's request timeout), connection resets and
 * packet drops, chosen by `seed`. `count` hears each fault as it is made; the self-healing timers
 * are kept in `timers`, for the caller to clear.
 */
export async function randomFaults(
  proxies: readonly FaultProxy[],
  seed: number,
  untilMs: number,
  count: (fault: string) => void,
  timers: Set<NodeJS.Timeout>,
): Promise<void> {
  const random = seededRandom(seed);
  while (Date.now() < untilMs) {
    await sleep(150 + random() * 450);
    const proxy = proxies[Math.floor(random() * proxies.length)];
    if (proxy === undefined) continue;
    const roll = random();
    if (roll < 0.3) {
      proxy.cut();
      count('cut');
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          proxy.heal();
          count('heal');
        },
        500 + random() * 2500,
      );
      timers.add(timer);
    } else if (roll < 0.45) {
      proxy.heal();
      count('heal');
    } else if (roll < 0.7) {
      const directions = ['both', 'toServer', 'toClient'] as const;
      // Mostly a slow link; sometimes one slower than the terminal's request timeout (8 s), so
      // requests the server applied are abandoned by the terminal and retried or replaced.
      const ms = random() < 0.15 ? 2000 + random() * 7000 : random() * 400;
      proxy.delay(Math.floor(ms), directions[Math.floor(random() * 3)]);
      count('delay');
    } else if (roll < 0.93) {
      proxy.resetAll();
      count('resetAll');
    } else {
      proxy.dropRate(0.02 + random() * 0.08);
      count('dropRate');
    }
  }
}
