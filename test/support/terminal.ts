/**
 * What an enrolled terminal (see enroll.ts) does against a real test server, in a few small
 * helpers: listen to the change stream, pull a collection to the end and read its seat maps, and
 * hold and sell seats at the server's prices.
 * They talk only through the public HTTP/WebSocket API (DESIGN §7, §8).
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { PullResponse, SeatMapDoc, StreamServerMessage, formatCheckpoint } from '@marquee/shared';
import type { Checkpoint, HoldResponse, OrderResponse, SyncCollection, SyncDocument } from '@marquee/shared';
import type { TestServer } from './server.ts';
import { refused } from './http-api.ts';

// --- stream ------------------------------------------------------------------------------------

export interface Stream {
  /** Every frame received so far, in order, parsed with the contract's schema. */
  readonly messages: StreamServerMessage[];
  /**
   * The first message after the one `next` returned last (buffered or still to come) that matches
   * `predicate`; rejects after `timeoutMs`, or when the socket closes or sends a frame that breaks
   * the contract.
   */
  next<T extends StreamServerMessage>(
    predicate: (message: StreamServerMessage) => message is T,
    timeoutMs?: number,
  ): Promise<T>;
  next(
    predicate: (message: StreamServerMessage) => boolean,
    timeoutMs?: number,
  ): Promise<StreamServerMessage>;
  /** How the server closed the socket; rejects if it is still open after `timeoutMs`. */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** An upgrade the server refused, with its HTTP status and JSON error body. */
export class StreamRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`stream refused: HTTP ${status} ${JSON.stringify(body)}`);
  }
}

export interface StreamOptions {
  /** `header` (default, terminals) or `query` (`?access_token=`, browsers). */
  tokenIn?: 'header' | 'query';
  /** Raw `checkpoint` query value, to send malformed ones. */
  rawCheckpoint?: string;
}

/**
 * Opens the change stream as a terminal would. Resolves once the socket is open (the `hello` may
 * still be on its way: `await stream.next(isHello)`); rejects with {@link StreamRefused} when the
 * server answers the upgrade with an HTTP error.
 */
export function openStream(
  url: string,
  token: string | undefined,
  checkpoint?: Checkpoint,
  options: StreamOptions = {},
): Promise<Stream> {
  const target = new URL('/api/v1/sync/stream', url.replace(/^http/, 'ws'));
  const headers: Record<string, string> = {};
  if (token !== undefined) {
    if (options.tokenIn === 'query') target.searchParams.set('access_token', token);
    else headers['authorization'] = `Bearer ${token}`;
  }
  const rawCheckpoint = options.rawCheckpoint ?? (checkpoint && formatCheckpoint(checkpoint));
  if (rawCheckpoint !== undefined) target.searchParams.set('checkpoint', rawCheckpoint);

  const socket = new WebSocket(target, { headers });
  const messages: StreamServerMessage[] = [];
  let cursor = 0;
  let broken: Error | undefined;
  let closedWith: { code: number; reason: string } | undefined;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  socket.on('message', (data, isBinary) => {
    const text = isBinary ? '' : Buffer.from(data as Buffer).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = StreamServerMessage.safeParse(json);
    if (parsed.success) messages.push(parsed.data);
    else broken ??= new Error(`frame breaks the stream contract: ${text.slice(0, 300)}`);
    wake();
  });
  socket.on('close', (code, reason) => {
    closedWith = { code, reason: reason.toString() };
    broken ??= new Error(`stream closed: ${code} ${reason.toString()}`);
    wake();
  });
  socket.on('error', (error) => {
    broken ??= error;
    wake();
  });

  /**
   * Settles once `check` (run now and on every frame or close) answers a value or throws; rejects
   * with `late()` after `timeoutMs`.
   */
  const settle = <T>(check: () => T | undefined, timeoutMs: number, late: () => string) =>
    new Promise<T>((resolve, reject) => {
      const attempt = () => {
        try {
          const value = check();
          if (value === undefined) return;
          done();
          resolve(value);
        } catch (error) {
          done();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(late()));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(attempt);
      };
      waiters.add(attempt);
      attempt();
    });

  const next = (predicate: (message: StreamServerMessage) => boolean, timeoutMs = 2000) =>
    settle(
      () => {
        for (let i = cursor; i < messages.length; i++) {
          const message = messages[i];
          if (message !== undefined && predicate(message)) {
            cursor = i + 1;
            return message;
          }
        }
        if (broken !== undefined) throw broken;
        return undefined;
      },
      timeoutMs,
      () =>
        `no matching stream message within ${timeoutMs} ms; last received: ${JSON.stringify(messages.slice(-3)).slice(0, 2000)}`,
    );

  const closed = (timeoutMs = 2000) =>
    settle(
      () => closedWith,
      timeoutMs,
      () => `the stream is still open after ${timeoutMs} ms`,
    );

  const close = () =>
    new Promise<void>((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) {
        resolve();
        return;
      }
      socket.once('close', () => resolve());
      socket.close(1000, 'test done');
    });

  return new Promise<Stream>((resolve, reject) => {
    socket.once('open', () => resolve({ messages, next, closed, close }));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => {
        socket.terminate();
        let parsed: unknown = body;
        try {
          parsed = JSON.parse(body);
        } catch {
          // not JSON: keep the text
        }
        reject(new StreamRefused(res.statusCode ?? 0, parsed));
      });
    });
    socket.once('error', reject);
  });
}

/** Predicates for {@link Stream.next}. */
export const isHello = (m: StreamServerMessage): m is Extract<StreamServerMessage, { type: 'hello' }> =>
  m.type === 'hello';
export const isChanges = (m: StreamServerMessage): m is Extract<StreamServerMessage, { type: 'changes' }> =>
  m.type === 'changes';

/** The documents of one collection in a `changes` frame. */
export function documentsIn(message: StreamServerMessage, collection: SyncCollection): SyncDocument[] {
  if (message.type !== 'changes') return [];
  return message.changes.filter((c) => c.collection === collection).flatMap((c) => c.documents);
}

// --- pull --------------------------------------------------------------------------------------

export interface PullAllResult {
  /** Every page's documents, concatenated in the order received. */
  documents: SyncDocument[];
  /** The checkpoint of the last (empty) page: where a live replica would continue. */
  checkpoint: Checkpoint;
  /** Number of non-empty pages. */
  pages: number;
  /** Set when the first page told the client to drop its replica (another epoch). */
  resync: boolean;
}

/** Pulls one collection from `checkpoint` (or the beginning) until a page comes back empty. */
export async function pullAll(
  server: TestServer,
  token: string,
  collection: SyncCollection,
  checkpoint?: Checkpoint,
  limit?: number,
): Promise<PullAllResult> {
  const documents: SyncDocument[] = [];
  let at = checkpoint;
  let pages = 0;
  let resync = false;
  for (;;) {
    const query = new URLSearchParams({ collection });
    if (at !== undefined) query.set('checkpoint', formatCheckpoint(at));
    if (limit !== undefined) query.set('limit', String(limit));
    const res = await server.api('GET', `/sync/pull?${query.toString()}`, { token });
    if (res.status !== 200) refused(`pull ${collection}`, res);
    const page = PullResponse.parse(res.body);
    if (pages === 0 && page.resync === true) resync = true;
    at = page.checkpoint;
    if (page.documents.length === 0) return { documents, checkpoint: page.checkpoint, pages, resync };
    documents.push(...page.documents);
    pages++;
  }
}

/** The seat map in a synced `seat_maps` document, checked against the contract. */
export function seatMapIn(doc: SyncDocument): SeatMapDoc {
  const { _deleted, _seq, ...body } = doc;
  return SeatMapDoc.parse(body);
}

/** A seat's state in a synced seat-map document (`free` when nothing claims it). */
export function seatStateIn(doc: SyncDocument, seatId: string): string {
  return seatMapIn(doc).claims.find((c) => c.seatId === seatId)?.state ?? 'free';
}

// --- selling -----------------------------------------------------------------------------------

/** Seat kind → price class of the price list (DESIGN §4). */
export const PRICE_CLASS_OF_KIND: Readonly<Record<string, string>> = {
  standard: 'standard',
  premium: 'premium',
  wheelchair: 'standard',
  companion: 'standard',
  'loveseat-left': 'loveseat',
  'loveseat-right': 'loveseat',
};

export interface Quote {
  lines: { seatId: string; ticketTypeId: string }[];
  /** What the server should charge, from its published prices. */
  total: number;
}

/**
 * Prices `seatIds` for one ticket type (by code, default `adult`) the way a till does: the seat
 * kinds from GET /showtimes/:id/seats, the amounts from GET /showtimes/:id.
 */
export async function quoteSeats(
  server: TestServer,
  token: string,
  showtimeId: string,
  seatIds: readonly string[],
  ticketTypeCode = 'adult',
): Promise<Quote> {
  const [details, seats] = await Promise.all([
    server.api('GET', `/showtimes/${showtimeId}`, { token }),
    server.api('GET', `/showtimes/${showtimeId}/seats`, { token }),
  ]);
  if (details.status !== 200) refused('showtime', details);
  if (seats.status !== 200) refused('seat map', seats);
  const types = (
    details.body as {
      ticketTypes: {
        ticketType: { id: string; code: string };
        prices: { priceClass: string; amount: number }[];
      }[];
    }
  ).ticketTypes;
  const type = types.find((t) => t.ticketType.code === ticketTypeCode);
  if (type === undefined) throw new Error(`no ticket type ${ticketTypeCode} on sale`);
  const kinds = new Map(
    (seats.body as { seats: { id: string; kind: string }[] }).seats.map((s) => [s.id, s.kind]),
  );
  let total = 0;
  for (const seatId of seatIds) {
    const priceClass = PRICE_CLASS_OF_KIND[kinds.get(seatId) ?? ''];
    const price = type.prices.find((p) => p.priceClass === priceClass);
    if (price === undefined) throw new Error(`no ${ticketTypeCode} price for seat ${seatId}`);
    total += price.amount;
  }
  return { lines: seatIds.map((seatId) => ({ seatId, ticketTypeId: type.ticketType.id })), total };
}

export interface SellOptions {
  /** Sell this existing hold (of exactly `seatIds`) instead of holding first. */
  holdId?: string;
  /** Client-chosen order id (the idempotency key); random by default. */
  orderId?: string;
  ticketTypeCode?: string;
}

/** Holds `seatIds` (for `ttlSeconds`, or the profile's default); throws on any refusal. */
export async function holdSeats(
  server: TestServer,
  token: string,
  showtimeId: string,
  seatIds: readonly string[],
  ttlSeconds?: number,
): Promise<HoldResponse> {
  const res = await server.api('POST', '/holds', {
    token,
    body: { showtimeId, seatIds, ...(ttlSeconds === undefined ? {} : { ttlSeconds }) },
  });
  if (res.status !== 201) refused('hold', res);
  return res.body as HoldResponse;
}

/** Releases a hold; throws on any refusal. */
export async function releaseHold(server: TestServer, token: string, holdId: string): Promise<void> {
  const res = await server.api('DELETE', `/holds/${holdId}`, { token });
  if (res.status >= 300) refused('release', res);
}

/** Holds `seatIds` and sells them for cash at the server's price; throws on any refusal. */
export async function sellSeats(
  server: TestServer,
  token: string,
  showtimeId: string,
  seatIds: readonly string[],
  options: SellOptions = {},
): Promise<{ holdId: string; order: OrderResponse }> {
  const holdId = options.holdId ?? (await holdSeats(server, token, showtimeId, seatIds)).id;
  const quote = await quoteSeats(server, token, showtimeId, seatIds, options.ticketTypeCode);
  const order = await server.api('POST', '/orders', {
    token,
    body: {
      id: options.orderId ?? randomUUID(),
      holdId,
      lines: quote.lines,
      payments: [{ method: 'cash', amount: quote.total }],
      expectedTotal: quote.total,
    },
  });
  if (order.status !== 201 && order.status !== 200) refused('order', order);
  return { holdId, order: order.body as OrderResponse };
}

// --- finding something to sell -----------------------------------------------------------------

/** Showtimes on sale starting between 1 hour and 5 days from the server's now, earliest first. */
export async function upcomingShowtimes(server: TestServer, token: string): Promise<string[]> {
  const now = server.clock.now();
  const from = new Date(now + 3_600_000).toISOString();
  const to = new Date(now + 5 * 86_400_000).toISOString();
  const res = await server.api('GET', `/showtimes?from=${from}&to=${to}`, { token });
  if (res.status !== 200) refused('showtimes', res);
  return (res.body as { showtimes: { id: string; status: string }[] }).showtimes
    .filter((s) => s.status === 'on_sale')
    .map((s) => s.id);
}

/** Seats of a showtime that are free now, in layout order; only `kinds` if given. */
export async function freeSeats(
  server: TestServer,
  token: string,
  showtimeId: string,
  kinds?: readonly string[],
): Promise<string[]> {
  const res = await server.api('GET', `/showtimes/${showtimeId}/seats`, { token });
  if (res.status !== 200) refused('seat map', res);
  return (res.body as { seats: { id: string; kind: string; state: string }[] }).seats
    .filter((s) => s.state === 'free' && (kinds === undefined || kinds.includes(s.kind)))
    .map((s) => s.id);
}
