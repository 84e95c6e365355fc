/**
 * Over 400 lines on purpose: one serial link's state machine (send, ACK, retransmit, recover) shares every field.
 *
 * The till's driver for an ECR card terminal on a serial port (shared/src/payment-wire/ecr.ts):
 * protocol only, no Marquee order logic.
 *
 * - Link: every request frame waits for ACK; a NAK or no answer within ~1 s is retransmitted, at
 *   most 3 times, then the terminal is `unavailable`. Every good frame from the terminal is ACKed
 *   (duplicates too, so it stops repeating them), every damaged one NAKed.
 * - A sale or refund then waits for its result with a long timeout: the customer inserts, taps,
 *   enters a PIN, maybe minutes later.
 * - A lost line (the port closed, or silence past that timeout) does not decide anything: the
 *   driver reopens the port and asks the terminal for its last transaction until it answers, and
 *   only that answer settles the sale. A transaction the driver could not settle stays pending, and
 *   no new one starts before a status query has settled it, so nothing is charged twice and no
 *   ticket is printed for an unknown result.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPort, type SerialPortMock } from 'serialport';
import {
  decodeEcr,
  decodeEcrResponse,
  ECR_ACK_TIMEOUT_MS,
  ECR_DECODER_START,
  ECR_MAX_RETRANSMITS,
  ecrReplyTo,
  encodeEcrRequest,
  encodeFrame,
  type EcrDecoderState,
  type EcrLastTransaction,
  type EcrOperation,
  type EcrRequest,
  type EcrResponse,
  type EcrResultCode,
} from '@marquee/shared/payment-wire/ecr';

export interface CardTerminalConfig {
  path: string;
  baudRate: number;
}

export interface CardTerminalTiming {
  /** Wait for ACK/NAK before retransmitting. */
  ackTimeoutMs: number;
  maxRetransmits: number;
  /** How long a sale may take before the driver suspects the line and asks for the status. */
  resultTimeoutMs: number;
  /** Between status queries while the line is down. */
  recoveryIntervalMs: number;
  /** After this long without learning the result, the outcome is `unknown` (and stays pending). */
  recoveryDeadlineMs: number;
  /** How often a closed or missing port is tried again. */
  reconnectMs: number;
}

export const DEFAULT_CARD_TERMINAL_TIMING: CardTerminalTiming = {
  ackTimeoutMs: ECR_ACK_TIMEOUT_MS,
  maxRetransmits: ECR_MAX_RETRANSMITS,
  resultTimeoutMs: 180_000,
  recoveryIntervalMs: 2000,
  recoveryDeadlineMs: 300_000,
  reconnectMs: 500,
};

export interface CardResult {
  result: EcrResultCode;
  txnId: string;
  amount: number;
  currency: string;
  authCode: string;
  message: string;
}

export type CardOutcome =
  /** The terminal's answer; only `approved` took money. */
  | ({ kind: 'result' } & CardResult)
  /** The terminal did not acknowledge the request. Almost surely not started: the driver confirms that by status before the next transaction. */
  | { kind: 'unavailable'; txnId: string; reason: string }
  /** The terminal says it never received this transaction: nothing was charged. */
  | { kind: 'not_started'; txnId: string }
  /** Not learned in time: do not decide; call {@link CardTerminal.resolve} later. */
  | { kind: 'unknown'; txnId: string; reason: string };

export type StatusAnswer =
  { kind: 'status'; last: EcrLastTransaction | null } | { kind: 'unavailable'; reason: string };

type Port = SerialPort | SerialPortMock;

/** What a status query (or a late result) says about the transaction being recovered. */
type Recovery = ({ kind: 'result' } & CardResult) | { kind: 'not_started'; txnId: string } | 'in_progress';

export interface CardTerminalOptions {
  timing?: Partial<CardTerminalTiming>;
  /** A result that settled a transaction after its call had already returned (unavailable/unknown). */
  onLateResult?: (result: CardResult) => void;
  log?: (message: string) => void;
  /** For tests: a `SerialPortMock`. */
  createPort?: (path: string, baudRate: number) => Port;
}

interface Waiter<T> {
  resolve: (value: T) => void;
}

export class CardTerminal {
  private readonly timing: CardTerminalTiming;
  private port: Port | undefined;
  private decoder: EcrDecoderState = ECR_DECODER_START;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** One frame at a time waits for its ACK. */
  private linkBusy: Promise<void> = Promise.resolve();
  private ackWaiter: Waiter<'ack' | 'nak'> | undefined;
  private readonly resultWaiters = new Map<string, Waiter<CardResult>>();
  private statusWaiter: Waiter<EcrLastTransaction | null> | undefined;
  private statusBusy: Promise<unknown> = Promise.resolve();
  private lineLost: Waiter<void>[] = [];
  /** Transactions (sale/refund) run one after another. */
  private transactionBusy: Promise<unknown> = Promise.resolve();
  /** A sale or refund whose outcome the terminal has not told us. */
  private pendingTxnId: string | undefined;

  constructor(
    readonly config: CardTerminalConfig,
    private readonly options: CardTerminalOptions = {},
  ) {
    this.timing = { ...DEFAULT_CARD_TERMINAL_TIMING, ...options.timing };
  }

  start(): void {
    this.connect();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const port = this.port;
    if (port?.isOpen === true) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  get connected(): boolean {
    return this.port?.isOpen === true;
  }

  /** The transaction whose outcome is still unknown, if any. */
  get pending(): string | undefined {
    return this.pendingTxnId;
  }

  sale(request: { txnId: string; amount: number; currency: string }): Promise<CardOutcome> {
    return this.transaction({ type: 'sale', ...request });
  }

  refund(request: {
    txnId: string;
    amount: number;
    currency: string;
    originalTxnId: string;
  }): Promise<CardOutcome> {
    return this.transaction({ type: 'refund', ...request });
  }

  /**
   * Aborts `txnId` while it runs (its sale then ends `cancelled`), or voids it once approved.
   * Not queued behind the running sale: this is how the cashier stops it.
   */
  async cancel(txnId: string): Promise<CardOutcome> {
    const answer = this.awaitResult('cancel', txnId);
    if (!(await this.send({ type: 'cancel', txnId }))) {
      this.dropResultWaiter('cancel', txnId);
      return { kind: 'unavailable', txnId, reason: 'the terminal did not acknowledge the cancel' };
    }
    const result = await Promise.race([answer, sleep(this.timing.resultTimeoutMs).then(() => undefined)]);
    this.dropResultWaiter('cancel', txnId);
    return result === undefined
      ? { kind: 'unknown', txnId, reason: 'no answer to the cancel' }
      : { kind: 'result', ...result };
  }

  /** The terminal's last transaction. */
  status(): Promise<StatusAnswer> {
    const run = this.statusBusy.then(() => this.askStatus());
    this.statusBusy = run.catch(() => undefined);
    return run;
  }

  private async askStatus(): Promise<StatusAnswer> {
    const answer = new Promise<EcrLastTransaction | null>((resolve) => {
      this.statusWaiter = { resolve };
    });
    this.log('asking the terminal for its last transaction');
    if (!(await this.send({ type: 'status' }))) {
      this.statusWaiter = undefined;
      return { kind: 'unavailable', reason: 'the terminal did not acknowledge the status query' };
    }
    const last = await Promise.race([
      answer,
      sleep(this.timing.ackTimeoutMs * 5).then(() => 'none' as const),
    ]);
    this.statusWaiter = undefined;
    return last === 'none'
      ? { kind: 'unavailable', reason: 'no answer to the status query' }
      : { kind: 'status', last };
  }

  /**
   * Settles the pending transaction by asking the terminal (once). `unknown` while it cannot be
   * learned; the result otherwise (also reported through `onLateResult`).
   */
  async resolve(): Promise<CardOutcome | undefined> {
    const txnId = this.pendingTxnId;
    if (txnId === undefined) return undefined;
    const answer = await this.status();
    if (answer.kind === 'unavailable') return { kind: 'unknown', txnId, reason: answer.reason };
    const outcome = this.settleFromStatus(txnId, answer.last);
    if (outcome === undefined) return { kind: 'unknown', txnId, reason: 'still in progress on the terminal' };
    this.pendingTxnId = undefined;
    // Settled here: a result frame that still turns up is not news.
    for (const op of ['sale', 'refund'] as const) this.resultWaiters.delete(`${op}:${txnId}`);
    if (outcome.kind === 'result') this.options.onLateResult?.(resultFields(outcome));
    return outcome;
  }

  // -------------------------------------------------------------------------------------------
  // Transactions

  private transaction(request: Extract<EcrRequest, { type: 'sale' | 'refund' }>): Promise<CardOutcome> {
    const run = this.transactionBusy.then(() => this.runTransaction(request));
    this.transactionBusy = run.catch(() => undefined);
    return run;
  }

  private async runTransaction(
    request: Extract<EcrRequest, { type: 'sale' | 'refund' }>,
  ): Promise<CardOutcome> {
    const { txnId } = request;
    const earlier = this.pendingTxnId;
    if (earlier !== undefined && earlier !== txnId) {
      // Never start a transaction while an earlier one's outcome is unknown.
      const settled = await this.resolve();
      if (settled === undefined || settled.kind === 'unknown') {
        return { kind: 'unavailable', txnId, reason: `transaction ${earlier} is still unsettled` };
      }
    }
    const result = this.awaitResult(request.type, txnId);
    if (!(await this.send(request))) {
      // Almost surely not received; but the terminal may have missed only our ears, so the next
      // transaction asks first.
      this.pendingTxnId = txnId;
      this.dropResultWaiter(request.type, txnId, true);
      return { kind: 'unavailable', txnId, reason: 'the terminal did not acknowledge the request' };
    }
    this.pendingTxnId = txnId;
    const deadline = Date.now() + this.timing.recoveryDeadlineMs;
    let waitMs = this.timing.resultTimeoutMs;
    for (;;) {
      const lost = this.whenLineLost();
      const got = await Promise.race([
        result.then((r) => ({ kind: 'result' as const, r })),
        lost.then(() => ({ kind: 'lost' as const })),
        sleep(waitMs).then(() => ({ kind: 'silence' as const })),
      ]);
      if (got.kind === 'result') return this.settled(request.type, got.r);
      this.log(got.kind === 'lost' ? `line lost during ${txnId}` : `no result for ${txnId} in ${waitMs} ms`);
      // Recovery: the result may still arrive by itself, or the terminal tells it when asked.
      const recovered = await this.recover(txnId, result, deadline);
      if (recovered === 'in_progress') {
        waitMs = this.timing.resultTimeoutMs;
        continue;
      }
      if (recovered === undefined) {
        this.dropResultWaiter(request.type, txnId, true);
        return { kind: 'unknown', txnId, reason: 'the terminal could not be asked in time' };
      }
      if (recovered.kind === 'result') return this.settled(request.type, recovered);
      this.dropResultWaiter(request.type, txnId);
      this.pendingTxnId = undefined;
      return recovered;
    }
  }

  /** Asks for the last transaction until the terminal answers (or the result arrives by itself). */
  private async recover(
    txnId: string,
    result: Promise<CardResult>,
    deadline: number,
  ): Promise<Recovery | undefined> {
    const arrived = result.then((r): Recovery => ({ kind: 'result', ...r }));
    while (Date.now() < deadline) {
      const answered = await Promise.race([arrived, this.askAbout(txnId)]);
      if (answered !== 'retry') return answered;
      const early = await Promise.race([
        arrived,
        sleep(this.timing.recoveryIntervalMs).then(() => 'retry' as const),
      ]);
      if (early !== 'retry') return early;
    }
    return undefined;
  }

  private async askAbout(txnId: string): Promise<Recovery | 'retry'> {
    if (!this.connected) return 'retry';
    const answer = await this.status();
    if (answer.kind === 'unavailable') return 'retry';
    const settled = this.settleFromStatus(txnId, answer.last);
    this.log(
      `status for ${txnId}: ${settled === undefined ? 'in progress' : settled.kind === 'result' ? settled.result : 'never received'}`,
    );
    return settled ?? 'in_progress';
  }

  private settleFromStatus(
    txnId: string,
    last: EcrLastTransaction | null,
  ): Exclude<Recovery, 'in_progress'> | undefined {
    if (last === null || last.txnId !== txnId) return { kind: 'not_started', txnId };
    if (last.state === 'in_progress') return undefined;
    const { state, ...fields } = last;
    return {
      kind: 'result',
      result: state,
      txnId: fields.txnId,
      amount: fields.amount,
      currency: fields.currency,
      authCode: fields.authCode,
      message: fields.message,
    };
  }

  private settled(op: EcrOperation, result: CardResult): CardOutcome {
    this.dropResultWaiter(op, result.txnId);
    if (this.pendingTxnId === result.txnId) this.pendingTxnId = undefined;
    return { kind: 'result', ...result };
  }

  private awaitResult(op: EcrOperation, txnId: string): Promise<CardResult> {
    return new Promise<CardResult>((resolve) => {
      this.resultWaiters.set(`${op}:${txnId}`, { resolve });
    });
  }

  /** `keepForLate`: a result that still comes goes to `onLateResult` instead. */
  private dropResultWaiter(op: EcrOperation, txnId: string, keepForLate = false): void {
    const key = `${op}:${txnId}`;
    if (!keepForLate) {
      this.resultWaiters.delete(key);
      return;
    }
    this.resultWaiters.set(key, {
      resolve: (r) => {
        this.resultWaiters.delete(key);
        if (this.pendingTxnId === r.txnId) this.pendingTxnId = undefined;
        this.options.onLateResult?.(r);
      },
    });
  }

  // -------------------------------------------------------------------------------------------
  // The link

  /** Sends one request frame until ACKed: true, or false after the retransmissions ran out. */
  private send(request: EcrRequest): Promise<boolean> {
    const frame = Buffer.from(encodeFrame(encodeEcrRequest(request)));
    const sent = this.linkBusy.then(async () => {
      for (let attempt = 0; attempt <= this.timing.maxRetransmits; attempt++) {
        const port = this.port;
        if (port?.isOpen !== true) {
          await sleep(this.timing.ackTimeoutMs);
          continue;
        }
        const reply = new Promise<'ack' | 'nak' | 'timeout'>((resolve) => {
          const timer = setTimeout(() => resolve('timeout'), this.timing.ackTimeoutMs);
          this.ackWaiter = {
            resolve: (r) => {
              clearTimeout(timer);
              resolve(r);
            },
          };
        });
        port.write(frame);
        const answer = await reply;
        this.ackWaiter = undefined;
        if (answer === 'ack') return true;
        this.log(`${request.type}: ${answer === 'nak' ? 'NAK' : 'no ACK'}, attempt ${attempt + 1}`);
      }
      return false;
    });
    this.linkBusy = sent.then(() => undefined);
    return sent;
  }

  private receive(chunk: Buffer): void {
    const step = decodeEcr(this.decoder, chunk);
    this.decoder = step.state;
    for (const event of step.events) {
      if (event.kind === 'ack' || event.kind === 'nak') this.ackWaiter?.resolve(event.kind);
      const reply = ecrReplyTo(event);
      if (reply !== undefined) this.port?.write(Buffer.of(reply));
      if (event.kind !== 'frame') continue;
      const response = decodeEcrResponse(event.body);
      if (!response.ok) {
        this.log(`ignoring a frame the driver does not understand: ${response.error.message}`);
        continue;
      }
      this.dispatch(response.value);
    }
  }

  private dispatch(response: EcrResponse): void {
    if (response.type === 'status') {
      this.statusWaiter?.resolve(response.last);
      this.statusWaiter = undefined;
      return;
    }
    const { type: _type, op, ...result } = response;
    // A duplicate (the terminal repeating a result whose ACK it missed) finds no waiter: dropped.
    this.resultWaiters.get(`${op}:${result.txnId}`)?.resolve(result);
  }

  private whenLineLost(): Promise<void> {
    return new Promise((resolve) => this.lineLost.push({ resolve }));
  }

  private connect(): void {
    if (this.closed) return;
    if (!existsSync(this.config.path) && this.options.createPort === undefined) {
      this.scheduleReconnect();
      return;
    }
    const port =
      this.options.createPort?.(this.config.path, this.config.baudRate) ??
      new SerialPort({ path: this.config.path, baudRate: this.config.baudRate, autoOpen: false });
    port.on('data', (chunk: Buffer) => this.receive(chunk));
    port.on('error', (error: Error) => this.log(`serial error: ${error.message}`));
    port.on('close', () => {
      if (this.port === port) this.port = undefined;
      for (const waiter of this.lineLost.splice(0)) waiter.resolve();
      this.scheduleReconnect();
    });
    port.open((error) => {
      if (error) {
        this.log(`cannot open ${this.config.path}: ${error.message}`);
        this.scheduleReconnect();
        return;
      }
      this.decoder = ECR_DECODER_START;
      this.port = port;
    });
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), this.timing.reconnectMs);
  }

  private log(message: string): void {
    this.options.log?.(`card terminal ${this.config.path}: ${message}`);
  }
}

function resultFields(outcome: { kind: 'result' } & CardResult): CardResult {
  const { kind: _kind, ...result } = outcome;
  return result;
}
