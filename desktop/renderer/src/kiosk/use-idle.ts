/**
 * Unattended kiosks reset themselves: after `idleMs` without a touch or key the customer is asked
 * whether they are still there, and after `graceMs` more the purchase is cancelled (holds
 * released, language and display reset) for the next person.
 */
import { useEffect, useState } from 'react';

export interface IdleState {
  /** Seconds left before the reset, while asking; undefined while the customer is active. */
  warningSecondsLeft: number | undefined;
  /** Call when the customer says they are still there. */
  stillHere: () => void;
}

export function useIdle(enabled: boolean, idleMs: number, graceMs: number, onTimeout: () => void): IdleState {
  const [lastActivity, setLastActivity] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    if (!enabled) return undefined;
    const touch = (): void => setLastActivity(Date.now());
    const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
    for (const name of events) window.addEventListener(name, touch, { capture: true, passive: true });
    setLastActivity(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1_000);
    return () => {
      for (const name of events) window.removeEventListener(name, touch, { capture: true });
      window.clearInterval(timer);
    };
  }, [enabled]);

  const idleFor = now - lastActivity;
  const timedOut = enabled && idleFor >= idleMs + graceMs;
  useEffect(() => {
    if (timedOut) onTimeout();
  }, [timedOut, onTimeout]);

  return {
    warningSecondsLeft:
      enabled && idleFor >= idleMs && !timedOut ? Math.ceil((idleMs + graceMs - idleFor) / 1000) : undefined,
    stillHere: () => setLastActivity(Date.now()),
  };
}
