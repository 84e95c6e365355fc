/**
 * One document being laid out for a receipt printer (`layouts.ts` lays tickets, receipts and
 * shift reports out on it): the encoder, the printer's columns and code page, and the labels in
 * the language the printer can print.
 */
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { ReceiptPrinterEncoderOptions } from '@point-of-sale/receipt-printer-encoder';
import {
  formatAmount,
  formatMoney,
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
    method: { cash: 'Cash', card: 'Card', mobile_qr: 'Mobile QR' } satisfies Record<PaymentMethod, string>,
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
    method: { cash: '现金', card: '银行卡', mobile_qr: '扫码支付' } satisfies Record<PaymentMethod, string>,
    seat: (row: string, seat: string) => `${row}排 ${seat}座`,
  },
} as const;

type Labels = (typeof LABELS)[Locale];

interface LineOptions {
  align?: 'left' | 'center' | 'right';
  size?: 1 | 2;
  bold?: boolean;
  invert?: boolean;
}

/** One document being laid out: the encoder plus what the printer can print. */
export class Sheet {
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
    return numericDateTime(instant, timeZone, true);
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

/** `2026-11-23 19:30` (or `11-23 19:30` without the year) in the site's time zone, any language. */
export function numericDateTime(instant: string, timeZone: string, withYear: boolean): string {
  const parts = new Intl.DateTimeFormat('en', {
    timeZone,
    ...(withYear ? { year: 'numeric' } : {}),
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const day = `${part('month')}-${part('day')}`;
  return `${withYear ? `${part('year')}-` : ''}${day} ${part('hour')}:${part('minute')}`;
}
