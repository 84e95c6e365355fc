/**
 * A serial QR scanner at the door: a gate core reads codes from a real pty (the test types on the
 * scanner's end) and admits them through the same path as `ticket.admit`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TerminalEvent } from '@marquee/shared';
import { DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';
import { startCore, type TestCore } from '../support/core.ts';
import {
  ptyPair,
  removeTempDirs,
  requireTool,
  tempDir,
  writeHardwareConfig,
  type PtyPair,
} from './support.ts';
import { waitFor } from '../support/wait.ts';

type ScanEvent = Extract<TerminalEvent, { type: 'scan' }>;

let server: TestServer;
let gate: TestCore;
let pty: PtyPair;
let scanner: SerialPort;
const scans: ScanEvent[] = [];

beforeAll(async () => {
  requireTool('socat', 'socat');
  server = await startTestServer();
  const dir = tempDir('marquee-scanner-');
  pty = await ptyPair(dir, 'scanner');
  const dataDir = join(dir, 'gate');
  mkdirSync(dataDir);
  writeHardwareConfig(dataDir, { scanner: { path: pty.terminal, baudRate: 9600 } });
  gate = await startCore(server, 'gate', { dataDir });
  gate.core.events.on('event', (event) => {
    if (event.type === 'scan') scans.push(event);
  });
  await waitFor(
    async () => (await gate.call('printer.status', {})).scanner?.connected === true,
    10_000,
    'the scanner connected',
  );
  scanner = new SerialPort({ path: pty.device, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    scanner.open((error) => (error === null ? resolve() : reject(error))),
  );
});
afterAll(async () => {
  await new Promise<void>((resolve) => scanner.close(() => resolve()));
  gate.close();
  await pty.kill();
  await server.close();
  removeTempDirs();
});

/** A ticket sold over the HTTP API for a showtime starting within the next days. */
async function soldTicket() {
  const cashier = await server.login('cashier1', DEMO_STAFF_PASSWORD);
  const now = server.clock.now();
  const list = await server.api(
    'GET',
    `/showtimes?from=${new Date(now + 3_600_000).toISOString()}&to=${new Date(now + 3 * 86_400_000).toISOString()}`,
    { token: cashier },
  );
  // The first showtime with a free standard seat (some halls have only premium seats or loveseats).
  for (const showtime of list.body.showtimes as { id: string; startsAt: string }[]) {
    const seats = await server.api('GET', `/showtimes/${showtime.id}/seats`, { token: cashier });
    const seat = (seats.body.seats as { id: string; kind: string; state: string }[]).find(
      (s) => s.kind === 'standard' && s.state === 'free',
    )?.id;
    if (seat !== undefined) return sellSeat(cashier, showtime, seat);
  }
  throw new Error('no showtime with a free standard seat');
}

async function sellSeat(cashier: string, showtime: { id: string; startsAt: string }, seat: string) {
  const details = await server.api('GET', `/showtimes/${showtime.id}`, { token: cashier });
  const adult = details.body.ticketTypes.find((t: any) => t.ticketType.code === 'adult');
  const price = adult.prices.find((p: any) => p.priceClass === 'standard').amount as number;
  const hold = await server.api('POST', '/holds', {
    token: cashier,
    body: { showtimeId: showtime.id, seatIds: [seat] },
  });
  const order = await server.api('POST', '/orders', {
    token: cashier,
    body: {
      id: randomUUID(),
      holdId: hold.body.id,
      lines: [{ seatId: seat, ticketTypeId: adult.ticketType.id }],
      payments: [{ method: 'card', amount: price }],
      expectedTotal: price,
    },
  });
  expect(order.status).toBe(201);
  return { token: order.body.tickets[0].token as string, startsAt: showtime.startsAt };
}

async function scan(line: string): Promise<ScanEvent> {
  const before = scans.length;
  await new Promise<void>((resolve, reject) => {
    scanner.write(line, (error) => (error === null || error === undefined ? resolve() : reject(error)));
  });
  await waitFor(() => scans.length > before, 10_000, 'the scan verdict');
  return scans[before]!;
}

describe('a serial scanner at the door', () => {
  it('admits a sold ticket once its doors are open, and refuses the second scan', async () => {
    const { token, startsAt } = await soldTicket();
    const early = await scan(`${token}\r\n`);
    expect(early.result?.verdict).toBe('too_early');

    // 20 minutes before the start: doors are open, on the server and at the gate.
    server.clock.ms = Date.parse(startsAt) - 20 * 60_000;
    gate.clock.wallMs = server.clock.ms;
    const first = await scan(`${token}\r`);
    expect(first.source).toBe('serial');
    expect(first.result).toMatchObject({ verdict: 'admitted', offline: false });
    // Some scanners end lines with LF only; a code split across reads still makes one line.
    const half = Math.floor(token.length / 2);
    const before = scans.length;
    scanner.write(token.slice(0, half));
    await new Promise((resolve) => setTimeout(resolve, 50));
    scanner.write(`${token.slice(half)}\n`);
    await waitFor(() => scans.length > before, 10_000, 'the second scan');
    expect(scans[before]!.result?.verdict).toBe('already_admitted');
  });

  it('refuses garbage from the line without touching anything', async () => {
    const binary = await scan('\u0001\u0002\u00ff\u00fe\r\n');
    expect(binary.error?.code).toBe('validation_failed');
    const forged = await scan('NOT-A-TICKET\r\n');
    expect(forged.result?.verdict).toBe('invalid');
    expect((await gate.call('terminal.status', {})).connection).toBe('online');
  });
});
