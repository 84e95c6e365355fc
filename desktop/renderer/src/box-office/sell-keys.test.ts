import { describe, expect, it } from 'vitest';
import { sellKey } from './sell-keys.ts';
import type { SellKeyContext } from './sell-keys.ts';

const choosing: SellKeyContext = {
  typing: false,
  onBody: true,
  showtimeCount: 3,
  holding: false,
  finished: false,
};
const holding: SellKeyContext = { ...choosing, holding: true };
const finished: SellKeyContext = { ...choosing, finished: true };

function press(
  key: string,
  ctx: SellKeyContext,
  mods: Partial<Record<'altKey' | 'ctrlKey' | 'metaKey', boolean>> = {},
) {
  return sellKey({ key, altKey: false, ctrlKey: false, metaKey: false, ...mods }, ctx);
}

describe('selling keys', () => {
  it('picks the showing on its number key, and nothing past the list', () => {
    expect(press('1', choosing)).toEqual({ command: { do: 'showtime', index: 0 }, preventDefault: true });
    expect(press('3', choosing)?.command).toEqual({ do: 'showtime', index: 2 });
    expect(press('4', choosing)).toBeUndefined();
  });

  it('asks for the best seats and holds them, in either case', () => {
    expect(press('b', choosing)?.command).toEqual({ do: 'best' });
    expect(press('B', choosing)?.command).toEqual({ do: 'best' });
    expect(press('H', choosing)?.command).toEqual({ do: 'hold' });
  });

  it('changes the party size without taking the key from the page', () => {
    expect(press('+', choosing)).toEqual({ command: { do: 'party', delta: 1 }, preventDefault: false });
    expect(press('=', choosing)?.command).toEqual({ do: 'party', delta: 1 });
    expect(press('-', choosing)).toEqual({ command: { do: 'party', delta: -1 }, preventDefault: false });
  });

  it('switches cash and card only while seats are held', () => {
    expect(press('c', holding)?.command).toEqual({ do: 'method', method: 'cash' });
    expect(press('k', holding)?.command).toEqual({ do: 'method', method: 'card' });
    expect(press('c', choosing)).toBeUndefined();
    expect(press('k', choosing)).toBeUndefined();
  });

  it('completes on Enter only when held and no control has the focus', () => {
    expect(press('Enter', holding)?.command).toEqual({ do: 'complete' });
    expect(press('Enter', { ...holding, onBody: false })).toBeUndefined();
    expect(press('Enter', choosing)).toBeUndefined();
  });

  it('steps back on Escape: new sale, release, clear the seats, in that order', () => {
    expect(press('Escape', { ...finished, holding: true })?.command).toEqual({ do: 'newSale' });
    expect(press('Escape', holding)?.command).toEqual({ do: 'release' });
    expect(press('Escape', choosing)?.command).toEqual({ do: 'clearSelection' });
  });

  it('starts a new sale on N only once the sale is over', () => {
    expect(press('n', finished)?.command).toEqual({ do: 'newSale' });
    expect(press('n', choosing)).toBeUndefined();
  });

  it('leaves keys typed into a field alone, except Escape which leaves the field', () => {
    const typing = { ...holding, typing: true };
    expect(press('1', typing)).toBeUndefined();
    expect(press('b', typing)).toBeUndefined();
    expect(press('Escape', typing)).toEqual({ command: { do: 'blur' }, preventDefault: false });
  });

  it('ignores keys with Alt, Ctrl or Meta (shortcuts of the shell and the browser)', () => {
    expect(press('b', choosing, { ctrlKey: true })).toBeUndefined();
    expect(press('1', choosing, { altKey: true })).toBeUndefined();
    expect(press('Escape', holding, { metaKey: true })).toBeUndefined();
  });
});
