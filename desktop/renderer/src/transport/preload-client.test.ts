import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Result, TerminalOutput } from '@marquee/shared';
import type { MarqueeBridge } from '../terminal-client.ts';
import { createPreloadClient } from './preload-client.ts';

const SHOWTIME = '0b6c4f0e-5d7a-4c1e-9c2a-7d3f1a2b3c4d';

function bridgeAnswering(answer: unknown): MarqueeBridge & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    call: (call, input) => {
      sent.push({ call, input });
      return Promise.resolve(answer);
    },
    onEvent: () => () => undefined,
  };
}

describe('the terminal client in Electron', () => {
  it('answers typed by the call, with the input checked at compile time', async () => {
    const bridge = bridgeAnswering({ ok: true, value: { released: true } });
    const client = createPreloadClient(bridge);
    const released = await client.call('seats.release', { holdId: SHOWTIME });
    expectTypeOf(released).toEqualTypeOf<Result<TerminalOutput<'seats.release'>>>();
    expect(released).toEqual({ ok: true, value: { released: true } });
    // @ts-expect-error a hold id is a string
    await client.call('seats.release', { holdId: 7 });
    expect(bridge.sent[0]).toEqual({ call: 'seats.release', input: { holdId: SHOWTIME } });
  });

  it('turns an off-contract answer into internal and an unknown error code into internal', async () => {
    const garbled = createPreloadClient(bridgeAnswering({ ok: 'yes' }));
    await expect(garbled.call('terminal.status', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    const newer = createPreloadClient(
      bridgeAnswering({ ok: false, error: { code: 'from_a_newer_core', message: 'later' } }),
    );
    await expect(newer.call('terminal.status', {})).resolves.toEqual({
      ok: false,
      error: { code: 'internal', message: 'later', details: { code: 'from_a_newer_core' } },
    });
  });
});
