/**
 * Printing through real serial lines: a real core against a real server, a `socat` pty pair, and
 * the virtual printer on the far end. What the printer printed is read back from its PNG with
 * `zbarimg` and checked against the server's signing key.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyringFrom, publicKeyToB64, qrVersionAtLevelM, verifyTicket } from '@marquee/shared';
import { lineText } from '../../desktop/core/src/printing/escpos-decode.ts';
import { VirtualPrinter } from '../../desktop/core/src/printing/virtual-printer.ts';
import { DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from '../support/server.ts';
import { startCore, type TestCore } from '../support/core.ts';
import { sellBest, showtimesAhead } from '../support/sell.ts';
import {
  ptyPair,
  removeTempDirs,
  requireTool,
  tempDir,
  virtualPrinterOn,
  writeHardwareConfig,
  zbarimg,
  type Bench,
} from './support.ts';
import { waitFor } from '../support/wait.ts';

let server: TestServer;
let showIndex = 0;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  requireTool('socat', 'socat');
  requireTool('zbarimg', 'zbar-tools');
  server = await startTestServer();
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await server.close();
  removeTempDirs();
});

const NO_LEASES = { seatsPerShowtime: 0, hoursAhead: 0 };

/** A box-office core whose data dir has `hardware` as its hardware.json. */
async function till(dir: string, hardware: unknown): Promise<TestCore> {
  const dataDir = join(dir, 'core');
  mkdirSync(dataDir, { recursive: true });
  writeHardwareConfig(dataDir, hardware);
  const core = await startCore(server, 'box_office', { dataDir, leasePolicy: NO_LEASES });
  cleanups.push(() => {
    core.close();
  });
  return core;
}

async function bench(dir: string, name: string, columns = 48): Promise<Bench> {
  const b = await virtualPrinterOn(dir, name, { columns });
  cleanups.push(() => b.close());
  return b;
}

async function printerState(
  core: TestCore,
  role: 'primary' | 'backup' = 'primary',
): Promise<string | undefined> {
  return (await core.call('printer.status', {})).printers.find((p) => p.role === role)?.state;
}

async function jobStates(core: TestCore): Promise<string[]> {
  return (await core.call('print.jobs', {})).map((j) => j.status).sort();
}

/** Sells `count` adult seats of a showtime no other test uses, paid in cash or by card. */
async function sell(core: TestCore, count: number, method: 'cash' | 'card') {
  const show = (await showtimesAhead(core, server.clock.now(), 3))[showIndex++]!;
  const details = (await server.api('GET', `/showtimes/${show.id}`, { token: server.adminToken })).body;
  const adult = details.ticketTypes.find((t: any) => t.ticketType.code === 'adult').ticketType.id as string;
  const { sale } = await sellBest(
    core,
    show.id,
    adult,
    count,
    method === 'cash' ? { method, change: 1000 } : { method },
  );
  return { sale, title: details.movie.titles.en as string, hall: details.hall.name as string };
}

function serverKeyring() {
  const signer = server.ctx.signer;
  return keyringFrom([
    { keyId: signer.keyId, publicKey: publicKeyToB64(signer.publicKey), owner: 'server', revoked: false },
  ]);
}

function qrVersionIn(png: string): number | undefined {
  const image = PNG.sync.read(readFileSync(png));
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.version;
}

describe('a box office printing tickets on a serial printer', () => {
  let dir: string;
  let printer: Bench;
  let core: TestCore;

  beforeAll(async () => {
    dir = tempDir('marquee-printing-');
    printer = await bench(dir, 'printer', 48);
    core = await till(dir, {
      printer: { path: printer.pty.terminal, baudRate: 115200, columns: 48, model: 'epson-tm-t20iii' },
      cashDrawer: { pin: 2 },
      receipt: { footer: ['Enjoy the film'], taxes: [{ label: 'VAT 6%', basisPoints: 600 }] },
    });
    await waitFor(async () => (await printerState(core)) === 'online', 10_000, 'the printer online');
  });

  it('prints each sold ticket with a QR code that zbarimg reads back as a token the server key verifies', async () => {
    const pulsesBefore = printer.printer.pulses.length;
    const { sale, title, hall } = await sell(core, 2, 'cash');
    await waitFor(() => printer.printer.pages.length === 3, 15_000, 'two tickets and a receipt');
    const tickets = printer.printer.pages.filter((p) => p.qrCodes.length === 1);
    expect(tickets).toHaveLength(2);
    for (const sold of sale.tickets) {
      const page = tickets.find((p) => p.qrCodes[0] === sold.token);
      expect(page, `a printed ticket for ${sold.seatId}`).toBeDefined();
      const [scanned] = zbarimg(page!.pngFile!);
      expect(scanned).toBe(sold.token);
      const verdict = verifyTicket(scanned!, serverKeyring());
      expect(verdict.verdict).toBe('valid');
      if (verdict.verdict === 'valid') {
        expect(verdict.payload.ticketId).toBe(sold.id);
        expect(verdict.payload.seatId).toBe(sold.seatId);
      }
      // The printer packs a base45 token in alphanumeric mode: the smallest QR version that holds it.
      expect(qrVersionIn(page!.pngFile!)).toBe(qrVersionAtLevelM(sold.token.length));
      const [row, seat] = sold.seatId.split('-');
      // The site is Chinese but this printer has no Chinese characters: the English title.
      expect(page!.text.replace(/\s+/g, ' ')).toContain(title);
      expect(page!.text).toContain(hall);
      expect(page!.text).toContain(`Row ${row} Seat ${seat}`);
      expect(page!.text).toContain(sale.code!);
    }
    const receipt = printer.printer.pages.find((p) => p.qrCodes.length === 0)!;
    expect(receipt.text).toMatch(/Total\s+¥/);
    expect(receipt.text).toMatch(/incl\. VAT 6%\s+¥/);
    expect(receipt.text).toContain('Enjoy the film');
    // A cash sale opens the drawer, once.
    expect(printer.printer.pulses.length - pulsesBefore).toBe(1);
    await waitFor(async () => (await jobStates(core)).every((s) => s === 'done'), 5000, 'jobs done');
    expect(await jobStates(core)).toEqual(['done', 'done', 'done']);
  });

  it('reprints a ticket on request, marked REPRINT, with the same token', async () => {
    const ticket = (await core.call('print.jobs', {})).find((j) => j.kind === 'ticket')!;
    const before = printer.printer.pages.length;
    const copy = await core.call('print.reprint', { jobId: ticket.id });
    expect(copy.reprint).toBe(true);
    await waitFor(() => printer.printer.pages.length === before + 1, 10_000, 'the reprint');
    const page = printer.printer.pages.at(-1)!;
    expect(page.text.split('\n').filter((l) => l.trim() === 'REPRINT')).toHaveLength(2);
    const original = printer.printer.pages.find((p) => p.qrCodes[0] === page.qrCodes[0] && p !== page);
    expect(original).toBeDefined();
    expect(zbarimg(page.pngFile!)).toEqual(original!.qrCodes);
  });

  it('opens the drawer for a supervisor only, and writes every attempt to the local audit', async () => {
    const pulses = printer.printer.pulses.length;
    const refused = await core.core.handle('drawer.open', {
      reason: 'change for the float',
      supervisor: { username: 'cashier1', password: DEMO_STAFF_PASSWORD },
    });
    expect(refused.ok ? undefined : refused.error.code).toBe('forbidden');
    const wrong = await core.core.handle('drawer.open', {
      reason: 'change for the float',
      supervisor: { username: 'supervisor', password: 'not-the-password' },
    });
    expect(wrong.ok ? undefined : wrong.error.code).toBe('unauthenticated');
    const opened = await core.call('drawer.open', {
      reason: 'change for the float',
      supervisor: { username: 'supervisor', password: DEMO_STAFF_PASSWORD },
    });
    expect(opened.opened).toBe(true);
    await waitFor(() => printer.printer.pulses.length === pulses + 1, 5000, 'the drawer pulse');
    const db = new Database(join(core.dataDir, 'terminal.db'), { readonly: true });
    try {
      const events = db
        .prepare(
          "SELECT kind, actor_name, reason, outcome FROM drawer_events WHERE kind = 'manual' ORDER BY at, rowid",
        )
        .all();
      expect(events).toEqual([
        { kind: 'manual', actor_name: 'cashier1', reason: 'change for the float', outcome: 'refused' },
        { kind: 'manual', actor_name: 'supervisor', reason: 'change for the float', outcome: 'refused' },
        { kind: 'manual', actor_name: opened.by, reason: 'change for the float', outcome: 'opened' },
      ]);
      expect(
        db
          .prepare("SELECT COUNT(*) AS n FROM drawer_events WHERE kind = 'sale' AND outcome = 'opened'")
          .get(),
      ).toEqual({
        n: 1,
      });
    } finally {
      db.close();
    }
  });

  it('prints a shift report of the sales made on this till', async () => {
    const before = printer.printer.pages.length;
    const now = Date.now();
    await core.call('print.shiftReport', {
      from: new Date(now - 3_600_000).toISOString(),
      to: new Date(now + 3_600_000).toISOString(),
    });
    await waitFor(() => printer.printer.pages.length === before + 1, 10_000, 'the shift report');
    const text = printer.printer.pages.at(-1)!.text;
    expect(text).toContain('SHIFT REPORT');
    expect(text).toMatch(/Orders\s+1/);
    expect(text).toMatch(/Tickets\s+2/);
    expect(text).toMatch(/Drawer opened\s+1 sales \/ 1 manual/);
  });
});

describe('a printer that runs out of paper in the middle of the queue', () => {
  it('keeps the jobs waiting, says paper_out, and prints each ticket exactly once when paper is back', async () => {
    const dir = tempDir('marquee-paper-');
    const printer = await bench(dir, 'printer', 32);
    const core = await till(dir, { printer: { path: printer.pty.terminal, baudRate: 115200, columns: 32 } });
    await waitFor(async () => (await printerState(core)) === 'online', 10_000, 'the printer online');
    // The paper runs out a few lines into the second ticket.
    printer.printer.once('page', () => {
      printer.printer.paperOutAfterLines(8);
    });
    const { sale } = await sell(core, 3, 'card');
    await waitFor(async () => (await printerState(core)) === 'paper_out', 10_000, 'paper_out status');
    expect(printer.printer.pages).toHaveLength(1);
    expect(await jobStates(core)).toEqual(['done', 'printing', 'queued', 'queued']);
    // Waiting is not failing: nothing is resent or flagged while the paper is out.
    await sleep(1500);
    expect(printer.printer.pages).toHaveLength(1);
    expect(await jobStates(core)).toEqual(['done', 'printing', 'queued', 'queued']);

    printer.printer.setPaper('ok');
    await waitFor(() => printer.printer.pages.length === 4, 15_000, 'the rest of the queue');
    await waitFor(async () => (await jobStates(core)).every((s) => s === 'done'), 5000, 'jobs done');
    const printed = printer.printer.pages.flatMap((p) => p.qrCodes).sort();
    expect(printed).toEqual(sale.tickets.map((t) => t.token).sort());
    // The ticket cut off by the paper came out whole: the printer finished it from its buffer.
    for (const page of printer.printer.pages.filter((p) => p.qrCodes.length > 0))
      expect(page.text).toContain('Ticket no.');
    expect(printer.printer.pages.some((p) => p.text.includes('REPRINT'))).toBe(false);
    expect((await core.call('print.jobs', {})).map((j) => j.attempts)).toEqual([1, 1, 1, 1]);
    await sleep(1000);
    expect(printer.printer.pages).toHaveLength(4);
  }, 60_000);
});

describe('a pulled printer cable', () => {
  it('shows the printer offline, queues the sale, and prints it once the cable is back', async () => {
    const dir = tempDir('marquee-cable-');
    const first = await virtualPrinterOn(dir, 'printer', { columns: 48 });
    const core = await till(dir, { printer: { path: first.pty.terminal, baudRate: 115200, columns: 48 } });
    await waitFor(async () => (await printerState(core)) === 'online', 10_000, 'the printer online');

    await first.pty.kill();
    await first.printer.close();
    await waitFor(async () => (await printerState(core)) === 'offline', 5000, 'offline status');
    const status = (await core.call('printer.status', {})).printers[0]!;
    expect(['disconnected', 'no_device']).toContain(status.reason);
    expect(status.message).toBeDefined();

    const { sale } = await sell(core, 1, 'card');
    await sleep(500);
    expect(await jobStates(core)).toEqual(['queued', 'queued']);

    // Plugged back in: the same device path reappears.
    const pty = await ptyPair(dir, 'printer');
    const again = await VirtualPrinter.start({ path: pty.device, outDir: join(dir, 'after'), columns: 48 });
    cleanups.push(async () => {
      await again.close();
      await pty.kill();
    });
    await waitFor(() => again.pages.length === 2, 15_000, 'the queued ticket and receipt');
    expect(again.pages.flatMap((p) => p.qrCodes)).toEqual([sale.tickets[0]!.token]);
    await waitFor(async () => (await jobStates(core)).every((s) => s === 'done'), 5000, 'jobs done');
    expect(first.printer.pages).toHaveLength(0);
  }, 60_000);
});

describe('a backup printer', () => {
  it('takes over the queue when the main printer cannot print', async () => {
    const dir = tempDir('marquee-backup-');
    const main = await bench(dir, 'main', 48);
    const backup = await bench(dir, 'backup', 32);
    const core = await till(dir, {
      printer: { path: main.pty.terminal, baudRate: 115200, columns: 48 },
      backupPrinter: { path: backup.pty.terminal, baudRate: 9600, columns: 32 },
      failoverAfterSeconds: 1,
    });
    await waitFor(
      async () =>
        (await printerState(core, 'primary')) === 'online' &&
        (await printerState(core, 'backup')) === 'online',
      10_000,
      'both printers online',
    );
    main.printer.setCover(true);
    await waitFor(async () => (await printerState(core)) === 'cover_open', 5000, 'cover_open status');
    const { sale } = await sell(core, 1, 'card');
    await waitFor(() => backup.printer.pages.length === 2, 15_000, 'the backup printing');
    expect(backup.printer.pages.flatMap((p) => p.qrCodes)).toEqual([sale.tickets[0]!.token]);
    // Laid out for the backup's narrower paper.
    for (const page of backup.printer.pages)
      for (const line of page.page.lines)
        if (line.kind === 'text') expect(lineText(line).trimEnd().length).toBeLessThanOrEqual(32);
    expect((await core.call('print.jobs', {})).map((j) => j.printer)).toEqual(['backup', 'backup']);
    main.printer.setCover(false);
    await sleep(1500);
    expect(main.printer.pages).toHaveLength(0);
  }, 60_000);
});

describe('a terminal whose printer is set up wrong', () => {
  it('says so in the printer status, keeps selling and queues the tickets', async () => {
    const dir = tempDir('marquee-wrong-');
    const core = await till(dir, {
      printer: { path: '/dev/marquee-no-such-printer', baudRate: 9600, columns: 32 },
    });
    const status = await core.call('printer.status', {});
    expect(status.printers[0]).toMatchObject({ state: 'offline', reason: 'no_device' });
    expect(status.printers[0]!.message).toContain('/dev/marquee-no-such-printer');
    const { sale } = await sell(core, 1, 'card');
    expect(sale.tickets).toHaveLength(1);
    expect((await core.call('printer.status', {})).queue).toMatchObject({ queued: 2, printing: 0 });
    expect((await core.call('terminal.status', {})).connection).toBe('online');
  });

  it('reports an unreadable hardware.json as a config error, not a crash', async () => {
    const dir = tempDir('marquee-badconfig-');
    const core = await till(dir, { printer: { path: '/dev/ttyUSB0', baudRate: 9600, columns: 40 } });
    const status = await core.call('printer.status', {});
    expect(status.configured).toBe(true);
    expect(status.configError?.message).toMatch(/printer\.columns/);
    expect(status.printers).toEqual([]);
  });
});
