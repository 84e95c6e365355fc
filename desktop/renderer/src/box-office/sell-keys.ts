/**
 * The selling keys: 1–9 pick a showing, B best available, H hold, + and − the party size, C cash,
 * K card, Enter completes, N starts a new sale, Esc steps back (new sale, release, clear). Which
 * key does what is a pure function of the key and the sale, so it is tested without a browser;
 * `useSellKeys` listens for them.
 */
import type { CounterMethod } from './sale-flow.ts';

/** The showings on the number keys, in the list's order. */
export const QUICK_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export type SellCommand =
  /** Leave the text field the cashier was typing in. */
  | { do: 'blur' }
  | { do: 'newSale' }
  | { do: 'release' }
  | { do: 'clearSelection' }
  /** The showing on quick key `index` (0 for "1"). */
  | { do: 'showtime'; index: number }
  | { do: 'best' }
  | { do: 'hold' }
  | { do: 'party'; delta: number }
  | { do: 'method'; method: CounterMethod }
  | { do: 'complete' };

/** The commands the panel carries out (the hook itself leaves a text field). */
export type SellRun = Exclude<SellCommand, { do: 'blur' }>;

export interface SellKeyContext {
  /** The key went to a text field or a list (Esc leaves it, other keys are its own). */
  typing: boolean;
  /** No control has the focus (Enter on a button is that button's). */
  onBody: boolean;
  /** How many showings the number keys can pick from. */
  showtimeCount: number;
  holding: boolean;
  /** The sale is done or queued. */
  finished: boolean;
}

export interface SellKey {
  command: SellCommand;
  /** The browser's own use of the key is cancelled. */
  preventDefault: boolean;
}

/** The parts of a `KeyboardEvent` the keys depend on. */
interface KeyLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

function command(cmd: SellCommand, preventDefault = true): SellKey {
  return { command: cmd, preventDefault };
}

/** What `event` does at the counter, or nothing when the key is not a selling key here. */
export function sellKey(event: KeyLike, ctx: SellKeyContext): SellKey | undefined {
  if (event.altKey || event.ctrlKey || event.metaKey) return undefined;
  if (event.key === 'Escape') {
    if (ctx.typing) return command({ do: 'blur' }, false);
    if (ctx.finished) return command({ do: 'newSale' });
    return command(ctx.holding ? { do: 'release' } : { do: 'clearSelection' });
  }
  if (ctx.typing) return undefined;
  const key = event.key.toLowerCase();
  const quick = QUICK_KEYS.indexOf(event.key as (typeof QUICK_KEYS)[number]);
  if (quick >= 0 && quick < ctx.showtimeCount) return command({ do: 'showtime', index: quick });
  if (key === 'b') return command({ do: 'best' });
  if (key === 'h') return command({ do: 'hold' });
  if (key === '+' || key === '=') return command({ do: 'party', delta: 1 }, false);
  if (key === '-') return command({ do: 'party', delta: -1 }, false);
  if (key === 'c' && ctx.holding) return command({ do: 'method', method: 'cash' });
  if (key === 'k' && ctx.holding) return command({ do: 'method', method: 'card' });
  if (key === 'n' && ctx.finished) return command({ do: 'newSale' });
  if (key === 'enter' && ctx.holding && ctx.onBody) return command({ do: 'complete' });
  return undefined;
}
