/**
 * Printing benchmark: how many bytes a ticket is, and how long from a sale being committed to the
 * last byte of its ticket reaching the printer over a 115200-baud line.
 *
 * The line is a real pty pair (`socat`) with the virtual printer on the far end, which paces what
 * it receives to 115200 baud 8N1 (10 bits a byte) — a pty alone is far faster than any serial
 * cable. "Sale" is the commit of the transaction that queues the job (what `sellOffline` and a
 * settled online sale do); "last byte" is the printer processing the ticket's cut; "confirmed" is
 * the queue marking the job done after the printer answered the `GS r` that follows it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyPair, signTicket } from '@marquee/shared';
import { receiptLayout, ticketLayout, type PrinterProfile } from '../../desktop/core/src/printing/layouts.ts';
import type { PrintJobSpec, ReceiptPrint, TicketPrint } from '../../desktop/core/src/printing/print-jobs.ts';
import { enqueuePrintJobs } from '../../desktop/core/src/printing/print-queue.ts';
import { PrinterService } from '../../desktop/core/src/printing/printer-service.ts';
import type { PrintedOutput } from '../../desktop/core/src/printing/virtual-printer.ts';
import { openStore } from '../../desktop/core/src/store.ts';
import { virtualPrinterOn, writeHardwareConfig } from '../hardware/support.ts';
import { waitFor } from '../support/wait.ts';
import { round, summarize } from './stats.ts';

const BAUD = 115200;

export interface PrintingBenchOptions {
  /** Sales measured (one ticket each). */
  samples?: number;
  log?: (message: string) => void;
}

function sampleTicket(): TicketPrint {
  const key = generateSigningKeyPair(new Uint8Array(32).fill(3));
  const ticketId = randomUUID();
  const showtimeId = randomUUID();
  return {
    cinema: 'Marquee Multiplex',
    film: { en: 'Starfall Protocol', 'zh-CN': '星陨协议' },
    rating: 'PG-13',
    hall: 'Hall 2 IMAX',
    features: ['imax'],
    startsAt: '2026-11-23T11:30:00.000Z',
    timeZone: 'Asia/Shanghai',
    seatId: 'F-7',
    ticketType: { en: 'Adult', 'zh-CN': '成人' },
    price: 4500,
    currency: 'CNY',
    orderId: randomUUID(),
    orderCode: 'K7P2Q9XZ',
    ticketId,
    // A real token: its length decides the QR code's size.
    token: signTicket(
      { ticketId, showtimeId, seatId: 'F-7', ticketType: 'adult', keyId: key.keyId, issuedAt: 1_790_000_000 },
      key.privateKey,
    ),
    offline: false,
  };
}

function sampleReceipt(ticket: TicketPrint): ReceiptPrint {
  return {
    cinema: ticket.cinema,
    terminal: 'Till 1',
    header: [],
    footer: [],
    orderId: ticket.orderId,
    orderCode: 'K7P2Q9XZ',
    soldAt: '2026-11-23T10:00:00.000Z',
    timeZone: ticket.timeZone,
    currency: 'CNY',
    film: ticket.film,
    hall: ticket.hall,
    startsAt: ticket.startsAt,
    lines: [{ seatId: 'F-7', ticketType: ticket.ticketType, price: 4500 }],
    total: 4500,
    payments: [{ method: 'cash', amount: 4500, tendered: 5000 }],
    change: 500,
    taxes: [],
    offline: false,
  };
}

/** Wire time of `bytes` at 115200 baud, 8N1. */
const wireMs = (bytes: number): number => round(((bytes * 10) / BAUD) * 1000, 1);

export async function runPrintingBench(options: PrintingBenchOptions = {}) {
  const log = options.log ?? (() => undefined);
  const samples = options.samples ?? 30;
  const ticket = sampleTicket();
  const size = (profile: PrinterProfile, locale: 'en' | 'zh-CN' = 'en') =>
    ticketLayout(ticket, { profile, locale }).length;
  const bytes = {
    ticket32: size({ columns: 32, codepage: 'cp437' }),
    ticket48: size({ columns: 48, codepage: 'cp437' }),
    ticket48Chinese: size({ columns: 48, codepage: 'gb18030' }, 'zh-CN'),
    receipt48: receiptLayout(sampleReceipt(ticket), {
      profile: { columns: 48, codepage: 'cp437' },
      locale: 'en',
    }).length,
    tokenChars: ticket.token.length,
  };

  const dir = mkdtempSync(join(tmpdir(), 'marquee-bench-printing-'));
  const printer = await virtualPrinterOn(dir, 'printer', { columns: 48, simulateBaud: BAUD, png: false });
  writeHardwareConfig(dir, { printer: { path: printer.pty.terminal, baudRate: BAUD, columns: 48 } });
  const db = openStore(join(dir, 'terminal.db'));
  const service = new PrinterService({
    db,
    dataDir: dir,
    replica: { get: () => undefined, all: () => [] },
    wall: Date.now,
    terminal: () => ({ name: 'Till 1' }),
  });
  try {
    service.start();
    await waitFor(() => service.status().printers[0]?.state === 'online', 10_000, 'the printer online');
    log(`printing: ${samples} sales of one ticket at ${BAUD} baud`);
    const toLastByte: number[] = [];
    const toConfirmed: number[] = [];
    for (let i = 0; i < samples; i++) {
      const job: PrintJobSpec = {
        id: randomUUID(),
        kind: 'ticket',
        dedupeKey: `ticket:${randomUUID()}`,
        payload: { ...ticket, ticketId: randomUUID() },
        summary: 'bench ticket',
      };
      const page = new Promise<PrintedOutput>((resolve) => printer.printer.once('page', resolve));
      const started = performance.now();
      db.transaction(() => enqueuePrintJobs(db, [job]))();
      service.notify();
      const printed = await page;
      toLastByte.push(printed.at - started);
      await waitFor(() => service.status().queue.printing === 0, 10_000, 'the job confirmed');
      toConfirmed.push(performance.now() - started);
    }
    const saleToLastByte = summarize(toLastByte);
    // What the line itself costs, and what the terminal adds (queue, layout, confirmation of the
    // previous state): the target is for the latter to stay well under the wire time.
    const overheadMs = round(saleToLastByte.p50Ms - wireMs(bytes.ticket48), 1);
    const target = { saleToLastByteP99Ms: 250 };
    return {
      bytes,
      wireMsAt115200: { ticket32: wireMs(bytes.ticket32), ticket48: wireMs(bytes.ticket48) },
      saleToLastByte,
      saleToConfirmed: summarize(toConfirmed),
      terminalOverheadP50Ms: overheadMs,
      target,
      met: saleToLastByte.p99Ms < target.saleToLastByteP99Ms,
    };
  } finally {
    await service.close();
    await printer.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
