/**
 * A virtual ESC/POS receipt printer on the far end of a serial pty pair (`socat`): the terminal
 * talks to it exactly as to a real one. It behaves like an Epson-compatible printer where that
 * matters to the terminal:
 *
 * - real-time status queries (`DLE EOT n`) are answered on arrival, even while offline;
 * - everything else goes through a receive buffer and is processed in order, only while online:
 *   with the paper out or the cover open the rest of a job waits in the buffer and prints after
 *   recovery, and a `GS r` (the terminal's "did you print it?") is answered only when reached;
 * - switching it off loses the buffer and it stops answering.
 *
 * Each page (up to a cut) becomes `NNNN.txt` and `NNNN.png` in the output folder; drawer pulses
 * and pages are also appended to `events.jsonl`. `simulateBaud` paces reception to a real line's
 * speed (10 bits per byte), for benchmarks.
 */
import { EventEmitter } from 'node:events';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import {
  printedConfirmationAnswer,
  realtimeStatusAnswer,
  type RealtimeStatusKind,
  type SimulatedCondition,
} from './escpos-commands.ts';
import {
  EscPosParser,
  PageBuilder,
  pageQrCodes,
  pageText,
  type EscPosOp,
  type PrintedPage,
} from './escpos-decode.ts';
import { renderPagePng } from './render-png.ts';

export interface VirtualPrinterOptions {
  /** The device end of the pty pair (the terminal opens the other end). */
  path: string;
  outDir: string;
  /** Paper width in font A columns: 48 (80 mm) by default. */
  columns?: number;
  baudRate?: number;
  /** Pace reception as a real line at this speed would; 0 = as fast as the pty delivers. */
  simulateBaud?: number;
  /** Write `.png` files (slower); on by default. */
  png?: boolean;
}

export interface PrintedOutput {
  index: number;
  page: PrintedPage;
  text: string;
  qrCodes: string[];
  txtFile: string;
  pngFile: string | undefined;
  /** performance.now() when its cut was processed. */
  at: number;
}

export interface VirtualPrinterEvents {
  page: [PrintedOutput];
  pulse: [{ pin: 2 | 5; onMs: number; realtime: boolean }];
  status: [SimulatedCondition & { powered: boolean }];
  bytes: [number];
}

export class VirtualPrinter extends EventEmitter<VirtualPrinterEvents> {
  readonly pages: PrintedOutput[] = [];
  readonly pulses: { pin: 2 | 5; onMs: number; realtime: boolean }[] = [];
  /** Bytes received, in all. */
  received = 0;
  private condition: SimulatedCondition = { paper: 'ok', coverOpen: false };
  private powered = true;
  private port: SerialPort | undefined;
  private inbox: number[] = [];
  private held: number[] = [];
  private parser = new EscPosParser();
  private builder = new PageBuilder();
  private linesLeft: number | undefined;
  private wireFreeAt = 0;
  private processing = false;
  private readonly columns: number;

  private constructor(private readonly options: VirtualPrinterOptions) {
    super();
    this.columns = options.columns ?? 48;
    mkdirSync(options.outDir, { recursive: true });
  }

  static async start(options: VirtualPrinterOptions): Promise<VirtualPrinter> {
    const printer = new VirtualPrinter(options);
    await printer.open();
    return printer;
  }

  get state(): SimulatedCondition & { powered: boolean } {
    return { ...this.condition, powered: this.powered };
  }

  /** Paper: `low` still prints (near-end sensor), `out` stops until it is `ok` again. */
  setPaper(paper: SimulatedCondition['paper']): void {
    this.condition = { ...this.condition, paper };
    if (paper !== 'out') this.linesLeft = undefined;
    this.changed();
  }

  setCover(open: boolean): void {
    this.condition = { ...this.condition, coverOpen: open };
    this.changed();
  }

  /** Runs out of paper after printing this many more lines (to stop in the middle of a job). */
  paperOutAfterLines(lines: number): void {
    this.linesLeft = lines;
  }

  /** Off: stops answering and loses whatever was in its buffer. On: empty buffer, answering again. */
  setPower(on: boolean): void {
    this.powered = on;
    if (!on) {
      this.inbox = [];
      this.held = [];
      this.parser = new EscPosParser();
      this.builder = new PageBuilder();
    }
    this.changed();
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen === true) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private async open(): Promise<void> {
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate ?? 115200,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error === null ? resolve() : reject(error)));
    });
    port.on('data', (data: Buffer) => {
      this.receive(data);
    });
    port.on('error', () => undefined);
    this.port = port;
  }

  private changed(): void {
    this.emit('status', this.state);
    this.process();
  }

  private receive(data: Buffer): void {
    if (!this.powered) return;
    this.received += data.length;
    this.emit('bytes', data.length);
    const baud = this.options.simulateBaud ?? 0;
    if (baud <= 0) {
      this.arrive(data);
      return;
    }
    const now = performance.now();
    this.wireFreeAt = Math.max(this.wireFreeAt, now) + ((data.length * 10) / baud) * 1000;
    setTimeout(() => {
      this.arrive(data);
    }, this.wireFreeAt - now);
  }

  /** Reception: real-time commands act now; everything else waits its turn in the buffer. */
  private arrive(data: Uint8Array): void {
    if (!this.powered) return;
    for (const byte of data) {
      // `held` is the start of what may be a `DLE EOT n`, kept back until it is known to be one.
      this.held.push(byte);
      const [dle, eot, n] = this.held;
      if (dle !== 0x10 || (eot !== undefined && eot !== 0x04)) {
        this.inbox.push(...this.held);
        this.held = [];
      } else if (n !== undefined) {
        if (n >= 1 && n <= 4) this.answer(realtimeStatusAnswer(n as RealtimeStatusKind, this.condition));
        else this.inbox.push(...this.held);
        this.held = [];
      }
    }
    this.process();
  }

  private get online(): boolean {
    return this.powered && this.condition.paper !== 'out' && !this.condition.coverOpen;
  }

  /** Processing: in order, only while online, in slices so paper can run out mid-job. */
  private process(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.online && this.inbox.length > 0) {
        const slice = this.inbox.splice(0, 16);
        for (const op of this.parser.push(slice)) this.apply(op);
      }
    } finally {
      this.processing = false;
    }
  }

  private apply(op: EscPosOp): void {
    if (op.op === 'status-request' && op.command === 'GS r') {
      this.answer(printedConfirmationAnswer(this.condition));
      return;
    }
    if (op.op === 'pulse') {
      const pulse = { pin: op.pin, onMs: op.onMs, realtime: op.realtime };
      this.pulses.push(pulse);
      this.log({ event: 'pulse', ...pulse });
      this.emit('pulse', pulse);
    }
    const page = this.builder.apply(op);
    if ((op.op === 'lf' || op.op === 'qr') && this.linesLeft !== undefined) {
      this.linesLeft -= 1;
      if (this.linesLeft <= 0) {
        this.linesLeft = undefined;
        this.condition = { ...this.condition, paper: 'out' };
        this.emit('status', this.state);
      }
    }
    if (page !== undefined && page.lines.some((l) => l.kind !== 'text' || l.segments.length > 0))
      this.output(page);
  }

  private output(page: PrintedPage): void {
    // When the cut was processed, not when the files were written: rendering is not printing.
    const at = performance.now();
    const index = this.pages.length + 1;
    const base = join(this.options.outDir, String(index).padStart(4, '0'));
    const text = pageText(page);
    writeFileSync(`${base}.txt`, `${text}\n`);
    let pngFile: string | undefined;
    if (this.options.png !== false) {
      pngFile = `${base}.png`;
      writeFileSync(pngFile, renderPagePng(page, this.columns));
    }
    const output: PrintedOutput = {
      index,
      page,
      text,
      qrCodes: pageQrCodes(page),
      txtFile: `${base}.txt`,
      pngFile,
      at,
    };
    this.pages.push(output);
    this.log({ event: 'page', index, txt: output.txtFile, png: pngFile, qr: output.qrCodes });
    this.emit('page', output);
  }

  private answer(byte: number): void {
    if (!this.powered) return;
    this.port?.write(Buffer.of(byte));
  }

  private log(entry: Record<string, unknown>): void {
    appendFileSync(
      join(this.options.outDir, 'events.jsonl'),
      `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`,
    );
  }
}
