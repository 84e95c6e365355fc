import { describe, expect, it } from 'vitest';
import { generateSigningKeyPair, signTicket } from '@marquee/shared';
import { displayWidth } from './codepages.ts';
import { decodeEscPos, lineText, pageQrCodes, pageText, type PrintedPage } from './escpos-decode.ts';
import {
  drawerKick,
  includedTax,
  receiptLayout,
  shiftReportLayout,
  ticketLayout,
  type PrinterProfile,
} from './layouts.ts';
import type { ReceiptPrint, ShiftReportPrint, TicketPrint } from './print-jobs.ts';

const key = generateSigningKeyPair(new Uint8Array(32).fill(7));
const token = signTicket(
  {
    ticketId: '9e8d7c6b-1111-4222-8333-444455556666',
    showtimeId: '3f2a9c1b-1111-4222-8333-444455556666',
    seatId: 'F-7',
    ticketType: 'adult',
    keyId: key.keyId,
    issuedAt: 1_790_000_000,
  },
  key.privateKey,
);

function buildTicket(overrides: Partial<TicketPrint> = {}): TicketPrint {
  return {
    cinema: 'Marquee Multiplex',
    film: { en: 'Starfall Protocol', 'zh-CN': '星陨协议' },
    rating: 'PG-13',
    hall: 'Hall 2 IMAX',
    features: ['imax'],
    startsAt: '2026-11-23T11:30:00.000Z',
    timeZone: 'Asia/Shanghai',
    seatId: 'F-7',
    ticketType: { en: 'Adult', 'zh-CN': '成人' },
    price: 4500,
    currency: 'CNY',
    orderId: '3f2a9c1b-aaaa-4222-8333-444455556666',
    orderCode: 'K7P2Q9XZ',
    ticketId: '9e8d7c6b-1111-4222-8333-444455556666',
    token,
    offline: false,
    ...overrides,
  };
}

function buildReceipt(overrides: Partial<ReceiptPrint> = {}): ReceiptPrint {
  return {
    cinema: 'Marquee Multiplex',
    terminal: 'Till 1',
    header: ['1 Cinema Road'],
    footer: ['Thank you for coming'],
    orderId: '3f2a9c1b-aaaa-4222-8333-444455556666',
    orderCode: 'K7P2Q9XZ',
    soldAt: '2026-11-23T10:00:00.000Z',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    film: { en: 'Starfall Protocol', 'zh-CN': '星陨协议' },
    hall: 'Hall 2 IMAX',
    startsAt: '2026-11-23T11:30:00.000Z',
    lines: [
      { seatId: 'F-7', ticketType: { en: 'Adult', 'zh-CN': '成人' }, price: 4500 },
      { seatId: 'F-8', ticketType: { en: 'Child', 'zh-CN': '儿童' }, price: 3000 },
    ],
    total: 7500,
    payments: [{ method: 'cash', amount: 7500, tendered: 10000 }],
    change: 2500,
    taxes: [],
    offline: false,
    ...overrides,
  };
}

const PAPERS: readonly PrinterProfile[] = [
  { columns: 32, codepage: 'cp437' },
  { columns: 42, codepage: 'cp437', model: 'epson-tm-t88v' },
  { columns: 48, codepage: 'cp437', model: 'epson-tm-t20iii' },
];

function onePage(bytes: Uint8Array): PrintedPage {
  const decoded = decodeEscPos(bytes);
  expect(decoded.pages).toHaveLength(1);
  expect(decoded.incomplete).toBe(0);
  expect(decoded.ops.filter((op) => op.op === 'unknown')).toEqual([]);
  return decoded.pages[0]!;
}

/** Printed width of every text line, in font A columns (double width counts twice). */
function widths(page: PrintedPage): number[] {
  return page.lines.flatMap((line) =>
    line.kind === 'text'
      ? [line.segments.reduce((sum, s) => sum + displayWidth(s.text) * s.style.width, 0)]
      : [],
  );
}

describe('the ticket layout', () => {
  for (const profile of PAPERS) {
    it(`prints everything a door and a customer need on ${profile.columns}-column paper, within the paper`, () => {
      const page = onePage(ticketLayout(buildTicket(), { profile, locale: 'en' }));
      const text = pageText(page);
      expect(text).toContain('Marquee Multiplex');
      expect(text).toMatch(/Starfall\s+Protocol/);
      expect(text).toContain('Hall 2 IMAX');
      expect(text).toContain('Mon, Nov 23, 2026');
      // 11:30 UTC is 19:30 in Shanghai: the site's time, not the server's.
      expect(text).toContain('19:30');
      expect(text).toContain('Row F Seat 7');
      expect(text).toContain('Adult');
      expect(text).toContain('¥45.00');
      expect(text).toContain('K7P2Q9XZ');
      expect(text).not.toContain('REPRINT');
      expect(pageQrCodes(page)).toEqual([token]);
      expect(Math.max(...widths(page))).toBeLessThanOrEqual(profile.columns);
      expect(page.cut).toBe(true);
    });
  }

  it('sizes the QR code to the paper: smaller modules on 58 mm, bigger on 80 mm, always inside', () => {
    const qr = (profile: PrinterProfile) => {
      const line = onePage(ticketLayout(buildTicket(), { profile, locale: 'en' })).lines.find(
        (l) => l.kind === 'qr',
      );
      if (line?.kind !== 'qr') throw new Error('no QR code');
      return line;
    };
    const narrow = qr({ columns: 32, codepage: 'cp437' });
    const wide = qr({ columns: 48, codepage: 'cp437' });
    expect(narrow.errorLevel).toBe('M');
    expect(narrow.size).toBeLessThan(wide.size);
    // Version 7 (45 modules) plus the quiet zone fits 384 dots at 58 mm.
    expect((45 + 8) * narrow.size).toBeLessThanOrEqual(32 * 12);
    expect((45 + 8) * wide.size).toBeLessThanOrEqual(48 * 12);
  });

  it('marks a reprint at the top and the bottom, with when it was reprinted', () => {
    const page = onePage(
      ticketLayout(buildTicket(), {
        profile: PAPERS[0]!,
        locale: 'en',
        reprint: true,
        printedAt: '2026-11-23T12:05:00.000Z',
      }),
    );
    const lines = page.lines.map(lineText).map((l) => l.trim());
    expect(lines[0]).toBe('REPRINT');
    expect(lines.filter((l) => l === 'REPRINT')).toHaveLength(2);
    expect(pageText(page)).toContain('Reprinted 2026-11-23 20:05');
    const banner = page.lines[0];
    expect(
      banner?.kind === 'text' && banner.segments.some((s) => s.style.invert && s.text.includes('REPRINT')),
    ).toBe(true);
    expect(pageQrCodes(page)).toEqual([token]);
  });

  it('prints in Chinese on a GB18030 printer, within 32 columns', () => {
    const profile: PrinterProfile = { columns: 32, codepage: 'gb18030' };
    const page = onePage(ticketLayout(buildTicket(), { profile, locale: 'zh-CN' }));
    const text = pageText(page);
    expect(text).toContain('星陨协议');
    expect(text).toContain('F排 7座');
    expect(text).toContain('成人');
    expect(text).toContain('2026年11月23日');
    expect(text).toContain('￥45.00');
    expect(Math.max(...widths(page))).toBeLessThanOrEqual(32);
    expect(pageQrCodes(page)).toEqual([token]);
  });

  it('falls back to English on a printer that cannot print Chinese rather than printing ????', () => {
    const page = onePage(ticketLayout(buildTicket(), { profile: PAPERS[2]!, locale: 'zh-CN' }));
    const text = pageText(page);
    expect(text).toContain('Starfall Protocol');
    expect(text).toContain('Row F Seat 7');
    expect(text).not.toMatch(/\?{2,}/);
  });

  it('writes a currency sign the code page lacks as the currency code', () => {
    const page = onePage(
      ticketLayout(buildTicket({ currency: 'EUR', price: 1250 }), { profile: PAPERS[0]!, locale: 'en' }),
    );
    expect(pageText(page)).toContain('12.50 EUR');
    const euro = onePage(
      ticketLayout(buildTicket({ currency: 'EUR', price: 1250 }), {
        profile: { columns: 48, codepage: 'windows1252' },
        locale: 'en',
      }),
    );
    expect(pageText(euro)).toContain('€12.50');
  });

  it('says when a ticket was sold offline and prints the order id when there is no code yet', () => {
    const { orderCode: _omit, ...rest } = buildTicket();
    const text = pageText(
      onePage(ticketLayout({ ...rest, offline: true }, { profile: PAPERS[0]!, locale: 'en' })),
    );
    expect(text).toContain('Sold offline');
    expect(text).toContain('3F2A9C1B');
  });

  it('is a pure function: the same ticket gives the same bytes', () => {
    const a = ticketLayout(buildTicket(), { profile: PAPERS[1]!, locale: 'en' });
    const b = ticketLayout(buildTicket(), { profile: PAPERS[1]!, locale: 'en' });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});

describe('the receipt layout', () => {
  it('lists the seats, the total, what was paid and the change', () => {
    const page = onePage(receiptLayout(buildReceipt(), { profile: PAPERS[0]!, locale: 'en' }));
    const lines = page.lines.map(lineText);
    const line = (start: string) => lines.find((l) => l.startsWith(start)) ?? '';
    expect(line('Adult Row F Seat 7')).toMatch(/¥45\.00$/);
    expect(line('Child Row F Seat 8')).toMatch(/¥30\.00$/);
    expect(line('Total')).toMatch(/¥75\.00$/);
    expect(line('Cash')).toMatch(/¥100\.00$/);
    expect(line('Change')).toMatch(/¥25\.00$/);
    expect(pageText(page)).toContain('1 Cinema Road');
    expect(pageText(page)).toContain('Thank you for coming');
    expect(pageText(page)).not.toContain('incl.');
    expect(pageQrCodes(page)).toEqual([]);
    expect(Math.max(...widths(page))).toBeLessThanOrEqual(32);
  });

  it('prints the tax included in the total when the site has tax lines', () => {
    const taxes = [{ label: 'VAT 6%', basisPoints: 600 }];
    const page = onePage(receiptLayout(buildReceipt({ taxes }), { profile: PAPERS[2]!, locale: 'en' }));
    // 75.00 × 6/106 = 4.245… → 4.25, rounded half up.
    expect(page.lines.map(lineText).find((l) => l.startsWith('incl. VAT 6%'))).toMatch(/¥4\.25$/);
  });

  it('pays by card without change lines', () => {
    const page = onePage(
      receiptLayout(buildReceipt({ payments: [{ method: 'card', amount: 7500 }], change: 0 }), {
        profile: PAPERS[1]!,
        locale: 'en',
      }),
    );
    const text = pageText(page);
    expect(text).toMatch(/Card\s+¥75\.00/);
    expect(text).not.toContain('Change');
  });

  it('prints a Chinese receipt on a GB18030 printer, aligned to the paper edge', () => {
    const page = onePage(
      receiptLayout(buildReceipt(), { profile: { columns: 42, codepage: 'gb18030' }, locale: 'zh-CN' }),
    );
    const text = pageText(page);
    expect(text).toContain('购票凭证');
    expect(text).toMatch(/合计\s+￥75\.00/);
    expect(text).toMatch(/找零\s+￥25\.00/);
    expect(widths(page).filter((w) => w > 42)).toEqual([]);
    // Label-value lines end exactly at the right edge.
    const total = page.lines.map(lineText).find((l) => l.startsWith('合计')) ?? '';
    expect(displayWidth(total)).toBe(42);
  });
});

describe('the shift report layout', () => {
  const report: ShiftReportPrint = {
    cinema: 'Marquee Multiplex',
    terminal: 'Till 1',
    from: '2026-11-23T01:00:00.000Z',
    to: '2026-11-23T09:00:00.000Z',
    printedAt: '2026-11-23T09:01:00.000Z',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    orders: 12,
    offlineOrders: 2,
    tickets: 31,
    total: 139_500,
    payments: [
      { method: 'cash', count: 5, amount: 40_000 },
      { method: 'card', count: 7, amount: 99_500 },
    ],
    changeGiven: 3_500,
    drawerOpens: { sale: 5, manual: 1 },
    taxes: [],
  };

  it('sums up the shift: orders, tickets, money by payment method, drawer openings', () => {
    for (const profile of PAPERS) {
      const page = onePage(shiftReportLayout(report, { profile, locale: 'en' }));
      const text = pageText(page);
      expect(text).toContain('SHIFT REPORT');
      expect(text).toContain('2026-11-23 09:00');
      expect(text).toContain('2026-11-23 17:00');
      expect(text).toMatch(/Orders\s+12/);
      expect(text).toMatch(/of which offline\s+2/);
      expect(text).toMatch(/Tickets\s+31/);
      expect(text).toMatch(/Cash \(5\)\s+¥400\.00/);
      expect(text).toMatch(/Card \(7\)\s+¥995\.00/);
      expect(text).toMatch(/Total\s+¥1,395\.00/);
      expect(text).toMatch(/Drawer opened\s+5 sales \/ 1 manual/);
      expect(Math.max(...widths(page))).toBeLessThanOrEqual(profile.columns);
    }
  });
});

describe('the cash drawer kick', () => {
  it('is a pulse on the configured connector pin, and nothing else', () => {
    const decoded = decodeEscPos(drawerKick(PAPERS[0]!, 5, 100));
    expect(decoded.ops).toEqual([{ op: 'pulse', pin: 5, onMs: 100, offMs: 500, realtime: false }]);
    expect(decodeEscPos(drawerKick(PAPERS[0]!, 2, 100)).ops[0]).toMatchObject({ op: 'pulse', pin: 2 });
  });
});

describe('included tax', () => {
  it('rounds half up in integer arithmetic', () => {
    expect(includedTax(10_600, 600)).toBe(600);
    expect(includedTax(7500, 600)).toBe(425);
    expect(includedTax(0, 600)).toBe(0);
    expect(includedTax(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Math.round(Number.MAX_SAFE_INTEGER / 2));
  });
});
