import { describe, expect, it } from 'vitest';
import { MarqueeError, type TerminalCall } from '@marquee/shared';
import { createDispatch, type HandlerMap } from './handler-map.ts';

const HOLD = '0b6c4f0e-5d7a-4c1e-9c2a-7d3f1a2b3c4d';

/** A map where every call throws, except the ones a test gives. */
function handlersWith(some: Partial<HandlerMap<TerminalCall>>): HandlerMap<TerminalCall> {
  return new Proxy(some, {
    get: (target, call: string) =>
      (target as Record<string, unknown>)[call] ??
      (() => {
        throw new Error(`${call} is not under test`);
      }),
  }) as HandlerMap<TerminalCall>;
}

describe('the terminal API dispatch', () => {
  it('runs a parsed request and wraps the answer', async () => {
    const dispatch = createDispatch(
      handlersWith({ 'seats.release': (input) => ({ released: input.holdId === HOLD }) }),
    );
    await expect(dispatch.run({ call: 'seats.release', input: { holdId: HOLD } })).resolves.toEqual({
      ok: true,
      value: { released: true },
    });
  });

  it('parses at the in-process edge: bad input never reaches the handler', async () => {
    const seen: unknown[] = [];
    const dispatch = createDispatch(
      handlersWith({
        'seats.release': (input) => {
          seen.push(input);
          return { released: true };
        },
      }),
    );
    await expect(dispatch.handle('seats.release', { holdId: 'F-7' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: { field: 'holdId' } },
    });
    await expect(dispatch.handle('no.such' as TerminalCall, {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    expect(seen).toEqual([]);
  });

  it('answers what a handler throws: its stable code, or internal (logged) for a bug', async () => {
    const logged: string[] = [];
    const dispatch = createDispatch(
      handlersWith({
        'seats.release': () => {
          throw new MarqueeError('hold_expired', 'the hold has expired', { holdId: HOLD });
        },
        'outbox.list': () => Promise.reject(new TypeError('x is undefined')),
      }),
      (message, extra) => logged.push(`${message} ${JSON.stringify(extra)}`),
    );
    await expect(dispatch.handle('seats.release', { holdId: HOLD })).resolves.toEqual({
      ok: false,
      error: { code: 'hold_expired', message: 'the hold has expired', details: { holdId: HOLD } },
    });
    await expect(dispatch.handle('outbox.list', {})).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'the terminal could not do that' },
    });
    expect(logged.join('\n')).toMatch(/outbox\.list.*x is undefined/);
  });
});
