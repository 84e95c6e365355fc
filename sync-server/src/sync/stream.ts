/**
 * The change stream (WebSocket at /api/v1/sync/stream). A connection starts from its checkpoint:
 * if it is close behind, the missed changes are sent; if it is far behind or from another epoch, it
 * gets `resync` and pulls. Live changes are read once per commit and the same frame is sent to every
 * caught-up connection, so fan-out cost does not grow with a query per terminal.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CheckpointParam,
  httpStatusOf,
  invalidField,
  notFound,
  unauthenticated,
  type MarqueeError,
  STREAM_CLOSE_SESSION_ENDED,
  STREAM_HEARTBEAT_MS,
  STREAM_MAX_MESSAGE_BYTES,
  StreamClientMessage,
  type StreamServerMessage,
  type SyncCollection,
  type SyncDocument,
} from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { authenticateToken, bearerToken } from '../services/auth.ts';
import type { Actor } from '../services/actors.ts';
import { liveTokenHashes, sha256 } from '../services/sessions.ts';
import { changesAfter, toSyncDocument, type DocRow } from './pull.ts';
import { currentCheckpointSeq } from './change-log.ts';

export const STREAM_PATH = '/api/v1/sync/stream';
/** Beyond this many missed changes a client is told to pull instead. */
const CATCH_UP_LIMIT = 2000;
const LIVE_BATCH = 1000;

interface Client {
  socket: WebSocket;
  actor: Actor;
  /** The session it was opened with: when that ends, the stream closes. */
  tokenHash: string;
  seq: number;
  alive: boolean;
}

export interface StreamHub {
  readonly clients: number;
  close(): void;
}

export function frameOf(
  ctx: ServerContext,
  rows: readonly DocRow[],
): { message: StreamServerMessage; seq: number } {
  const byCollection = new Map<SyncCollection, SyncDocument[]>();
  for (const row of rows) {
    const list = byCollection.get(row.collection) ?? [];
    list.push(toSyncDocument(row));
    byCollection.set(row.collection, list);
  }
  const seq = rows.at(-1)?.seq ?? 0;
  return {
    seq,
    message: {
      type: 'changes',
      changes: [...byCollection].map(([collection, documents]) => ({ collection, documents })),
      checkpoint: { epoch: ctx.epoch, seq },
    },
  };
}

function reject(socket: Duplex, error: MarqueeError): void {
  const status = httpStatusOf(error.code);
  const body = JSON.stringify({ error: error.toBody() });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function attachStream(ctx: ServerContext, server: Server): StreamHub {
  const wss = new WebSocketServer({ noServer: true, maxPayload: STREAM_MAX_MESSAGE_BYTES });
  const live = new Set<Client>();
  let hubSeq = -1;
  // The pump and every join run one at a time on this chain: a joining client's catch-up read and
  // the hub's position then never interleave, so a client is added at or ahead of the hub and the
  // next pump sends it everything after its own checkpoint (with reads that complete out of
  // order, e.g. over a network, a client could otherwise join behind the hub and miss changes).
  let serial: Promise<void> = Promise.resolve();
  const inTurn = (task: () => Promise<void>) => {
    serial = serial
      .then(task)
      .catch((error: unknown) => ctx.logger.error({ err: error }, 'stream pump failed'));
  };

  const send = (client: Client, message: StreamServerMessage | string) => {
    if (client.socket.readyState !== client.socket.OPEN) return;
    client.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  };

  // Streams whose session ended close with 4001, checked against the sessions table (so a session
  // ended through another server instance counts too): before every fan-out, at once when this
  // process ends sessions, and on a timer (expiry, and other instances when nothing changes).
  const dropEnded = async (): Promise<void> => {
    if (live.size === 0) return;
    const clients = [...live];
    const alive = await ctx.db.read((ex) =>
      liveTokenHashes(ex, [...new Set(clients.map((c) => c.tokenHash))], ctx.now()),
    );
    for (const client of clients) {
      if (alive.has(client.tokenHash)) continue;
      live.delete(client);
      client.socket.close(STREAM_CLOSE_SESSION_ENDED, 'session ended');
    }
  };
  const unsubscribeSessions = ctx.feed.onSessionsEnded(() => inTurn(dropEnded));
  const sessionCheck = setInterval(() => inTurn(dropEnded), ctx.config.streamSessionCheckMs);
  sessionCheck.unref();

  // One reader for all live clients: each commit is read once and the frame shared.
  let pumpQueued = false;
  const pump = async (): Promise<void> => {
    pumpQueued = false;
    for (;;) {
      // Nobody to send to: read nothing. The next terminal to join sets the hub's position.
      if (live.size === 0) return;
      const horizon = await ctx.db.read((ex) => currentCheckpointSeq(ctx, ex));
      if (hubSeq < 0) hubSeq = horizon;
      const rows = await ctx.db.read((ex) => changesAfter(ex, hubSeq, horizon, LIVE_BATCH));
      if (rows.length === 0) return;
      await dropEnded();
      const { message, seq } = frameOf(ctx, rows);
      const text = JSON.stringify(message);
      for (const client of live) {
        if (client.seq >= seq) continue;
        if (client.seq === hubSeq) send(client, text);
        else {
          // Joined between two pumps: send it exactly what it lacks.
          const own = rows.filter((r) => r.seq > client.seq);
          if (own.length > 0) send(client, frameOf(ctx, own).message);
        }
        client.seq = seq;
      }
      hubSeq = seq;
    }
  };
  // Commits come in bursts under load: one pump per event-loop turn reads them all at once (a
  // showtime's seat map once, in its latest version) instead of one read and one frame per commit.
  const schedulePump = () => {
    if (pumpQueued) return;
    pumpQueued = true;
    setImmediate(() => inTurn(pump));
  };
  const unsubscribe = ctx.feed.subscribe(schedulePump);

  const heartbeat = setInterval(() => {
    // Should a wake-up have been lost (another instance's, over a dropped LISTEN connection), the
    // log is still read once a heartbeat.
    schedulePump();
    for (const client of live) {
      if (!client.alive) {
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
      send(client, {
        type: 'heartbeat',
        checkpoint: { epoch: ctx.epoch, seq: client.seq },
        serverTime: new Date(ctx.now()).toISOString(),
      });
    }
  }, STREAM_HEARTBEAT_MS);
  heartbeat.unref();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== STREAM_PATH) {
      reject(socket, notFound('stream'));
      return;
    }
    void (async () => {
      const token =
        bearerToken(req.headers.authorization) ?? url.searchParams.get('access_token') ?? undefined;
      const actor = token === undefined ? undefined : await authenticateToken(ctx, token);
      if (actor === undefined || token === undefined) {
        reject(socket, unauthenticated());
        return;
      }
      const raw = url.searchParams.get('checkpoint');
      const parsed = raw === null ? undefined : CheckpointParam.safeParse(raw);
      if (parsed !== undefined && !parsed.success) {
        reject(socket, invalidField('checkpoint', 'expected <epoch>:<seq>'));
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        connect(ws, actor, sha256(token), parsed?.data);
      });
    })().catch(() => socket.destroy());
  };
  server.on('upgrade', onUpgrade);

  const connect = (
    ws: WebSocket,
    actor: Actor,
    tokenHash: string,
    checkpoint: { epoch: string; seq: number } | undefined,
  ) => {
    const client: Client = { socket: ws, actor, tokenHash, seq: 0, alive: true };
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : '';
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (!StreamClientMessage.safeParse(parsed).success) {
        ws.close(1008, 'invalid message');
        return;
      }
      client.alive = true;
    });
    ws.on('close', () => live.delete(client));
    ws.on('error', () => live.delete(client));
    inTurn(() => join(client, checkpoint));
    schedulePump();
  };

  const join = async (client: Client, checkpoint: { epoch: string; seq: number } | undefined) => {
    const current = await ctx.db.read((ex) => currentCheckpointSeq(ctx, ex));
    if (hubSeq < 0 || live.size === 0) hubSeq = current;
    send(client, {
      type: 'hello',
      checkpoint: { epoch: ctx.epoch, seq: current },
      serverTime: new Date(ctx.now()).toISOString(),
    });
    if (checkpoint === undefined) {
      client.seq = current;
    } else if (
      checkpoint.epoch !== ctx.epoch ||
      current - checkpoint.seq > CATCH_UP_LIMIT ||
      checkpoint.seq > current
    ) {
      send(client, {
        type: 'resync',
        reason: checkpoint.epoch !== ctx.epoch ? 'epoch changed' : 'too far behind',
      });
      client.seq = current;
    } else {
      client.seq = checkpoint.seq;
      const rows = await ctx.db.read((ex) => changesAfter(ex, checkpoint.seq, current, CATCH_UP_LIMIT + 1));
      if (rows.length > CATCH_UP_LIMIT) {
        // More committed since `current` was read than one catch-up frame carries.
        send(client, { type: 'resync', reason: 'too far behind' });
        client.seq = await ctx.db.read((ex) => currentCheckpointSeq(ctx, ex));
      } else if (rows.length > 0) {
        const { message, seq } = frameOf(ctx, rows);
        send(client, message);
        client.seq = seq;
      }
    }
    // A terminal that hung up while joining is not kept (it would never be removed).
    if (client.socket.readyState === client.socket.OPEN) live.add(client);
  };

  return {
    get clients() {
      return live.size;
    },
    close() {
      unsubscribe();
      unsubscribeSessions();
      clearInterval(heartbeat);
      clearInterval(sessionCheck);
      server.off('upgrade', onUpgrade);
      for (const client of live) client.socket.close(1001, 'server shutting down');
      wss.close();
    },
  };
}
