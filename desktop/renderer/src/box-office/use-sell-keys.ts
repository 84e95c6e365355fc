/** Listens for the selling keys (sell-keys.ts) while the Sell tab is showing. */
import { useEffect, useRef } from 'react';
import { sellKey } from './sell-keys.ts';
import type { SellKeyContext, SellRun } from './sell-keys.ts';

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLSelectElement ||
    target instanceof HTMLTextAreaElement
  );
}

/**
 * Runs `run` for each selling key pressed while `active`. `context` and `run` are read at the time
 * of the key, so they may change every render without re-registering the listener.
 */
export function useSellKeys(
  active: boolean,
  context: Omit<SellKeyContext, 'typing' | 'onBody'>,
  run: (command: SellRun) => void,
): void {
  const latest = useRef({ context, run });
  useEffect(() => {
    latest.current = { context, run };
  });
  useEffect(() => {
    if (!active) return undefined;
    const onKeyDown = (event: KeyboardEvent): void => {
      const typing = isTyping(event.target);
      const found = sellKey(event, {
        ...latest.current.context,
        typing,
        onBody: event.target === document.body,
      });
      if (found === undefined) return;
      if (found.preventDefault) event.preventDefault();
      const { command: next } = found;
      if (next.do === 'blur') (event.target as HTMLElement).blur();
      else latest.current.run(next);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [active]);
}
