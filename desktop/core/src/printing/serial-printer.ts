/**
 * Over 400 lines on purpose: one port's state machine (open, poll, print, confirm) shares every field.
 *
 * One ESC/POS printer on a serial port: keeps the port open (reopening when it comes back),
 * watches the printer with real-time status queries, and prints one job at a time, reporting
 * whether the printer confirmed it.
 *
 * A job is "printed" only when the printer answered the `GS r` sent after its last byte: that
 * answer is processed in order with the print data, so it comes back once everything before it
 * has been printed. Paper running out mid-job just delays the answer (the printer keeps the rest
 * in its buffer and finishes after the paper is changed). If the link breaks, or the printer is
 * online again and still never answers (it lost power and its buffer), the outcome is
 * `uncertain` and the queue asks an operator (see `print-queue.ts`).
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPort } from 'serialport';
import {
  fail,
  ok,
  type PrinterDeviceStatus,
  type PrinterOfflineReason,
  type PrinterRole,
  type PrinterState,
  type Result,
} from '@marquee/shared';
import type { PrinterConfig } from '../hardware-config.ts';
import {
  PRINTED_CONFIRMATION_REQUEST,
  interpretStatus,
  isPrintedConfirmation,
  isRealtimeStatusAnswer,
  realtimeStatusRequest,
  type RealtimeStatusKind,
} from './escpos-commands.ts';

export interface PrinterTiming {
  /** How often the printer is asked how it is. */
  pollMs: number;
  /** How long a status answer may take before the printer counts as not answering. */
  answerTimeoutMs: number;
  /** How often a missing or closed port is tried again. */
  reconnectMs: number;
  /** Least time the printer, online, may take to confirm a job before the outcome is uncertain. */
  minConfirmMs: number;
}

export const DEFAULT_PRINTER_TIMING: PrinterTiming = {
  pollMs: 500,
  answerTimeoutMs: 500,
  reconnectMs: 1000,
  minConfirmMs: 5000,
};

export type PrintOutcome =
  | { kind: 'printed' }
  /** Nothing was sent: the job stays queued. */
  | { kind: 'not_sent'; reason: string }
  /** Bytes went out but the printer never confirmed them. */
  | { kind: 'uncertain'; reason: string };

export interface PrintHooks {
  /** Called right before the first byte is written; false cancels (the job changed meanwhile). */
  onSending(): boolean;
  /** Called when every byte has been handed to the port. */
  onSent(): void;
}

interface Waiter {
  resolve: (byte: number | undefined) => void;
}

export class SerialPrinter {
  private port: SerialPort | undefined;
  private connected = false;
  /** A confirmation request of ours was answered since the port opened: stray answers are past. */
  private synced = false;
  private busy = false;
  private writing = false;
  private closed = false;
  private polling = false;
  private state: PrinterState = 'offline';
  private reason: PrinterOfflineReason | undefined = 'no_answer';
  private message: string | undefined = 'connecting';
  private since: number;
  /** performance.now() when it last stopped being able to print. */
  private downSince: number | undefined = performance.now();
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private statusWaiter: Waiter | undefined;
  private confirmWaiters: Waiter[] = [];
  private linkLost: { promise: Promise<'lost'>; resolve: () => void } = deferredLoss();

  constructor(
    readonly role: PrinterRole,
    readonly config: PrinterConfig,
    private readonly options: {
      timing: PrinterTiming;
      /** Wall clock for the `since` the UI shows. */
      wall: () => number;
      onChange: () => void;
      log?: ((message: string, extra?: Record<string, unknown>) => void) | undefined;
    },
  ) {
    this.since = options.wall();
  }

  start(): void {
    this.connect();
  }

  status(): PrinterDeviceStatus {
    return {
      role: this.role,
      path: this.config.path,
      state: this.state,
      ...(this.reason === undefined ? {} : { reason: this.reason }),
      ...(this.message === undefined ? {} : { message: this.message }),
      since: new Date(this.since).toISOString(),
      busy: this.busy,
    };
  }

  /** Connected, answering, and in a state that prints (paper low still prints). */
  get printable(): boolean {
    return this.connected && this.synced && (this.state === 'online' || this.state === 'paper_low');
  }

  /** Printable and not printing a job. */
  get ready(): boolean {
    return this.printable && !this.busy;
  }

  /** How long it has been unable to print (0 when it can). */
  downForMs(): number {
    return this.printable || this.downSince === undefined ? 0 : performance.now() - this.downSince;
  }

  describe(): string {
    if (this.printable) return `the ${this.role} printer is ready`;
    return `the ${this.role} printer is ${this.state.replace('_', ' ')}${this.message === undefined ? '' : `: ${this.message}`}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    this.statusWaiter?.resolve(undefined);
    for (const waiter of this.confirmWaiters.splice(0)) waiter.resolve(undefined);
    const port = this.port;
    this.port = undefined;
    this.connected = false;
    this.linkLost.resolve();
    if (port?.isOpen === true) {
      await new Promise<void>((resolve) => {
        port.close(() => resolve());
        setTimeout(resolve, 1000).unref();
      });
    }
  }

  /** Prints one job; see the module comment for what each outcome means. */
  async print(bytes: Uint8Array, hooks: PrintHooks): Promise<PrintOutcome> {
    const port = this.port;
    if (!this.ready || port === undefined) return { kind: 'not_sent', reason: this.describe() };
    this.busy = true;
    this.options.onChange();
    try {
      if (!hooks.onSending()) return { kind: 'not_sent', reason: 'the job was changed meanwhile' };
      const confirmation = this.expectConfirmation();
      const payload = new Uint8Array(bytes.length + PRINTED_CONFIRMATION_REQUEST.length);
      payload.set(bytes, 0);
      payload.set(PRINTED_CONFIRMATION_REQUEST, bytes.length);
      this.writing = true;
      try {
        await this.write(port, payload);
      } catch (error) {
        confirmation.cancel();
        return {
          kind: 'uncertain',
          reason: `the connection broke while the job was being sent (${String(error)})`,
        };
      } finally {
        this.writing = false;
      }
      hooks.onSent();
      return await this.awaitConfirmation(confirmation, payload.length);
    } finally {
      this.busy = false;
      this.options.onChange();
    }
  }

  /** Sends bytes now, outside the queue (a drawer kick). Refused unless the printer can act on them now. */
  async send(bytes: Uint8Array): Promise<Result<void>> {
    const port = this.port;
    if (port === undefined || !this.printable) return fail('unavailable', this.describe());
    try {
      await this.write(port, bytes);
      return ok(undefined);
    } catch (error) {
      return fail('unavailable', `the ${this.role} printer connection broke (${String(error)})`);
    }
  }

  // --- connection --------------------------------------------------------------------------------

  private connect(): void {
    if (this.closed || this.port !== undefined) return;
    const { path, baudRate } = this.config;
    if (!existsSync(path)) {
      this.setState(
        'offline',
        'no_device',
        `no device at ${path}: is the printer plugged in and the path right?`,
      );
      this.scheduleReconnect();
      return;
    }
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    this.port = port;
    port.on('data', (data: Buffer) => {
      this.onData(data);
    });
    port.on('error', (error: Error) => {
      this.options.log?.('printer port error', { role: this.role, path, error: error.message });
    });
    port.on('close', () => {
      this.onClose(port);
    });
    port.open((error) => {
      if (this.closed) {
        if (error === null) port.close();
        return;
      }
      if (error !== null) {
        this.port = undefined;
        port.removeAllListeners();
        const missing = /no such file/i.test(error.message);
        this.setState(
          'offline',
          missing ? 'no_device' : 'open_failed',
          missing ? `no device at ${path}` : `cannot open ${path}: ${error.message}`,
        );
        this.scheduleReconnect();
        return;
      }
      this.connected = true;
      this.synced = false;
      this.linkLost = deferredLoss();
      this.setState('offline', 'no_answer', 'waiting for the printer to answer');
      void this.poll();
    });
  }

  private onClose(port: SerialPort): void {
    if (this.port !== port) return;
    this.port = undefined;
    this.connected = false;
    this.synced = false;
    this.statusWaiter?.resolve(undefined);
    for (const waiter of this.confirmWaiters.splice(0)) waiter.resolve(undefined);
    this.linkLost.resolve();
    if (this.closed) return;
    this.setState(
      'offline',
      'disconnected',
      `the connection to ${this.config.path} was lost (cable or adapter unplugged?)`,
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.connect();
    }, this.options.timing.reconnectMs);
    this.reconnectTimer.unref();
  }

  private write(port: SerialPort, data: Uint8Array): Promise<void> {
    const written = new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(data), (error) => {
        if (error !== null && error !== undefined) reject(error);
      });
      port.drain((error) => {
        if (error !== null) reject(error);
        else resolve();
      });
    });
    // A pulled cable may leave the write callbacks hanging; the close event settles it.
    return Promise.race([
      written,
      this.linkLost.promise.then(() => {
        throw new Error('port closed');
      }),
    ]);
  }

  private onData(data: Buffer): void {
    for (const byte of data) {
      if (isRealtimeStatusAnswer(byte)) {
        // An answer nobody waits for is a late one from a timed-out query: dropped.
        this.statusWaiter?.resolve(byte);
      } else if (isPrintedConfirmation(byte)) {
        const waiter = this.confirmWaiters.shift();
        if (waiter === undefined)
          this.options.log?.('stray printer confirmation dropped', { role: this.role });
        waiter?.resolve(byte);
      }
    }
  }

  // --- status --------------------------------------------------------------------------------------

  private schedulePoll(): void {
    if (this.closed || !this.connected) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.poll(), this.options.timing.pollMs);
    this.pollTimer.unref();
  }

  private async poll(): Promise<void> {
    if (this.polling || !this.connected || this.closed) return;
    // Status queries wait until a job's bytes are out: interleaved they would only queue behind it.
    if (this.writing) {
      this.schedulePoll();
      return;
    }
    this.polling = true;
    try {
      const printer = await this.query(1);
      const offlineCause = printer === undefined ? undefined : await this.query(2);
      const paper = offlineCause === undefined ? undefined : await this.query(4);
      // A job started meanwhile: a query sent behind its bytes may time out for no fault of the
      // printer. This round tells nothing; the next one will.
      if (this.now('writing')) return;
      if (printer === undefined || offlineCause === undefined || paper === undefined) {
        if (this.now('connected'))
          this.setState(
            'offline',
            'no_answer',
            'the printer does not answer: is it switched on, and the baud rate right?',
          );
        return;
      }
      // n = 3 only tells anything when the printer is offline for no other reason.
      const error = (printer & 0x08) !== 0 && (offlineCause & 0x24) === 0 ? await this.query(3) : undefined;
      const seen = interpretStatus({
        printer,
        offlineCause,
        paper,
        ...(error === undefined ? {} : { error }),
      });
      // "Online" is only shown once it is true for printing: after the stray answers are past.
      if (!this.synced && (seen.state === 'online' || seen.state === 'paper_low')) {
        await this.sync();
        if (!this.now('synced')) return;
      }
      this.setState(seen.state, seen.reason, seen.message);
    } finally {
      this.polling = false;
      this.schedulePoll();
    }
  }

  /**
   * A flag as it is now. They change while a method awaits; read through a call, the compiler
   * does not assume they kept the value it saw before the await.
   */
  private now(flag: 'writing' | 'connected' | 'synced'): boolean {
    return this[flag];
  }

  private query(n: RealtimeStatusKind): Promise<number | undefined> {
    const port = this.port;
    if (port === undefined || !this.connected || this.writing) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiter.resolve(undefined);
      }, this.options.timing.answerTimeoutMs);
      const waiter: Waiter = {
        resolve: (byte) => {
          clearTimeout(timer);
          if (this.statusWaiter === waiter) this.statusWaiter = undefined;
          resolve(byte);
        },
      };
      this.statusWaiter = waiter;
      port.write(Buffer.from(realtimeStatusRequest(n)), (error) => {
        if (error !== null && error !== undefined) waiter.resolve(undefined);
      });
    });
  }

  /**
   * After (re)connecting, answers to confirmation requests of a previous run (the terminal
   * restarted while the printer was still printing) may still arrive. The printer answers in
   * order, so once one request of ours is answered and a moment has passed, those are behind us.
   */
  private async sync(): Promise<void> {
    const port = this.port;
    if (port === undefined) return;
    const confirmation = this.expectConfirmation();
    port.write(Buffer.from(PRINTED_CONFIRMATION_REQUEST));
    const answered = await Promise.race([
      confirmation.promise.then((byte) => byte !== undefined),
      sleep(this.options.timing.answerTimeoutMs * 4, false),
    ]);
    if (!answered) {
      confirmation.cancel();
      return;
    }
    await sleep(Math.min(200, this.options.timing.answerTimeoutMs));
    for (const waiter of this.confirmWaiters.splice(0)) waiter.resolve(undefined);
    if (this.connected) this.synced = true;
  }

  private expectConfirmation(): { promise: Promise<number | undefined>; cancel: () => void } {
    let waiter: Waiter | undefined;
    const promise = new Promise<number | undefined>((resolve) => {
      waiter = { resolve };
    });
    const registered = waiter as unknown as Waiter;
    this.confirmWaiters.push(registered);
    return {
      promise,
      cancel: () => {
        const index = this.confirmWaiters.indexOf(registered);
        if (index >= 0) this.confirmWaiters.splice(index, 1);
        // Its answer may still come; make the next job wait for a fresh sync first.
        this.synced = false;
        registered.resolve(undefined);
      },
    };
  }

  private async awaitConfirmation(
    confirmation: { promise: Promise<number | undefined>; cancel: () => void },
    bytes: number,
  ): Promise<PrintOutcome> {
    const wireMs = ((bytes * 10) / this.config.baudRate) * 1000;
    const budgetMs = Math.max(this.options.timing.minConfirmMs, 3 * wireMs + 2000);
    let onlineMs = 0;
    let last = performance.now();
    for (;;) {
      const event = await Promise.race([
        confirmation.promise.then((byte) => ({ byte })),
        this.linkLost.promise,
        sleep(100, 'tick' as const),
      ]);
      if (typeof event === 'object') {
        return event.byte === undefined
          ? { kind: 'uncertain', reason: 'the printer was disconnected before it confirmed the job' }
          : { kind: 'printed' };
      }
      if (event === 'lost' || !this.now('connected'))
        return { kind: 'uncertain', reason: 'the printer was disconnected before it confirmed the job' };
      const time = performance.now();
      // Waiting for paper or a closed cover is not a failure; only time online counts.
      if (this.state === 'online' || this.state === 'paper_low') onlineMs += time - last;
      last = time;
      if (onlineMs > budgetMs) {
        confirmation.cancel();
        return {
          kind: 'uncertain',
          reason: 'the printer is online but never confirmed the job (was it switched off?)',
        };
      }
    }
  }

  private setState(state: PrinterState, reason?: PrinterOfflineReason, message?: string): void {
    if (state === this.state && reason === this.reason && message === this.message) return;
    const printableBefore = this.state === 'online' || this.state === 'paper_low';
    const printableNow = state === 'online' || state === 'paper_low';
    if (state !== this.state) this.since = this.options.wall();
    this.state = state;
    this.reason = reason;
    this.message = message;
    if (printableBefore && !printableNow) this.downSince = performance.now();
    if (printableNow) this.downSince = undefined;
    else this.downSince ??= performance.now();
    this.options.onChange();
  }
}

function deferredLoss(): { promise: Promise<'lost'>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<'lost'>((r) => {
    resolve = () => {
      r('lost');
    };
  });
  return { promise, resolve };
}
