/**
 * The few ESC/POS commands the encoder library has no method for, because they are not about
 * what goes on the paper: asking the printer how it is, confirming that it has printed, and
 * switching to Chinese character mode. Everything printed is encoded by
 * `@point-of-sale/receipt-printer-encoder`; these bytes are spelled out here, once, with where
 * they come from (Epson ESC/POS command reference, followed by Xprinter, Citizen, Bixolon, HPRT).
 */
import type { PrinterOfflineReason, PrinterState } from '@marquee/shared';

const DLE = 0x10;
const EOT = 0x04;
const GS = 0x1d;
const FS = 0x1c;

/**
 * `DLE EOT n`, transmit real-time status. The printer answers one byte as soon as the command
 * arrives, even when offline (paper out, cover open) or with a full buffer — that is what makes
 * it usable to watch the printer while a job waits. n = 1 printer, 2 offline cause, 3 error
 * cause, 4 roll paper sensor.
 */
export type RealtimeStatusKind = 1 | 2 | 3 | 4;

export function realtimeStatusRequest(n: RealtimeStatusKind): Uint8Array {
  return Uint8Array.of(DLE, EOT, n);
}

/**
 * `GS r 1`, transmit paper sensor status. Unlike `DLE EOT`, it is processed in order with the
 * print data: the printer answers only once everything sent before it has been printed. Sent
 * after the last byte of a job, its answer is the printer's confirmation that the job is on paper.
 */
export const PRINTED_CONFIRMATION_REQUEST = Uint8Array.of(GS, 0x72, 0x01);

/** `FS &` / `FS .`: enter and leave Chinese (double-byte) character mode on GB18030 printers. */
export const CHINESE_MODE_ON: readonly number[] = [FS, 0x26];
export const CHINESE_MODE_OFF: readonly number[] = [FS, 0x2e];

/**
 * Answers are told apart by their fixed bits (Epson, "Identification of send status"):
 * `DLE EOT` answers are 0xx1xx10, `GS r` answers are 0xx0xxxx.
 */
export function isRealtimeStatusAnswer(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

export function isPrintedConfirmation(byte: number): boolean {
  return (byte & 0x90) === 0x00;
}

/** The bits of the real-time status answers that matter for the state we show. */
const PRINTER_OFFLINE = 0x08; // n = 1, bit 3
const CAUSE_COVER_OPEN = 0x04; // n = 2, bit 2
const CAUSE_PAPER_END = 0x20; // n = 2, bit 5: printing stopped for lack of paper
const CAUSE_ERROR = 0x40; // n = 2, bit 6
const PAPER_NEAR_END = 0x0c; // n = 4, bits 2–3
const PAPER_END = 0x60; // n = 4, bits 5–6
const ERROR_CUTTER = 0x08; // n = 3, bit 3
const ERROR_UNRECOVERABLE = 0x20; // n = 3, bit 5
const ERROR_AUTO_RECOVERABLE = 0x40; // n = 3, bit 6

export interface RealtimeStatus {
  printer: number;
  offlineCause: number;
  paper: number;
  error?: number;
}

/** What the answers to `DLE EOT 1, 2, 4` (and 3 if asked) mean for the operator. */
export function interpretStatus(status: RealtimeStatus): {
  state: PrinterState;
  reason?: PrinterOfflineReason;
  message?: string;
} {
  if ((status.offlineCause & CAUSE_COVER_OPEN) !== 0) return { state: 'cover_open' };
  if ((status.offlineCause & CAUSE_PAPER_END) !== 0 || (status.paper & PAPER_END) === PAPER_END)
    return { state: 'paper_out' };
  if ((status.offlineCause & CAUSE_ERROR) !== 0 || (status.printer & PRINTER_OFFLINE) !== 0) {
    const error = status.error ?? 0;
    const message =
      (error & ERROR_CUTTER) !== 0
        ? 'the autocutter is jammed'
        : (error & ERROR_UNRECOVERABLE) !== 0
          ? 'the printer has a fault; switch it off and on'
          : (error & ERROR_AUTO_RECOVERABLE) !== 0
            ? 'the print head is too hot; it resumes by itself'
            : 'the printer reports that it is offline';
    return { state: 'offline', reason: 'printer_error', message };
  }
  if ((status.paper & PAPER_NEAR_END) === PAPER_NEAR_END) return { state: 'paper_low' };
  return { state: 'online' };
}

/** The printer side of the same protocol, for the virtual printer. */
export interface SimulatedCondition {
  paper: 'ok' | 'low' | 'out';
  coverOpen: boolean;
}

export function realtimeStatusAnswer(n: RealtimeStatusKind, condition: SimulatedCondition): number {
  const fixed = 0x12;
  const stopped = condition.paper === 'out' || condition.coverOpen;
  switch (n) {
    case 1:
      return fixed | (stopped ? PRINTER_OFFLINE : 0);
    case 2:
      return (
        fixed |
        (condition.coverOpen ? CAUSE_COVER_OPEN : 0) |
        (condition.paper === 'out' ? CAUSE_PAPER_END : 0)
      );
    case 3:
      return fixed;
    case 4:
      return (
        fixed |
        (condition.paper === 'out'
          ? PAPER_END | PAPER_NEAR_END
          : condition.paper === 'low'
            ? PAPER_NEAR_END
            : 0)
      );
  }
}

/** `GS r 1` answer: bits 0–1 paper near end, bits 2–3 paper end. */
export function printedConfirmationAnswer(condition: SimulatedCondition): number {
  return condition.paper === 'low' ? 0x03 : 0x00;
}
