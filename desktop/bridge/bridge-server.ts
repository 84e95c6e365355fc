/**
 * Browser mode (DESIGN §3): serves the built renderer on loopback under the same security headers
 * as Electron, and carries the terminal API over a WebSocket at `/bridge` — the same contract the
 * preload bridge carries over IPC. Runs wherever the core runs in plain Node.
 */
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { TerminalStatus, fail, type TerminalEvent } from '@marquee/shared';
import { securityHeaders } from '../host/csp.ts';
import type { TerminalCoreLike } from '../host/core-protocol.ts';
import { answerFrame, type Admission, type BridgeEvent, type BridgeReply } from './protocol.ts';
import {
  SESSION_PARAM,
  checkUpgrade,
  hasSession,
  isOwnHost,
  newSessionToken,
  policyFor,
  sessionCookie,
  tokensEqual,
  type SessionPolicy,
} from './session.ts';
import { resolveAsset } from '../host/static-files.ts';

export const BRIDGE_PATH = '/bridge';
export const DEFAULT_BRIDGE_PORT = 5174;

export interface BridgeOptions {
  core: TerminalCoreLike;
  /** The built renderer (`desktop/dist/renderer`). */
  rendererDir: string;
  /** 0 picks a free port (tests). */
  port?: number;
  /** Largest accepted frame; bigger ones close the socket (1009). Calls are small JSON. */
  maxMessageBytes?: number;
  /** Calls one page may have in flight; more are answered `rate_limited`. */
  maxInFlight?: number;
  /** Pages connected at once; a terminal needs one (a few while reloading). */
  maxConnections?: number;
  /** Fixed session token (tests); a fresh random one per process otherwise. */
  token?: string;
  log?: (message: string, extra?: Record<string, unknown>) => void;
}

export interface RunningBridge {
  /** What to open: the origin plus the one-time session parameter. */
  url: string;
  origin: string;
  port: number;
  /** Pages connected right now. */
  connections(): number;
  close(): Promise<void>;
}

const HEARTBEAT_MS = 15_000;

export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const token = options.token ?? newSessionToken();
  const maxMessageBytes = options.maxMessageBytes ?? 64 * 1024;
  const maxInFlight = options.maxInFlight ?? 32;
  const maxConnections = options.maxConnections ?? 8;
  const log = options.log ?? (() => undefined);
  // Known once the port is: the policy names the exact origin the page must come from.
  const bound: { policy?: SessionPolicy; headers: Record<string, string> } = { headers: {} };

  const http = createServer((req, res) => {
    if (bound.policy === undefined) {
      res.writeHead(503).end();
      return;
    }
    serveHttp(bound.policy, bound.headers, options.rendererDir, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes, perMessageDeflate: false });
  const sockets = new Set<WebSocket>();

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, reason: string) => {
      log('bridge upgrade refused', { reason });
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const policy = bound.policy;
    if (policy === undefined) return refuse(503, 'Starting');
    if (pathOf(req.url) !== BRIDGE_PATH) return refuse(404, 'Not Found');
    const verdict = checkUpgrade(policy, {
      host: req.headers.host,
      origin: req.headers.origin,
      cookie: req.headers.cookie,
    });
    if (!verdict.ok) return refuse(verdict.status, verdict.status === 401 ? 'Unauthorized' : 'Forbidden');
    if (sockets.size >= maxConnections) return refuse(503, 'Too Many Connections');
    wss.handleUpgrade(req, socket, head, (ws) => {
      connect(ws);
    });
  });

  const connect = (ws: WebSocket) => {
    sockets.add(ws);
    let inFlight = 0;
    let alive = true;
    const send = (frame: BridgeReply | BridgeEvent) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const onEvent = (event: TerminalEvent) => send({ event });
    options.core.events.on('event', onEvent);
    // A page that (re)connects may have missed events: start it with the current status.
    void options.core.run({ call: 'terminal.status', input: {} }).then((status) => {
      const parsed = status.ok ? TerminalStatus.safeParse(status.value) : undefined;
      if (parsed?.success === true) send({ event: { type: 'status', status: parsed.data } });
    });
    const admit = (): Admission => {
      if (inFlight >= maxInFlight) return { admit: false };
      inFlight++;
      return {
        admit: true,
        release: () => {
          inFlight--;
        },
      };
    };
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        send({ id: null, result: fail('validation_failed', 'frames are text') });
        return;
      }
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
      void answerFrame(options.core, text, admit).then(send);
    });
    ws.on('pong', () => {
      alive = true;
    });
    const heartbeat = setInterval(() => {
      if (!alive) {
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, HEARTBEAT_MS);
    heartbeat.unref();
    ws.on('close', () => {
      clearInterval(heartbeat);
      sockets.delete(ws);
      options.core.events.off('event', onEvent);
    });
    ws.on('error', (error) => {
      log('bridge socket error', { error: error.message });
    });
  };

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? DEFAULT_BRIDGE_PORT, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('the bridge has no TCP address');
  const policy = policyFor(address.port, token);
  bound.policy = policy;
  bound.headers = securityHeaders({ connectSrc: [`ws://${policy.host}`] });

  return {
    url: `${policy.origin}/?${SESSION_PARAM}=${token}`,
    origin: policy.origin,
    port: address.port,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://bridge').pathname;
  } catch {
    return '';
  }
}

function plain(res: ServerResponse, headers: Record<string, string>, status: number, body: string): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function serveHttp(
  policy: SessionPolicy,
  headers: Record<string, string>,
  rendererDir: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (!isOwnHost(policy, req.headers.host)) return plain(res, headers, 421, 'Misdirected request\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return plain(res, headers, 405, 'Method not allowed\n');
  }
  let url: URL;
  try {
    url = new URL(req.url ?? '/', policy.origin);
  } catch {
    return plain(res, headers, 400, 'Bad request\n');
  }
  const offered = url.searchParams.get(SESSION_PARAM);
  if (offered !== null) {
    if (!tokensEqual(offered, policy.token))
      return plain(res, headers, 401, 'This session link is not valid.\n');
    // Swap the token for a cookie and drop it from the address bar and the history.
    url.searchParams.delete(SESSION_PARAM);
    // `//host` would be read as another site: stay on ours.
    const path = url.pathname.startsWith('//') ? '/' : url.pathname;
    res.writeHead(303, {
      ...headers,
      'Set-Cookie': sessionCookie(policy.port, policy.token),
      Location: `${path}${url.search}`,
      'Cache-Control': 'no-store',
    });
    res.end();
    return;
  }
  if (!hasSession(policy, req.headers.cookie)) {
    return plain(
      res,
      headers,
      401,
      "Open the address `npm run terminal` printed (it carries this terminal's session).\n",
    );
  }
  if (url.pathname === BRIDGE_PATH) return plain(res, headers, 426, 'WebSocket only\n');
  const asset = resolveAsset(rendererDir, url.pathname);
  if (asset === undefined) return plain(res, headers, 404, 'Not found\n');
  res.writeHead(200, {
    ...headers,
    'Content-Type': asset.contentType,
    'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(asset.file)
    .on('error', () => res.destroy())
    .pipe(res);
}
