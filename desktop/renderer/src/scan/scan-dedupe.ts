/**
 * A camera decodes the same QR code many times a second while it is held up; the door must judge
 * it once. A code is accepted again only after it has been out of sight for `windowMs` (every
 * repeat inside the window extends it), so a ticket held in front of the camera is one scan, and
 * the same ticket shown again later is a second scan (and gets "already used").
 *
 * A scan that could not be judged (the core answered with an error, e.g. while the terminal was
 * still starting) must not leave the ticket stuck: after `retry`, the same code held in view is
 * accepted again once `retryMs` has passed.
 */
export interface ScanDeduper {
  /** Whether this read of `text` at time `at` (ms) is a new scan to judge. */
  accept(text: string, at: number): boolean;
  /** The scan of `text` was not judged: accept it again from `at + retryMs` even if still held. */
  retry(text: string, at: number): void;
}

export function createScanDeduper(windowMs: number, retryMs = 1_000): ScanDeduper {
  let lastText: string | undefined;
  let lastAt = Number.NEGATIVE_INFINITY;
  let retryFrom: number | undefined;
  return {
    accept(text, at) {
      const retryDue = text === lastText && retryFrom !== undefined && at >= retryFrom;
      const repeat = text === lastText && at - lastAt < windowMs && !retryDue;
      if (text !== lastText || !repeat) retryFrom = undefined;
      lastText = text;
      lastAt = at;
      return !repeat;
    },
    retry(text, at) {
      if (text === lastText) retryFrom = at + retryMs;
    },
  };
}
