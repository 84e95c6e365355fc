/**
 * Invariant 2 across terminal crashes (DESIGN §2, §6, §7): the headless terminal (cli.ts) runs as a
 * child process behind a fault proxy and is killed with SIGKILL while a sale sits in its outbox —
 * before the server saw it, or after the server applied it but before the answer arrived. Started
 * again on the same data directory, it delivers the sale, and the server applies it exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeasePolicy, TerminalStatus } from '@marquee/shared';
import { enrollmentCode } from './support/enroll.ts';
import { leasedSeats, sellBest } from './support/sell.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { waitFor } from './support/wait.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import {
  killTerminalProcesses,
  startTerminalProcess,
  type TerminalProcess,
} from './support/terminal-process.ts';
import { createTestShowtime, type TestShowtime } from './support/test-showtime.ts';

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
  await killTerminalProcesses();
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
  const code = await enrollmentCode(server, 'box_office', {
    name: `till-${String(proxies.length)}`,
    leasePolicy,
  });
  const terminal = await startTerminalProcess(dataDir, { server: proxy.url, code });
  await waitForStatus(terminal, (s) => s.connection === 'online', 'online');
  return { proxy, dataDir, terminal };
}

async function waitForStatus(
  terminal: TerminalProcess,
  ok: (status: TerminalStatus) => boolean,
  what: string,
) {
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

/** The id of the sale the terminal has committed to its outbox, once it is there. */
async function saleInOutbox(terminal: TerminalProcess): Promise<string> {
  let orderId: string | undefined;
  await waitFor(
    async () => {
      orderId = (await terminal.call('outbox.list', {})).find((e) => e.name === 'sale.commit')?.id;
      return orderId !== undefined;
    },
    10_000,
    'the sale in the outbox',
  );
  return orderId!;
}

const lines = (seatIds: string[]) =>
  seatIds.map((seatId) => ({ seatId, ticketTypeId: show.adultTicketTypeId }));

describe('a till killed with kill -9', () => {
  it('delivers an offline sale that was paid but never sent, exactly once, after it restarts', async () => {
    const { proxy, dataDir, terminal } = await newTerminal({ seatsPerShowtime: 2, hoursAhead: 1 });
    await leasedSeats(terminal, show.id, 20_000);
    proxy.cut();
    await waitForStatus(terminal, (s) => s.connection !== 'online', 'offline');

    const { hold, sale } = await sellBest(terminal, show.id, show.adultTicketTypeId, 1);
    expect(hold.offline).toBe(true);
    expect(sale.offline).toBe(true);
    // Paid and printed; committed to the outbox, not yet acknowledged by the server.
    expect((await terminal.call('outbox.list', {})).find((e) => e.id === sale.orderId)?.status).toBe(
      'pending',
    );
    await terminal.kill9();
    expect((await onServer(sale.orderId)).status).toBe(404);

    proxy.heal();
    const again = await startTerminalProcess(dataDir);
    await waitFor(
      async () => (await onServer(sale.orderId)).status === 200,
      20_000,
      'the sale on the server',
    );
    await waitForStatus(again, (s) => s.connection === 'online' && s.pendingOutbox === 0, 'outbox drained');

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
    const orderId = await saleInOutbox(terminal);
    await terminal.kill9();
    expect((await onServer(orderId)).status).toBe(404);

    proxy.heal();
    const again = await startTerminalProcess(dataDir);
    await waitFor(async () => (await onServer(orderId)).status === 200, 20_000, 'the sale on the server');
    await waitForStatus(again, (s) => s.connection === 'online' && s.pendingOutbox === 0, 'outbox drained');
    expect(await serverCount('SELECT COUNT(*) AS n FROM orders WHERE hold_id = ?', hold.id)).toBe(1);
    expect(await serverCount('SELECT COUNT(*) AS n FROM tickets WHERE order_id = ?', orderId)).toBe(2);
    expect(
      await serverCount('SELECT COUNT(*) AS n FROM applied_mutations WHERE mutation_id = ?', orderId),
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
    const orderId = await saleInOutbox(terminal);
    await waitFor(
      async () => (await onServer(orderId)).status === 200,
      10_000,
      'the server applied the sale',
    );
    await terminal.kill9();
    // The till never learnt the outcome.
    expect(outboxRow(dataDir, orderId)?.status).toBe('pending');

    proxy.heal();
    proxy.resetAll(); // the held-back answers are gone with the connections
    const again = await startTerminalProcess(dataDir);
    await waitForStatus(again, (s) => s.connection === 'online' && s.pendingOutbox === 0, 'outbox drained');
    const row = outboxRow(dataDir, orderId);
    expect(row?.status).toBe('ok');
    expect(row?.attempts).toBeGreaterThanOrEqual(2);
    // The retry was recognised: answered with the stored result, not applied again.
    expect((JSON.parse(row!.result!) as { duplicate: boolean }).duplicate).toBe(true);
    expect(await serverCount('SELECT COUNT(*) AS n FROM orders WHERE hold_id = ?', hold.id)).toBe(1);
    expect(await serverCount('SELECT COUNT(*) AS n FROM tickets WHERE order_id = ?', orderId)).toBe(2);
    expect(
      await serverCount('SELECT COUNT(*) AS n FROM applied_mutations WHERE mutation_id = ?', orderId),
    ).toBe(1);
    expect(
      await serverCount(
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'order.sell' AND subject = ?",
        orderId,
      ),
    ).toBe(1);
    await again.kill9();
  });
});
