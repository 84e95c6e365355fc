/**
 * An ESC/POS decoder: bytes in, what a printer would do out — text with its styles, QR codes,
 * cuts, drawer pulses, status requests. The virtual printer prints with it, and tests assert on
 * what was really sent to the printer instead of on the code that produced it.
 *
 * A streaming parser (`escpos-parser.ts`) feeds the page builder here (a page ends at a cut).
 */
import { EscPosParser, type Alignment, type EscPosOp, type TextStyle } from './escpos-parser.ts';

export { EscPosParser, type Alignment, type EscPosOp, type TextStyle } from './escpos-parser.ts';

export interface TextSegment {
  text: string;
  style: TextStyle;
}

export type PrintedLine =
  | { kind: 'text'; segments: TextSegment[]; align: Alignment }
  | { kind: 'qr'; data: string; size: number; errorLevel: 'L' | 'M' | 'Q' | 'H'; align: Alignment }
  | { kind: 'image'; width: number; height: number; align: Alignment }
  | { kind: 'barcode'; data: string; align: Alignment };

export interface PrintedPage {
  lines: PrintedLine[];
  /** Ended by a cut (false for the part after the last cut). */
  cut: boolean;
  pulses: { pin: 2 | 5; onMs: number; offMs: number }[];
}

/** Builds pages from operations; a page is everything up to a cut. */
export class PageBuilder {
  private lines: PrintedLine[] = [];
  private segments: TextSegment[] = [];
  private align: Alignment = 'left';
  private pulses: PrintedPage['pulses'] = [];

  /** Applies one operation; returns the page it completed, if any. */
  apply(op: EscPosOp): PrintedPage | undefined {
    switch (op.op) {
      case 'text':
        this.segments.push({ text: op.text, style: op.style });
        return undefined;
      case 'lf':
        this.endLine(true);
        return undefined;
      case 'feed':
        this.endLine(false);
        for (let n = 0; n < op.lines; n++) this.lines.push({ kind: 'text', segments: [], align: this.align });
        return undefined;
      case 'align':
        this.align = op.align;
        return undefined;
      case 'init':
        this.align = 'left';
        return undefined;
      case 'qr':
        this.endLine(false);
        this.lines.push({
          kind: 'qr',
          data: op.data,
          size: op.size,
          errorLevel: op.errorLevel,
          align: op.align,
        });
        return undefined;
      case 'image':
        this.endLine(false);
        this.lines.push({ kind: 'image', width: op.width, height: op.height, align: op.align });
        return undefined;
      case 'barcode':
        this.endLine(false);
        this.lines.push({ kind: 'barcode', data: op.data, align: op.align });
        return undefined;
      case 'pulse':
        this.pulses.push({ pin: op.pin, onMs: op.onMs, offMs: op.offMs });
        return undefined;
      case 'cut': {
        this.endLine(false);
        const page: PrintedPage = { lines: this.lines, cut: true, pulses: this.pulses };
        this.lines = [];
        this.pulses = [];
        return page;
      }
      case 'status-request':
      case 'unknown':
        return undefined;
    }
  }

  /** What has been printed since the last cut. */
  rest(): PrintedPage {
    const lines = [...this.lines];
    if (this.segments.length > 0)
      lines.push({ kind: 'text', segments: [...this.segments], align: this.align });
    return { lines, cut: false, pulses: [...this.pulses] };
  }

  private endLine(always: boolean): void {
    if (this.segments.length === 0 && !always) return;
    this.lines.push({ kind: 'text', segments: this.segments, align: this.align });
    this.segments = [];
  }
}

export interface DecodedEscPos {
  /** Pages ended by a cut, in order. */
  pages: PrintedPage[];
  /** Whatever came after the last cut (empty lines only, usually). */
  rest: PrintedPage;
  ops: EscPosOp[];
  /** Bytes of a command that had not finished when the input ended. */
  incomplete: number;
}

/** Decodes a whole byte stream at once (tests, benchmarks). */
export function decodeEscPos(bytes: Uint8Array | readonly number[]): DecodedEscPos {
  const parser = new EscPosParser();
  const builder = new PageBuilder();
  const ops = parser.push(bytes);
  const pages: PrintedPage[] = [];
  for (const op of ops) {
    const page = builder.apply(op);
    if (page !== undefined) pages.push(page);
  }
  return { pages, rest: builder.rest(), ops, incomplete: parser.incomplete };
}

/** The text of a line as printed (without styles). */
export function lineText(line: PrintedLine): string {
  switch (line.kind) {
    case 'text':
      return line.segments.map((s) => s.text).join('');
    case 'qr':
      return `[QR ${line.data}]`;
    case 'image':
      return `[image ${line.width}x${line.height}]`;
    case 'barcode':
      return `[barcode ${line.data}]`;
  }
}

/** A page as plain text, one printed line per line: what the virtual printer writes to `.txt`. */
export function pageText(page: PrintedPage): string {
  return page.lines.map((line) => lineText(line).trimEnd()).join('\n');
}

export function pageQrCodes(page: PrintedPage): string[] {
  return page.lines.flatMap((line) => (line.kind === 'qr' ? [line.data] : []));
}
