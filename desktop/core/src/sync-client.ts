/**
 * Keeps the replica in step with the server: a full pull per collection on first start (or after a
 * new epoch), then the change stream. Reconnects with exponential backoff and full jitter, so a
 * lobby of terminals coming back after an outage does not stampede the server.
 */
import { WebSocket } from 'ws';
import {
  SYNC_COLLECTIONS,
  StreamServerMessage,
  formatCheckpoint,
  type Checkpoint,
  type SyncCollection,
} from '@marquee/shared';
import type { Replica } from './replica.ts';
import type { ServerApi } from './server-api.ts';
import type { Db } from './store.ts';

export type LinkState = 'online' | 'offline' | 'connecting';

export interface SyncClientOptions {
  db: Db;
  replica: Replica;
  server: ServerApi;
  onState: (state: LinkState) => void;
  onChanges: (collections: ReadonlySet<SyncCollection>) => void;
  log?: (message: string, extra?: Record<string, unknown>) => void;
  /** Backoff bounds; tests shorten them. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

const PAGE = 1000;
/**
 * Pull order: the collections that change all day first, so the newest sequence is usually seen
 * before the rarely changing ones are pulled and they need no second pull (see `pullAll`).
 */
const BUSY: readonly SyncCollection[] = ['seat_maps', 'tickets', 'admissions', 'leases'];
const PULL_ORDER: readonly SyncCollection[] = [
  ...BUSY.filter((c) => SYNC_COLLECTIONS.includes(c)),
  ...SYNC_COLLECTIONS.filter((c) => !BUSY.includes(c)),
];
/** No frame (heartbeats come every 10 s) for this long means the link is dead. */
const SILENCE_MS = 25_000;

export class SyncClient {
  private socket: WebSocket | undefined;
  private stopped = true;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private state: LinkState = 'offline';
  private readonly minBackoff: number;
  private readonly maxBackoff: number;
  private readonly random: () => number;

  constructor(private readonly options: SyncClientOptions) {
    this.minBackoff = options.minBackoffMs ?? 250;
    this.maxBackoff = options.maxBackoffMs ?? 10_000;
    this.random = options.random ?? Math.random;
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  get linkState(): LinkState {
    return this.state;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.silenceTimer);
    this.socket?.terminate();
    this.socket = undefined;
    this.setState('offline');
  }

  /** Drops the link at once and reconnects (after a failed request, say). */
  kick(): void {
    if (this.stopped) return;
    this.socket?.terminate();
  }

  private setState(state: LinkState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onState(state);
  }

  private checkpoints(): Map<SyncCollection, Checkpoint> {
    const rows = this.options.db.prepare('SELECT collection, epoch, seq FROM checkpoints').all() as {
      collection: SyncCollection;
      epoch: string;
      seq: number;
    }[];
    return new Map(rows.map((r) => [r.collection, { epoch: r.epoch, seq: r.seq }]));
  }

  /**
   * Pulls every collection up to date; on a new epoch, drops the replica and starts over.
   *
   * A collection's own checkpoint is the sequence of its newest document, which for a collection
   * that rarely changes (site, halls, leases…) stays far behind the site's sequence, and the stream
   * resumes from the oldest checkpoint: it would re-send everything since (or answer `resync` past
   * its catch-up limit, and the link would drop and reconnect for ever). So a pull also records
   * the newest sequence the server had committed before it began (`floor`): every change up to it
   * is visible to the pull, so the collection is complete through it. Collections pulled before
   * the newest sequence was seen are pulled once more (in parallel, usually empty pages), so every
   * checkpoint ends at or past it and the stream only carries what changed during the pull.
   */
  async pullAll(): Promise<void> {
    const changed = new Set<SyncCollection>();
    let floor: Checkpoint | undefined;
    for (const collection of PULL_ORDER) {
      const seen = await this.pullCollection(collection, floor, changed);
      if (seen === 'resync') return this.rebuild();
      if (floor === undefined || seen.epoch !== floor.epoch || seen.seq > floor.seq) floor = seen;
    }
    const newest = floor;
    if (newest !== undefined) {
      const behind = [...this.checkpoints()]
        .filter(([, c]) => c.epoch === newest.epoch && c.seq < newest.seq)
        .map(([collection]) => collection);
      const again = await Promise.all(behind.map((c) => this.pullCollection(c, newest, changed)));
      if (again.includes('resync')) return this.rebuild();
    }
    if (changed.size > 0) this.options.onChanges(changed);
  }

  private async rebuild(): Promise<void> {
    this.options.log?.('server epoch changed: rebuilding the replica');
    this.options.db.transaction(() => this.options.replica.clear())();
    return this.pullAll();
  }

  /**
   * Pulls one collection to its end. `floor`: a sequence the server had committed before this
   * pull started, recorded as the checkpoint if the collection's own is older. Returns the
   * checkpoint reached, or `resync` on a new epoch.
   */
  private async pullCollection(
    collection: SyncCollection,
    floor: Checkpoint | undefined,
    changed: Set<SyncCollection>,
  ): Promise<Checkpoint | 'resync'> {
    let checkpoint = this.checkpoints().get(collection);
    for (;;) {
      const page = await this.options.server.pull(collection, checkpoint, PAGE);
      if (page.resync === true) return 'resync';
      const done = page.documents.length < PAGE;
      const next =
        done &&
        floor !== undefined &&
        floor.epoch === page.checkpoint.epoch &&
        floor.seq > page.checkpoint.seq
          ? floor
          : page.checkpoint;
      this.options.db.transaction(() => {
        if (this.options.replica.apply(collection, page.documents) > 0) changed.add(collection);
        this.options.db
          .prepare(
            'INSERT INTO checkpoints (collection, epoch, seq) VALUES (?, ?, ?) ON CONFLICT (collection) DO UPDATE SET epoch = excluded.epoch, seq = excluded.seq',
          )
          .run(collection, next.epoch, next.seq);
      })();
      checkpoint = next;
      if (done) return next;
    }
  }

  /** The stream resumes from the oldest collection checkpoint; re-sent documents are skipped. */
  private streamCheckpoint(): string | undefined {
    const all = [...this.checkpoints().values()];
    if (all.length < SYNC_COLLECTIONS.length) return undefined;
    const oldest = all.reduce((a, b) => (b.seq < a.seq ? b : a));
    return formatCheckpoint(oldest);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.setState('connecting');
    try {
      await this.pullAll();
    } catch (error) {
      this.options.log?.('pull failed', { error: String(error) });
      this.scheduleReconnect();
      return;
    }
    // stop() may have been called while the pull was in flight.
    if (this.isStopped()) return;
    const socket = new WebSocket(this.options.server.streamUrl(this.streamCheckpoint()), {
      headers: this.options.server.authHeader(),
      handshakeTimeout: 8000,
    });
    this.socket = socket;
    const armSilence = () => {
      clearTimeout(this.silenceTimer);
      this.silenceTimer = setTimeout(() => socket.terminate(), SILENCE_MS);
    };
    socket.on('open', armSilence);
    socket.on('message', (data: Buffer) => {
      armSilence();
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString('utf8'));
      } catch {
        return;
      }
      const message = StreamServerMessage.safeParse(parsed);
      if (!message.success) return;
      this.onMessage(message.data, socket);
    });
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      clearTimeout(this.silenceTimer);
      this.scheduleReconnect();
    });
    socket.on('error', () => {
      // 'close' follows and reconnects.
    });
  }

  private onMessage(message: StreamServerMessage, socket: WebSocket): void {
    switch (message.type) {
      case 'hello':
        this.attempt = 0;
        this.setState('online');
        return;
      case 'heartbeat':
        return;
      case 'resync':
        socket.terminate(); // reconnecting pulls first
        return;
      case 'changes': {
        const changed = new Set<SyncCollection>();
        const db = this.options.db;
        db.transaction(() => {
          for (const group of message.changes) {
            if (this.options.replica.apply(group.collection, group.documents) > 0)
              changed.add(group.collection);
          }
          // The stream carries every collection, so all are now caught up to this sequence.
          db.prepare('UPDATE checkpoints SET seq = ? WHERE epoch = ? AND seq < ?').run(
            message.checkpoint.seq,
            message.checkpoint.epoch,
            message.checkpoint.seq,
          );
        })();
        if (changed.size > 0) this.options.onChanges(changed);
        return;
      }
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setState('offline');
    const ceiling = Math.min(this.maxBackoff, this.minBackoff * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 20);
    const delay = Math.max(this.minBackoff / 2, this.random() * ceiling);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
