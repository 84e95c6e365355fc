/**
 * The terminal client in browser mode: the terminal API over the bridge's WebSocket (`/bridge` on
 * the page's own origin). The socket reconnects by itself with backoff when the terminal process
 * restarts or the connection drops; calls made while it is down wait for it (up to a timeout)
 * instead of failing at once, so a brief blip never shows the cashier an error.
 */
import {
  EventFrame,
  ResultFrame,
  fail,
  readResult,
  type CallFrame,
  type ErrorBody,
  type Result,
  type TerminalCall,
  type TerminalCallInput,
  type TerminalEvent,
  type TerminalOutput,
} from '@marquee/shared';
import { answerOf, type TerminalClient } from '../terminal-client.ts';

/** The subset of the DOM WebSocket used here, so tests can pass their own. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export interface WsClientOptions {
  /** Opens a socket; the DOM `WebSocket` by default. */
  connect?: (url: string) => SocketLike;
  /** How long a call waits for its answer once sent. */
  callTimeoutMs?: number;
  /**
   * How long a call made while the socket is down waits for it to come back before it is answered
   * `unavailable`: long enough to ride out a blip, short enough to tell the cashier promptly.
   */
  queueTimeoutMs?: number;
  /** Reconnect backoff bounds; the delay doubles from `minMs` up to `maxMs`, with jitter. */
  backoff?: { minMs: number; maxMs: number };
}

export interface WsTerminalClient extends TerminalClient {
  /** True while the bridge socket is open. */
  readonly connected: boolean;
  /** Stops reconnecting and fails everything still waiting. */
  close(): void;
}

const OPEN = 1;

type Waiting = {
  frame: string;
  sent: boolean;
  resolve: (result: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
};

function failure(code: ErrorBody['code'], message: string): Result<never> {
  return fail(code, message);
}

/** `ws://host/bridge` for an `http://host/…` page (and `wss:` for `https:`). */
export function bridgeUrlFor(pageUrl: string): string {
  const url = new URL('/bridge', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.href;
}

export function createWsClient(url: string, options: WsClientOptions = {}): WsTerminalClient {
  const connect = options.connect ?? ((target: string) => new WebSocket(target) as unknown as SocketLike);
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  const queueTimeoutMs = options.queueTimeoutMs ?? 5_000;
  const minBackoff = options.backoff?.minMs ?? 250;
  const maxBackoff = options.backoff?.maxMs ?? 5_000;

  const listeners = new Set<(event: TerminalEvent) => void>();
  const waiting = new Map<number, Waiting>();
  let nextId = 1;
  let socket: SocketLike | undefined;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const settle = (id: number, result: Result<unknown>) => {
    const entry = waiting.get(id);
    if (entry === undefined) return;
    waiting.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(result);
  };

  const flush = () => {
    if (socket?.readyState !== OPEN) return;
    for (const [id, entry] of waiting) {
      if (entry.sent) continue;
      socket.send(entry.frame);
      entry.sent = true;
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => {
        settle(id, failure('unavailable', 'the terminal did not answer in time'));
      }, callTimeoutMs);
    }
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    const event = EventFrame.safeParse(frame);
    if (event.success) {
      for (const listener of listeners) listener(event.data.event);
      return;
    }
    const answer = ResultFrame.safeParse(frame);
    const result = answer.success ? readResult(answer.data.result) : undefined;
    if (answer.success && typeof answer.data.id === 'number' && result !== undefined)
      settle(answer.data.id, result);
  };

  const scheduleReconnect = () => {
    if (closed || reconnectTimer !== undefined) return;
    const ceiling = Math.min(maxBackoff, minBackoff * 2 ** attempt);
    attempt++;
    // Jitter, so several kiosks do not hammer a restarting terminal process in lock step.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      open();
    }, delay);
  };

  const open = () => {
    if (closed) return;
    let next: SocketLike;
    try {
      next = connect(url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = next;
    next.onopen = () => {
      attempt = 0;
      flush();
    };
    next.onmessage = (event) => onMessage(event.data);
    next.onerror = () => {
      // `close` follows every `error`; reconnecting happens there.
    };
    next.onclose = () => {
      if (socket !== next) return;
      socket = undefined;
      // A call already sent may or may not have run in the core (a sale is durable in its outbox
      // either way); say so rather than resend a command that must not run twice.
      for (const [id, entry] of waiting) {
        if (entry.sent)
          settle(
            id,
            failure('unavailable', 'the connection to the terminal dropped; the outcome is not known'),
          );
      }
      scheduleReconnect();
    };
  };

  open();

  return {
    get connected() {
      return socket?.readyState === OPEN;
    },
    call<C extends TerminalCall>(call: C, input: TerminalCallInput<C>): Promise<Result<TerminalOutput<C>>> {
      if (closed) return Promise.resolve(failure('unavailable', 'the terminal client is closed'));
      const id = nextId++;
      const frame: CallFrame = { id, call, input };
      return new Promise<Result<TerminalOutput<C>>>((resolve) => {
        const timer = setTimeout(() => {
          settle(id, failure('unavailable', 'the terminal is not reachable'));
        }, queueTimeoutMs);
        waiting.set(id, {
          frame: JSON.stringify(frame),
          sent: false,
          resolve: (result) => resolve(answerOf<C>(result)),
          timer,
        });
        flush();
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close() {
      closed = true;
      clearTimeout(reconnectTimer);
      const current = socket;
      socket = undefined;
      current?.close(1000, 'client closed');
      for (const id of [...waiting.keys()])
        settle(id, failure('unavailable', 'the terminal client is closed'));
    },
  };
}
