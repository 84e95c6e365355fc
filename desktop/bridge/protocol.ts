/**
 * The browser-mode bridge's frames, text JSON over one WebSocket:
 *   page → core   `{id, call, input}`
 *   core → page   `{id, result}` (result is the terminal API's `{ok,value}|{ok:false,error}`)
 *                 `{event}` pushed as the core emits it
 * Every request is validated here (frame shape, then the call's own input schema) before the core
 * sees it; a bad frame is answered with `validation_failed`, never by dropping the socket.
 */
import { z } from 'zod';
import { fail, type ErrorBody, type Result, type TerminalEvent } from '@marquee/shared';
import type { TerminalCoreLike } from '../main/core-protocol.ts';
import { parseTerminalCall } from '../main/ipc-guard.ts';

export const RequestId = z.union([
  z.string().min(1).max(64),
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
]);
export type RequestId = z.infer<typeof RequestId>;

export const BridgeRequest = z.strictObject({
  id: RequestId,
  call: z.string().min(1).max(64),
  input: z.unknown(),
});
export type BridgeRequest = z.infer<typeof BridgeRequest>;

export type BridgeReply = { id: RequestId | null; result: Result<unknown> };
export type BridgeEvent = { event: TerminalEvent };

function refusal(code: ErrorBody['code'], message: string, details?: Record<string, unknown>): Result<never> {
  return fail(code, message, details);
}

/** Reads a frame's id even from an otherwise broken frame, so the page can match the refusal. */
function idOf(json: unknown): RequestId | null {
  if (typeof json !== 'object' || json === null) return null;
  const parsed = RequestId.safeParse((json as { id?: unknown }).id);
  return parsed.success ? parsed.data : null;
}

export type Admission = { admit: true; release: () => void } | { admit: false };

/**
 * Answers one text frame. `admit` lets the caller cap the calls in flight per connection; a
 * refused one is answered `rate_limited` without reaching the core.
 */
export async function answerFrame(
  core: TerminalCoreLike,
  text: string,
  admit: () => Admission = () => ({ admit: true, release: () => undefined }),
): Promise<BridgeReply> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { id: null, result: refusal('validation_failed', 'a bridge frame is JSON') };
  }
  const frame = BridgeRequest.safeParse(json);
  if (!frame.success) {
    return {
      id: idOf(json),
      result: refusal('validation_failed', 'expected {"id", "call", "input"}', {
        field: frame.error.issues[0]?.path.join('.') ?? '',
      }),
    };
  }
  const { id, call, input } = frame.data;
  const checked = parseTerminalCall(call, input);
  if (!checked.ok) return { id, result: checked };
  const slot = admit();
  if (!slot.admit)
    return { id, result: refusal('rate_limited', 'too many calls in flight on this connection') };
  try {
    return { id, result: await core.handle(checked.value.call, checked.value.input) };
  } catch (error) {
    // The core answers with values; a throw is a bug, and still gets an answer.
    return { id, result: refusal('internal', `the terminal core failed: ${String(error)}`) };
  } finally {
    slot.release();
  }
}
