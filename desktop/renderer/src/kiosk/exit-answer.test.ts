import { describe, expect, it } from 'vitest';
import { exitAnswer } from './exit-answer.ts';

describe("the kiosk exit PIN pad's answer", () => {
  it('closes on a right PIN, says wrong PIN otherwise, and how long to wait when locked out', () => {
    expect(exitAnswer({ ok: true, value: null })).toEqual({ kind: 'closing' });
    expect(exitAnswer({ ok: false, error: { code: 'forbidden', message: 'wrong PIN' } })).toEqual({
      kind: 'wrong_pin',
    });
    expect(
      exitAnswer({ ok: false, error: { code: 'rate_limited', message: 'x', details: { waitMs: 4200 } } }),
    ).toEqual({ kind: 'wait', seconds: 5 });
  });

  it('treats anything unexpected from the shell as a failure, never as success', () => {
    for (const reply of [
      undefined,
      null,
      'ok',
      { ok: 'yes' },
      { ok: false },
      { ok: false, error: { code: 'internal' } },
    ]) {
      expect(exitAnswer(reply)).toEqual({ kind: 'failed' });
    }
  });
});
