import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { replyProblem } from './reply-check.ts';

const Hold = z.object({ id: z.string(), seatIds: z.array(z.string()), expiresAt: z.string().optional() });

describe('replyProblem', () => {
  it('accepts an answer that is exactly an instance of its schema', () => {
    expect(replyProblem(Hold, { id: 'h', seatIds: ['A-1'] })).toBeUndefined();
    // Undefined fields are not sent, so they are not a difference.
    expect(replyProblem(Hold, { id: 'h', seatIds: [], expiresAt: undefined })).toBeUndefined();
  });

  it('names a field the schema does not describe (a parsing client would drop it)', () => {
    expect(replyProblem(Hold, { id: 'h', seatIds: ['A-1'], owner: 'till 2' })).toBe(
      'owner: not described by the schema',
    );
    expect(
      replyProblem(z.object({ holds: z.array(Hold) }), { holds: [{ id: 'h', seatIds: [], x: 1 }] }),
    ).toBe('holds.0.x: not described by the schema');
  });

  it('names a field of the wrong type or missing', () => {
    expect(replyProblem(Hold, { id: 7, seatIds: [] })).toMatch(/^id: /);
    expect(replyProblem(Hold, { seatIds: [] })).toMatch(/^id: /);
  });
});
