import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type RunningBridge } from './bridge-server.ts';
import {
  FakeCore,
  STATUS,
  fakeRenderer,
  frames,
  openPageSocket,
  sessionCookieFor,
  upgradeStatus,
} from './testing/bridge-kit.ts';

const SHOWTIME = '0b6c4f0e-5d7a-4c1e-9c2a-7d3f1a2b3c4d';
let core: FakeCore;
let bridge: RunningBridge;
let rendererDir: string;
let cookie: string;

beforeAll(async () => {
  core = new FakeCore();
  rendererDir = fakeRenderer();
  bridge = await startBridge({ core, rendererDir, port: 0, maxMessageBytes: 4096, maxInFlight: 2 });
  cookie = await sessionCookieFor(bridge.url);
});
afterAll(async () => {
  await bridge.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

/** GET with full control over the headers (fetch will not let a test forge `Host`). */
function get(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(`${bridge.origin}${path}`, { method, headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('the browser-mode page server', () => {
  it('prints a loopback URL that swaps its one-time token for an HttpOnly SameSite cookie', async () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?session=[A-Za-z0-9_-]{43}$/);
    const res = await fetch(bridge.url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.get('set-cookie')).toMatch(
      new RegExp(`^marquee_session_${bridge.port}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/$`),
    );
  });

  it('never redirects to another site while swapping the token', async () => {
    const token = new URL(bridge.url).searchParams.get('session')!;
    const res = await get(`/.//evil.example/?session=${token}`);
    expect(res.status).toBe(303);
    expect(res.headers['location']).toBe('/');
  });

  it('serves the UI with a strict CSP and security headers to the session holder', async () => {
    const res = await get('/', { Cookie: cookie });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>Marquee</title>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${bridge.port}`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    const asset = await get('/assets/app-1a2b.js', { Cookie: cookie });
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
    const route = await get('/kiosk/seats', { Cookie: cookie });
    expect(route.body).toContain('<title>Marquee</title>');
  });

  it('refuses pages without the session, with a wrong token, or under another Host name', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/assets/app-1a2b.js')).status).toBe(401);
    expect((await get('/', { Cookie: `marquee_session_${bridge.port}=guess` })).status).toBe(401);
    expect((await get('/?session=guess')).status).toBe(401);
    expect((await get('/', { Cookie: cookie, Host: `rebound.example:${bridge.port}` })).status).toBe(421);
    expect((await get('/', { Cookie: cookie, Host: `localhost:${bridge.port}` })).status).toBe(421);
  });

  it('serves nothing outside the build and only GET/HEAD', async () => {
    for (const path of [
      '/../package.json',
      '/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/x.js',
      '/%00.js',
      '/a\\..\\b.js',
    ]) {
      expect((await get(path, { Cookie: cookie })).status, path).toBe(404);
    }
    expect((await get('/missing.js', { Cookie: cookie })).status).toBe(404);
    expect((await get('/', { Cookie: cookie }, 'POST')).status).toBe(405);
    expect((await get('/bridge', { Cookie: cookie })).status).toBe(426);
  });
});

describe('the WebSocket bridge', () => {
  it('answers calls by id and greets a new page with the current status', async () => {
    const socket = openPageSocket(bridge.origin, cookie);
    const inbox = frames(socket);
    await new Promise((resolve) => socket.once('open', resolve));
    expect(await inbox.next((f) => f.event !== undefined)).toEqual({
      event: { type: 'status', status: STATUS },
    });
    socket.send(JSON.stringify({ id: 7, call: 'seatmap.get', input: { showtimeId: SHOWTIME } }));
    expect(await inbox.next((f) => f.id === 7)).toEqual({
      id: 7,
      result: { ok: true, value: { call: 'seatmap.get', input: { showtimeId: SHOWTIME } } },
    });
    socket.close();
  });

  it('pushes core events to every connected page', async () => {
    const a = openPageSocket(bridge.origin, cookie);
    const b = openPageSocket(bridge.origin, cookie);
    const [inA, inB] = [frames(a), frames(b)];
    await Promise.all([a, b].map((s) => new Promise((resolve) => s.once('open', resolve))));
    await Promise.all([inA.next(), inB.next()]);
    core.events.emit('event', { type: 'replica', collection: 'seat_maps', lseq: 42 });
    const replica = (f: { event?: { type: string } }) => f.event?.type === 'replica';
    expect(await inA.next(replica)).toEqual({
      event: { type: 'replica', collection: 'seat_maps', lseq: 42 },
    });
    expect(await inB.next(replica)).toEqual({
      event: { type: 'replica', collection: 'seat_maps', lseq: 42 },
    });
    a.close();
    b.close();
  });

  it('answers validation_failed for unknown calls, bad input and broken frames, without reaching the core', async () => {
    const socket = openPageSocket(bridge.origin, cookie);
    const inbox = frames(socket);
    await new Promise((resolve) => socket.once('open', resolve));
    const before = core.calls.length;
    socket.send(JSON.stringify({ id: 1, call: 'system.exec', input: {} }));
    socket.send(JSON.stringify({ id: 2, call: 'seats.hold', input: { showtimeId: SHOWTIME, seatIds: [] } }));
    socket.send(JSON.stringify({ id: 3, call: 'seatmap.get' }));
    socket.send(JSON.stringify({ id: 4, call: 'terminal.status', input: {}, extra: true }));
    socket.send('not json');
    socket.send(Buffer.from([1, 2, 3]));
    const failed = (id: unknown) => ({
      id,
      result: { ok: false, error: expect.objectContaining({ code: 'validation_failed' }) },
    });
    expect(await inbox.next((f) => f.id === 1)).toEqual(failed(1));
    expect(await inbox.next((f) => f.id === 2)).toEqual(failed(2));
    expect(await inbox.next((f) => f.id === 3)).toEqual(failed(3));
    expect(await inbox.next((f) => f.id === 4)).toEqual(failed(4));
    // The binary frame is refused synchronously, so the two id-less answers may come in any order.
    const idless = inbox.seen.filter((f) => f.id === null);
    expect(idless).toEqual([failed(null), failed(null)]);
    expect(core.calls.length).toBe(before);
    socket.close();
  });

  it('caps the calls one page has in flight', async () => {
    const socket = openPageSocket(bridge.origin, cookie);
    const inbox = frames(socket);
    await new Promise((resolve) => socket.once('open', resolve));
    core.delayMs = 100;
    for (const id of [1, 2, 3]) socket.send(JSON.stringify({ id, call: 'outbox.list', input: {} }));
    expect(await inbox.next((f) => f.id === 3)).toMatchObject({
      result: { ok: false, error: { code: 'rate_limited' } },
    });
    expect(await inbox.next((f) => f.id === 1)).toMatchObject({ result: { ok: true } });
    core.delayMs = 0;
    socket.close();
  });

  it('closes the socket on a frame over the size limit', async () => {
    const socket = openPageSocket(bridge.origin, cookie);
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.send(JSON.stringify({ id: 1, call: 'terminal.status', input: { pad: 'x'.repeat(10_000) } }));
    expect(await closed).toBe(1009);
  });

  it('refuses other origins, other Host names, missing sessions and other paths', async () => {
    const port = bridge.port;
    expect(await upgradeStatus(openPageSocket(bridge.origin, cookie))).toBe(101);
    expect(await upgradeStatus(openPageSocket(bridge.origin, undefined))).toBe(401);
    expect(await upgradeStatus(openPageSocket(bridge.origin, `marquee_session_${port}=guess`))).toBe(401);
    expect(
      await upgradeStatus(openPageSocket(bridge.origin, cookie, { Origin: 'http://127.0.0.1:9999' })),
    ).toBe(403);
    expect(await upgradeStatus(openPageSocket(bridge.origin, cookie, { Origin: 'null' }))).toBe(403);
    expect(await upgradeStatus(openPageSocket(bridge.origin, cookie, { Host: `evil.example:${port}` }))).toBe(
      403,
    );
    const elsewhere = new (await import('ws')).WebSocket(`ws://127.0.0.1:${port}/other`, {
      headers: { Origin: bridge.origin, Cookie: cookie },
    });
    expect(await upgradeStatus(elsewhere)).toBe(404);
  });
});
