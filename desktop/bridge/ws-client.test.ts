/**
 * The renderer's browser-mode client against a real bridge: calls, events, and riding out a
 * terminal restart (the bridge goes away and comes back on the same port).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { TerminalEvent } from '@marquee/shared';
import { createWsClient, type SocketLike } from '../renderer/src/transport/ws-client.ts';
import { startBridge, type RunningBridge } from './bridge-server.ts';
import { FakeCore, fakeRenderer, sessionCookieFor } from './testing/bridge-kit.ts';

const TOKEN = 'test-session-token-0123456789-abcdefghijklmno';
let core: FakeCore;
let rendererDir: string;
let bridge: RunningBridge;
let cookie: string;

beforeAll(async () => {
  core = new FakeCore();
  rendererDir = fakeRenderer();
  bridge = await startBridge({ core, rendererDir, port: 0, token: TOKEN });
  cookie = await sessionCookieFor(bridge.url);
});
afterAll(async () => {
  await bridge.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

/** Opens sockets the way the page's browser does: own Origin, session cookie. */
function connect(url: string): SocketLike {
  return new WebSocket(url, { headers: { Origin: bridge.origin, Cookie: cookie } }) as unknown as SocketLike;
}

function bridgeUrl(): string {
  return `ws://127.0.0.1:${bridge.port}/bridge`;
}

async function until(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the browser-mode terminal client', () => {
  it('calls the core and delivers its events', async () => {
    const client = createWsClient(bridgeUrl(), { connect });
    const events: TerminalEvent[] = [];
    const unsubscribe = client.subscribe((event) => events.push(event));
    const status = await client.call('terminal.status', {});
    expect(status).toMatchObject({ ok: true, value: { connection: 'online' } });
    await until(() => events.length > 0, 'the greeting status');
    core.events.emit('event', { type: 'replica', collection: 'tickets', lseq: 3 });
    await until(() => events.some((e) => e.type === 'replica'), 'the replica event');
    unsubscribe();
    core.events.emit('event', { type: 'replica', collection: 'tickets', lseq: 4 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.filter((e) => e.type === 'replica')).toHaveLength(1);
    client.close();
  });

  it('passes refusals through as values', async () => {
    const client = createWsClient(bridgeUrl(), { connect });
    await expect(client.call('seatmap.get', { showtimeId: 'x' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    client.close();
  });

  it('reconnects when the terminal restarts, and a call made meanwhile is answered afterwards', async () => {
    const client = createWsClient(bridgeUrl(), { connect, backoff: { minMs: 20, maxMs: 100 } });
    await client.call('terminal.status', {});
    expect(client.connected).toBe(true);
    const port = bridge.port;
    await bridge.close();
    await until(() => !client.connected, 'the client to notice');
    const waiting = client.call('outbox.list', {});
    bridge = await startBridge({ core, rendererDir, port, token: TOKEN });
    await expect(waiting).resolves.toMatchObject({ ok: true, value: { call: 'outbox.list' } });
    expect(client.connected).toBe(true);
    client.close();
  });

  it('answers a sent call that the core never answers after the call timeout', async () => {
    const client = createWsClient(bridgeUrl(), { connect, callTimeoutMs: 100 });
    await client.call('terminal.status', {});
    core.delayMs = 400;
    await expect(client.call('outbox.list', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: 'the terminal did not answer in time' },
    });
    core.delayMs = 0;
    client.close();
  });

  it('reports a call whose connection dropped mid-flight as unavailable rather than resending it', async () => {
    const client = createWsClient(bridgeUrl(), { connect, backoff: { minMs: 20, maxMs: 100 } });
    await client.call('terminal.status', {});
    core.delayMs = 500;
    const inFlight = client.call('order.quote', {
      showtimeId: '0b6c4f0e-5d7a-4c1e-9c2a-7d3f1a2b3c4d',
      lines: [{ seatId: 'A-1', ticketTypeId: '0b6c4f0e-5d7a-4c1e-9c2a-7d3f1a2b3c4e' }],
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const port = bridge.port;
    await bridge.close();
    await expect(inFlight).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
    core.delayMs = 0;
    bridge = await startBridge({ core, rendererDir, port, token: TOKEN });
    await expect(client.call('terminal.status', {})).resolves.toMatchObject({ ok: true });
    client.close();
  });

  it('answers a call the terminal cannot take promptly, and everything when closed', async () => {
    const client = createWsClient('ws://127.0.0.1:9/bridge', {
      connect,
      queueTimeoutMs: 100,
      backoff: { minMs: 20, maxMs: 50 },
    });
    await expect(client.call('terminal.status', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    const pending = client.call('terminal.status', {});
    client.close();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});
