/**
 * The streaming half of the ESC/POS decoder (`escpos-decode.ts`): bytes in, operations out.
 * Bytes may arrive in any chunks over a serial line; an incomplete command waits for the rest. It
 * knows the commands the encoder library and the terminal send, plus the common ones around them,
 * and reports anything else as `unknown` rather than guessing.
 */
import { EPSON_CODEPAGE_NUMBERS, singleByteTable } from './codepages.ts';

export type Alignment = 'left' | 'center' | 'right';

export interface TextStyle {
  bold: boolean;
  underline: boolean;
  italic: boolean;
  invert: boolean;
  /** Character magnification, 1–8. */
  width: number;
  height: number;
}

export type EscPosOp =
  | { op: 'init' }
  | { op: 'text'; text: string; style: TextStyle }
  | { op: 'lf' }
  | { op: 'feed'; lines: number }
  | { op: 'align'; align: Alignment }
  | {
      op: 'qr';
      data: string;
      /** Module size in dots. */
      size: number;
      errorLevel: 'L' | 'M' | 'Q' | 'H';
      model: 1 | 2;
      align: Alignment;
    }
  | { op: 'image'; width: number; height: number; align: Alignment }
  | { op: 'barcode'; data: string; align: Alignment }
  | { op: 'cut'; partial: boolean }
  /** Cash drawer kick: `ESC p` (in sequence) or `DLE DC4 1` (real time). Pin 2 or 5 of the connector. */
  | { op: 'pulse'; pin: 2 | 5; onMs: number; offMs: number; realtime: boolean }
  | { op: 'status-request'; command: 'DLE EOT' | 'GS r'; n: number }
  | { op: 'unknown'; bytes: number[] };

const DEFAULT_STYLE: TextStyle = {
  bold: false,
  underline: false,
  italic: false,
  invert: false,
  width: 1,
  height: 1,
};

const QR_LEVELS = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' } as const;

/** Result of trying to read one command at `i`: its length, or `need` more bytes. */
type Step = { length: number; ops?: EscPosOp[] } | { need: true };

const NEED: Step = { need: true };

export class EscPosParser {
  private pending: number[] = [];
  private style: TextStyle = { ...DEFAULT_STYLE };
  private align: Alignment = 'left';
  private codepage = 0;
  private chinese = false;
  private qr = { size: 3, errorLevel: 'L' as 'L' | 'M' | 'Q' | 'H', model: 2 as 1 | 2, data: '' };

  /** Feeds bytes; returns the operations they complete. Text runs are merged within one call. */
  push(chunk: Uint8Array | readonly number[]): EscPosOp[] {
    for (const byte of chunk) this.pending.push(byte);
    const buf = this.pending;
    const ops: EscPosOp[] = [];
    let i = 0;
    let text = '';
    const flushText = () => {
      if (text !== '') ops.push({ op: 'text', text, style: { ...this.style } });
      text = '';
    };
    while (i < buf.length) {
      const b = buf[i] ?? 0;
      if (b >= 0x20 && b !== 0x7f) {
        const char = this.readChar(buf, i);
        if (char === undefined) break; // the rest of a double-byte character has not arrived
        text += char.text;
        i += char.length;
        continue;
      }
      // Text so far keeps the style it was printed in; the command may change it.
      flushText();
      const step = this.command(buf, i);
      if ('need' in step) break;
      if (step.ops !== undefined) ops.push(...step.ops);
      i += step.length;
    }
    flushText();
    this.pending = buf.slice(i);
    return ops;
  }

  /** Bytes waiting for the rest of a command. */
  get incomplete(): number {
    return this.pending.length;
  }

  private readChar(buf: readonly number[], i: number): { text: string; length: number } | undefined {
    const b = buf[i] ?? 0;
    if (this.chinese && b >= 0x81 && b <= 0xfe) {
      const second = buf[i + 1];
      if (second === undefined) return undefined;
      const length = second >= 0x30 && second <= 0x39 ? 4 : 2;
      if (buf.length < i + length) return undefined;
      const text = new TextDecoder('gb18030').decode(Uint8Array.from(buf.slice(i, i + length)));
      return { text, length };
    }
    const page = EPSON_CODEPAGE_NUMBERS[this.codepage];
    if (b < 0x80) return { text: String.fromCharCode(b), length: 1 };
    return { text: page === undefined ? '?' : (singleByteTable(page)[b] ?? '?'), length: 1 };
  }

  private reset(): void {
    this.style = { ...DEFAULT_STYLE };
    this.align = 'left';
    this.codepage = 0;
    this.chinese = false;
    this.qr = { size: 3, errorLevel: 'L', model: 2, data: '' };
  }

  private command(buf: readonly number[], i: number): Step {
    const b = buf[i] ?? 0;
    const at = (k: number): number | undefined => buf[i + k];
    const has = (n: number): boolean => buf.length >= i + n;
    switch (b) {
      case 0x0a:
        return { length: 1, ops: [{ op: 'lf' }] };
      case 0x0d: // CR: the encoder ends lines with LF CR; the LF already advanced the paper
        return { length: 1 };
      case 0x10: {
        if (!has(2)) return NEED;
        if (at(1) === 0x04) {
          if (!has(3)) return NEED;
          return { length: 3, ops: [{ op: 'status-request', command: 'DLE EOT', n: at(2) ?? 0 }] };
        }
        if (at(1) === 0x14) {
          if (!has(5)) return NEED;
          const fn = at(2) ?? 0;
          if (fn === 1) {
            const t = at(4) ?? 1;
            return {
              length: 5,
              ops: [{ op: 'pulse', pin: at(3) === 1 ? 5 : 2, onMs: t * 100, offMs: t * 100, realtime: true }],
            };
          }
          return { length: 5, ops: [{ op: 'unknown', bytes: buf.slice(i, i + 5) }] };
        }
        return { length: 1, ops: [{ op: 'unknown', bytes: [b] }] };
      }
      case 0x1b:
        return this.esc(buf, i);
      case 0x1c:
        return this.fs(buf, i);
      case 0x1d:
        return this.gs(buf, i);
      default:
        return { length: 1, ops: [{ op: 'unknown', bytes: [b] }] };
    }
  }

  private esc(buf: readonly number[], i: number): Step {
    if (buf.length < i + 2) return NEED;
    const c = buf[i + 1] ?? 0;
    const arg = buf[i + 2];
    const one = (apply: (n: number) => EscPosOp[] | undefined): Step =>
      arg === undefined ? NEED : { length: 3, ops: apply(arg) ?? [] };
    switch (c) {
      case 0x40: // ESC @
        this.reset();
        return { length: 2, ops: [{ op: 'init' }] };
      case 0x32: // ESC 2: default line spacing
        return { length: 2 };
      case 0x33: // ESC 3 n
      case 0x4d: // ESC M n: font
      case 0x47: // ESC G n: double strike
      case 0x52: // ESC R n: international character set
      case 0x56: // ESC V n: rotation
      case 0x20: // ESC SP n: character spacing
      case 0x63: // ESC c … n
        return one(() => undefined);
      case 0x45:
        return one((n) => {
          this.style.bold = (n & 1) === 1;
          return undefined;
        });
      case 0x2d:
        return one((n) => {
          this.style.underline = (n & 3) !== 0 && n !== 0x30;
          return undefined;
        });
      case 0x34:
        return one((n) => {
          this.style.italic = (n & 1) === 1;
          return undefined;
        });
      case 0x21: // ESC ! n: print mode
        return one((n) => {
          this.style.bold = (n & 0x08) !== 0;
          this.style.height = (n & 0x10) !== 0 ? 2 : 1;
          this.style.width = (n & 0x20) !== 0 ? 2 : 1;
          this.style.underline = (n & 0x80) !== 0;
          return undefined;
        });
      case 0x61:
        return one((n) => {
          const align: Alignment = n % 48 === 1 ? 'center' : n % 48 === 2 ? 'right' : 'left';
          this.align = align;
          return [{ op: 'align', align }];
        });
      case 0x74:
        return one((n) => {
          this.codepage = n;
          return undefined;
        });
      case 0x64: // ESC d n: feed n lines
        return one((n) => [{ op: 'feed', lines: n }]);
      case 0x4a: // ESC J n: feed n dots
        return one(() => [{ op: 'feed', lines: 1 }]);
      case 0x70: {
        // ESC p m t1 t2: pulse, times in 2 ms units
        if (buf.length < i + 5) return NEED;
        const m = buf[i + 2] ?? 0;
        return {
          length: 5,
          ops: [
            {
              op: 'pulse',
              pin: m === 1 || m === 0x31 ? 5 : 2,
              onMs: (buf[i + 3] ?? 0) * 2,
              offMs: (buf[i + 4] ?? 0) * 2,
              realtime: false,
            },
          ],
        };
      }
      case 0x2a: {
        // ESC * m nL nH d…: column image, 1 or 3 bytes per column
        if (buf.length < i + 5) return NEED;
        const m = buf[i + 2] ?? 0;
        const columns = (buf[i + 3] ?? 0) + (buf[i + 4] ?? 0) * 256;
        const length = 5 + columns * (m >= 32 ? 3 : 1);
        if (buf.length < i + length) return NEED;
        return {
          length,
          ops: [{ op: 'image', width: columns, height: m >= 32 ? 24 : 8, align: this.align }],
        };
      }
      default:
        return { length: 2, ops: [{ op: 'unknown', bytes: [0x1b, c] }] };
    }
  }

  private fs(buf: readonly number[], i: number): Step {
    if (buf.length < i + 2) return NEED;
    const c = buf[i + 1] ?? 0;
    switch (c) {
      case 0x26:
        this.chinese = true;
        return { length: 2 };
      case 0x2e:
        this.chinese = false;
        return { length: 2 };
      case 0x21: // FS ! n: Chinese character print mode
      case 0x43: // FS C n: Chinese code system
      case 0x57: // FS W n: quadruple size
        return buf.length < i + 3 ? NEED : { length: 3 };
      default:
        return { length: 2, ops: [{ op: 'unknown', bytes: [0x1c, c] }] };
    }
  }

  private gs(buf: readonly number[], i: number): Step {
    if (buf.length < i + 2) return NEED;
    const c = buf[i + 1] ?? 0;
    const arg = buf[i + 2];
    switch (c) {
      case 0x21: // GS ! n: character size
        if (arg === undefined) return NEED;
        this.style.width = ((arg >> 4) & 7) + 1;
        this.style.height = (arg & 7) + 1;
        return { length: 3 };
      case 0x42: // GS B n: reverse
        if (arg === undefined) return NEED;
        this.style.invert = (arg & 1) === 1;
        return { length: 3 };
      case 0x72: // GS r n
        if (arg === undefined) return NEED;
        return { length: 3, ops: [{ op: 'status-request', command: 'GS r', n: arg }] };
      case 0x56: {
        // GS V m [n]: cut
        if (arg === undefined) return NEED;
        const partial = arg === 1 || arg === 0x31 || arg === 66 || arg === 98;
        const length = arg >= 65 ? 4 : 3;
        if (buf.length < i + length) return NEED;
        return { length, ops: [{ op: 'cut', partial }] };
      }
      case 0x68: // GS h n, GS w n, GS H n, GS f n, GS a n, GS I n: barcode options, ASB, printer id
      case 0x77:
      case 0x48:
      case 0x66:
      case 0x61:
      case 0x49:
        return arg === undefined ? NEED : { length: 3 };
      case 0x50: // GS P x y: motion units
      case 0x4c: // GS L nL nH: left margin
      case 0x57: // GS W nL nH: print area width
        return buf.length < i + 4 ? NEED : { length: 4 };
      case 0x28:
        return this.gsParen(buf, i);
      case 0x76: {
        // GS v 0 m xL xH yL yH d…: raster image
        if (buf.length < i + 8) return NEED;
        const bytesWide = (buf[i + 4] ?? 0) + (buf[i + 5] ?? 0) * 256;
        const rows = (buf[i + 6] ?? 0) + (buf[i + 7] ?? 0) * 256;
        const length = 8 + bytesWide * rows;
        if (buf.length < i + length) return NEED;
        return { length, ops: [{ op: 'image', width: bytesWide * 8, height: rows, align: this.align }] };
      }
      case 0x6b: {
        // GS k m …: barcode; m ≤ 6 ends with NUL, m ≥ 65 has a length byte
        if (arg === undefined) return NEED;
        if (arg <= 6) {
          const end = buf.indexOf(0, i + 3);
          if (end < 0) return NEED;
          const data = String.fromCharCode(...buf.slice(i + 3, end));
          return { length: end + 1 - i, ops: [{ op: 'barcode', data, align: this.align }] };
        }
        const n = buf[i + 3];
        if (n === undefined || buf.length < i + 4 + n) return NEED;
        const data = String.fromCharCode(...buf.slice(i + 4, i + 4 + n));
        return { length: 4 + n, ops: [{ op: 'barcode', data, align: this.align }] };
      }
      default:
        return { length: 2, ops: [{ op: 'unknown', bytes: [0x1d, c] }] };
    }
  }

  /** `GS ( k pL pH cn fn …`: QR (cn 49) and PDF417 (cn 48); other `GS ( x` are skipped by length. */
  private gsParen(buf: readonly number[], i: number): Step {
    if (buf.length < i + 5) return NEED;
    const fnLetter = buf[i + 2] ?? 0;
    const size = (buf[i + 3] ?? 0) + (buf[i + 4] ?? 0) * 256;
    const length = 5 + size;
    if (buf.length < i + length) return NEED;
    if (fnLetter !== 0x6b || size < 2) return { length };
    const cn = buf[i + 5] ?? 0;
    const fn = buf[i + 6] ?? 0;
    const params = buf.slice(i + 7, i + length);
    if (cn !== 49) return { length }; // PDF417 and others: not printed by the terminal
    switch (fn) {
      case 65: // model: n1 = 49 (model 1) or 50 (model 2)
        this.qr.model = params[0] === 49 ? 1 : 2;
        return { length };
      case 67: // module size in dots
        this.qr.size = params[0] ?? 3;
        return { length };
      case 69: {
        // error correction level
        const level = params[0] ?? 48;
        this.qr.errorLevel = level in QR_LEVELS ? QR_LEVELS[level as keyof typeof QR_LEVELS] : 'L';
        return { length };
      }
      case 80: // store data: m = 48, then the data
        this.qr.data = String.fromCharCode(...params.slice(1));
        return { length };
      case 81: {
        // print the stored symbol
        const { data, size: module, errorLevel, model } = this.qr;
        return { length, ops: [{ op: 'qr', data, size: module, errorLevel, model, align: this.align }] };
      }
      default:
        return { length };
    }
  }
}
