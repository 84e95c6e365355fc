/**
 * Invariant 2 across terminal crashes (DESIGN §2, §6, §7): the headless terminal (cli.ts) runs as a
 * child process behind a fault proxy and is killed with SIGKILL while a sale sits in its outbox —
 * before the server saw it, or after the server applied it but before the answer arrived. Started
 * again on the same data directory, it delivers the sale, and the server applies it exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeasePolicy, Result, TerminalCall, TerminalOutput, TerminalStatus } from '@marquee/shared';
import { startTestServer, type TestServer } from './support/server.ts';
import { waitFor } from './support/wait.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import { createTestShowtime, type TestShowtime } from './support/lobby-scenario.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A terminal process driven over its JSON-lines stdin/stdout. */
interface TerminalProcess {
  child: ChildProcess;
  exited: Promise<unknown>;
  /** Sends a command; the promise settles when the terminal answers (or never, if it is killed). */
  send<C extends TerminalCall>(call: C, input: unknown): Promise<Result<TerminalOutput<C>>>;
  call<C extends TerminalCall>(call: C, input: unknown): Promise<TerminalOutput<C>>;
  kill9(): Promise<void>;
}

const running = new Set<TerminalProcess>();

async function startTerminal(
  dataDir: string,
  enroll?: { server: string; code: string },
): Promise<TerminalProcess> {
  const args = ['--import', 'tsx', 'desktop/core/src/cli.ts', '--data', dataDir];
  if (enroll !== undefined) args.push('--server', enroll.server, '--code', enroll.code);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  const ready = new Promise<TerminalStatus>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`terminal did not start: ${errors}`)), 30_000);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`terminal exited before it was ready: ${errors}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message: { id?: number; result?: unknown; ready?: TerminalStatus };
      try {
        message = JSON.parse(line) as typeof message;
      } catch {
        return;
      }
      if (message.ready !== undefined) {
        clearTimeout(timer);
        resolve(message.ready);
      }
      if (typeof message.id === 'number') {
        pending.get(message.id)?.(message.result);
        pending.delete(message.id);
      }
    });
  });
  await ready;
  const send: TerminalProcess['send'] = (call, input) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (result: unknown) => void);
      child.stdin.write(`${JSON.stringify({ id, call, input })}\n`);
    });
  const terminal: TerminalProcess = {
    child,
    exited,
    send,
    async call(call, input) {
      const result = await send(call, input);
      if (!result.ok) throw new Error(`${call}: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
      running.delete(terminal);
    },
  };
  running.add(terminal);
  return terminal;
}

let server: TestServer;
let show: TestShowtime;
const dirs: string[] = [];
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  server = await startTestServer();
  show = await createTestShowtime(server, {
    startsAt: server.clock.now() + 40 * 60_000,
  });
});

afterAll(async () => {
  for (const terminal of running) await terminal.kill9();
  for (const proxy of proxies) await proxy.close();
  await server.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A new terminal behind its own proxy, enrolled and online. */
async function newTerminal(leasePolicy: LeasePolicy) {
  const proxy = await startFaultProxy(Number(new URL(server.url).port), { seed: proxies.length + 7 });
  proxies.push(proxy);
  const dataDir = mkdtempSync(join(tmpdir(), 'marquee-crash-'));
  dirs.push(dataDir);
  const code = await server.api('POST', '/devices/enrollment-codes', {
    token: server.adminToken,
    body: { name: `till-${String(proxies.length)}`, profile: 'box_office', leasePolicy },
  });
  expect(code.status).toBe(201);
  const terminal = await startTerminal(dataDir, { server: proxy.url, code: code.body.code as string });
  await waitUntil(terminal, (s) => s.connection === 'online', 'online');
  return { proxy, dataDir, terminal };
}

async function waitUntil(terminal: TerminalProcess, ok: (status: TerminalStatus) => boolean, what: string) {
  await waitFor(async () => ok(await terminal.call('terminal.status', {})), 20_000, what);
}

async function onServer(orderId: string) {
  return server.api('GET', `/orders/${orderId}`, { token: server.adminToken });
}

function serverCount(sql: string, ...params: string[]): Promise<number> {
  return server.ctx.db.read(async (ex) => (await ex.get<{ n: number }>(sql, params))?.n ?? -1);
}

function outboxRow(dataDir: string, id: string) {
  const db = new Database(join(dataDir, 'terminal.db'), { readonly: true });
  try {
    return db.prepare('SELECT name, status, result, attempts FROM outbox WHERE id = ?').get(id) as
      { name: string; status: string; result: string | null; attempts: number } | undefined;
  } finally {
    db.close();
  }
}

const lines = (seatIds: string[]) =>
  seatIds.map((seatId) => ({ seatId, ticketTypeId: show.adultTicketTypeId }));

describe('a till killed with kill -9', () => {
  it('delivers an offline sale that was paid but never sent, exactly once, after it restarts', async () => {
    const { proxy, dataDir, terminal } = await newTerminal({ seatsPerShowtime: 2, hoursAhead: 1 });
    await waitFor(
      async () =>
        (await terminal.call('seatmap.get', { showtimeId: show.id })).seats.some(
          (s) => s.mine && s.state === 'leased',
        ),
      20_000,
      'a lease on the show',
    );
    proxy.cut();
    await waitUntil(terminal, (s) => s.connection !== 'online', 'offline');

    const seats = await terminal.call('seats.bestAvailable', { showtimeId: show.id, count: 1 });
    const hold = await terminal.call('seats.hold', { showtimeId: show.id, seatIds: seats! });
    expect(hold.offline).toBe(true);
    const quote = await terminal.call('order.quote', { showtimeId: show.id, lines: lines(hold.seatIds) });
    const sale = await terminal.call('order.sell', {
      holdId: hold.id,
      lines: lines(hold.seatIds),
      payments: [{ method: 'cash', amount: quote.total }],
    });
    expect(sale.offline).toBe(true);
    // Paid and printed; committed to the outbox, not yet acknowledged by the server.
    expect((await terminal.call('outbox.list', {})).find((e) => e.id === sale.orderId)?.status).toBe(
      'pending',
    );
    await terminal.kill9();
    expect((await onServer(sale.orderId)).status).toBe(404);

    proxy.heal();
    const again = await startTerminal(dataDir);
    await waitFor(
      async () => (await onServer(sale.orderId)).status === 200,
      20_000,
      'the sale on the server',
    );
    await waitUntil(again, (s) => s.connection === 'online' && s.pendingOutbox === 0, 'outbox drained');

    const order = (await onServer(sale.orderId)).body;
    expect(order.tickets.map((t: any) => [t.id, t.seatId, t.token])).toEqual(
      sale.tickets.map((t) => [t.id, t.seatId, t.token]),
    );
    expect(
      await serverCount('SELECT COUNT(*) AS n FROM applied_mutations WHERE mutation_id = ?', sale.orderId),
    ).toBe(1);
    expect(
      await serverCount(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'order.sell_offline' AND subject = ?",
        sale.orderId,
      ),
    ).toBe(1);
    expect(
      await serverCount(
        "SELECT COUNT(*) AS n FROM tickets WHERE showtime_id = ? AND seat_id = ? AND status = 'valid'",
        show.id,
        hold.seatIds[0]!,
      ),
    ).toBe(1);
    await again.kill9();
  });

  it('delivers an online sale stuck in its outbox when it died, exactly once, after it restarts', async () => {
    const { proxy, dataDir, terminal } = await newTerminal({ seatsPerShowtime: 0, hoursAhead: 0 });
    const seats = await terminal.call('seats.bestAvailable', { showtimeId: show.id, count: 2 });
    const hold = await terminal.call('seats.hold', { showtimeId: show.id, seatIds: seats! });
    expect(hold.offline).toBe(false);
    const quote = await terminal.call('order.quote', { showtimeId: show.id, lines: lines(hold.seatIds) });
    proxy.cut();
    // The cashier presses "pay": the sale is committed to the outbox and cannot be sent.
    void terminal.send('order.sell', {
      holdId: hold.id,
      lines: lines(hold.seatIds),
      payments: [{ method: 'card', amount: quote.total }],
    });
    let orderId: string | undefined;
    await waitFor(
      async () => {
        orderId = (await terminal.call('outbox.list', {})).find((e) => e.name === 'sale.commit')?.id;
        return orderId !== undefined;
      },
      10_000,
      'the sale in the outbox',
    );
    await terminal.kill9();
    expect((await onServer(orderId!)).status).toBe(404);

    proxy.heal();
    const again = await startTerminal(dataDir);
    await waitFor(async () => (await onServer(orderId!)).status === 200, 20_000, 'the sale on the server');
    await waitUntil(again, (s) => s.connection === 'online' && s.pendingOutbox === 0, 'outbox drained');
    expect(await serverCount('SELECT COUNT(*) AS n FROM orders WHERE hold_id = ?', hold.id)).toBe(1);
    expect(await serverCount('SELECT COUNT(*) AS n FROM tickets WHERE order_id = ?', orderId!)).toBe(2);
    expect(
      await serverCount('SELECT COUNT(*) AS n FROM applied_mutations WHERE mutation_id = ?', orderId!),
    ).toBe(1);
    await again.kill9();
  });

  it('does not apply a sale twice when it died after the server applied it but before the answer arrived', async () => {
    const { proxy, dataDir, terminal } = await newTerminal({ seatsPerShowtime: 0, hoursAhead: 0 });
    const seats = await terminal.call('seats.bestAvailable', { showtimeId: show.id, count: 2 });
    const hold = await terminal.call('seats.hold', { showtimeId: show.id, seatIds: seats! });
    const quote = await terminal.call('order.quote', { showtimeId: show.id, lines: lines(hold.seatIds) });
    // Requests get through; answers are held back far longer than the till lives.
    proxy.delay(60_000, 'toClient');
    void terminal.send('order.sell', {
      holdId: hold.id,
      lines: lines(hold.seatIds),
      payments: [{ method: 'card', amount: quote.total }],
    });
    let orderId: string | undefined;
    await waitFor(
      async () => {
        orderId = (await terminal.call('outbox.list', {})).find((e) => e.name === 'sale.commit')?.id;
        return orderId !== undefined;
      },
      10_000,
      'the sale in the outbox',
    );
    await waitFor(
      async () => (await onServer(orderId!)).status === 200,
      10_000,
      'the server applied the sale',
    );
    await terminal.kill9();
    // The till never learnt the outcome.
    expect(outboxRow(dataDir, orderId!)?.status).toBe('pending');

    proxy.heal();
    proxy.resetAll(); // the held-back answers are gone with the connections
    const again = await startTerminal(dataDir);
    await waitUntil(again, (s) => s.connection === 'online' && s.pendingOutbox === 0, 'outbox drained');
    const row = outboxRow(dataDir, orderId!);
    expect(row?.status).toBe('ok');
    expect(row?.attempts).toBeGreaterThanOrEqual(2);
    // The retry was recognised: answered with the stored result, not applied again.
    expect((JSON.parse(row!.result!) as { duplicate: boolean }).duplicate).toBe(true);
    expect(await serverCount('SELECT COUNT(*) AS n FROM orders WHERE hold_id = ?', hold.id)).toBe(1);
    expect(await serverCount('SELECT COUNT(*) AS n FROM tickets WHERE order_id = ?', orderId!)).toBe(2);
    expect(
      await serverCount('SELECT COUNT(*) AS n FROM applied_mutations WHERE mutation_id = ?', orderId!),
    ).toBe(1);
    expect(
      await serverCount(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'order.sell' AND subject = ?",
        orderId!,
      ),
    ).toBe(1);
    await again.kill9();
  });
});
