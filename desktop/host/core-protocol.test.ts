import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Result, TerminalEvent, TerminalRequest, TerminalStatus } from '@marquee/shared';
import {
  CoreChannel,
  serveCore,
  type HostMessage,
  type HostRequest,
  type TerminalCoreLike,
} from './core-protocol.ts';

const STATUS: TerminalStatus = {
  enrolled: true,
  connection: 'online',
  since: '2026-11-23T10:00:00.000Z',
  pendingOutbox: 0,
  rejectedOutbox: 0,
  leaseSeatsLeft: 0,
};

class FakeCore implements TerminalCoreLike {
  readonly events = new EventEmitter<{ event: [TerminalEvent] }>();
  readonly calls: TerminalRequest[] = [];
  run(request: TerminalRequest): Promise<Result<unknown>> {
    this.calls.push(request);
    if (request.call === 'outbox.list') return Promise.reject(new Error('disk on fire'));
    return Promise.resolve({ ok: true, value: STATUS });
  }
}

/** Main's channel and the host wired back to back, as the utility process would be. */
function pair() {
  const core = new FakeCore();
  const toHost: HostRequest[] = [];
  let stopped = false;
  let channel: CoreChannel | undefined = undefined;
  const host = serveCore(
    core,
    (message: HostMessage) => channel?.receive(structuredClone(message)),
    () => {
      stopped = true;
    },
  );
  channel = new CoreChannel((message) => {
    toHost.push(message);
    void host.receive(structuredClone(message));
  }, 200);
  return { core, channel, toHost, host, stopped: () => stopped };
}

describe('main ⇄ core host protocol', () => {
  it('carries a call to the core and its result back', async () => {
    const { core, channel } = pair();
    await expect(channel.call({ call: 'terminal.status', input: {} })).resolves.toEqual({
      ok: true,
      value: STATUS,
    });
    expect(core.calls).toEqual([{ call: 'terminal.status', input: {} }]);
  });

  it('refuses a frame for an unknown call in the host before the core sees it', async () => {
    const core = new FakeCore();
    const sent: HostMessage[] = [];
    const host = serveCore(
      core,
      (message) => sent.push(message),
      () => undefined,
    );
    await host.receive({ id: 7, call: 'system.shutdown', input: {} });
    expect(sent).toMatchObject([{ id: 7, result: { ok: false, error: { code: 'validation_failed' } } }]);
    expect(core.calls).toEqual([]);
  });

  it('turns a throwing core into an internal error answer', async () => {
    const { channel } = pair();
    await expect(channel.call({ call: 'outbox.list', input: {} })).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });

  it('forwards core events and stops forwarding after stop', async () => {
    const { core, channel, host, stopped } = pair();
    const seen: TerminalEvent[] = [];
    channel.onEvent((event) => seen.push(event));
    core.events.emit('event', { type: 'status', status: STATUS });
    expect(seen).toEqual([{ type: 'status', status: STATUS }]);
    await host.receive({ type: 'stop' });
    expect(stopped()).toBe(true);
    core.events.emit('event', { type: 'status', status: STATUS });
    expect(seen).toHaveLength(1);
  });

  it('resolves `ready` with the status the host announces', async () => {
    const channel = new CoreChannel(() => undefined);
    channel.receive({ type: 'ready', status: STATUS });
    await expect(channel.ready).resolves.toEqual(STATUS);
  });

  it('answers a call the host never answers with unavailable after the timeout', async () => {
    const channel = new CoreChannel(() => undefined, 50);
    await expect(channel.call({ call: 'terminal.status', input: {} })).resolves.toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  });

  it('answers waiting and later calls when the host dies', async () => {
    const channel = new CoreChannel(() => undefined, 10_000);
    const waiting = channel.call({ call: 'terminal.status', input: {} });
    channel.receive({ type: 'fatal', message: 'SQLITE_CORRUPT' });
    await expect(waiting).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
    await expect(channel.call({ call: 'terminal.status', input: {} })).resolves.toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('SQLITE_CORRUPT') },
    });
    await expect(channel.ready).rejects.toThrow(/SQLITE_CORRUPT/);
  });

  it('drops off-contract messages from the host', () => {
    const channel = new CoreChannel(() => undefined);
    expect(channel.receive({ id: 'x' })).toEqual({ ok: false, problem: expect.any(String) });
    expect(channel.receive('hello')).toMatchObject({ ok: false });
    expect(channel.receive({ event: { type: 'nope' } })).toMatchObject({ ok: false });
  });
});
