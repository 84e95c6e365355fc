/**
 * The sender check every IPC message from a renderer passes before it reaches the core
 * (Electron's security checklist: check the sender, then parse the input — the parse is the
 * terminal API's one edge, `parseTerminalCall` in shared, which every transport calls). Pure.
 */
import { fail, type Result } from '@marquee/shared';
import { isAppUrl } from './app-origin.ts';

/** The part of Electron's `WebFrameMain` the guard looks at (null once the frame is gone). */
export interface SenderFrameLike {
  url: string;
  /** A subframe (iframe) never speaks for the app, even one that loaded an app URL. */
  parent: unknown;
}

export function isTrustedSender(frame: SenderFrameLike | null | undefined): boolean {
  if (frame === null || frame === undefined) return false;
  return frame.parent === null && isAppUrl(frame.url);
}

/** The answer when a message does not come from the app's own top-level page. */
export function untrustedSender(): Result<never> {
  return fail('forbidden', 'this window may not use the terminal');
}
