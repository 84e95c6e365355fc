/**
 * How the renderer reaches its core: one typed call per terminal-API command plus a stream of
 * events. Two transports implement it with the same contract — Electron's preload bridge
 * (`window.marquee`) and the browser-mode WebSocket bridge — so the UI never knows which.
 */
import type { Result, TerminalCall, TerminalCallInput, TerminalEvent, TerminalOutput } from '@marquee/shared';

export interface TerminalClient {
  /** `client.call('seats.hold', input)`: the input is checked at compile time, the answer typed by the call. */
  call<C extends TerminalCall>(call: C, input: TerminalCallInput<C>): Promise<Result<TerminalOutput<C>>>;
  /** Events from the core (status changes, replica changes); returns an unsubscribe function. */
  subscribe(listener: (event: TerminalEvent) => void): () => void;
}

/**
 * The value of an `ok` answer to call `C`. The core's typed dispatch produced it for that call and
 * the transport checked the `Result` around it; the value itself is not parsed again here.
 */
export function answerOf<C extends TerminalCall>(result: Result<unknown>): Result<TerminalOutput<C>> {
  return result as Result<TerminalOutput<C>>;
}

/** What the Electron preload exposes on `window.marquee`. */
export interface MarqueeBridge {
  call(call: TerminalCall, input: unknown): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
}

/** The Electron shell's kiosk hooks on `window.marquee.shell` (absent in browser mode). */
export interface KioskShell {
  /** Leaves kiosk mode when the PIN matches the terminal's config: `{ok}` or `{ok:false,error}`. */
  exitKiosk(pin: string): Promise<unknown>;
  /** Staff pressed the exit shortcut (Ctrl+Alt+Shift+X): show a PIN pad. */
  onExitRequested(listener: () => void): () => void;
}
