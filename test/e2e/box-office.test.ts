/**
 * The box office in real Chromium, in browser mode: a cashier sells for cash and gives change,
 * refunds a ticket of a scanned order with a supervisor's sign-off, and watches a seat taken at another till appear on
 * the seat map at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { formatAmount, formatMoney } from '@marquee/shared';
import type { TestServer } from '../support/server.ts';
import {
  boxOfficeShowings,
  buildRenderer,
  checkScreen,
  en,
  expectCleanScreens,
  launchChromium,
  minorUnitsOf,
  openTerminalPage,
  startE2eServer,
  startTerminal,
  toEnglish,
  type E2eTerminal,
  type TerminalPage,
} from './harness.ts';

let server: TestServer;
let till: E2eTerminal;
let otherTill: E2eTerminal;
let browser: Browser;
const pages: TerminalPage[] = [];

beforeAll(async () => {
  const rendererDir = await buildRenderer();
  browser = await launchChromium();
  server = await startE2eServer();
  // No leases: every seat in these tests is sold online.
  const noLeases = { leasePolicy: { seatsPerShowtime: 0, hoursAhead: 0 } };
  till = await startTerminal(server, rendererDir, 'box_office', noLeases);
  otherTill = await startTerminal(server, rendererDir, 'box_office', noLeases);
}, 240_000);

afterAll(async () => {
  for (const { context } of pages) await context.close();
  await browser.close();
  await till.close();
  await otherTill.close();
  await server.close();
});

async function openTill(): Promise<TerminalPage> {
  const opened = await openTerminalPage(browser, till);
  pages.push(opened);
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
    const order = await server.api('GET', `/orders/${code}`, { token: server.adminToken });
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ status: 'paid', total, change: 3750 });
    expect(order.body.payments).toEqual([{ method: 'cash', amount: total, tendered: total + 3750 }]);
    expect(order.body.tickets).toHaveLength(2);
    expectCleanScreens(till1);
  }, 90_000);

  it('refunds one ticket of a scanned order with a supervisor sign-off, and the seat is for sale again', async () => {
    const [show] = await boxOfficeShowings(till);
    const seats = (await till.call('seats.bestAvailable', { showtimeId: show!.id, count: 2 }))!;
    const hold = await till.call('seats.hold', { showtimeId: show!.id, seatIds: seats });
    const types = (await server.api('GET', `/showtimes/${show!.id}`, { token: server.adminToken })).body
      .ticketTypes;
    const adult = types.find((t: any) => t.ticketType.code === 'adult').ticketType.id as string;
    const lines = seats.map((seatId) => ({ seatId, ticketTypeId: adult }));
    const quote = await till.call('order.quote', { showtimeId: show!.id, lines });
    const sale = await till.call('order.sell', {
      holdId: hold.id,
      lines,
      payments: [{ method: 'cash', amount: quote.total }],
    });
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
