/**
 * Test helpers for the bridge (used by its tests only; kept here like shared/src/testing): a fake core that answers from a script, a tiny built renderer in a
 * temp dir, and a WebSocket opened the way a browser page would (own Origin, session cookie).
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { Result, TerminalEvent, TerminalRequest, TerminalStatus } from '@marquee/shared';
import type { TerminalCoreLike } from '../../host/core-protocol.ts';

export const STATUS: TerminalStatus = {
  enrolled: true,
  connection: 'online',
  since: '2026-11-23T10:00:00.000Z',
  pendingOutbox: 0,
  rejectedOutbox: 0,
  leaseSeatsLeft: 0,
};

export class FakeCore implements TerminalCoreLike {
  readonly events = new EventEmitter<{ event: [TerminalEvent] }>();
  readonly calls: TerminalRequest[] = [];
  /** Delays answers by this long (in-flight limits). */
  delayMs = 0;

  async run(request: TerminalRequest): Promise<Result<unknown>> {
    this.calls.push(request);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (request.call === 'terminal.status') return { ok: true, value: STATUS };
    return { ok: true, value: request };
  }
}

export function fakeRenderer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-renderer-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><title>Marquee</title><script src="./assets/app-1a2b.js"></script>',
  );
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log("marquee")');
  return dir;
}

/** `Cookie` header value for a bridge, obtained the way a browser gets it (the printed URL). */
export async function sessionCookieFor(pageUrl: string): Promise<string> {
  const res = await fetch(pageUrl, { redirect: 'manual' });
  const cookie = res.headers.get('set-cookie');
  if (res.status !== 303 || cookie === null) throw new Error(`no session cookie: ${res.status}`);
  return cookie.split(';')[0] ?? '';
}

export function openPageSocket(
  origin: string,
  cookie: string | undefined,
  headers: Record<string, string> = {},
): WebSocket {
  return new WebSocket(`${origin.replace(/^http/, 'ws')}/bridge`, {
    headers: { Origin: origin, ...(cookie === undefined ? {} : { Cookie: cookie }), ...headers },
  });
}

/** Resolves with the HTTP status of a refused upgrade, or 101 once the socket opens. */
export function upgradeStatus(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', () => resolve(0));
  });
}

/** A frame from the bridge, as a page receives it. */
export interface Frame {
  id?: string | number | null;
  result?: Result<unknown>;
  event?: TerminalEvent;
}

export interface Frames {
  seen: Frame[];
  /** The first frame after the last one returned that matches, waiting up to `timeoutMs`. */
  next(match?: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
}

/** Collects parsed frames; `next` waits for the first unseen one matching. */
export function frames(socket: WebSocket): Frames {
  const seen: Frame[] = [];
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    seen.push(JSON.parse(Buffer.from(data as Buffer).toString('utf8')) as Frame);
    for (const wake of waiters.splice(0)) wake();
  });
  let cursor = 0;
  return {
    seen,
    async next(match = () => true, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (; cursor < seen.length; cursor++) {
          const frame = seen[cursor];
          if (frame !== undefined && match(frame)) {
            cursor++;
            return frame;
          }
        }
        if (Date.now() > deadline) throw new Error(`no matching frame; got ${JSON.stringify(seen)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}
