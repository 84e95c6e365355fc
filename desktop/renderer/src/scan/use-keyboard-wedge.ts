/**
 * Listens to the whole window for a keyboard-wedge scanner (see keyboard-wedge.ts). Keys typed
 * into a text field are left to the field, so a cashier typing an amount is never mistaken for a
 * scan; a scan into a focused field arrives there as text plus Enter instead.
 */
import { useEffect, useRef } from 'react';
import { KeyboardWedge } from './keyboard-wedge.ts';

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

export function useKeyboardWedge(onScan: (text: string) => void, enabled = true): void {
  const handler = useRef(onScan);
  useEffect(() => {
    handler.current = onScan;
  }, [onScan]);
  useEffect(() => {
    if (!enabled) return undefined;
    const wedge = new KeyboardWedge();
    // Keys swallowed on the way down are swallowed on the way up too: a button fires on the
    // keyup of Space, and tokens contain spaces.
    const swallowed = new Set<string>();
    const onKeyDown = (event: KeyboardEvent): void => {
      if (isEditable(event.target)) {
        wedge.reset();
        return;
      }
      const text = wedge.push(event.key, event.timeStamp);
      if (wedge.scanning || text !== undefined) {
        // Inside a burst the keys are a scanner's: they must not press a focused button, and
        // the closing Enter must not either.
        event.preventDefault();
        swallowed.add(event.code);
      }
      if (text !== undefined) handler.current(text);
    };
    const onKeyUp = (event: KeyboardEvent): void => {
      if (swallowed.delete(event.code)) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown, true);
    window.addEventListener('keyup', onKeyUp, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('keyup', onKeyUp, true);
    };
  }, [enabled]);
}
