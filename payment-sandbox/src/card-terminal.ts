/**
 * Just over 400 lines: one simulated terminal's link, transactions and pty lifecycle share its state.
 *
 * A simulated card terminal on one end of a serial pty pair (socat), speaking the shared ECR
 * protocol: it ACKs good frames and NAKs damaged ones, runs sales, refunds and cancels with the
 * outcome a tester chose (the phone page or the control API), answers `status` with the last
 * transaction, and remembers every transaction id in SQLite so the same id is never charged twice,
 * even across a restart.
 *
 * "Silent" is a pulled cable: nothing it receives is read and nothing it sends arrives, while the
 * transaction on the terminal goes on. When the line is back, the till asks for the last result.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPort } from 'serialport';
import { z } from 'zod';
import {
  decodeEcr,
  decodeEcrRequest,
  ECR_ACK_TIMEOUT_MS,
  ECR_DECODER_START,
  ECR_MAX_RETRANSMITS,
  ecrReplyTo,
  encodeEcrResponse,
  encodeFrame,
  type EcrDecoderState,
  type EcrLastTransaction,
  type EcrRequest,
  type EcrResponse,
  type EcrResultCode,
} from '@marquee/shared/payment-wire/ecr';
import { randomToken } from './crypto.ts';
import { ActionRefused } from './refusal.ts';
import { getSetting, putSetting, type CardTransactionRow, type Db } from './store.ts';

export const TerminalBehaviour = z.object({
  /** What the customer does with the next transactions; `manual` waits for the tester. */
  outcome: z.enum(['manual', 'approve', 'decline', 'cancel', 'timeout']),
  /** How long the customer takes (scaled by the time scale): 30 000 is "take 30 s". */
  delayMs: z.number().int().min(0).max(600_000),
  /** Pull the cable right after the next transaction starts (once). */
  silent: z.boolean(),
});
export type TerminalBehaviour = z.infer<typeof TerminalBehaviour>;

export const TerminalAction = z.enum(['approve', 'decline', 'cancel', 'timeout']);
export type TerminalAction = z.infer<typeof TerminalAction>;

const DEFAULT_BEHAVIOUR: TerminalBehaviour = { outcome: 'manual', delayMs: 0, silent: false };
const BEHAVIOUR_KEY = 'terminal.behaviour';
/** A customer who never presents a card: the terminal gives up after this (scaled). */
const CUSTOMER_TIMEOUT_MS = 60_000;

const RESULT_OF: Record<TerminalAction, EcrResultCode> = {
  approve: 'approved',
  decline: 'declined',
  cancel: 'cancelled',
  timeout: 'timeout',
};
const MESSAGE_OF: Record<EcrResultCode, string> = {
  approved: 'APPROVED',
  declined: 'DECLINED BY ISSUER',
  cancelled: 'CANCELLED BY CUSTOMER',
  timeout: 'NO CARD PRESENTED',
  busy: 'TERMINAL BUSY',
};

export interface TerminalOptions {
  /** The pty end the terminal holds. */
  devicePath: string;
  baudRate: number;
  timeScale: number;
  now: () => number;
  log: (message: string) => void;
}

export class SimulatedTerminal {
  private port: SerialPort | undefined;
  private decoder: EcrDecoderState = ECR_DECODER_START;
  private silent = false;
  private closed = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly outbox: Uint8Array[] = [];
  private sending = false;
  private ackWaiter: ((reply: 'ack' | 'nak' | 'timeout') => void) | undefined;

  constructor(
    private readonly db: Db,
    private readonly options: TerminalOptions,
  ) {
    // A transaction that was running when the sandbox stopped was interrupted, as by a power cut.
    db.prepare(
      `UPDATE card_transactions SET state = 'timeout', message = 'INTERRUPTED', finished_at = ? WHERE state = 'in_progress'`,
    ).run(options.now());
  }

  start(): void {
    void this.connect();
  }

  /** Read through a method: `close()` flips it while the loops below await. */
  private stopped(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.ackWaiter?.('timeout');
    const port = this.port;
    if (port?.isOpen === true) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  // -------------------------------------------------------------------------------------------
  // What the page and the control API see and do

  view(): {
    connected: boolean;
    silent: boolean;
    behaviour: TerminalBehaviour;
    current: CardTransactionRow | undefined;
    transactions: CardTransactionRow[];
  } {
    return {
      connected: this.port?.isOpen === true,
      silent: this.silent,
      behaviour: this.behaviour(),
      current: this.db.prepare(`SELECT * FROM card_transactions WHERE state = 'in_progress'`).get() as
        CardTransactionRow | undefined,
      transactions: this.db
        .prepare('SELECT * FROM card_transactions ORDER BY seq DESC LIMIT 100')
        .all() as CardTransactionRow[],
    };
  }

  setBehaviour(behaviour: TerminalBehaviour): void {
    putSetting(this.db, BEHAVIOUR_KEY, JSON.stringify(behaviour));
  }

  setSilent(silent: boolean): void {
    if (this.silent !== silent)
      this.options.log(silent ? 'card terminal: line silent (cable pulled)' : 'card terminal: line back');
    this.silent = silent;
  }

  /** The customer's (or tester's) move on the transaction in progress. */
  act(txnId: string | undefined, action: TerminalAction): CardTransactionRow {
    const current = this.view().current;
    if (current === undefined || (txnId !== undefined && current.txn_id !== txnId)) {
      throw new ActionRefused(
        txnId === undefined ? 'no transaction in progress' : `${txnId} is not in progress`,
      );
    }
    this.finish(current.txn_id, RESULT_OF[action]);
    return this.row(current.txn_id) ?? current;
  }

  // -------------------------------------------------------------------------------------------
  // The line

  private async connect(): Promise<void> {
    while (!this.stopped()) {
      if (existsSync(this.options.devicePath)) {
        const port = new SerialPort({
          path: this.options.devicePath,
          baudRate: this.options.baudRate,
          autoOpen: false,
        });
        const opened = await new Promise<boolean>((resolve) => port.open((error) => resolve(error === null)));
        if (opened) {
          this.port = port;
          this.decoder = ECR_DECODER_START;
          port.on('data', (chunk: Buffer) => this.receive(chunk));
          await new Promise<void>((resolve) => port.once('close', () => resolve()));
          this.port = undefined;
          if (!this.stopped()) this.options.log('card terminal: serial line closed, reopening');
        }
      }
      if (!this.stopped()) await sleep(200);
    }
  }

  private write(bytes: Uint8Array): void {
    if (this.silent) return;
    this.port?.write(Buffer.from(bytes));
  }

  private receive(chunk: Buffer): void {
    if (this.silent) return;
    const step = decodeEcr(this.decoder, chunk);
    this.decoder = step.state;
    for (const event of step.events) {
      const reply = ecrReplyTo(event);
      if (event.kind === 'ack' || event.kind === 'nak') this.ackWaiter?.(event.kind);
      if (reply !== undefined) this.write(Uint8Array.of(reply));
      if (event.kind !== 'frame') continue;
      const request = decodeEcrRequest(event.body);
      if (!request.ok) {
        this.options.log(`card terminal: ignoring a frame it does not understand (${request.error.message})`);
        continue;
      }
      this.handle(request.value);
    }
  }

  /** Sends queued frames one at a time, each until ACKed, retransmitting at most three times. */
  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (
        let frame = this.outbox.shift();
        frame !== undefined && !this.stopped();
        frame = this.outbox.shift()
      ) {
        let acked = false;
        for (let attempt = 0; attempt <= ECR_MAX_RETRANSMITS && !acked && !this.stopped(); attempt++) {
          const reply = new Promise<'ack' | 'nak' | 'timeout'>((resolve) => {
            const timer = setTimeout(() => resolve('timeout'), ECR_ACK_TIMEOUT_MS);
            this.ackWaiter = (r) => {
              clearTimeout(timer);
              resolve(r);
            };
          });
          this.write(frame);
          acked = (await reply) === 'ack';
          this.ackWaiter = undefined;
        }
        if (!acked)
          this.options.log('card terminal: the till never acknowledged a result; it can ask for it');
      }
    } finally {
      this.sending = false;
    }
  }

  private send(response: EcrResponse): void {
    this.outbox.push(encodeFrame(encodeEcrResponse(response)));
    void this.pump();
  }

  // -------------------------------------------------------------------------------------------
  // Transactions

  private handle(request: EcrRequest): void {
    switch (request.type) {
      case 'sale':
      case 'refund': {
        const existing = this.row(request.txnId);
        if (existing !== undefined) {
          // The same transaction id again (a till retrying after a lost line): never a second
          // charge; the stored result is the answer, or nothing while it is still running.
          if (existing.state !== 'in_progress') this.send(resultOf(existing));
          return;
        }
        if (this.view().current !== undefined) {
          this.send({
            type: 'result',
            op: request.type,
            txnId: request.txnId,
            result: 'busy',
            amount: request.amount,
            currency: request.currency,
            authCode: '',
            message: MESSAGE_OF.busy,
          });
          return;
        }
        this.begin(request);
        return;
      }
      case 'cancel':
        this.cancel(request.txnId);
        return;
      case 'status': {
        const last = this.db.prepare('SELECT * FROM card_transactions ORDER BY seq DESC LIMIT 1').get() as
          CardTransactionRow | undefined;
        this.send({ type: 'status', last: last === undefined ? null : lastOf(last) });
        return;
      }
    }
  }

  private begin(request: Extract<EcrRequest, { type: 'sale' | 'refund' }>): void {
    const now = this.options.now();
    const original = request.type === 'refund' ? request.originalTxnId : null;
    this.db
      .prepare(
        `INSERT INTO card_transactions (txn_id, op, amount, currency, original_txn_id, state, created_at)
         VALUES (?, ?, ?, ?, ?, 'in_progress', ?)`,
      )
      .run(request.txnId, request.type, request.amount, request.currency, original, now);
    this.options.log(
      `card terminal: ${request.type} ${request.txnId} for ${request.amount} ${request.currency}`,
    );
    if (request.type === 'refund') {
      const refusal = this.refundRefusal(request);
      if (refusal !== undefined) {
        this.finish(request.txnId, 'declined', refusal);
        return;
      }
    }
    const behaviour = this.behaviour();
    if (behaviour.silent) {
      this.setSilent(true);
      this.setBehaviour({ ...behaviour, silent: false });
    }
    const scaled = (ms: number): number => Math.round(ms * this.options.timeScale);
    const outcome = behaviour.outcome;
    const timer =
      outcome === 'manual'
        ? setTimeout(() => this.finish(request.txnId, 'timeout'), scaled(CUSTOMER_TIMEOUT_MS))
        : setTimeout(() => this.finish(request.txnId, RESULT_OF[outcome]), scaled(behaviour.delayMs));
    this.timers.set(request.txnId, timer);
  }

  private refundRefusal(request: {
    amount: number;
    currency: string;
    originalTxnId: string;
  }): string | undefined {
    const original = this.row(request.originalTxnId);
    if (original?.op !== 'sale' || original.state !== 'approved' || original.voided === 1) {
      return 'NO APPROVED SALE TO REFUND';
    }
    if (original.currency !== request.currency) return 'CURRENCY MISMATCH';
    const refunded = this.db
      .prepare(
        `SELECT COALESCE(SUM(amount), 0) AS total FROM card_transactions
         WHERE op = 'refund' AND original_txn_id = ? AND state = 'approved'`,
      )
      .get(request.originalTxnId) as { total: number };
    return refunded.total + request.amount > original.amount ? 'MORE THAN THE SALE' : undefined;
  }

  private finish(txnId: string, result: EcrResultCode, message = MESSAGE_OF[result]): void {
    clearTimeout(this.timers.get(txnId));
    this.timers.delete(txnId);
    const authCode = result === 'approved' ? randomToken(6).toUpperCase() : '';
    const changed = this.db
      .prepare(
        `UPDATE card_transactions SET state = ?, auth_code = ?, message = ?, finished_at = ?
         WHERE txn_id = ? AND state = 'in_progress'`,
      )
      .run(result, authCode, message, this.options.now(), txnId).changes;
    const row = this.row(txnId);
    if (changed === 0 || row === undefined) return;
    this.options.log(`card terminal: ${row.op} ${txnId} ${result}`);
    this.send(resultOf(row));
  }

  private cancel(txnId: string): void {
    const row = this.row(txnId);
    const answer = (
      result: 'approved' | 'declined',
      amount: number,
      currency: string,
      message: string,
    ): void =>
      this.send({ type: 'result', op: 'cancel', txnId, result, amount, currency, authCode: '', message });
    if (row?.state === 'in_progress') {
      this.finish(txnId, 'cancelled', 'CANCELLED BY TILL');
      answer('approved', row.amount, row.currency, 'CANCELLED');
    } else if (row?.op === 'sale' && row.state === 'approved') {
      // A void: the sale's money goes back; voiding twice is the same void.
      this.db.prepare('UPDATE card_transactions SET voided = 1 WHERE txn_id = ?').run(txnId);
      answer('approved', row.amount, row.currency, 'VOIDED');
    } else {
      answer('declined', 0, '', 'NOTHING TO CANCEL');
    }
  }

  private row(txnId: string): CardTransactionRow | undefined {
    return this.db.prepare('SELECT * FROM card_transactions WHERE txn_id = ?').get(txnId) as
      CardTransactionRow | undefined;
  }

  private behaviour(): TerminalBehaviour {
    const stored = getSetting(this.db, BEHAVIOUR_KEY);
    const parsed = stored === undefined ? undefined : TerminalBehaviour.safeParse(JSON.parse(stored));
    return parsed?.success === true ? parsed.data : DEFAULT_BEHAVIOUR;
  }
}

function lastOf(row: CardTransactionRow): EcrLastTransaction {
  return {
    op: row.op,
    txnId: row.txn_id,
    state: z.enum(['in_progress', 'approved', 'declined', 'cancelled', 'timeout', 'busy']).parse(row.state),
    amount: row.amount,
    currency: row.currency,
    authCode: row.auth_code,
    message: row.message,
  };
}

function resultOf(row: CardTransactionRow): EcrResponse {
  const { state, ...fields } = lastOf(row);
  if (state === 'in_progress') throw new Error('a transaction in progress has no result yet');
  return { type: 'result', ...fields, result: state };
}

// ---------------------------------------------------------------------------------------------
// The pty pair

export interface PtyPair {
  /** The end the till opens. */
  tillPath: string;
  /** The end the simulated terminal holds. */
  devicePath: string;
  stop(): Promise<void>;
}

/** Starts `socat` with a raw pty pair linked at the two paths; fails clearly without socat. */
export async function startPtyPair(tillPath: string, devicePath: string): Promise<PtyPair> {
  if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).error !== undefined) {
    throw new Error(
      'socat is not installed (Debian/Ubuntu: apt-get install socat); it makes the serial pty pair',
    );
  }
  rmSync(tillPath, { force: true });
  rmSync(devicePath, { force: true });
  const socat: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${tillPath}`, `pty,raw,echo=0,link=${devicePath}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  socat.stderr?.resume();
  const deadline = Date.now() + 5000;
  while (!(existsSync(tillPath) && existsSync(devicePath))) {
    if (socat.exitCode !== null || Date.now() > deadline) throw new Error('socat did not make the pty pair');
    await sleep(20);
  }
  return {
    tillPath,
    devicePath,
    async stop() {
      if (socat.exitCode === null && socat.signalCode === null) {
        const exited = new Promise((resolve) => socat.once('exit', resolve));
        socat.kill('SIGTERM');
        await exited;
      }
      rmSync(tillPath, { force: true });
      rmSync(devicePath, { force: true });
    },
  };
}
