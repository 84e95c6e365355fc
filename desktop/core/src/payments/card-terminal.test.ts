/**
 * The till's card-terminal driver against the payment sandbox's simulated terminal, over a real
 * socat pty pair (the sandbox runs as a child process and holds the other end); and, for the link
 * details a well-behaved terminal never shows (NAKs, damaged frames), against SerialPortMock.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPortMock } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACK, encodeEcrResponse, encodeFrame, ETX, NAK, STX } from '@marquee/shared/payment-wire/ecr';
import { spawnSandbox, type SandboxProcess } from '../../../../payment-sandbox/src/child-process.ts';
import { CardTerminal, type CardResult, type CardTerminalTiming } from './card-terminal.ts';

const TIMING: Partial<CardTerminalTiming> = {
  ackTimeoutMs: 250,
  resultTimeoutMs: 1000,
  recoveryIntervalMs: 200,
  recoveryDeadlineMs: 15_000,
  reconnectMs: 100,
};

async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

let seq = 0;
const txn = (): string => `T${Date.now().toString(36)}-${++seq}`;

describe('card terminal on a real serial line (sandbox + socat)', () => {
  let dataDir: string;
  let sandbox: SandboxProcess;
  let terminal: CardTerminal;
  const logs: string[] = [];
  const late: CardResult[] = [];

  beforeAll(async () => {
    if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).error !== undefined) {
      throw new Error('socat is not installed: these tests need a real pty pair (apt-get install -y socat)');
    }
    dataDir = mkdtempSync(join(tmpdir(), 'marquee-ecr-'));
    sandbox = await spawnSandbox({ dataDir, timeScale: 1 });
    if (sandbox.terminalPath === null) throw new Error('the sandbox started without its card terminal');
    terminal = new CardTerminal(
      { path: sandbox.terminalPath, baudRate: 9600 },
      { timing: TIMING, log: (m) => logs.push(m), onLateResult: (r) => late.push(r) },
    );
    terminal.start();
    await until(() => terminal.connected, 'the serial port to open');
  });

  afterAll(async () => {
    await terminal.close();
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const charges = async (txnId: string) =>
    (await sandbox.control.terminal()).transactions.filter((t) => t.txn_id === txnId);

  it('approves a sale the customer pays, with an approval code', async () => {
    await sandbox.control.terminalBehaviour({ outcome: 'approve', delayMs: 0, silent: false });
    const id = txn();
    const outcome = await terminal.sale({ txnId: id, amount: 4550, currency: 'CNY' });
    expect(outcome).toMatchObject({
      kind: 'result',
      result: 'approved',
      txnId: id,
      amount: 4550,
      currency: 'CNY',
    });
    expect(outcome.kind === 'result' && outcome.authCode).toMatch(/^[A-Z0-9]{6}$/);
    expect(await charges(id)).toMatchObject([{ state: 'approved', amount: 4550 }]);
  });

  it('reports declined, cancelled-by-customer and no-card timeouts, taking no money', async () => {
    for (const [outcome, result] of [
      ['decline', 'declined'],
      ['cancel', 'cancelled'],
      ['timeout', 'timeout'],
    ] as const) {
      await sandbox.control.terminalBehaviour({ outcome, delayMs: 50, silent: false });
      const id = txn();
      expect(await terminal.sale({ txnId: id, amount: 1000, currency: 'CNY' })).toMatchObject({
        kind: 'result',
        result,
        authCode: '',
      });
      expect(await charges(id)).toMatchObject([{ state: result }]);
    }
  });

  it('lets the cashier cancel a sale while the customer is still at the terminal', async () => {
    await sandbox.control.terminalBehaviour({ outcome: 'manual', delayMs: 0, silent: false });
    const id = txn();
    const sale = terminal.sale({ txnId: id, amount: 2000, currency: 'CNY' });
    await until(async () => (await sandbox.control.terminal()).current?.txn_id === id, 'the sale to start');
    expect(await terminal.cancel(id)).toMatchObject({ kind: 'result', result: 'approved', txnId: id });
    expect(await sale).toMatchObject({ kind: 'result', result: 'cancelled', message: 'CANCELLED BY TILL' });
  });

  it('refunds part of an approved sale and refuses to refund more than it', async () => {
    await sandbox.control.terminalBehaviour({ outcome: 'approve', delayMs: 0, silent: false });
    const sale = txn();
    await terminal.sale({ txnId: sale, amount: 9000, currency: 'CNY' });
    expect(
      await terminal.refund({ txnId: txn(), amount: 4500, currency: 'CNY', originalTxnId: sale }),
    ).toMatchObject({
      kind: 'result',
      result: 'approved',
    });
    expect(
      await terminal.refund({ txnId: txn(), amount: 4501, currency: 'CNY', originalTxnId: sale }),
    ).toMatchObject({
      kind: 'result',
      result: 'declined',
      message: 'MORE THAN THE SALE',
    });
  });

  it('after the line drops mid-sale, asks for the last result on reconnect and never charges twice', async () => {
    // The customer approves 300 ms in, but the cable is pulled right after the sale started.
    await sandbox.control.terminalBehaviour({ outcome: 'approve', delayMs: 300, silent: true });
    logs.length = 0;
    const id = txn();
    const sale = terminal.sale({ txnId: id, amount: 6600, currency: 'CNY' });
    // Long enough for the terminal to give up repeating its result (1 s, 3 retransmissions) into
    // the dead line: from now on only a status query can tell the till.
    await sleep(4800);
    expect(logs.some((l) => l.includes(`no result for ${id}`))).toBe(true);
    expect(await charges(id)).toMatchObject([{ state: 'approved' }]);
    await sandbox.control.terminalSilent(false);

    const outcome = await sale;
    expect(outcome).toMatchObject({ kind: 'result', result: 'approved', txnId: id, amount: 6600 });
    expect(logs.some((l) => l.includes(`status for ${id}: approved`))).toBe(true);
    expect(terminal.pending).toBeUndefined();

    // The same transaction id again (a retry after the scare) is the same approval, not a new charge.
    const again = await terminal.sale({ txnId: id, amount: 6600, currency: 'CNY' });
    expect(again).toEqual(outcome);
    expect(await charges(id)).toHaveLength(1);
  });

  it('reconnects by itself after the terminal dies, which still remembers what it charged', async () => {
    await sandbox.control.terminalBehaviour({ outcome: 'approve', delayMs: 0, silent: false });
    const id = txn();
    const approved = await terminal.sale({ txnId: id, amount: 3300, currency: 'CNY' });
    expect(approved).toMatchObject({ kind: 'result', result: 'approved' });

    await sandbox.kill(); // power cut: the sandbox and its socat die, the pty vanishes
    await until(() => !terminal.connected, 'the driver to notice the line is gone');
    sandbox = await spawnSandbox({ dataDir, timeScale: 1 });
    await until(() => terminal.connected, 'the driver to reopen the new pty');

    expect(await terminal.sale({ txnId: id, amount: 3300, currency: 'CNY' })).toEqual(approved);
    expect(await charges(id)).toHaveLength(1);
  });

  it('is unavailable when the terminal acknowledges nothing, and settles that sale before the next', async () => {
    await sandbox.control.terminalBehaviour({ outcome: 'approve', delayMs: 0, silent: false });
    await sandbox.control.terminalSilent(true);
    const lost = txn();
    const started = Date.now();
    expect(await terminal.sale({ txnId: lost, amount: 500, currency: 'CNY' })).toMatchObject({
      kind: 'unavailable',
      txnId: lost,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 250 - 50); // first send + 3 retransmits
    expect(terminal.pending).toBe(lost);

    await sandbox.control.terminalSilent(false);
    logs.length = 0;
    const next = txn();
    expect(await terminal.sale({ txnId: next, amount: 500, currency: 'CNY' })).toMatchObject({
      kind: 'result',
      result: 'approved',
      txnId: next,
    });
    expect(logs.some((l) => l.includes('asking the terminal for its last transaction'))).toBe(true);
    expect(terminal.pending).toBeUndefined();
    expect(await charges(lost)).toEqual([]);
    expect(late).toEqual([]);
  });
});

describe('card terminal link details (SerialPortMock)', () => {
  it('retransmits a NAKed frame, NAKs a damaged answer and ACKs the good one', async () => {
    const path = '/dev/ECR-MOCK';
    SerialPortMock.binding.createPort(path, { record: true });
    let mock: SerialPortMock | undefined;
    const terminal = new CardTerminal(
      { path, baudRate: 9600 },
      {
        timing: { ackTimeoutMs: 200, reconnectMs: 50 },
        createPort: (p, baudRate) => (mock = new SerialPortMock({ path: p, baudRate, autoOpen: false })),
      },
    );
    terminal.start();
    await until(() => terminal.connected, 'the mock port');
    const written = (): number[] => [...(mock?.port?.recording ?? [])];
    const frames = (): number => written().filter((b) => b === STX).length;

    const status = terminal.status();
    await until(() => frames() === 1, 'the status frame');
    mock?.port?.emitData(Buffer.of(NAK));
    await until(() => frames() === 2, 'the retransmission');
    mock?.port?.emitData(Buffer.of(ACK));

    const good = encodeFrame(encodeEcrResponse({ type: 'status', last: null }));
    const damaged = Buffer.from(good);
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 0xff;
    expect(damaged.includes(ETX)).toBe(true);
    mock?.port?.emitData(damaged);
    await until(() => written().at(-1) === NAK, 'a NAK for the damaged frame');
    mock?.port?.emitData(Buffer.from(good));
    expect(await status).toEqual({ kind: 'status', last: null });
    await until(() => written().at(-1) === ACK, 'an ACK for the good frame');
    await terminal.close();
    SerialPortMock.binding.reset();
  });
});
