/**
 * The checks every IPC message from a renderer passes before it reaches the core (Electron's
 * security checklist: check the sender, parse the input). Also used by the browser-mode bridge
 * and the core host, so all three boundaries refuse the same things with the same codes. Pure.
 */
import { fail, ok, terminalApi, type Result, type TerminalCall } from '@marquee/shared';
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

export function isTerminalCall(call: unknown): call is TerminalCall {
  return typeof call === 'string' && Object.hasOwn(terminalApi, call);
}

export interface ParsedCall {
  call: TerminalCall;
  input: unknown;
}

/**
 * Validates a call name and its input against the contract. Unknown calls are `validation_failed`
 * too: from the outside, a misspelt call and a malformed input are the same mistake.
 */
export function parseTerminalCall(call: unknown, input: unknown): Result<ParsedCall> {
  if (!isTerminalCall(call)) {
    return fail('validation_failed', 'unknown terminal call', {
      call: typeof call === 'string' ? call.slice(0, 64) : typeof call,
    });
  }
  const parsed = terminalApi[call].input.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined ? '' : issue.path.map(String).join('.');
    return fail(
      'validation_failed',
      issue === undefined ? 'invalid input' : `${field || 'input'}: ${issue.message}`,
      {
        call,
        field,
      },
    );
  }
  return ok({ call, input: parsed.data });
}

/** The answer when a message does not come from the app's own top-level page. */
export function untrustedSender(): Result<never> {
  return fail('forbidden', 'this window may not use the terminal');
}
