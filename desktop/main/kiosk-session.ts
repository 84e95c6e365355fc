/**
 * Kiosk housekeeping decided without Electron: when an unattended kiosk counts as abandoned, and
 * which seat holds its last customer left behind, so the reset can release them at once instead
 * of blocking the seats until the holds expire (DESIGN §11: "resets itself after idle").
 */
import type { Result, TerminalCall } from '@marquee/shared';

/**
 * Fires once per idle period: after `limitSeconds` without input, and again only after someone
 * touched the screen in between.
 */
export class IdleWatch {
  private fired = false;

  constructor(private readonly limitSeconds: number) {}

  /**
   * Feed the system idle time (seconds); true when the kiosk should reset now. `busy` (a call such
   * as a sale still in flight) postpones the reset: a customer waiting on the card terminal has
   * not walked away, and the tickets they paid for must reach the screen.
   */
  tick(idleSeconds: number, busy = false): boolean {
    if (this.limitSeconds <= 0) return false;
    if (idleSeconds < this.limitSeconds) {
      this.fired = false;
      return false;
    }
    if (this.fired || busy) return false;
    this.fired = true;
    return true;
  }
}

/** The holds this window has open, learnt from the calls that pass through main. */
export class HoldLedger {
  private readonly open = new Set<string>();

  observe(call: TerminalCall, input: unknown, result: Result<unknown>): void {
    if (call === 'seats.hold' && result.ok) {
      const id = (result.value as { id?: unknown }).id;
      if (typeof id === 'string') this.open.add(id);
      return;
    }
    // A released hold is gone; a sold one became tickets. Either way nothing is left to free.
    if ((call === 'seats.release' || (call === 'order.sell' && result.ok)) && isHoldInput(input)) {
      this.open.delete(input.holdId);
    }
  }

  /** The open holds, forgotten here: the caller releases them. */
  drain(): string[] {
    const ids = [...this.open];
    this.open.clear();
    return ids;
  }

  get size(): number {
    return this.open.size;
  }
}

function isHoldInput(input: unknown): input is { holdId: string } {
  return (
    typeof input === 'object' && input !== null && typeof (input as { holdId?: unknown }).holdId === 'string'
  );
}
