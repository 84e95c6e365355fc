/**
 * The terminal client inside Electron: the preload's `window.marquee` bridge. Main validates and
 * answers every call; this side checks the shape of what comes back anyway, because a value that
 * crossed a process boundary is only trusted once it has been looked at.
 */
import {
  TerminalEvent,
  fail,
  readResult,
  type Result,
  type TerminalCall,
  type TerminalCallInput,
  type TerminalOutput,
} from '@marquee/shared';
import { answerOf, type MarqueeBridge, type TerminalClient } from '../terminal-client.ts';

export function createPreloadClient(bridge: MarqueeBridge): TerminalClient {
  return {
    async call<C extends TerminalCall>(
      call: C,
      input: TerminalCallInput<C>,
    ): Promise<Result<TerminalOutput<C>>> {
      try {
        const answer = readResult(await bridge.call(call, input));
        if (answer !== undefined) return answerOf<C>(answer);
        return fail('internal', 'the terminal answered off-contract');
      } catch {
        // ipcRenderer.invoke rejects only when main has no handler or the window is closing.
        return fail('unavailable', 'the terminal is not reachable');
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
