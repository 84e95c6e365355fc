/**
 * The self-service kiosk in real Chromium: a customer goes from the attract screen through film,
 * time, party, seats, summary and (simulated) card payment to their tickets, and the kiosk is
 * ready for the next customer. The sale is on the server, at the server's prices.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../desktop/renderer/src/i18n/strings.ts';
import { checkScreen, expectCleanScreens, salesSeen, toEnglish } from './browser.ts';
import { NO_LEASES, useE2eWorld } from './fixture.ts';

const world = useE2eWorld({ kiosk: { profile: 'kiosk', leasePolicy: NO_LEASES } });

describe('the kiosk', () => {
  it('sells two adult tickets from the attract screen to "enjoy the film", then waits for the next customer', async () => {
    // A portrait touch screen, as kiosks are mounted.
    const screen = await world.open(world.terminals.kiosk, { viewport: { width: 1080, height: 1600 } });
    const { page } = screen;
    const title = (text: string) => page.getByRole('heading', { level: 1, name: text });
    await page.getByRole('button', { name: /Buy tickets|购票/ }).waitFor();
    await toEnglish(page);
    await checkScreen(screen, 'kiosk-attract');

    await page.getByRole('button', { name: en.buyTickets }).click();
    await title(en.chooseFilm).waitFor();
    await checkScreen(screen, 'kiosk-film');
    await page.locator('.film-card').first().click();

    await title(en.chooseShowtime).waitFor();
    await checkScreen(screen, 'kiosk-showtime');
    await page.locator('.showtime-tile:not([disabled])').first().click();

    await title(en.partyTitle).waitFor();
    const addAdult = page.getByRole('button', { name: en.addOne('Adult') });
    await addAdult.click();
    await addAdult.click();
    await page.getByText(en.ticketCount(2)).waitFor();
    await checkScreen(screen, 'kiosk-party');
    await page.getByRole('button', { name: en.continueLabel }).click();

    await title(en.chooseSeatsTitle).waitFor();
    await page.getByRole('button', { name: en.bestAvailable }).click();
    await page.getByText(en.seatsChosen(2, 2)).waitFor();
    const seatIds = await Promise.all(
      (await page.locator('[data-seat].seat--selected').all()).map((seat) => seat.getAttribute('data-seat')),
    );
    expect(seatIds).toHaveLength(2);
    await checkScreen(screen, 'kiosk-seats');
    await page.getByRole('button', { name: en.continueLabel }).click();

    await title(en.summaryTitle).waitFor();
    await checkScreen(screen, 'kiosk-summary');
    await page.getByRole('button', { name: en.pay, exact: true }).click();

    await title(en.payTitle).waitFor();
    await checkScreen(screen, 'kiosk-payment');
    await page.getByRole('button', { name: en.simulateApprove }).click();

    await title(en.printingTitle).waitFor();
    await checkScreen(screen, 'kiosk-tickets');
    await page.getByRole('button', { name: en.finish }).click();

    await title(en.doneTitle).waitFor();
    await checkScreen(screen, 'kiosk-done');
    await page.getByRole('button', { name: en.finish }).click();
    // Ready for the next customer, in the site's own language again.
    await page.getByRole('button', { name: /Buy tickets|购票/ }).waitFor();

    // The sale the core answered over the bridge is on the server, as paid, at the server's prices.
    const sales = salesSeen(screen);
    expect(sales).toHaveLength(1);
    const sale = sales[0]!;
    expect(sale.offline).toBe(false);
    const { server } = world;
    const order = await server.api('GET', `/orders/${sale.orderId}`, { token: server.adminToken });
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ status: 'paid', total: sale.total });
    expect(order.body.payments[0].method).toBe('card');
    expect(order.body.tickets.map((t: { seatId: string }) => t.seatId).sort()).toEqual([...seatIds].sort());
    expectCleanScreens(screen);
  }, 120_000);
});
