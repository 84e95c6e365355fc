/**
 * The terminal killed with SIGKILL while printing (DESIGN §9: a job survives a crash and prints
 * once). The headless terminal (`cli.ts`) runs as a child process printing over a real pty to
 * the virtual printer; it is killed mid-job and started again on the same data dir.
 *
 * What happens then is a decision (see `print-queue.ts`): a job that was queued prints after the
 * restart, once; a job whose bytes had started going out is never printed again by itself — the
 * printer may well have printed it (it keeps what it received) — it is flagged for an operator,
 * who confirms it or reprints it marked REPRINT.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollmentCode } from '../support/enroll.ts';
import { sellBest, showtimesAhead } from '../support/sell.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  killTerminalProcesses,
  startTerminalProcess,
  type TerminalProcess,
} from '../support/terminal-process.ts';
import { adultTicketTypeId } from '../support/test-showtime.ts';
import {
  removeTempDirs,
  requireTool,
  tempDir,
  virtualPrinterOn,
  writeHardwareConfig,
  type Bench,
} from './support.ts';
import { waitFor } from '../support/wait.ts';

let server: TestServer;
let showIndex = 0;
const benches: Bench[] = [];

beforeAll(async () => {
  requireTool('socat', 'socat');
  server = await startTestServer();
});
afterAll(async () => {
  await killTerminalProcesses();
  for (const bench of benches) await bench.close();
  await server.close();
  removeTempDirs();
});

/** A printer on a pty and a terminal configured to print on it, enrolled and online. */
async function setUp(name: string) {
  const dir = tempDir(`marquee-print-crash-${name}-`);
  const printer = await virtualPrinterOn(dir, 'printer', { columns: 32 });
  benches.push(printer);
  const dataDir = join(dir, 'core');
  mkdirSync(dataDir);
  writeHardwareConfig(dataDir, { printer: { path: printer.pty.terminal, baudRate: 115200, columns: 32 } });
  const code = await enrollmentCode(server, 'box_office', {
    name: `till-${name}`,
    leasePolicy: { seatsPerShowtime: 0, hoursAhead: 0 },
  });
  const terminal = await startTerminalProcess(dataDir, { server: server.url, code });
  await waitFor(
    async () => (await terminal.call('terminal.status', {})).connection === 'online',
    15_000,
    'the terminal online',
  );
  await waitFor(
    async () => (await terminal.call('printer.status', {})).printers[0]?.state === 'online',
    15_000,
    'the printer online',
  );
  return { dir, dataDir, printer, terminal };
}

/** Sells one adult seat, by card, of a showtime no other test here uses. */
async function sellOne(terminal: TerminalProcess) {
  const show = (await showtimesAhead(terminal, server.clock.now(), 3))[showIndex++]!;
  const adult = await adultTicketTypeId(server, show.id);
  return (await sellBest(terminal, show.id, adult, 1, { method: 'card' })).sale;
}

async function jobs(terminal: TerminalProcess) {
  return (await terminal.call('print.jobs', {})).sort((a, b) => a.kind.localeCompare(b.kind));
}

describe('the terminal killed with SIGKILL while printing', () => {
  it('flags the ticket that was going out instead of printing a second, unmarked copy; the operator reprints it', async () => {
    const { dataDir, printer, terminal } = await setUp('mid-job');
    // The paper runs out a few lines into the ticket: its bytes are in the printer, unconfirmed.
    printer.printer.paperOutAfterLines(6);
    const sale = await sellOne(terminal);
    await waitFor(
      async () => (await jobs(terminal)).some((j) => j.kind === 'ticket' && j.status === 'printing'),
      10_000,
      'the ticket going out',
    );
    await waitFor(() => printer.printer.state.paper === 'out', 10_000, 'the paper running out');
    await terminal.kill9();

    const restarted = await startTerminalProcess(dataDir);
    const [receipt, ticket] = await jobs(restarted);
    expect(ticket).toMatchObject({ kind: 'ticket', status: 'attention' });
    expect(ticket!.error).toMatch(/interrupted/);
    expect(receipt).toMatchObject({ kind: 'receipt', status: 'queued' });
    expect((await restarted.call('printer.status', {})).queue).toMatchObject({ attention: 1, queued: 1 });

    // New paper: the printer finishes the ticket it was holding, then the receipt prints.
    printer.printer.setPaper('ok');
    await waitFor(() => printer.printer.pages.length === 2, 15_000, 'the held ticket and the receipt');
    await sleep(1500);
    expect(printer.printer.pages).toHaveLength(2);
    expect(printer.printer.pages.flatMap((p) => p.qrCodes)).toEqual([sale.tickets[0]!.token]);
    expect(printer.printer.pages.some((p) => p.text.includes('REPRINT'))).toBe(false);
    expect((await jobs(restarted)).map((j) => j.status)).toEqual(['done', 'attention']);

    // The operator asks for it again: a REPRINT, and the flag is resolved.
    await restarted.call('print.reprint', { jobId: ticket!.id });
    await waitFor(() => printer.printer.pages.length === 3, 10_000, 'the reprint');
    const copy = printer.printer.pages[2]!;
    expect(copy.text).toContain('REPRINT');
    expect(copy.qrCodes).toEqual([sale.tickets[0]!.token]);
    const after = await restarted.call('print.jobs', {});
    expect(after.find((j) => j.id === ticket!.id)?.status).toBe('done');
    expect(after.filter((j) => j.reprint)).toHaveLength(1);
    await restarted.kill9();
  }, 90_000);

  it('prints jobs that were still queued exactly once after the restart', async () => {
    const { dataDir, printer, terminal } = await setUp('queued');
    printer.printer.setCover(true);
    await waitFor(
      async () => (await terminal.call('printer.status', {})).printers[0]?.state === 'cover_open',
      10_000,
      'cover_open status',
    );
    const sale = await sellOne(terminal);
    expect((await jobs(terminal)).map((j) => j.status)).toEqual(['queued', 'queued']);
    await terminal.kill9();

    const restarted = await startTerminalProcess(dataDir);
    expect((await jobs(restarted)).map((j) => j.status)).toEqual(['queued', 'queued']);
    printer.printer.setCover(false);
    await waitFor(() => printer.printer.pages.length === 2, 15_000, 'ticket and receipt');
    await waitFor(async () => (await jobs(restarted)).every((j) => j.status === 'done'), 10_000, 'jobs done');
    await sleep(1000);
    expect(printer.printer.pages).toHaveLength(2);
    expect(printer.printer.pages.flatMap((p) => p.qrCodes)).toEqual([sale.tickets[0]!.token]);
    await restarted.kill9();
  }, 90_000);
});
