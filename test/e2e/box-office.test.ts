/**
 * The box office in real Chromium, in browser mode: a cashier sells for cash and gives change,
 * refunds a ticket of a scanned order with a supervisor's sign-off, and watches a seat taken at another till appear on
 * the seat map at once.
 */
import { describe, expect, it } from 'vitest';
import { formatAmount, formatMoney } from '@marquee/shared';
import { en } from '../../desktop/renderer/src/i18n/strings.ts';
import { sellBest } from '../support/sell.ts';
import { adultTicketTypeId } from '../support/test-showtime.ts';
import { checkScreen, expectCleanScreens, minorUnitsOf, toEnglish, type TerminalPage } from './browser.ts';
import { NO_LEASES, useE2eWorld } from './fixture.ts';
import { boxOfficeShowings } from './harness.ts';

const world = useE2eWorld({
  // No leases: every seat in these tests is sold online.
  till: { profile: 'box_office', leasePolicy: NO_LEASES },
  otherTill: { profile: 'box_office', leasePolicy: NO_LEASES },
});

/** The first till's page, in English, once it lists today's showings. */
async function openTill(): Promise<TerminalPage> {
  const opened = await world.open(world.terminals.till);
  await toEnglish(opened.page);
  await opened.page
    .getByRole('navigation', { name: en.showtimesToday })
    .getByRole('button')
    .first()
    .waitFor();
  return opened;
}

const money = (amount: number) => formatMoney({ amount, currency: 'CNY' }, 'en');

describe('the box office', () => {
  it('sells two seats for cash and tells the cashier the change to give', async () => {
    const till1 = await openTill();
    const { page } = till1;
    await checkScreen(till1, 'box-office-start');

    await page.keyboard.press('1');
    await page.getByRole('group', { name: /seat map/i }).waitFor();
    await page.getByRole('button', { name: en.bestAvailable }).click();
    await expect.poll(() => page.locator('[data-seat].seat--selected').count()).toBe(2);
    await checkScreen(till1, 'box-office-seats-chosen');

    await page.getByRole('button', { name: en.holdSeats }).click();
    const cash = page.getByLabel(en.cashReceived);
    await cash.waitFor();
    await expect.poll(() => page.locator('[data-seat].seat--mine').count()).toBe(2);
    const totalText = page.locator('.bo-total strong');
    await expect.poll(() => totalText.textContent()).toMatch(/\d/);
    const total = minorUnitsOf((await totalText.textContent()) ?? '');
    expect(total).toBeGreaterThan(0);

    // The customer hands over the total plus ¥37.50.
    await cash.fill(formatAmount(total + 3750, 'CNY'));
    await page.getByText(`${en.changeDue}: ${money(3750)}`).waitFor();
    await checkScreen(till1, 'box-office-payment');

    await page.getByRole('button', { name: en.completeSale }).click();
    await page.getByRole('heading', { name: en.saleComplete }).waitFor();
    await page.getByText(en.giveChange(money(3750))).waitFor();
    await checkScreen(till1, 'box-office-sale-complete');

    // The server has the order: its prices, the cash tendered, the change.
    const code = (await page.locator('.order-code strong').textContent()) ?? '';
    const { server } = world;
    const order = await server.api('GET', `/orders/${code}`, { token: server.adminToken });
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ status: 'paid', total, change: 3750 });
    expect(order.body.payments).toEqual([{ method: 'cash', amount: total, tendered: total + 3750 }]);
    expect(order.body.tickets).toHaveLength(2);
    expectCleanScreens(till1);
  }, 90_000);

  it('refunds one ticket of a scanned order with a supervisor sign-off, and the seat is for sale again', async () => {
    const { server, terminals } = world;
    const [show] = await boxOfficeShowings(terminals.till);
    const adult = await adultTicketTypeId(server, show!.id);
    const { sale } = await sellBest(terminals.till, show!.id, adult, 2);
    const [refunded, kept] = [sale.tickets[0]!, sale.tickets[1]!];

    const till1 = await openTill();
    const { page } = till1;
    await page.keyboard.press('F2');
    // The cashier scans the customer's ticket (a hand scanner types the QR code's text).
    await page.getByLabel(en.lookupLabel).fill(refunded.token);
    await page.getByRole('button', { name: en.lookupSubmit }).click();
    const order = page.getByRole('region', { name: en.orderTickets });
    await order.waitFor();
    await expect.poll(() => order.getByRole('checkbox').count()).toBe(2);
    await checkScreen(till1, 'box-office-lookup');

    // Each ticket's box is labelled with its seat as printed (`H-17` → `H17`).
    await order.getByRole('checkbox', { name: refunded.seatId.replace('-', ''), exact: true }).check();
    // The supervisor signs the refund off with their own login (demo staff: marquee-demo).
    await page.getByLabel(en.supervisorUser).fill('supervisor');
    await page.getByLabel(en.supervisorPassword).fill('marquee-demo');
    await page.getByRole('button', { name: en.refundTotal(money(refunded.price)) }).click();
    await page.getByText(en.refundDone(money(refunded.price))).waitFor();
    await order.getByText(en.ticketRefunded).waitFor();
    await checkScreen(till1, 'box-office-refunded');

    const after = await server.api('GET', `/orders/${sale.orderId}`, { token: server.adminToken });
    expect(after.body.status).toBe('partially_refunded');
    const seatsNow = await server.api('GET', `/showtimes/${show!.id}/seats`, { token: server.adminToken });
    const state = (id: string) => seatsNow.body.seats.find((s: any) => s.id === id).state;
    expect(state(refunded.seatId)).toBe('free');
    expect(state(kept.seatId)).toBe('sold');
    expectCleanScreens(till1);
  }, 90_000);

  it('repaints the seat map within a second when another till takes a seat', async () => {
    const till1 = await openTill();
    const { page } = till1;
    const { till, otherTill } = world.terminals;
    const showings = await boxOfficeShowings(till);
    const index = 1; // the second showing: the first tests sold from the first one
    const show = showings[index]!;
    await page.keyboard.press(String(index + 1));
    await page.getByRole('group', { name: /seat map/i }).waitFor();
    const [seatId] = (await otherTill.call('seats.bestAvailable', { showtimeId: show.id, count: 1 }))!;
    const seat = page.locator(`[data-seat="${seatId!}"]`);
    await expect.poll(() => seat.getAttribute('class')).toContain('seat--free');

    const taken = Date.now();
    await otherTill.call('seats.hold', { showtimeId: show.id, seatIds: [seatId!] });
    await seat.and(page.locator('.seat--held')).waitFor({ timeout: 1000 });
    const repaintMs = Date.now() - taken;
    expect(repaintMs).toBeLessThan(1000);
    await checkScreen(till1, 'box-office-seat-taken-elsewhere');
    expectCleanScreens(till1);
  }, 90_000);
});
