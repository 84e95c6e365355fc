/**
 * What tickets, receipts and shift reports look like on paper: pure functions from a job's data
 * and the printer's profile to ESC/POS bytes, encoded by `@point-of-sale/receipt-printer-encoder`.
 * Same input, same bytes — so tests decode the bytes (`escpos-decode.ts`) and check what a
 * customer would read, on 58 mm (32 columns) and 80 mm (42/48 columns) paper.
 *
 * Language: the terminal's locale, as far as the printer can print it. The encoder only knows
 * single-byte code pages; a printer configured for GB18030 prints Chinese through its Chinese
 * character mode (see `codepages.ts`), any other prints the English texts rather than `????`.
 * The page itself (encoder, columns, labels) is `sheet.ts`.
 */
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { missingCase } from '@marquee/shared';
import { displayWidth } from './codepages.ts';
import type { PrintJobData, ReceiptPrint, ShiftReportPrint, TaxRate, TicketPrint } from './print-jobs.ts';
import { Sheet, type PrinterModelId, type PrinterProfile, type RenderOptions } from './sheet.ts';

export type { PrinterModelId, PrinterProfile, RenderOptions } from './sheet.ts';

const FEATURE_NAMES: Readonly<Record<string, string>> = {
  imax: 'IMAX',
  '3d': '3D',
  'dolby-atmos': 'Dolby Atmos',
  'dolby-cinema': 'Dolby Cinema',
  '4dx': '4DX',
  laser: 'Laser',
};

/** The first 8 hex digits of an id, upper case: enough for a person to match a ticket. */
function shortId(id: string): string {
  return id.replace(/-/g, '').slice(0, 8).toUpperCase();
}

/** Tax contained in a tax-inclusive amount, rounded half up to a minor unit. */
export function includedTax(total: number, basisPoints: number): number {
  const numerator = BigInt(total) * BigInt(basisPoints) * 2n + BigInt(10_000 + basisPoints);
  return Number(numerator / (2n * BigInt(10_000 + basisPoints)));
}

function taxLines(sheet: Sheet, total: number, currency: string, taxes: readonly TaxRate[]): void {
  for (const tax of taxes)
    sheet.pair(
      `${sheet.labels.taxIncluded} ${tax.label}`,
      sheet.money(includedTax(total, tax.basisPoints), currency),
    );
}

// ---------------------------------------------------------------------------------------------

export function ticketLayout(ticket: TicketPrint, options: RenderOptions): Uint8Array {
  const sheet = new Sheet(options);
  const L = sheet.labels;
  sheet.reprintMark(options, ticket.timeZone);
  sheet.line(ticket.cinema, { align: 'center', bold: true });
  sheet.rule();
  const title = sheet.text(ticket.film);
  // Double size when the title fits on two lines that way; long titles stay readable at normal size.
  sheet.line(title, { align: 'center', bold: true, size: displayWidth(title) <= sheet.cols ? 2 : 1 });
  const tags = [ticket.rating, ...ticket.features.map((f) => FEATURE_NAMES[f] ?? f)].filter(
    (t): t is string => t !== undefined && t !== '',
  );
  if (tags.length > 0) sheet.line(tags.join(' · '), { align: 'center' });
  sheet.rule();
  sheet.pair(L.date, sheet.date(ticket.startsAt, ticket.timeZone));
  sheet.pair(L.time, sheet.time(ticket.startsAt, ticket.timeZone), { bold: true });
  sheet.pair(L.hall, ticket.hall);
  sheet.blank();
  const [row = '', seat = ''] = ticket.seatId.split('-');
  sheet.line(L.seat(row, seat), { align: 'center', size: 2, bold: true });
  sheet.blank();
  sheet.pair(L.ticketType, sheet.text(ticket.ticketType));
  sheet.pair(L.price, sheet.money(ticket.price, ticket.currency));
  sheet.pair(L.order, ticket.orderCode ?? shortId(ticket.orderId));
  sheet.rule();
  sheet.qr(ticket.token);
  sheet.line(`${L.ticket} ${shortId(ticket.ticketId)}`, { align: 'center' });
  if (ticket.offline) sheet.line(L.offline, { align: 'center' });
  sheet.reprintMark(options, ticket.timeZone);
  return sheet.finish();
}

export function receiptLayout(receipt: ReceiptPrint, options: RenderOptions): Uint8Array {
  const sheet = new Sheet(options);
  const L = sheet.labels;
  sheet.reprintMark(options, receipt.timeZone);
  sheet.line(receipt.cinema, { align: 'center', bold: true });
  for (const header of receipt.header) sheet.line(header, { align: 'center' });
  sheet.line(L.receipt, { align: 'center' });
  sheet.rule();
  sheet.pair(L.order, receipt.orderCode ?? shortId(receipt.orderId));
  sheet.pair(L.date, sheet.dateTime(receipt.soldAt, receipt.timeZone));
  if (receipt.terminal !== undefined) sheet.pair(L.terminal, receipt.terminal);
  sheet.rule();
  if (receipt.film !== undefined) sheet.line(sheet.text(receipt.film), { bold: true });
  if (receipt.startsAt !== undefined) {
    const when = sheet.dateTime(receipt.startsAt, receipt.timeZone);
    sheet.line(receipt.hall === undefined ? when : `${receipt.hall} · ${when}`);
  }
  for (const line of receipt.lines) {
    const [row = '', seat = ''] = line.seatId.split('-');
    sheet.pair(
      `${sheet.text(line.ticketType)} ${L.seat(row, seat)}`,
      sheet.money(line.price, receipt.currency),
    );
  }
  sheet.rule();
  sheet.pair(L.total, sheet.money(receipt.total, receipt.currency), { bold: true });
  taxLines(sheet, receipt.total, receipt.currency, receipt.taxes);
  for (const payment of receipt.payments)
    sheet.pair(L.method[payment.method], sheet.money(payment.tendered ?? payment.amount, receipt.currency));
  if (receipt.change > 0) sheet.pair(L.change, sheet.money(receipt.change, receipt.currency), { bold: true });
  if (receipt.offline) sheet.line(L.offline, { align: 'center' });
  if (receipt.footer.length > 0) {
    sheet.rule();
    for (const footer of receipt.footer) sheet.line(footer, { align: 'center' });
  }
  sheet.reprintMark(options, receipt.timeZone);
  return sheet.finish();
}

export function shiftReportLayout(report: ShiftReportPrint, options: RenderOptions): Uint8Array {
  const sheet = new Sheet(options);
  const L = sheet.labels;
  sheet.reprintMark(options, report.timeZone);
  sheet.line(report.cinema, { align: 'center', bold: true });
  sheet.line(L.shiftReport, { align: 'center', bold: true, size: 2 });
  if (report.terminal !== undefined) sheet.line(report.terminal, { align: 'center' });
  sheet.rule();
  sheet.pair(L.from, sheet.dateTime(report.from, report.timeZone));
  sheet.pair(L.to, sheet.dateTime(report.to, report.timeZone));
  sheet.rule();
  sheet.pair(L.orders, String(report.orders));
  if (report.offlineOrders > 0) sheet.pair(`  ${L.offlineOrders}`, String(report.offlineOrders));
  sheet.pair(L.tickets, String(report.tickets));
  sheet.rule();
  for (const payment of report.payments)
    sheet.pair(
      `${L.method[payment.method]} (${payment.count})`,
      sheet.money(payment.amount, report.currency),
    );
  sheet.pair(L.total, sheet.money(report.total, report.currency), { bold: true });
  taxLines(sheet, report.total, report.currency, report.taxes);
  sheet.pair(L.changeGiven, sheet.money(report.changeGiven, report.currency));
  sheet.pair(
    L.drawerOpens,
    `${report.drawerOpens.sale} ${L.drawerSale} / ${report.drawerOpens.manual} ${L.drawerManual}`,
  );
  sheet.rule();
  sheet.pair(L.printedAt, sheet.dateTime(report.printedAt, report.timeZone));
  sheet.reprintMark(options, report.timeZone);
  return sheet.finish();
}

export function renderJob(job: PrintJobData, options: RenderOptions): Uint8Array {
  switch (job.kind) {
    case 'ticket':
      return ticketLayout(job.payload, options);
    case 'receipt':
      return receiptLayout(job.payload, options);
    case 'shift_report':
      return shiftReportLayout(job.payload, options);
    default:
      return missingCase(job);
  }
}

/** The cash drawer kick: a pulse on connector pin 2 or 5, through the printer. */
export function drawerKick(profile: PrinterProfile, pin: 2 | 5, pulseMs: number): Uint8Array {
  const enc = new ReceiptPrinterEncoder({
    language: 'esc-pos',
    columns: profile.columns,
    ...(profile.model === undefined ? {} : { printerModel: profile.model }),
  });
  return enc.pulse(pin === 5 ? 1 : 0, pulseMs, pulseMs * 5).encode();
}

/** Whether the encoder knows this model, speaks ESC/POS to it, and it can print QR codes. */
export function checkPrinterModel(model: string): string | undefined {
  const known = ReceiptPrinterEncoder.printerModels.some((m) => m.id === model);
  if (!known) return `unknown printer model "${model}"`;
  const encoder = new ReceiptPrinterEncoder({ printerModel: model as PrinterModelId });
  if (encoder.language !== 'esc-pos') return `printer model "${model}" does not speak ESC/POS`;
  const capabilities = encoder.printerCapabilities as { qrcode?: { supported?: boolean } };
  if (capabilities.qrcode?.supported === false) return `printer model "${model}" cannot print QR codes`;
  return undefined;
}
