/**
 * The browser-mode bridge's frames, text JSON over one WebSocket, in the terminal API's one frame
 * format (`shared/src/terminal-api.ts`):
 *   page → core   `{id, call, input}`
 *   core → page   `{id, result}` (result is the terminal API's `{ok,value}|{ok:false,error}`)
 *                 `{event}` pushed as the core emits it
 * Every request is parsed here once (frame shape, then the call's own input schema) before the
 * core sees it; a bad frame is answered with `validation_failed`, never by dropping the socket.
 */
import {
  CallFrame,
  RequestId,
  fail,
  parseTerminalCall,
  type EventFrame,
  type ResultFrame,
} from '@marquee/shared';
import type { TerminalCoreLike } from '../host/core-protocol.ts';

/** Reads a frame's id even from an otherwise broken frame, so the page can match the refusal. */
function idOf(json: unknown): RequestId | null {
  if (typeof json !== 'object' || json === null) return null;
  const parsed = RequestId.safeParse((json as { id?: unknown }).id);
  return parsed.success ? parsed.data : null;
}

export type Admission = { admit: true; release: () => void } | { admit: false };

export type BridgeReply = ResultFrame;
export type BridgeEvent = EventFrame;

/**
 * Answers one text frame. `admit` lets the caller cap the calls in flight per connection; a
 * refused one is answered `rate_limited` without reaching the core.
 */
export async function answerFrame(
  core: TerminalCoreLike,
  text: string,
  admit: () => Admission = () => ({ admit: true, release: () => undefined }),
): Promise<ResultFrame> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { id: null, result: fail('validation_failed', 'a bridge frame is JSON') };
  }
  const frame = CallFrame.safeParse(json);
  if (!frame.success) {
    return {
      id: idOf(json),
      result: fail('validation_failed', 'expected {"id", "call", "input"}', {
        field: frame.error.issues[0]?.path.join('.') ?? '',
      }),
    };
  }
  const { id, call, input } = frame.data;
  const request = parseTerminalCall(call, input);
  if (!request.ok) return { id, result: request };
  const slot = admit();
  if (!slot.admit) return { id, result: fail('rate_limited', 'too many calls in flight on this connection') };
  try {
    return { id, result: await core.run(request.value) };
  } catch (error) {
    // The core answers with values; a throw is a bug, and still gets an answer.
    return { id, result: fail('internal', `the terminal core failed: ${String(error)}`) };
  } finally {
    slot.release();
  }
}
