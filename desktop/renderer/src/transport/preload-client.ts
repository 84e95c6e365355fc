/**
 * The terminal client inside Electron: the preload's `window.marquee` bridge. Main validates and
 * answers every call; this side checks the shape of what comes back anyway, because a value that
 * crossed a process boundary is only trusted once it has been looked at.
 */
import { TerminalEvent, type Result, type TerminalCall, type TerminalOutput } from '@marquee/shared';
import type { MarqueeBridge, TerminalClient } from '../terminal-client.ts';

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (v.ok === true) return 'value' in v;
  return v.ok === false && typeof v.error?.code === 'string' && typeof v.error.message === 'string';
}

export function createPreloadClient(bridge: MarqueeBridge): TerminalClient {
  return {
    async call<C extends TerminalCall>(call: C, input: unknown): Promise<Result<TerminalOutput<C>>> {
      try {
        const answer = await bridge.call(call, input);
        if (isResult(answer)) return answer as Result<TerminalOutput<C>>;
        return { ok: false, error: { code: 'internal', message: 'the terminal answered off-contract' } };
      } catch {
        // ipcRenderer.invoke rejects only when main has no handler or the window is closing.
        return { ok: false, error: { code: 'unavailable', message: 'the terminal is not reachable' } };
      }
    },
    subscribe(listener) {
      return bridge.onEvent((event) => {
        const parsed = TerminalEvent.safeParse(event);
        if (parsed.success) listener(parsed.data);
      });
    },
  };
}
