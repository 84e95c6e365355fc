import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { describe, expect, it } from 'vitest';
import { encodeGb18030 } from './codepages.ts';
import {
  CHINESE_MODE_OFF,
  CHINESE_MODE_ON,
  PRINTED_CONFIRMATION_REQUEST,
  realtimeStatusRequest,
} from './escpos-commands.ts';
import {
  EscPosParser,
  PageBuilder,
  decodeEscPos,
  lineText,
  pageText,
  type EscPosOp,
} from './escpos-decode.ts';

function sample(): Uint8Array {
  return new ReceiptPrinterEncoder({ columns: 32 })
    .initialize()
    .codepage('cp437')
    .align('center')
    .bold(true)
    .size(2, 2)
    .line('MARQUEE')
    .size(1, 1)
    .bold(false)
    .line('Hall 3 · ¥45.00')
    .align('left')
    .underline(true)
    .line('underlined')
    .underline(false)
    .invert(true)
    .line('inverted')
    .invert(false)
    .align('center')
    .qrcode('ABC:123', { model: 2, size: 6, errorlevel: 'q' })
    .rule()
    .cut('partial')
    .line('second page')
    .cut()
    .pulse(1, 100, 500)
    .encode();
}

describe('the ESC/POS decoder', () => {
  it('reads text, styles, alignment, QR codes, rules and cuts back from encoder output', () => {
    const decoded = decodeEscPos(sample());
    expect(decoded.pages).toHaveLength(2);
    const [first, second] = decoded.pages;
    const lines = first!.lines;
    const marquee = lines[0];
    expect(marquee?.kind).toBe('text');
    if (marquee?.kind !== 'text') return;
    expect(lineText(marquee).trim()).toBe('MARQUEE');
    const styled = marquee.segments.find((s) => s.text === 'MARQUEE');
    expect(styled?.style).toMatchObject({ bold: true, width: 2, height: 2 });
    expect(lineText(lines[1]!).trim()).toBe('Hall 3 · ¥45.00');
    const underlined = lines[2];
    expect(underlined?.kind === 'text' && underlined.segments[0]?.style.underline).toBe(true);
    const inverted = lines[3];
    expect(inverted?.kind === 'text' && inverted.segments[0]?.style.invert).toBe(true);
    expect(lines.find((l) => l.kind === 'qr')).toEqual({
      kind: 'qr',
      data: 'ABC:123',
      size: 6,
      errorLevel: 'Q',
      align: 'center',
    });
    expect(pageText(first!)).toContain('─'.repeat(32));
    expect(first!.cut).toBe(true);
    expect(pageText(second!).trim()).toBe('second page');
    expect(decoded.rest.pulses).toEqual([{ pin: 5, onMs: 100, offMs: 500 }]);
    expect(decoded.ops.filter((op) => op.op === 'unknown')).toEqual([]);
  });

  it('gives the same result however the bytes are chunked on the serial line', () => {
    const bytes = sample();
    const whole = decodeEscPos(bytes);
    for (const size of [1, 2, 3, 7, 64]) {
      const parser = new EscPosParser();
      const builder = new PageBuilder();
      const pages = [];
      for (let i = 0; i < bytes.length; i += size) {
        for (const op of parser.push(bytes.subarray(i, i + size))) {
          const page = builder.apply(op);
          if (page !== undefined) pages.push(page);
        }
      }
      expect(pages.map(pageText)).toEqual(whole.pages.map(pageText));
      expect(parser.incomplete).toBe(0);
    }
  });

  it('waits for the rest of an incomplete command instead of misreading it', () => {
    const bytes = sample();
    const qrStart = bytes.findIndex((b, i) => b === 0x1d && bytes[i + 1] === 0x28 && bytes[i + 6] === 0x50);
    const parser = new EscPosParser();
    const before = parser.push(bytes.subarray(0, qrStart + 8));
    expect(before.some((op) => op.op === 'qr')).toBe(false);
    expect(parser.incomplete).toBeGreaterThan(0);
    const after = parser.push(bytes.subarray(qrStart + 8));
    expect(after.find((op) => op.op === 'qr')).toMatchObject({ data: 'ABC:123' });
  });

  it('recognises status requests, the printed confirmation and drawer pulses', () => {
    const ops = new EscPosParser().push([
      ...realtimeStatusRequest(1),
      ...realtimeStatusRequest(4),
      ...PRINTED_CONFIRMATION_REQUEST,
      0x10,
      0x14,
      0x01,
      0x00,
      0x02,
    ]);
    expect(ops).toEqual<EscPosOp[]>([
      { op: 'status-request', command: 'DLE EOT', n: 1 },
      { op: 'status-request', command: 'DLE EOT', n: 4 },
      { op: 'status-request', command: 'GS r', n: 1 },
      { op: 'pulse', pin: 2, onMs: 200, offMs: 200, realtime: true },
    ]);
  });

  it('decodes Chinese character mode as GB18030, split characters included', () => {
    const bytes = [...CHINESE_MODE_ON, ...encodeGb18030('星陨协议 A'), ...CHINESE_MODE_OFF, 0x0a];
    const parser = new EscPosParser();
    const builder = new PageBuilder();
    for (const byte of bytes) for (const op of parser.push([byte])) builder.apply(op);
    expect(pageText(builder.rest())).toBe('星陨协议 A');
  });

  it('reports commands it does not know instead of guessing their length', () => {
    const ops = new EscPosParser().push([0x1b, 0x7e, 0x41, 0x0a]);
    expect(ops[0]).toEqual({ op: 'unknown', bytes: [0x1b, 0x7e] });
    expect(ops.filter((op) => op.op === 'text')).toEqual([
      { op: 'text', text: 'A', style: expect.objectContaining({ bold: false }) as unknown },
    ]);
  });
});
