/**
 * Offline selling in real Chromium: the sync server stops, the box office keeps selling the seats
 * leased to it (DESIGN §6), and once the server is back the sale is on the server exactly as the
 * cashier made it. The terminal reaches the server through a relay on a fixed port, so the server
 * can be stopped for real and started again (on the same database) elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../desktop/renderer/src/i18n/strings.ts';
import { waitFor } from '../support/wait.ts';
import { checkScreen, expectCleanScreens, salesSeen, toEnglish } from './browser.ts';
import { useE2eWorld } from './fixture.ts';
import { boxOfficeShowings } from './harness.ts';

const world = useE2eWorld(
  { till: { profile: 'box_office', leasePolicy: { seatsPerShowtime: 4, hoursAhead: 12 } } },
  { restartable: true },
);

describe('a box office without its server', () => {
  it('sells leased seats while the server is down, and the server has the sale after it returns', async () => {
    const { till } = world.terminals;
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

    const screen = await world.open(till);
    const { page } = screen;
    await toEnglish(page);
    await page.getByRole('navigation', { name: en.showtimesToday }).getByRole('button').first().waitFor();

    // The server goes away (stopped, not just unreachable).
    await world.stopServer();
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
    await world.startServer();
    await page.getByText(en.connectionOnline, { exact: true }).waitFor({ timeout: 20_000 });
    await page.getByText(en.outboxClear).waitFor({ timeout: 20_000 });
    await checkScreen(screen, 'box-office-back-online');

    const { server } = world;
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
