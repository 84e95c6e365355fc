/**
 * The load generator: a small keep-alive HTTP/1.1 client over raw sockets (a bounded pool of
 * connections, one request in flight per connection, FIFO queue beyond that) and a closed loop of
 * N clients, each sending its next request as soon as the previous one answered. Latency is timed
 * with `process.hrtime` from just before the request is written to its socket.
 *
 * Why not `node:http`'s Agent: on this 2-core machine it costs so much CPU per request that the
 * load generator, not the echo baseline, became the bottleneck (≈ 28k req/s with the generator at
 * 100% of a core and the echo server at 56%), which would flatter the server's ratio. This client
 * is several times cheaper per request. It understands exactly what these servers answer:
 * `Content-Length` bodies (Express and the echo server always send one) or no body (204).
 */
import { connect, type Socket } from 'node:net';
import { elapsedMs } from './stats.ts';

export interface Reply {
  status: number;
  body: string;
  ms: number;
  /** Wall time (hrtime ns) at which the answer was complete. */
  doneAt: bigint;
  error?: string;
}

interface Pending {
  request: string;
  started: bigint;
  resolve: (reply: Reply) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection; reconnects lazily after the server closed it. */
class Connection {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly onIdle: (connection: Connection) => void,
  ) {}

  send(pending: Pending): void {
    this.pending = pending;
    const socket = this.socket ?? this.open();
    pending.started = process.hrtime.bigint();
    socket.write(pending.request);
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  /** Opens the TCP connection now (no request), resolving once it is established. */
  connect(): Promise<void> {
    const socket = this.socket ?? this.open();
    if (!socket.connecting) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    const lost = (error?: Error) => {
      // A socket we closed ourselves may report late; it no longer owns the pending request.
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.finish({ status: 0, body: '', error: error?.message ?? 'connection closed' });
    };
    socket.on('error', lost);
    socket.on('close', () => lost());
    return socket;
  }

  private parse(): void {
    const headerEnd = this.buffer.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.buffer.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const lengthMatch = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (lengthMatch === null && status !== 204 && status !== 304) {
      this.finish({ status: 0, body: '', error: 'answer without Content-Length (unsupported)' });
      this.close();
      return;
    }
    const length = Number(lengthMatch?.[1] ?? 0);
    const bodyStart = headerEnd + HEADER_END.length;
    if (this.buffer.length < bodyStart + length) return;
    const body = this.buffer.toString('utf8', bodyStart, bodyStart + length);
    this.buffer = this.buffer.subarray(bodyStart + length);
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    this.finish({ status, body });
  }

  private finish(answer: { status: number; body: string; error?: string }): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    const reply: Reply = { ...answer, ms: elapsedMs(pending.started), doneAt: process.hrtime.bigint() };
    pending.resolve(reply);
    this.onIdle(this);
  }
}

export class KeepAliveClient {
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly idle: Connection[] = [];
  private readonly all: Connection[] = [];
  private readonly queue: Pending[] = [];

  constructor(
    baseUrl: string,
    private readonly maxConnections: number,
  ) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.hostHeader = url.host;
  }

  send(method: string, path: string, options: { token?: string; body?: string } = {}): Promise<Reply> {
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.hostHeader}\r\naccept: application/json\r\n`;
    if (options.token !== undefined) head += `authorization: Bearer ${options.token}\r\n`;
    if (options.body !== undefined) {
      head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(options.body)}\r\n`;
    }
    const request = `${head}\r\n${options.body ?? ''}`;
    return new Promise<Reply>((resolve) => {
      const pending: Pending = { request, started: process.hrtime.bigint(), resolve };
      const connection = this.idle.pop() ?? this.create();
      if (connection === undefined) this.queue.push(pending);
      else connection.send(pending);
    });
  }

  /**
   * (Re)opens every connection of the pool and sends one request on each (any answer will do),
   * so the server has accepted them all before the load starts. A server saturated by the first
   * connections accepts late ones only after seconds (measured: up to 6 s for the sync server
   * under 256 clients, ~2 s for the Express echo), and the server closes connections idle for
   * 5 s: without this, a round would time TCP accepts, not holds. Call it with nothing in flight.
   */
  async connectAll(probePath: string): Promise<void> {
    for (let c = this.create(); c !== undefined; c = this.create()) this.idle.push(c);
    for (const c of this.all) c.close();
    await Promise.all(this.all.map((c) => c.connect()));
    await Promise.all(this.all.map(() => this.send('GET', probePath)));
  }

  private create(): Connection | undefined {
    if (this.all.length >= this.maxConnections) return undefined;
    const connection = new Connection(this.host, this.port, (c) => {
      const next = this.queue.shift();
      if (next === undefined) this.idle.push(c);
      else c.send(next);
    });
    this.all.push(connection);
    return connection;
  }

  /** JSON convenience for setup calls; throws on a status other than `expect`. */
  async json<T>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; expect?: number } = {},
  ): Promise<T> {
    const reply = await this.send(method, path, {
      ...(options.token === undefined ? {} : { token: options.token }),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    if (reply.status !== (options.expect ?? 200)) {
      throw new Error(`${method} ${path} → ${reply.status} ${reply.error ?? reply.body.slice(0, 300)}`);
    }
    return JSON.parse(reply.body) as T;
  }

  close(): void {
    for (const connection of this.all) connection.close();
  }
}

export interface LoopOptions {
  clients: number;
  warmupMs: number;
  durationMs: number;
  /** The next request of client `i`, or undefined when there is nothing left to send. */
  issue: (client: number) => Promise<Reply> | undefined;
  /** Whether an answer counts as a success. */
  ok: (reply: Reply) => boolean;
  onWindowStart?: () => void;
  onWindowEnd?: () => void;
}

export interface LoopResult {
  /** Answers completed inside the measurement window. */
  completed: number;
  windowMs: number;
  rps: number;
  latencies: number[];
  errors: number;
  /** Status (0 = network error) → count, over the window. */
  statuses: Record<string, number>;
  firstError?: string;
  /** True when `issue` ran out before the end (the run was cut short). */
  exhausted: boolean;
}

export async function closedLoop(options: LoopOptions): Promise<LoopResult> {
  const t0 = performance.now();
  const windowStart = t0 + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let firstError: string | undefined;
  let exhausted = false;
  let inWindow = false;
  let windowClosed = false;
  const closeWindow = () => {
    if (windowClosed) return;
    windowClosed = true;
    options.onWindowEnd?.();
  };

  const client = async (i: number) => {
    while (performance.now() < windowEnd) {
      const pending = options.issue(i);
      if (pending === undefined) {
        exhausted = true;
        return;
      }
      const reply = await pending;
      const now = performance.now();
      if (now < windowStart) continue;
      if (now > windowEnd) {
        closeWindow();
        continue;
      }
      if (!inWindow) {
        inWindow = true;
        options.onWindowStart?.();
      }
      statuses[String(reply.status)] = (statuses[String(reply.status)] ?? 0) + 1;
      latencies.push(reply.ms);
      if (!options.ok(reply)) {
        errors++;
        firstError ??= `${reply.status} ${reply.error ?? reply.body.slice(0, 200)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  closeWindow();
  const windowMs = Math.min(performance.now(), windowEnd) - windowStart;
  return {
    completed: latencies.length,
    windowMs,
    rps: latencies.length / (windowMs / 1000),
    latencies,
    errors,
    statuses,
    ...(firstError === undefined ? {} : { firstError }),
    exhausted,
  };
}
