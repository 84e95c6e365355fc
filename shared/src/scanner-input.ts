/**
 * Telling a keyboard-wedge (USB HID) barcode scanner from a person at the keyboard.
 *
 * A wedge scanner "types" the code it read as key events, usually followed by Enter. It types far
 * faster and more evenly than anyone can: a few milliseconds between keys, where even a fast typist
 * needs 50–150 ms. So a scan is a burst of printable keys with short gaps that ends in a
 * terminator key; anything slower, shorter or unterminated is typing and belongs to the input that
 * has the focus. The renderer feeds every keydown through {@link wedgeStep} (a pure reducer: time
 * comes in with the key) and sends a detected code to the same `ticket.admit` / lookup command as
 * the camera and the serial scanners.
 */

export interface KeyStroke {
  /** `KeyboardEvent.key`: a printable character, or a named key such as `Enter` or `Shift`. */
  key: string;
  /** When the key went down, in milliseconds (`KeyboardEvent.timeStamp`); only differences matter. */
  at: number;
}

export interface WedgeOptions {
  /** Longest gap between two keys of one scan. Scanners send a key every 1–20 ms. */
  maxGapMs: number;
  /** Longest average gap over the whole burst: one slow key may be USB jitter, many are a typist. */
  maxAverageGapMs: number;
  /** Fewest characters a scan can have; ticket tokens are far longer, typed shortcuts are shorter. */
  minLength: number;
  /** Most characters kept; a longer burst is not a code we can use (and not worth the memory). */
  maxLength: number;
  /** Keys that end a scan. Scanners are usually set to send Enter; some send Tab. */
  terminators: readonly string[];
}

export const DEFAULT_WEDGE_OPTIONS: WedgeOptions = {
  maxGapMs: 50,
  maxAverageGapMs: 25,
  minLength: 8,
  maxLength: 1000,
  terminators: ['Enter'],
};

/** The burst being typed: characters since the last long gap, with their times. */
export interface WedgeState {
  chars: string;
  firstAt: number | undefined;
  lastAt: number | undefined;
  /** The burst grew past `maxLength`: whatever it is, it is not a code we can use. */
  broken: boolean;
}

export const INITIAL_WEDGE_STATE: WedgeState = {
  chars: '',
  firstAt: undefined,
  lastAt: undefined,
  broken: false,
};

export type WedgeVerdict =
  /** A complete scan: the renderer should swallow the terminator and submit `code`. */
  | { kind: 'scan'; code: string }
  /** A terminator that ends typing (or nothing): let the key through as usual. */
  | { kind: 'typing' }
  /** A key inside a possible scan or typing; let it through, nothing to decide yet. */
  | { kind: 'pending' };

/**
 * Modifier and navigation keys that scanners send around characters (Shift for upper case,
 * sometimes a NumLock toggle) and that say nothing about who is typing.
 */
function isIgnoredKey(key: string): boolean {
  return key.length > 1 || key === '';
}

/** One keydown → the next state and what it meant. Pure: the caller keeps the state. */
export function wedgeStep(
  state: WedgeState,
  stroke: KeyStroke,
  options: WedgeOptions = DEFAULT_WEDGE_OPTIONS,
): { state: WedgeState; verdict: WedgeVerdict } {
  const gap = state.lastAt === undefined ? 0 : stroke.at - state.lastAt;
  // A long pause ends whatever burst came before; a scan can only start after it.
  const fresh = state.lastAt === undefined || gap > options.maxGapMs;

  if (options.terminators.includes(stroke.key)) {
    const verdict = fresh ? { kind: 'typing' as const } : classify(state, stroke.at, options);
    return { state: INITIAL_WEDGE_STATE, verdict };
  }
  if (isIgnoredKey(stroke.key)) {
    // Shift between the characters of a scan must not reset its timing, nor count as a key.
    return { state, verdict: { kind: 'pending' } };
  }
  if (fresh) {
    return {
      state: { chars: stroke.key, firstAt: stroke.at, lastAt: stroke.at, broken: false },
      verdict: { kind: 'pending' },
    };
  }
  const chars = state.chars.length < options.maxLength ? state.chars + stroke.key : state.chars;
  return {
    state: {
      chars,
      firstAt: state.firstAt,
      lastAt: stroke.at,
      broken: state.broken || state.chars.length >= options.maxLength,
    },
    verdict: { kind: 'pending' },
  };
}

function classify(state: WedgeState, endAt: number, options: WedgeOptions): WedgeVerdict {
  if (state.broken || state.firstAt === undefined) return { kind: 'typing' };
  const length = state.chars.length;
  if (length < options.minLength) return { kind: 'typing' };
  // Gaps: between the characters, and from the last one to the terminator.
  const averageGap = (endAt - state.firstAt) / length;
  if (averageGap > options.maxAverageGapMs) return { kind: 'typing' };
  return { kind: 'scan', code: state.chars };
}

/** Classifies a whole recorded key sequence: the codes scanned in it, in order. */
export function scansIn(
  strokes: readonly KeyStroke[],
  options: WedgeOptions = DEFAULT_WEDGE_OPTIONS,
): string[] {
  let state = INITIAL_WEDGE_STATE;
  const codes: string[] = [];
  for (const stroke of strokes) {
    const step = wedgeStep(state, stroke, options);
    state = step.state;
    if (step.verdict.kind === 'scan') codes.push(step.verdict.code);
  }
  return codes;
}
