/**
 * The message protocol between Electron main and the utility process that hosts the terminal
 * core, in the terminal API's one frame format (`shared/src/terminal-api.ts`): `{id, call, input}`
 * → `{id, result}`, and `{event}` as the core emits them; plus `ready`, `fatal` and `stop` for the
 * process's life. Main parsed the call at its IPC edge, so this channel carries only parsed
 * requests; both ends still check each frame's shape, because a crash half-way through a message
 * must give a clear error, not a hang. Results cross as `{ok,value}|{ok:false,error}` values
 * because exceptions lose their detail between processes.
 */
import { z } from 'zod';
import {
  CallFrame,
  EventFrame,
  ResultFrame,
  TerminalStatus,
  fail,
  isTerminalCall,
  readResult,
  type Result,
  type TerminalEvent,
  type TerminalRequest,
} from '@marquee/shared';

/** What the bridge, the IPC handler and the core host need of a terminal core. */
export interface TerminalCoreLike {
  /** Runs a request that a transport's edge already parsed (`parseTerminalCall`). */
  run(request: TerminalRequest): Promise<Result<unknown>>;
  events: {
    on(name: 'event', listener: (event: TerminalEvent) => void): unknown;
    off(name: 'event', listener: (event: TerminalEvent) => void): unknown;
  };
}

const StopFrame = z.strictObject({ type: z.literal('stop') });
export const HostRequest = z.union([CallFrame, StopFrame]);
export type HostRequest = z.infer<typeof HostRequest>;

export const HostMessage = z.union([
  ResultFrame,
  EventFrame,
  z.strictObject({ type: z.literal('ready'), status: TerminalStatus }),
  z.strictObject({ type: z.literal('fatal'), message: z.string() }),
]);
export type HostMessage =
  ResultFrame | EventFrame | { type: 'ready'; status: TerminalStatus } | { type: 'fatal'; message: string };

interface Pending {
  resolve: (result: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Main's end: turns parsed requests into frames and answers into promises. A call outlives neither
 * the process (`closed`) nor `timeoutMs`; either way it is answered, never left hanging.
 */
export class CoreChannel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: TerminalEvent) => void>();
  private closedReason: string | undefined;
  readonly ready: Promise<TerminalStatus>;
  private markReady: (status: TerminalStatus) => void = () => undefined;
  private markFailed: (error: Error) => void = () => undefined;

  constructor(
    private readonly post: (message: HostRequest) => void,
    private readonly timeoutMs = 60_000,
  ) {
    this.ready = new Promise<TerminalStatus>((resolve, reject) => {
      this.markReady = resolve;
      this.markFailed = reject;
    });
    // Nobody may be waiting yet; a failed start is also reported through `closed`.
    this.ready.catch(() => undefined);
  }

  call(request: TerminalRequest): Promise<Result<unknown>> {
    if (this.closedReason !== undefined) return Promise.resolve(fail('unavailable', this.closedReason));
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(fail('unavailable', 'the terminal core did not answer in time'));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      try {
        this.post({ id, call: request.call, input: request.input });
      } catch (error) {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(fail('unavailable', `the terminal core is not reachable: ${String(error)}`));
      }
    });
  }

  onEvent(listener: (event: TerminalEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Feed every message from the host; anything off-contract is reported and dropped. */
  receive(raw: unknown): { ok: true } | { ok: false; problem: string } {
    const parsed = HostMessage.safeParse(raw);
    if (!parsed.success) return { ok: false, problem: 'off-contract message from the core host' };
    const message = parsed.data;
    if ('result' in message) {
      const waiting = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
      const result = readResult(message.result);
      if (waiting === undefined || result === undefined || typeof message.id !== 'number')
        return { ok: true };
      this.pending.delete(message.id);
      clearTimeout(waiting.timer);
      waiting.resolve(result);
    } else if ('event' in message) {
      for (const listener of this.listeners) listener(message.event);
    } else if (message.type === 'ready') {
      this.markReady(message.status);
    } else {
      this.closed(`the terminal core stopped: ${message.message}`);
    }
    return { ok: true };
  }

  /** The host exited or failed: answer everything still waiting, refuse what comes next. */
  closed(reason: string): void {
    this.closedReason ??= reason;
    this.markFailed(new Error(reason));
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.resolve(fail('unavailable', reason));
      this.pending.delete(id);
    }
  }
}

/**
 * The host's end: checks each frame's shape, runs the request, and posts the result; core events
 * are forwarded as they happen. Returns the function to feed incoming messages with, and one that
 * detaches from the core.
 */
export function serveCore(
  core: TerminalCoreLike,
  send: (message: HostMessage) => void,
  onStop: () => void,
): { receive: (raw: unknown) => Promise<void>; detach: () => void } {
  const forward = (event: TerminalEvent) => send({ event });
  core.events.on('event', forward);
  const receive = async (raw: unknown): Promise<void> => {
    const parsed = HostRequest.safeParse(raw);
    if (!parsed.success) return; // no id to answer to; main times the call out
    const frame = parsed.data;
    if ('type' in frame) {
      core.events.off('event', forward);
      onStop();
      return;
    }
    let result: Result<unknown>;
    if (!isTerminalCall(frame.call)) {
      result = fail('validation_failed', 'unknown terminal call', { call: frame.call });
    } else {
      try {
        // Main parsed this input against the call's schema before it sent the frame (one parse
        // per transport); the frame came from our own parent process.
        result = await core.run({ call: frame.call, input: frame.input } as TerminalRequest);
      } catch (error) {
        result = fail('internal', `the terminal core failed: ${String(error)}`);
      }
    }
    send({ id: frame.id, result });
  };
  return { receive, detach: () => core.events.off('event', forward) };
}
