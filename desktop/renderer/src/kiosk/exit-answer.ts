/**
 * What the kiosk's PIN pad says after the shell answered an exit attempt. The shell rate-limits
 * wrong PINs; the staff member sees how long to wait rather than a silent refusal.
 */
export type ExitAnswer =
  { kind: 'closing' } | { kind: 'wrong_pin' } | { kind: 'wait'; seconds: number } | { kind: 'failed' };

export function exitAnswer(reply: unknown): ExitAnswer {
  if (typeof reply !== 'object' || reply === null) return { kind: 'failed' };
  const { ok, error } = reply as { ok?: unknown; error?: { code?: unknown; details?: { waitMs?: unknown } } };
  if (ok === true) return { kind: 'closing' };
  if (error?.code === 'forbidden') return { kind: 'wrong_pin' };
  if (error?.code === 'rate_limited') {
    const waitMs = typeof error.details?.waitMs === 'number' ? error.details.waitMs : 30_000;
    return { kind: 'wait', seconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }
  return { kind: 'failed' };
}
