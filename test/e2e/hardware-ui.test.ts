/**
 * Lobby hardware seen from the screens, in real Chromium: a USB hand scanner (a burst of
 * keystrokes ending in Enter) admits a ticket at the gate, and the box office's status bar says the
 * printer is out of paper while a ticket waits, then prints it once when paper is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../support/server.ts';
import {
  removeTempDirs,
  tempDir,
  virtualPrinterOn,
  writeHardwareConfig,
  type Bench,
} from '../hardware/support.ts';
import { waitFor } from '../support/wait.ts';
import {
  buildRenderer,
  en,
  launchChromium,
  openTerminalPage,
  sellAtTill,
  screenshot,
  startE2eServer,
  startTerminal,
  toEnglish,
  type E2eTerminal,
  type TerminalPage,
} from './harness.ts';

let server: TestServer;
let till: E2eTerminal;
let gate: E2eTerminal;
let browser: Browser;
let bench: Bench;
const pages: TerminalPage[] = [];

beforeAll(async () => {
  const rendererDir = await buildRenderer();
  browser = await launchChromium();
  server = await startE2eServer();
  const noLeases = { leasePolicy: { seatsPerShowtime: 0, hoursAhead: 0 } };
  till = await startTerminal(server, rendererDir, 'box_office', noLeases);
  gate = await startTerminal(server, rendererDir, 'gate');
  bench = await virtualPrinterOn(tempDir('marquee-e2e-printer-'), 'till', { png: false });
}, 240_000);

afterAll(async () => {
  for (const { context } of pages) await context.close();
  await browser.close();
  await bench.close();
  await till.close();
  await gate.close();
  await server.close();
  removeTempDirs();
});

describe('lobby hardware on screen', () => {
  it('admits a ticket read by a hand scanner typing into the gate screen', async () => {
    const sale = await sellAtTill(server, till, 1);
    const door = await openTerminalPage(browser, gate);
    pages.push(door);
    const { page } = door;
    await toEnglish(page);
    await page.getByRole('heading', { name: en.scanPrompt }).waitFor();
    // A keyboard-wedge scanner: the whole code within milliseconds, then Enter — no field focused.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.type(sale.tickets[0]!.token, { delay: 2 });
    await page.keyboard.press('Enter');
    await page.locator('.verdict.verdict--go .verdict-title', { hasText: en.verdictAdmitted }).waitFor();
    await screenshot(page, 'gate-hand-scanner');
  });

  it('shows the printer out of paper while a ticket waits, and prints it once when paper is back', async () => {
    writeHardwareConfig(till.dataDir, {
      printer: { path: bench.pty.terminal, baudRate: 115200, columns: 48 },
    });
    const boxOffice = await openTerminalPage(browser, till);
    pages.push(boxOffice);
    const { page } = boxOffice;
    await toEnglish(page);
    const printer = page.getByTestId('printer-status');
    await printer.filter({ hasText: en.printerOnline }).waitFor({ timeout: 15_000 });

    bench.printer.setPaper('out');
    await printer.filter({ hasText: en.printerPaperOut }).waitFor({ timeout: 15_000 });
    const before = bench.printer.pages.length;
    const sale = await sellAtTill(server, till, 1);
    const token = sale.tickets[0]!.token;
    // The ticket and its receipt wait in the queue.
    await printer.filter({ hasText: en.printerQueued(2) }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'box-office-paper-out');
    expect(bench.printer.pages.length).toBe(before);

    bench.printer.setPaper('ok');
    await printer.filter({ hasText: en.printerOnline }).waitFor({ timeout: 15_000 });
    const ticketPages = () => bench.printer.pages.slice(before).filter((p) => p.qrCodes.includes(token));
    await waitFor(() => ticketPages().length > 0, 15_000, 'the waiting ticket printed');
    await page.waitForTimeout(1500);
    // Printed once: paper-out did not make the queue send it twice.
    expect(ticketPages()).toHaveLength(1);
    await printer.filter({ hasNotText: /waiting to print/ }).waitFor({ timeout: 15_000 });
  });
});
