/**
 * What tickets, receipts and shift reports look like on paper: pure functions from a job's data
 * and the printer's profile to ESC/POS bytes, encoded by `@point-of-sale/receipt-printer-encoder`.
 * Same input, same bytes — so tests decode the bytes (`escpos-decode.ts`) and check what a
 * customer would read, on 58 mm (32 columns) and 80 mm (42/48 columns) paper.
 *
 * Language: the terminal's locale, as far as the printer can print it. The encoder only knows
 * single-byte code pages; a printer configured for GB18030 prints Chinese through its Chinese
 * character mode (see `codepages.ts`), any other prints the English texts rather than `????`.
 */
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { ReceiptPrinterEncoderOptions } from '@point-of-sale/receipt-printer-encoder';
import {
  formatAmount,
  formatMoney,
  missingCase,
  qrVersionAtLevelM,
  type Locale,
  type LocalizedText,
  type PaymentMethod,
} from '@marquee/shared';
import {
  asGbText,
  displayWidth,
  charColumns,
  encodeGb18030,
  fitsGb18030,
  fitsSingleByte,
  sanitizeSingleByte,
  type PrinterCodepage,
} from './codepages.ts';
import { CHINESE_MODE_OFF, CHINESE_MODE_ON } from './escpos-commands.ts';
import type { PrintJobData, ReceiptPrint, ShiftReportPrint, TaxRate, TicketPrint } from './print-jobs.ts';

export type PrinterModelId = NonNullable<ReceiptPrinterEncoderOptions['printerModel']>;

export interface PrinterProfile {
  /** Characters per line in font A: 32 on 58 mm paper, 42 or 48 on 80 mm. */
  columns: 32 | 42 | 48;
  /** The encoder's printer model, for its quirks (feed before cut, code page numbers). */
  model?: PrinterModelId | undefined;
  codepage: PrinterCodepage;
}

export interface RenderOptions {
  profile: PrinterProfile;
  locale: Locale;
  /** Printed again on request: marked REPRINT, top and bottom. */
  reprint?: boolean;
  /** When a reprint was made, printed under the mark. */
  printedAt?: string;
}

/** Font A is 12 dots wide on every printer the encoder knows: columns × 12 is the paper width in dots. */
const DOTS_PER_COLUMN = 12;
/** A QR code needs four modules of white around it to scan reliably. */
const QR_QUIET_MODULES = 4;

const LABELS = {
  en: {
    reprint: 'REPRINT',
    reprinted: 'Reprinted',
    hall: 'Hall',
    date: 'Date',
    time: 'Time',
    ticketType: 'Ticket',
    price: 'Price',
    order: 'Order',
    ticket: 'Ticket no.',
    offline: 'Sold offline',
    receipt: 'Receipt',
    terminal: 'Till',
    total: 'Total',
    change: 'Change',
    taxIncluded: 'incl.',
    shiftReport: 'SHIFT REPORT',
    from: 'From',
    to: 'To',
    orders: 'Orders',
    offlineOrders: 'of which offline',
    tickets: 'Tickets',
    changeGiven: 'Change given',
    drawerOpens: 'Drawer opened',
    drawerSale: 'sales',
    drawerManual: 'manual',
    printedAt: 'Printed',
    method: { cash: 'Cash', card: 'Card' } satisfies Record<PaymentMethod, string>,
    seat: (row: string, seat: string) => `Row ${row} Seat ${seat}`,
  },
  'zh-CN': {
    reprint: '重印 REPRINT',
    reprinted: '重印时间',
    hall: '影厅',
    date: '日期',
    time: '时间',
    ticketType: '票种',
    price: '票价',
    order: '订单号',
    ticket: '票号',
    offline: '离线售出',
    receipt: '购票凭证',
    terminal: '收银台',
    total: '合计',
    change: '找零',
    taxIncluded: '含',
    shiftReport: '交班报表',
    from: '开始',
    to: '结束',
    orders: '订单',
    offlineOrders: '其中离线',
    tickets: '票数',
    changeGiven: '找零合计',
    drawerOpens: '开钱箱',
    drawerSale: '销售',
    drawerManual: '手动',
    printedAt: '打印时间',
    method: { cash: '现金', card: '银行卡' } satisfies Record<PaymentMethod, string>,
    seat: (row: string, seat: string) => `${row}排 ${seat}座`,
  },
} as const;

type Labels = (typeof LABELS)[Locale];

const FEATURE_NAMES: Readonly<Record<string, string>> = {
  imax: 'IMAX',
  '3d': '3D',
  'dolby-atmos': 'Dolby Atmos',
  'dolby-cinema': 'Dolby Cinema',
  '4dx': '4DX',
  laser: 'Laser',
};

interface LineOptions {
  align?: 'left' | 'center' | 'right';
  size?: 1 | 2;
  bold?: boolean;
  invert?: boolean;
}

/** One document being laid out: the encoder plus what the printer can print. */
class Sheet {
  readonly enc: ReceiptPrinterEncoder;
  readonly cols: number;
  readonly locale: Locale;
  readonly labels: Labels;
  private readonly singleByte: 'cp437' | 'windows1252';
  private readonly chinese: boolean;

  constructor(options: RenderOptions) {
    const { profile } = options;
    this.cols = profile.columns;
    this.chinese = profile.codepage === 'gb18030';
    // GB18030 printers take single-byte text in their default page, cp437.
    this.singleByte = profile.codepage === 'windows1252' ? 'windows1252' : 'cp437';
    this.locale = options.locale === 'zh-CN' && !this.chinese ? 'en' : options.locale;
    this.labels = LABELS[this.locale];
    this.enc = new ReceiptPrinterEncoder({
      language: 'esc-pos',
      columns: profile.columns,
      ...(profile.model === undefined ? {} : { printerModel: profile.model }),
      // Unknown characters never reach the encoder (see `line`), so nothing can go wrong quietly.
      errors: 'strict',
    });
    this.enc.initialize().codepage(this.singleByte);
  }

  text(localized: LocalizedText): string {
    return localized[this.locale];
  }

  line(text: string, options: LineOptions = {}): void {
    const size = options.size ?? 1;
    const align = options.align ?? 'left';
    if (options.bold === true) this.enc.bold(true);
    if (options.invert === true) this.enc.invert(true);
    if (size !== 1) this.enc.size(size, size);
    if (fitsSingleByte(text, this.singleByte)) {
      this.enc.align(align).line(text).align('left');
    } else if (this.chinese && fitsGb18030(text)) {
      // The encoder cannot measure raw bytes, so Chinese lines are wrapped and aligned here.
      const room = Math.floor(this.cols / size);
      for (const piece of wrapByWidth(asGbText(text), room)) {
        const free = room - displayWidth(piece);
        const pad = align === 'center' ? Math.floor(free / 2) : align === 'right' ? free : 0;
        if (pad > 0) this.enc.text(' '.repeat(pad));
        this.enc.raw([...CHINESE_MODE_ON, ...encodeGb18030(piece), ...CHINESE_MODE_OFF]).newline();
      }
    } else {
      this.enc.align(align).line(sanitizeSingleByte(text, this.singleByte)).align('left');
    }
    if (size !== 1) this.enc.size(1, 1);
    if (options.invert === true) this.enc.invert(false);
    if (options.bold === true) this.enc.bold(false);
  }

  /** Label on the left, value on the right; on two lines when they do not fit on one. */
  pair(label: string, value: string, options: Omit<LineOptions, 'align' | 'size'> = {}): void {
    // Measured as it will print: a Chinese line prints ¥ full width.
    const gb = this.chinese && !fitsSingleByte(`${label} ${value}`, this.singleByte);
    const width = (text: string) => displayWidth(gb ? asGbText(text) : text);
    const gap = this.cols - width(label) - width(value);
    if (gap >= 1) this.line(label + ' '.repeat(gap) + value, options);
    else {
      this.line(label, options);
      this.line(value, { ...options, align: 'right' });
    }
  }

  rule(): void {
    this.enc.rule({ style: 'single' });
  }

  blank(): void {
    this.enc.newline();
  }

  banner(text: string): void {
    this.line(text, { align: 'center', size: 2, bold: true, invert: true });
  }

  money(amount: number, currency: string): string {
    const text = formatMoney({ amount, currency }, this.locale);
    // A sign the printer cannot print (€ in cp437) reads better as the currency code.
    return this.printable(text) ? text : `${formatAmount(amount, currency)} ${currency}`;
  }

  printable(text: string): boolean {
    return fitsSingleByte(text, this.singleByte) || (this.chinese && fitsGb18030(text));
  }

  qr(data: string): void {
    const version = qrVersionAtLevelM(data.length) ?? 12;
    const modules = 17 + 4 * version + 2 * QR_QUIET_MODULES;
    const size = Math.max(3, Math.min(8, Math.floor((this.cols * DOTS_PER_COLUMN) / modules)));
    // ESC/POS has no way to ask for a QR mode: the printer picks the densest one that fits the
    // data, which for a base45 token (only QR alphanumeric characters) is alphanumeric mode.
    this.enc.align('center').qrcode(data, { model: 2, size, errorlevel: 'm' }).align('left');
  }

  date(instant: string, timeZone: string): string {
    return new Intl.DateTimeFormat(this.locale, {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: this.locale === 'en' ? 'short' : 'long',
      day: 'numeric',
    }).format(new Date(instant));
  }

  time(instant: string, timeZone: string): string {
    return new Intl.DateTimeFormat(this.locale, {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(instant));
  }

  /** `2026-11-23 19:30` in every language: short, and nobody reads it as 11 March. */
  dateTime(instant: string, timeZone: string): string {
    const parts = new Intl.DateTimeFormat('en', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(new Date(instant));
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
  }

  reprintMark(options: RenderOptions, timeZone: string): void {
    if (options.reprint !== true) return;
    this.banner(this.labels.reprint);
    if (options.printedAt !== undefined)
      this.line(`${this.labels.reprinted} ${this.dateTime(options.printedAt, timeZone)}`, {
        align: 'center',
      });
  }

  finish(): Uint8Array {
    this.enc.cut('partial');
    return this.enc.encode();
  }
}

/** Greedy wrap by printed width, breaking at spaces where there are any. */
function wrapByWidth(text: string, columns: number): string[] {
  const lines: string[] = [];
  let current = '';
  let width = 0;
  for (const char of text) {
    const w = charColumns(char);
    if (width + w > columns && current !== '') {
      const space = current.lastIndexOf(' ');
      if (space > 0 && char !== ' ') {
        lines.push(current.slice(0, space));
        current = current.slice(space + 1);
        width = displayWidth(current);
      } else {
        lines.push(current.trimEnd());
        current = '';
        width = 0;
      }
      if (char === ' ') continue;
    }
    current += char;
    width += w;
  }
  if (current !== '') lines.push(current);
  return lines;
}

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
