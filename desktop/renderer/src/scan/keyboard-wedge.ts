/**
 * Telling a keyboard-wedge barcode scanner from a person typing. A USB scanner "types" the code
 * in a burst — a few milliseconds between keys — and ends it with Enter; people need far longer.
 * A scan is a run of printable keys closed by Enter or Tab, at least `minLength` long, whose keys
 * came on average at most `maxAverageGapMs` apart, none more than `maxGapMs` apart. The average
 * is what tells scanner from person; the looser per-key limit lets one key through that the
 * browser delivered late (a camera frame being decoded on the same thread). Anything slower is a
 * person and is ignored, which lets the gate listen to the whole window without a focused input.
 */

export interface WedgeOptions {
  /** Longest pause between two keys inside one scan. */
  maxGapMs?: number;
  /** Longest average pause between the keys of a scan. Scanners manage < 10 ms, people > 80 ms. */
  maxAverageGapMs?: number;
  /** Shorter bursts are not scans (a ticket token has far more characters). */
  minLength?: number;
}

export const DEFAULT_WEDGE_GAP_MS = 120;
export const DEFAULT_WEDGE_AVERAGE_GAP_MS = 35;
export const DEFAULT_WEDGE_MIN_LENGTH = 8;

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'AltGraph']);

export class KeyboardWedge {
  private buffer = '';
  private firstAt = 0;
  private lastAt = Number.NEGATIVE_INFINITY;
  private readonly maxGapMs: number;
  private readonly maxAverageGapMs: number;
  private readonly minLength: number;

  constructor(options: WedgeOptions = {}) {
    this.maxGapMs = options.maxGapMs ?? DEFAULT_WEDGE_GAP_MS;
    this.maxAverageGapMs = options.maxAverageGapMs ?? DEFAULT_WEDGE_AVERAGE_GAP_MS;
    this.minLength = options.minLength ?? DEFAULT_WEDGE_MIN_LENGTH;
  }

  /**
   * Feeds one key (a `KeyboardEvent.key`) pressed at `at` milliseconds; returns the scanned text
   * when this key completes a scan, otherwise undefined.
   */
  push(key: string, at: number): string | undefined {
    // Scanners press Shift for capitals; modifiers carry no character and must not break a burst.
    if (MODIFIERS.has(key)) return undefined;
    const continues = this.buffer !== '' && at - this.lastAt <= this.maxGapMs;
    if (key === 'Enter' || key === 'Tab') {
      const text = this.buffer;
      const scan = continues && text.length >= this.minLength && this.fast();
      this.reset();
      return scan ? text : undefined;
    }
    if (key.length !== 1) {
      this.reset();
      return undefined;
    }
    if (continues) {
      this.buffer += key;
    } else {
      this.buffer = key;
      this.firstAt = at;
    }
    this.lastAt = at;
    return undefined;
  }

  /**
   * True while the keys so far look like a scanner's (two or more, fast on average): the caller
   * should keep them from acting as keystrokes, e.g. a space pressing a focused button.
   */
  get scanning(): boolean {
    return this.buffer.length > 1 && this.fast();
  }

  reset(): void {
    this.buffer = '';
    this.firstAt = 0;
    this.lastAt = Number.NEGATIVE_INFINITY;
  }

  private fast(): boolean {
    const gaps = this.buffer.length - 1;
    return gaps <= 0 || (this.lastAt - this.firstAt) / gaps <= this.maxAverageGapMs;
  }
}
