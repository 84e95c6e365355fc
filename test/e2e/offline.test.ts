/**
 * Offline selling in real Chromium: the sync server stops, the box office keeps selling the seats
 * leased to it (DESIGN §6), and once the server is back the sale is on the server exactly as the
 * cashier made it. The terminal reaches the server through a relay on a fixed port, so the server
 * can be stopped for real and started again (on the same database) elsewhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { TestServer } from '../support/server.ts';
import {
  boxOfficeShowings,
  buildRenderer,
  checkScreen,
  en,
  expectCleanScreens,
  launchChromium,
  openTerminalPage,
  Relay,
  salesSeen,
  startE2eServer,
  startTerminal,
  toEnglish,
  type E2eTerminal,
  type TerminalPage,
} from './harness.ts';
import { waitFor } from '../support/wait.ts';

const serverDir = mkdtempSync(join(tmpdir(), 'marquee-e2e-offline-server-'));
let server: TestServer | undefined;
let relay: Relay;
let till: E2eTerminal;
let browser: Browser;
let screen: TerminalPage | undefined;

beforeAll(async () => {
  const rendererDir = await buildRenderer();
  browser = await launchChromium();
  server = await startE2eServer({ dataDir: serverDir });
  relay = await Relay.start(Number(new URL(server.url).port));
  till = await startTerminal(server, rendererDir, 'box_office', {
    serverUrl: relay.url,
    leasePolicy: { seatsPerShowtime: 4, hoursAhead: 12 },
  });
}, 240_000);

afterAll(async () => {
  await screen?.context.close();
  await browser.close();
  await till.close();
  await relay.close();
  await server?.close();
  rmSync(serverDir, { recursive: true, force: true });
});

describe('a box office without its server', () => {
  it('sells leased seats while the server is down, and the server has the sale after it returns', async () => {
    await waitFor(() => till.core.status().leaseSeatsLeft >= 4, 20_000, 'leases granted');
    // The first showing on the till's list with seats leased to this till.
    const showings = (await boxOfficeShowings(till)).slice(0, 9);
    let index = -1;
    let leased: string[] = [];
    for (const [i, show] of showings.entries()) {
      const map = await till.call('seatmap.get', { showtimeId: show.id });
      leased = map.seats.filter((s) => s.mine && s.state === 'leased').map((s) => s.id);
      if (leased.length >= 2) {
        index = i;
        break;
      }
    }
    expect(index, 'a showing on the number keys with two seats leased to this till').toBeGreaterThanOrEqual(
      0,
    );
    const show = showings[index]!;
    const seats = leased.slice(0, 2);

    screen = await openTerminalPage(browser, till);
    const { page } = screen;
    await toEnglish(page);
    await page.getByRole('navigation', { name: en.showtimesToday }).getByRole('button').first().waitFor();

    // The server goes away (stopped, not just unreachable).
    await server!.close();
    server = undefined;
    relay.retarget(undefined);
    await page.getByText(en.connectionOffline, { exact: true }).waitFor({ timeout: 15_000 });
    await checkScreen(screen, 'box-office-offline');

    await page.keyboard.press(String(index + 1));
    await page.getByRole('group', { name: /seat map/i }).waitFor();
    for (const seatId of seats) await page.locator(`[data-seat="${seatId}"]`).click();
    await expect.poll(() => page.locator('[data-seat].seat--selected').count()).toBe(2);
    await checkScreen(screen, 'box-office-offline-seats');
    await page.getByRole('button', { name: en.holdSeats }).click();
    await page.getByLabel(en.cashReceived).waitFor();
    await expect.poll(() => page.locator('.bo-total strong').textContent()).toMatch(/\d/);
    await page.getByRole('button', { name: en.completeSale }).click();
    await page.getByRole('heading', { name: en.saleComplete }).waitFor();
    await page.getByText(en.soldOffline).waitFor();
    await checkScreen(screen, 'box-office-offline-sold');
    const [sale] = salesSeen(screen);
    expect(sale?.offline).toBe(true);
    expect(sale?.tickets.map((t) => t.seatId).sort()).toEqual([...seats].sort());

    // The server comes back on the same database; the till reconnects and sends the sale.
    server = await startE2eServer({ dataDir: serverDir });
    relay.retarget(Number(new URL(server.url).port));
    await page.getByText(en.connectionOnline, { exact: true }).waitFor({ timeout: 20_000 });
    await page.getByText(en.outboxClear).waitFor({ timeout: 20_000 });
    await checkScreen(screen, 'box-office-back-online');

    const order = await server.api('GET', `/orders/${sale!.orderId}`, { token: server.adminToken });
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ status: 'paid', total: sale!.total });
    expect(order.body.tickets.map((t: { seatId: string }) => t.seatId).sort()).toEqual([...seats].sort());
    const seatMap = await server.api('GET', `/showtimes/${show.id}/seats`, { token: server.adminToken });
    for (const seatId of seats) {
      expect(seatMap.body.seats.find((s: { id: string }) => s.id === seatId).state).toBe('sold');
    }
    expectCleanScreens(screen);
  }, 150_000);
});
