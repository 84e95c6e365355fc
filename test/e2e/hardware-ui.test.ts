/**
 * Lobby hardware seen from the screens, in real Chromium: a USB hand scanner (a burst of
 * keystrokes ending in Enter) admits a ticket at the gate, and the box office's status bar says the
 * printer is out of paper while a ticket waits, then prints it once when paper is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en } from '../../desktop/renderer/src/i18n/strings.ts';
import {
  removeTempDirs,
  tempDir,
  virtualPrinterOn,
  writeHardwareConfig,
  type Bench,
} from '../hardware/support.ts';
import { waitFor } from '../support/wait.ts';
import { screenshot, toEnglish } from './browser.ts';
import { NO_LEASES, useE2eWorld } from './fixture.ts';
import { sellAtTill } from './harness.ts';

const world = useE2eWorld({
  till: { profile: 'box_office', leasePolicy: NO_LEASES },
  gate: { profile: 'gate' },
});
let bench: Bench;
beforeAll(async () => {
  bench = await virtualPrinterOn(tempDir('marquee-e2e-printer-'), 'till', { png: false });
});
afterAll(async () => {
  await bench.close();
  removeTempDirs();
});

describe('lobby hardware on screen', () => {
  it('admits a ticket read by a hand scanner typing into the gate screen', async () => {
    const sale = await sellAtTill(world.server, world.terminals.till, 1);
    const door = await world.open(world.terminals.gate);
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
    const { till } = world.terminals;
    writeHardwareConfig(till.dataDir, {
      printer: { path: bench.pty.terminal, baudRate: 115200, columns: 48 },
    });
    const boxOffice = await world.open(till);
    const { page } = boxOffice;
    await toEnglish(page);
    const printer = page.getByTestId('printer-status');
    await printer.filter({ hasText: en.printerOnline }).waitFor({ timeout: 15_000 });

    bench.printer.setPaper('out');
    await printer.filter({ hasText: en.printerPaperOut }).waitFor({ timeout: 15_000 });
    const before = bench.printer.pages.length;
    const sale = await sellAtTill(world.server, till, 1);
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
