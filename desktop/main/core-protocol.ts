/**
 * The message protocol between Electron main and the utility process that hosts the terminal
 * core. Both ends validate what they receive: the utility process is ours, but a crash half-way
 * through a message or a version skew after an update must give a clear error, not a hang.
 * Results cross as `{ok,value}|{ok:false,error}` values because exceptions lose their detail
 * between processes.
 */
import { z } from 'zod';
import { fail, TerminalEvent, TerminalStatus, type Result, type TerminalCall } from '@marquee/shared';
import { parseTerminalCall } from './ipc-guard.ts';

/** What the bridge, the IPC handler and the core host need of a terminal core. */
export interface TerminalCoreLike {
  handle(call: TerminalCall, input: unknown): Promise<Result<unknown>>;
  events: {
    on(name: 'event', listener: (event: TerminalEvent) => void): unknown;
    off(name: 'event', listener: (event: TerminalEvent) => void): unknown;
  };
}

const ResultShape = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
]);

export const HostRequest = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('call'),
    id: z.number().int().min(0),
    call: z.string(),
    input: z.unknown(),
  }),
  z.strictObject({ type: z.literal('stop') }),
]);
export type HostRequest = z.infer<typeof HostRequest>;

export const HostMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), status: TerminalStatus }),
  z.strictObject({ type: z.literal('result'), id: z.number().int().min(0), result: ResultShape }),
  z.strictObject({ type: z.literal('event'), event: TerminalEvent }),
  z.strictObject({ type: z.literal('fatal'), message: z.string() }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

interface Pending {
  resolve: (result: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Main's end: turns calls into messages and answers into promises. A call outlives neither the
 * process (`closed`) nor `timeoutMs`; either way it is answered, never left hanging.
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

  call(call: TerminalCall, input: unknown): Promise<Result<unknown>> {
    if (this.closedReason !== undefined) return Promise.resolve(fail('unavailable', this.closedReason));
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(fail('unavailable', 'the terminal core did not answer in time'));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      try {
        this.post({ type: 'call', id, call, input });
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
    switch (message.type) {
      case 'ready':
        this.markReady(message.status);
        break;
      case 'result': {
        const waiting = this.pending.get(message.id);
        if (waiting === undefined) break;
        this.pending.delete(message.id);
        clearTimeout(waiting.timer);
        waiting.resolve(message.result as Result<unknown>);
        break;
      }
      case 'event':
        for (const listener of this.listeners) listener(message.event);
        break;
      case 'fatal':
        this.closed(`the terminal core stopped: ${message.message}`);
        break;
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
 * The host's end: validates each request against the contract (the last boundary before the
 * core), runs it, and posts the result; core events are forwarded as they happen. Returns the
 * function to feed incoming messages with, and one that detaches from the core.
 */
export function serveCore(
  core: TerminalCoreLike,
  send: (message: HostMessage) => void,
  onStop: () => void,
): { receive: (raw: unknown) => Promise<void>; detach: () => void } {
  const forward = (event: TerminalEvent) => send({ type: 'event', event });
  core.events.on('event', forward);
  const receive = async (raw: unknown): Promise<void> => {
    const parsed = HostRequest.safeParse(raw);
    if (!parsed.success) return; // no id to answer to; main times the call out
    const request = parsed.data;
    if (request.type === 'stop') {
      core.events.off('event', forward);
      onStop();
      return;
    }
    const checked = parseTerminalCall(request.call, request.input);
    let result: Result<unknown>;
    if (!checked.ok) result = checked;
    else {
      try {
        result = await core.handle(checked.value.call, checked.value.input);
      } catch (error) {
        result = fail('internal', `the terminal core failed: ${String(error)}`);
      }
    }
    send({ type: 'result', id: request.id, result });
  };
  return { receive, detach: () => core.events.off('event', forward) };
}
