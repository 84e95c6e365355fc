/**
 * A barcode/QR scanner on a serial port (RS-232, or USB in "virtual COM" mode): it sends each
 * code it reads as a line of text. Lines are checked like any other input — printable ASCII, a
 * sane length — before they reach the same `ticket.admit` path as the camera and keyboard-wedge
 * scanners. A missing device or a pulled cable is a status, and the port is retried.
 */
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { z } from 'zod';

/** Ticket tokens are base45; the admit command takes up to 1000 characters of anything printable. */
const MAX_LINE = 1000;
const ScannedCode = z
  .string()
  .trim()
  .min(1)
  .max(MAX_LINE)
  .regex(/^[\x20-\x7e]+$/, 'the scanner sent characters that are not printable text');

export interface SerialScannerOptions {
  path: string;
  baudRate: number;
  reconnectMs: number;
  onCode: (code: string) => void;
  /** A line that is not a usable code (garbage from a wrong baud rate, an overlong read). */
  onReject: (message: string) => void;
  onChange: () => void;
  log?: ((message: string, extra?: Record<string, unknown>) => void) | undefined;
}

export class SerialScanner {
  private port: SerialPort | undefined;
  private buffer = '';
  private connected = false;
  private message: string | undefined = 'connecting';
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SerialScannerOptions) {}

  start(): void {
    this.connect();
  }

  status(): { path: string; connected: boolean; message?: string } {
    return {
      path: this.options.path,
      connected: this.connected,
      ...(this.message === undefined ? {} : { message: this.message }),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen === true) {
      await new Promise<void>((resolve) => {
        port.close(() => resolve());
        setTimeout(resolve, 1000).unref();
      });
    }
  }

  /** Splits the stream into lines (CR, LF or CRLF) and checks each. */
  private receive(chunk: string): void {
    this.buffer += chunk;
    const parts = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = parts.pop() ?? '';
    if (this.buffer.length > MAX_LINE) {
      this.buffer = '';
      this.options.onReject(`the scanner sent more than ${MAX_LINE} characters without a line end`);
    }
    for (const line of parts) {
      if (line.trim() === '') continue;
      const code = ScannedCode.safeParse(line);
      if (code.success) this.options.onCode(code.data);
      else this.options.onReject(code.error.issues[0]?.message ?? 'unreadable scan');
    }
  }

  private connect(): void {
    if (this.closed || this.port !== undefined) return;
    const { path, baudRate } = this.options;
    if (!existsSync(path)) {
      this.update(false, `no scanner at ${path}`);
      this.retry();
      return;
    }
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    this.port = port;
    port.on('data', (data: Buffer) => {
      // Scanners speak ASCII; latin1 keeps every byte one character so the check above sees garbage as garbage.
      this.receive(data.toString('latin1'));
    });
    port.on('error', (error: Error) => {
      this.options.log?.('scanner port error', { path, error: error.message });
    });
    port.on('close', () => {
      if (this.port !== port) return;
      this.port = undefined;
      this.buffer = '';
      if (this.closed) return;
      this.update(false, `the connection to ${path} was lost`);
      this.retry();
    });
    port.open((error) => {
      if (this.closed) {
        if (error === null) port.close();
        return;
      }
      if (error !== null) {
        this.port = undefined;
        port.removeAllListeners();
        this.update(false, `cannot open ${path}: ${error.message}`);
        this.retry();
        return;
      }
      this.update(true, undefined);
    });
  }

  private retry(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.connect();
    }, this.options.reconnectMs);
    this.timer.unref();
  }

  private update(connected: boolean, message: string | undefined): void {
    if (connected === this.connected && message === this.message) return;
    this.connected = connected;
    this.message = message;
    this.options.onChange();
  }
}
