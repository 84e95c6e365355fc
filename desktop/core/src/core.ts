/**
 * The terminal core: answers the terminal API from the local replica and the server, keeps the
 * replica in sync, drains the outbox, manages leases and sells and scans offline. Plain Node: it
 * runs in Electron's utility process, headless in tests and behind the browser-mode bridge.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  MarqueeError,
  bestAvailable,
  fail,
  keyringFrom,
  layoutSeats,
  ok,
  priceSelection,
  publicKeyToB64,
  roleAtLeast,
  seatStates,
  signTicket,
  terminalApi,
  unavailableSeats,
  verifyTicket,
  type AdmitResult,
  type EnrollResponse,
  type Hall,
  type HoldResponse,
  type LeasePolicy,
  type MutationResult,
  type OrderResponse,
  type PriceList,
  type Result,
  type SaleResult,
  type SeatClaim,
  type SeatMapDoc,
  type Showtime,
  type SigningKey,
  type Site,
  type SyncCollection,
  type TerminalCall,
  type TerminalEvent,
  type TerminalInput,
  type TerminalOutput,
  type TerminalProfile,
  type TerminalStatus,
  type Ticket,
  type TicketType,
  type AdmissionResponse,
  type LoginResponse,
} from '@marquee/shared';
import { systemClock, type Clock } from './clock.ts';
import { loadOrCreateDeviceKey, type DeviceKey } from './identity.ts';
import { nodeSignatureVerifier } from './node-verifier.ts';
import { Outbox } from './outbox.ts';
import { Replica } from './replica.ts';
import { ServerClient } from './server-client.ts';
import { enqueuePrintJobs } from './printing/print-queue.ts';
import { PrinterService, type SaleForPrint } from './printing/printer-service.ts';
import { getKv, openStore, setKv, type Db } from './store.ts';
import { SyncClient, type LinkState } from './sync-client.ts';

export interface CoreOptions {
  dataDir: string;
  clock?: Clock;
  log?: (message: string, extra?: Record<string, unknown>) => void;
  /** How long a sale waits for the server before it is reported as queued. */
  saleTimeoutMs?: number;
  backoff?: { minMs: number; maxMs: number };
  leaseIntervalMs?: number;
}

interface LeaseRow {
  id: string;
  showtime_id: string;
  seat_ids: string;
  server_granted_at: number;
  deadline: number;
  mono_at_grant: number;
  boot_id: string;
  status: string;
}

/** Doors open this long before the start (same rule as the server). */
const ADMIT_EARLY_MS = 60 * 60 * 1000;
/** Unsold leased seats go back on sale this long before the showtime, when online. */
const LEASE_RETURN_BEFORE_START_MS = 10 * 60 * 1000;
const OFFLINE_HOLD_MS = 5 * 60 * 1000;

type Handlers = { [C in TerminalCall]: (input: TerminalInput<C>) => Promise<TerminalOutput<C>> };

export class TerminalCore {
  readonly events = new EventEmitter<{ event: [TerminalEvent] }>();
  private readonly db: Db;
  private readonly replica: Replica;
  private readonly clock: Clock;
  private readonly key: DeviceKey;
  private readonly server: ServerClient;
  private sync: SyncClient | undefined;
  private readonly outbox: Outbox;
  private link: LinkState = 'offline';
  private linkSince: number;
  private lastSyncAt: number | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  /** Showtime of each server hold taken here: a sale must not wait for the stream to show the hold. */
  private readonly holdShowtimes = new Map<string, string>();
  /** Monotonic time each lease request was made: its grant is never older, however late the answer. */
  private readonly leaseAskedAt = new Map<string, number>();
  private readonly verifySignature = nodeSignatureVerifier();
  private readonly handlers: Handlers;
  /** Printers, print queue, cash drawer and serial scanner (`hardware.json`). */
  readonly printing: PrinterService;
  private keyringCache: { version: number; keyring: ReturnType<typeof keyringFrom> } | undefined;

  private constructor(private readonly options: CoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.clock = options.clock ?? systemClock();
    this.db = openStore(join(options.dataDir, 'terminal.db'));
    this.replica = new Replica(this.db);
    this.key = loadOrCreateDeviceKey(options.dataDir);
    this.server = new ServerClient(
      getKv(this.db, 'serverUrl') ?? 'http://127.0.0.1:0',
      getKv(this.db, 'token'),
    );
    this.outbox = new Outbox(
      this.db,
      this.server,
      () => this.terminalId,
      (results) => {
        this.onSettled(results);
      },
    );
    this.linkSince = this.clock.wall();
    this.printing = new PrinterService({
      db: this.db,
      dataDir: options.dataDir,
      replica: this.replica,
      wall: () => this.clock.wall(),
      terminal: () => ({ name: getKv(this.db, 'name') }),
      log: options.log,
      onStatus: (status) => {
        this.emit({ type: 'printer', status });
      },
      onScan: (code) => void this.scanned(code),
      onScanRejected: (message) => {
        this.emit({ type: 'scan', source: 'serial', error: { code: 'validation_failed', message } });
      },
    });
    this.printing.start();
    this.handlers = this.buildHandlers();
  }

  static open(options: CoreOptions): TerminalCore {
    return new TerminalCore(options);
  }

  get terminalId(): string | undefined {
    return getKv(this.db, 'terminalId');
  }

  get profile(): TerminalProfile | undefined {
    return getKv(this.db, 'profile') as TerminalProfile | undefined;
  }

  /** Starts syncing when enrolled. */
  start(): void {
    if (this.terminalId === undefined) return;
    this.sync ??= new SyncClient({
      db: this.db,
      replica: this.replica,
      server: this.server,
      ...(this.options.backoff === undefined
        ? {}
        : { minBackoffMs: this.options.backoff.minMs, maxBackoffMs: this.options.backoff.maxMs }),
      ...(this.options.log === undefined ? {} : { log: this.options.log }),
      onState: (state) => {
        this.link = state;
        this.linkSince = this.clock.wall();
        if (state === 'online') {
          this.lastSyncAt = this.clock.wall();
          void this.outbox
            .flush()
            .catch((error: unknown) => this.options.log?.('outbox flush failed', { error: String(error) }));
          void this.upkeepLeases();
        }
        this.emitStatus();
      },
      onChanges: (collections) => {
        this.lastSyncAt = this.clock.wall();
        for (const collection of collections)
          this.emit({ type: 'replica', collection, lseq: this.replica.latestLseq });
      },
    });
    this.sync.start();
    clearInterval(this.leaseTimer);
    this.leaseTimer = setInterval(() => {
      if (this.link === 'online') {
        void this.outbox.flush().catch(() => undefined);
        void this.upkeepLeases();
      }
    }, this.options.leaseIntervalMs ?? 15_000);
    this.leaseTimer.unref();
  }

  /** Stops the link and closes the database; in-flight work is abandoned (the outbox keeps it). */
  close(): void {
    clearInterval(this.leaseTimer);
    this.sync?.stop();
    void this.printing.close();
    this.db.close();
  }

  private emit(event: TerminalEvent): void {
    this.events.emit('event', event);
  }

  private emitStatus(): void {
    this.emit({ type: 'status', status: this.status() });
  }

  // --- the API ---------------------------------------------------------------------------------

  async handle<C extends TerminalCall>(call: C, raw: unknown): Promise<Result<TerminalOutput<C>>> {
    const spec = terminalApi[call] as (typeof terminalApi)[TerminalCall] | undefined;
    if (spec === undefined) return fail('not_found', `unknown call ${call}`);
    const parsed = spec.input.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(
        'validation_failed',
        issue === undefined ? 'invalid input' : `${issue.path.join('.')}: ${issue.message}`,
        {
          field: issue?.path.join('.'),
        },
      );
    }
    try {
      const handler = this.handlers[call] as (input: unknown) => Promise<TerminalOutput<C>>;
      return ok(await handler(parsed.data));
    } catch (error) {
      if (error instanceof MarqueeError) return { ok: false, error: error.toBody() };
      this.options.log?.('command failed', { call, error: String(error) });
      return fail('internal', 'the terminal could not do that');
    }
  }

  private buildHandlers(): Handlers {
    return {
      'terminal.status': () => Promise.resolve(this.status()),
      'terminal.enroll': (input) => this.enroll(input.serverUrl, input.code),
      'showtimes.list': (input) =>
        Promise.resolve(this.showtimes(Date.parse(input.from), Date.parse(input.to))),
      'seatmap.get': (input) => Promise.resolve(this.seatMap(input.showtimeId)),
      'seats.bestAvailable': (input) => Promise.resolve(this.suggest(input.showtimeId, input.count)),
      'seats.hold': (input) => this.hold(input.showtimeId, input.seatIds),
      'seats.release': (input) => this.release(input.holdId),
      'order.quote': (input) => Promise.resolve(this.quote(input.showtimeId, input.lines)),
      'order.sell': (input) => this.sell(input),
      'order.refund': (input) => this.refund(input),
      'order.lookup': (input) => this.lookupOrder(input.code),
      'ticket.lookup': (input) => Promise.resolve(this.verdictOffline(input.token, undefined)),
      'ticket.admit': (input) => this.admit(input.token, input.showtimeId),
      'outbox.list': () =>
        Promise.resolve(
          this.outbox.list().map((row) => {
            const result = row.result === null ? undefined : (JSON.parse(row.result) as MutationResult);
            return {
              id: row.id,
              name: row.name,
              status: row.status,
              createdAt: new Date(row.created_at).toISOString(),
              ...(result?.status === 'rejected'
                ? { error: { code: result.error.code, message: result.error.message } }
                : {}),
            };
          }),
        ),
      'replica.pull': (input) => {
        const page = this.replica.changesSince(input.collection, input.checkpoint?.lseq ?? 0, input.limit);
        return Promise.resolve({ documents: page.documents, checkpoint: { lseq: page.lseq } });
      },
      'printer.status': () => Promise.resolve(this.printing.status()),
      'print.jobs': (input) => Promise.resolve(this.printing.jobs(input)),
      'print.reprint': (input) => Promise.resolve(this.printing.reprint(input.jobId)),
      'print.resolve': (input) => Promise.resolve(this.printing.resolve(input.jobId, input.outcome)),
      'print.shiftReport': (input) =>
        Promise.resolve(this.printing.printShiftReport(Date.parse(input.from), Date.parse(input.to))),
      'drawer.open': (input) => this.openDrawer(input),
    };
  }

  status(): TerminalStatus {
    const counts = this.outbox.counts();
    const terminalId = this.terminalId;
    const name = getKv(this.db, 'name');
    const profile = this.profile;
    const serverUrl = getKv(this.db, 'serverUrl');
    return {
      enrolled: terminalId !== undefined,
      ...(terminalId === undefined ? {} : { terminalId }),
      ...(name === undefined ? {} : { name }),
      ...(profile === undefined ? {} : { profile }),
      ...(serverUrl === undefined ? {} : { serverUrl }),
      connection: terminalId === undefined ? 'not_enrolled' : this.link,
      since: new Date(this.linkSince).toISOString(),
      ...(this.lastSyncAt === undefined ? {} : { lastSyncAt: new Date(this.lastSyncAt).toISOString() }),
      pendingOutbox: counts.pending,
      rejectedOutbox: counts.rejected,
      leaseSeatsLeft: this.leaseSeatsLeft(),
    };
  }

  get isOnline(): boolean {
    return this.link === 'online';
  }

  async enroll(serverUrl: string, code: string): Promise<TerminalStatus> {
    if (this.terminalId !== undefined)
      throw new MarqueeError('invalid_state', 'this terminal is already enrolled');
    const base = serverUrl.replace(/\/+$/, '');
    const client = new ServerClient(base, undefined);
    const enrolled = await client.request<EnrollResponse>('POST', '/devices/enroll', {
      code,
      publicKey: publicKeyToB64(this.key.publicKey),
    });
    this.db.transaction(() => {
      setKv(this.db, 'serverUrl', base);
      setKv(this.db, 'token', enrolled.token);
      setKv(this.db, 'terminalId', enrolled.terminalId);
      setKv(this.db, 'name', enrolled.name);
      setKv(this.db, 'profile', enrolled.profile);
    })();
    this.server.configure(base, enrolled.token);
    this.start();
    return this.status();
  }

  // --- programme & seats -----------------------------------------------------------------------

  private showtimes(from: number, to: number): Showtime[] {
    return this.replica
      .all<Showtime>('showtimes')
      .filter((s) => {
        const start = Date.parse(s.startsAt);
        return start >= from && start < to;
      })
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  }

  private need<T>(collection: SyncCollection, id: string, what: string): T {
    const doc = this.replica.get<T>(collection, id);
    if (doc === undefined) throw new MarqueeError('not_found', `${what} not found`, { id });
    return doc;
  }

  /** Claims as this terminal knows them: the replica's seat map plus its own unsynced offline sales. */
  private claims(showtimeId: string): SeatClaim[] {
    const doc = this.replica.get<SeatMapDoc>('seat_maps', showtimeId);
    const claims = [...(doc?.claims ?? [])];
    const soldHere = this.db
      .prepare(
        'SELECT ls.seat_id FROM lease_sales ls JOIN leases l ON l.id = ls.lease_id WHERE l.showtime_id = ?',
      )
      .all(showtimeId) as { seat_id: string }[];
    for (const { seat_id } of soldHere) {
      const i = claims.findIndex((c) => c.seatId === seat_id);
      const sold: SeatClaim = { seatId: seat_id, state: 'sold' };
      if (i >= 0) claims[i] = sold;
      else claims.push(sold);
    }
    return claims;
  }

  private seatMap(showtimeId: string): TerminalOutput<'seatmap.get'> {
    const showtime = this.need<Showtime>('showtimes', showtimeId, 'showtime');
    const hall = this.need<Hall>('halls', showtime.hallId, 'hall');
    const claims = this.claims(showtimeId);
    const states = seatStates(hall.layout, claims, this.clock.wall());
    const me = this.terminalId;
    const byId = new Map(claims.map((c) => [c.seatId, c]));
    return {
      showtimeId,
      layout: hall.layout,
      seats: layoutSeats(hall.layout).map((seat) => {
        const claim = byId.get(seat.id);
        const state = states.get(seat.id) ?? 'free';
        return {
          id: seat.id,
          row: seat.row,
          label: seat.label,
          kind: seat.kind,
          state,
          mine: claim !== undefined && claim.terminalId === me && (state === 'held' || state === 'leased'),
          ...(claim?.expiresAt === undefined || state === 'free' ? {} : { expiresAt: claim.expiresAt }),
        };
      }),
    };
  }

  private suggest(showtimeId: string, count: number): string[] | null {
    const showtime = this.need<Showtime>('showtimes', showtimeId, 'showtime');
    const hall = this.need<Hall>('halls', showtime.hallId, 'hall');
    if (this.isOnline)
      return bestAvailable(
        hall.layout,
        unavailableSeats(hall.layout, this.claims(showtimeId), this.clock.wall()),
        count,
      );
    // Offline only this terminal's unsold leased seats can be offered.
    const sellable = new Set(this.sellableLeaseSeats(showtimeId).map((s) => s.seatId));
    const blocked = new Set(
      layoutSeats(hall.layout)
        .map((s) => s.id)
        .filter((id) => !sellable.has(id)),
    );
    return bestAvailable(hall.layout, blocked, count);
  }

  // --- leases ----------------------------------------------------------------------------------

  /** Time left on a lease by the monotonic clock; zero after a reboot (cannot be measured). */
  private leaseRemainingMs(lease: LeaseRow): number {
    if (lease.boot_id !== this.clock.bootId()) return 0;
    return lease.deadline - lease.server_granted_at - (this.clock.mono() - lease.mono_at_grant);
  }

  private activeLeases(showtimeId?: string): LeaseRow[] {
    const rows = (
      showtimeId === undefined
        ? this.db.prepare("SELECT * FROM leases WHERE status = 'active'").all()
        : this.db.prepare("SELECT * FROM leases WHERE status = 'active' AND showtime_id = ?").all(showtimeId)
    ) as LeaseRow[];
    return rows.filter((l) => this.leaseRemainingMs(l) > 0);
  }

  private sellableLeaseSeats(showtimeId: string): { leaseId: string; seatId: string }[] {
    const out: { leaseId: string; seatId: string }[] = [];
    for (const lease of this.activeLeases(showtimeId)) {
      const sold = new Set(
        (
          this.db.prepare('SELECT seat_id FROM lease_sales WHERE lease_id = ?').all(lease.id) as {
            seat_id: string;
          }[]
        ).map((r) => r.seat_id),
      );
      const held = new Set(
        (
          this.db
            .prepare('SELECT seat_ids FROM local_holds WHERE lease_id = ? AND expires_at > ?')
            .all(lease.id, this.clock.mono()) as {
            seat_ids: string;
          }[]
        ).flatMap((r) => JSON.parse(r.seat_ids) as string[]),
      );
      for (const seatId of JSON.parse(lease.seat_ids) as string[]) {
        if (!sold.has(seatId) && !held.has(seatId)) out.push({ leaseId: lease.id, seatId });
      }
    }
    return out;
  }

  private leaseSeatsLeft(): number {
    let n = 0;
    for (const lease of this.activeLeases()) {
      const sold = (
        this.db.prepare('SELECT COUNT(*) AS n FROM lease_sales WHERE lease_id = ?').get(lease.id) as {
          n: number;
        }
      ).n;
      n += (JSON.parse(lease.seat_ids) as string[]).length - sold;
    }
    return n;
  }

  /** maintainLeases in the background: it may outlive close() (a request in flight), never crash. */
  private upkeepLeases(): Promise<void> {
    return this.maintainLeases().catch((error: unknown) => {
      if (this.db.open) this.options.log?.('lease upkeep failed', { error: String(error) });
    });
  }

  /** Requests leases per the manager's policy; returns unused seats as showtimes near. */
  async maintainLeases(): Promise<void> {
    if (!this.isOnline || this.terminalId === undefined || this.profile === 'gate') return;
    let policy: LeasePolicy;
    try {
      policy = (await this.server.request<{ leasePolicy: LeasePolicy }>('GET', '/devices/me')).leasePolicy;
    } catch {
      return;
    }
    const now = this.clock.wall();
    if (policy.seatsPerShowtime > 0) {
      const leased = new Set(
        (
          this.db.prepare("SELECT showtime_id FROM leases WHERE status = 'active'").all() as {
            showtime_id: string;
          }[]
        ).map((r) => r.showtime_id),
      );
      const pending = new Set(
        (
          this.db
            .prepare("SELECT args FROM outbox WHERE name = 'lease.request' AND status = 'pending'")
            .all() as { args: string }[]
        ).map((r) => (JSON.parse(r.args) as { showtimeId: string }).showtimeId),
      );
      const upcoming = this.showtimes(
        now + LEASE_RETURN_BEFORE_START_MS,
        now + policy.hoursAhead * 3_600_000,
      ).filter((s) => s.status === 'on_sale' && !leased.has(s.id) && !pending.has(s.id));
      if (upcoming.length > 0) {
        this.db.transaction(() => {
          for (const s of upcoming) {
            const id = randomUUID();
            this.leaseAskedAt.set(id, this.clock.mono());
            this.outbox.add(id, 'lease.request', { showtimeId: s.id, seats: policy.seatsPerShowtime }, now);
          }
        })();
      }
    }
    for (const lease of this.activeLeases()) {
      const showtime = this.replica.get<Showtime>('showtimes', lease.showtime_id);
      if (showtime !== undefined && Date.parse(showtime.startsAt) - now > LEASE_RETURN_BEFORE_START_MS)
        continue;
      this.db.transaction(() => {
        this.outbox.add(randomUUID(), 'lease.return', { leaseId: lease.id }, now);
        this.db.prepare("UPDATE leases SET status = 'returning' WHERE id = ?").run(lease.id);
      })();
    }
    await this.outbox.flush().catch(() => undefined);
    this.emitStatus();
  }

  private onSettled(results: readonly MutationResult[]): void {
    const mono = this.clock.mono();
    for (const result of results) {
      const row = this.outbox.row(result.id);
      if (row === undefined || result.status !== 'ok') continue;
      if (row.name === 'lease.request') {
        const lease = result.result as {
          id: string;
          showtimeId: string;
          seatIds: string[];
          grantedAt: string;
          deadline: string;
        };
        // The grant happened after the request was made, maybe long before this answer (held up, or
        // lost and answered again from the server's record): measure the lease from the request, so
        // a late answer cannot stretch it. Across a restart, the request's wall time bounds it.
        const asked = this.leaseAskedAt.get(row.id) ?? mono - Math.max(0, this.clock.wall() - row.created_at);
        this.leaseAskedAt.delete(row.id);
        this.db
          .prepare(
            `INSERT INTO leases (id, showtime_id, seat_ids, server_granted_at, deadline, mono_at_grant, boot_id, status)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'active') ON CONFLICT (id) DO NOTHING`,
          )
          .run(
            lease.id,
            lease.showtimeId,
            JSON.stringify(lease.seatIds),
            Date.parse(lease.grantedAt),
            Date.parse(lease.deadline),
            Math.min(mono, asked),
            this.clock.bootId(),
          );
      } else if (row.name === 'lease.return') {
        const { leaseId } = JSON.parse(row.args) as { leaseId: string };
        this.db.prepare("UPDATE leases SET status = 'returned' WHERE id = ?").run(leaseId);
      } else if (row.name === 'sale.commit') {
        const order = result.result as OrderResponse;
        // The tickets are queued with the sale: the server's answer is what they print.
        this.db.transaction(() => {
          this.db
            .prepare(
              'INSERT INTO sales (id, showtime_id, offline, body, created_at) VALUES (?, ?, 0, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
            )
            .run(order.id, order.showtimeId, JSON.stringify(order), Date.parse(order.createdAt));
          enqueuePrintJobs(this.db, this.printing.jobsForSale(saleForPrint(order)), this.clock.wall());
        })();
        this.printing.notify();
      }
    }
    this.emitStatus();
  }

  // --- selling ---------------------------------------------------------------------------------

  private async hold(showtimeId: string, seatIds: string[]): Promise<TerminalOutput<'seats.hold'>> {
    if (this.isOnline) {
      try {
        const hold = await this.server.request<HoldResponse>('POST', '/holds', { showtimeId, seatIds });
        this.holdShowtimes.set(hold.id, hold.showtimeId);
        return { ...hold, offline: false };
      } catch (error) {
        if (!(error instanceof MarqueeError) || error.code !== 'offline') throw error;
        this.sync?.kick();
      }
    }
    // Offline: only this terminal's own leased, unsold seats.
    const sellable = new Map(this.sellableLeaseSeats(showtimeId).map((s) => [s.seatId, s.leaseId]));
    const missing = seatIds.filter((s) => !sellable.has(s));
    if (missing.length > 0) {
      throw new MarqueeError('seats_unavailable', 'offline: only seats leased to this terminal can be sold', {
        seatIds: missing,
        offline: true,
      });
    }
    const leaseIds = new Set(seatIds.map((s) => sellable.get(s)));
    if (leaseIds.size !== 1)
      throw new MarqueeError('validation_failed', 'offline: choose seats from one lease');
    const id = randomUUID();
    const expiresMono = this.clock.mono() + OFFLINE_HOLD_MS;
    this.db
      .prepare(
        'INSERT INTO local_holds (id, showtime_id, seat_ids, lease_id, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(id, showtimeId, JSON.stringify(seatIds), [...leaseIds][0] ?? null, expiresMono);
    return {
      id,
      showtimeId,
      seatIds,
      expiresAt: new Date(this.clock.wall() + OFFLINE_HOLD_MS).toISOString(),
      offline: true,
    };
  }

  private async release(holdId: string): Promise<{ released: boolean }> {
    const local = this.db.prepare('DELETE FROM local_holds WHERE id = ?').run(holdId);
    if (local.changes > 0) return { released: true };
    this.holdShowtimes.delete(holdId);
    try {
      await this.server.request('DELETE', `/holds/${holdId}`);
    } catch (error) {
      // Unreachable: the server's own expiry frees the seats.
      if (!(error instanceof MarqueeError) || error.code !== 'offline') throw error;
    }
    return { released: true };
  }

  private priced(showtimeId: string, lines: readonly { seatId: string; ticketTypeId: string }[]) {
    const showtime = this.need<Showtime>('showtimes', showtimeId, 'showtime');
    const hall = this.need<Hall>('halls', showtime.hallId, 'hall');
    const priceList = this.need<PriceList>('price_lists', showtime.priceListId, 'price list');
    const site = this.replica.all<Site>('site')[0];
    const ticketTypes = this.replica.all<TicketType>('ticket_types');
    const priced = priceSelection({
      priceList,
      layout: hall.layout,
      startsAt: showtime.startsAt,
      timeZone: site?.timezone ?? 'Asia/Shanghai',
      lines,
      ticketTypes,
    });
    if (!priced.ok) throw new MarqueeError(priced.error.code, priced.error.message, priced.error.details);
    return { showtime, ticketTypes, priced: priced.value };
  }

  private quote(
    showtimeId: string,
    lines: { seatId: string; ticketTypeId: string }[],
  ): TerminalOutput<'order.quote'> {
    const { priced } = this.priced(showtimeId, lines);
    return {
      total: priced.total,
      currency: priced.currency,
      lines: priced.lines.map((l) => ({ seatId: l.seatId, price: l.price })),
    };
  }

  private async sell(input: TerminalInput<'order.sell'>): Promise<SaleResult> {
    const local = this.db.prepare('SELECT * FROM local_holds WHERE id = ?').get(input.holdId) as
      { id: string; showtime_id: string; seat_ids: string; lease_id: string; expires_at: number } | undefined;
    if (local !== undefined) return this.sellOffline(local, input);

    const hold = input.lines[0];
    if (hold === undefined) throw new MarqueeError('validation_failed', 'no lines');
    const showtimeId =
      this.holdShowtimes.get(input.holdId) ??
      this.showtimeOfHold(
        input.holdId,
        input.lines.map((l) => l.seatId),
      );
    const { priced } = this.priced(showtimeId, input.lines);
    const orderId = randomUUID();
    const args = {
      id: orderId,
      holdId: input.holdId,
      lines: input.lines,
      payments: input.payments,
      expectedTotal: priced.total,
    };
    // Durable before anything is reported: a crash from here on still delivers this sale.
    this.db.transaction(() => this.outbox.add(orderId, 'sale.commit', args, this.clock.wall()))();
    const settled = this.outbox.settled(orderId);
    void this.outbox.flush().catch(() => undefined);
    const result = await Promise.race([
      settled,
      new Promise<undefined>((resolve) =>
        setTimeout(() => resolve(undefined), this.options.saleTimeoutMs ?? 10_000).unref(),
      ),
    ]);
    if (result === undefined) {
      throw new MarqueeError('offline', 'the sale is queued and will complete when the server answers', {
        orderId,
        queued: true,
      });
    }
    this.holdShowtimes.delete(input.holdId);
    if (result.status === 'rejected') {
      throw new MarqueeError(result.error.code as never, result.error.message, result.error.details);
    }
    const order = result.result as OrderResponse;
    this.printing.afterSale({ orderId: order.id, payments: input.payments });
    return {
      orderId: order.id,
      code: order.code,
      total: order.total,
      change: order.change,
      tickets: order.tickets.map((t) => ({
        id: t.id,
        seatId: t.seatId,
        ticketTypeId: t.ticketTypeId,
        price: t.price,
        token: t.token,
      })),
      offline: false,
    };
  }

  /** The seat map tells which showtime a server hold is for (the UI passes only the hold id). */
  private showtimeOfHold(holdId: string, seatIds: string[]): string {
    for (const doc of this.replica.all<SeatMapDoc>('seat_maps')) {
      if (doc.claims.some((c) => c.ownerId === holdId && seatIds.includes(c.seatId))) return doc.showtimeId;
    }
    throw new MarqueeError('hold_expired', 'this hold is not known (expired or released)', { holdId });
  }

  private sellOffline(
    hold: { id: string; showtime_id: string; seat_ids: string; lease_id: string; expires_at: number },
    input: TerminalInput<'order.sell'>,
  ): SaleResult {
    const lease = this.db.prepare('SELECT * FROM leases WHERE id = ?').get(hold.lease_id) as
      LeaseRow | undefined;
    if (lease === undefined || lease.status !== 'active' || this.leaseRemainingMs(lease) <= 0) {
      throw new MarqueeError('lease_expired', 'offline sales for this showtime have ended');
    }
    if (hold.expires_at <= this.clock.mono()) throw new MarqueeError('hold_expired', 'the hold has expired');
    const held = JSON.parse(hold.seat_ids) as string[];
    if (input.lines.length !== held.length || !input.lines.every((l) => held.includes(l.seatId))) {
      throw new MarqueeError('validation_failed', 'order lines must be exactly the held seats');
    }
    const { priced, ticketTypes } = this.priced(hold.showtime_id, input.lines);
    const paid = input.payments.reduce((sum, p) => sum + p.amount, 0);
    if (paid !== priced.total)
      throw new MarqueeError(
        'validation_failed',
        `payments add up to ${String(paid)}, the total is ${String(priced.total)}`,
      );
    const change = input.payments.reduce(
      (sum, p) => sum + Math.max(0, (p.tendered ?? p.amount) - p.amount),
      0,
    );
    const orderId = randomUUID();
    const now = this.clock.wall();
    const codes = new Map(ticketTypes.map((t) => [t.id, t.code]));
    const lines = priced.lines.map((line) => {
      const ticketId = randomUUID();
      const token = signTicket(
        {
          ticketId,
          showtimeId: hold.showtime_id,
          seatId: line.seatId,
          ticketType: codes.get(line.ticketTypeId) ?? 'adult',
          keyId: this.key.keyId,
          issuedAt: Math.floor(now / 1000),
        },
        this.key.privateKey,
      );
      return { ticketId, seatId: line.seatId, ticketTypeId: line.ticketTypeId, price: line.price, token };
    });
    const args = {
      leaseId: lease.id,
      orderId,
      showtimeId: hold.showtime_id,
      soldAt: new Date(now).toISOString(),
      lines,
      payments: input.payments,
      total: priced.total,
    };
    this.db.transaction(() => {
      const mark = this.db.prepare('INSERT INTO lease_sales (lease_id, seat_id, order_id) VALUES (?, ?, ?)');
      for (const line of lines) mark.run(lease.id, line.seatId, orderId);
      this.db.prepare('DELETE FROM local_holds WHERE id = ?').run(hold.id);
      this.db
        .prepare('INSERT INTO sales (id, showtime_id, offline, body, created_at) VALUES (?, ?, 1, ?, ?)')
        .run(orderId, hold.showtime_id, JSON.stringify(args), now);
      this.outbox.add(orderId, 'sale.offline', args, now);
      enqueuePrintJobs(
        this.db,
        this.printing.jobsForSale({
          orderId,
          showtimeId: hold.showtime_id,
          soldAt: now,
          tickets: lines.map((l) => ({ ...l, id: l.ticketId })),
          payments: input.payments,
          total: priced.total,
          change,
          offline: true,
        }),
        now,
      );
    })();
    this.printing.afterSale({ orderId, payments: input.payments });
    void this.outbox.flush().catch(() => undefined);
    this.emitStatus();
    return {
      orderId,
      total: priced.total,
      change,
      tickets: lines.map((l) => ({
        id: l.ticketId,
        seatId: l.seatId,
        ticketTypeId: l.ticketTypeId,
        price: l.price,
        token: l.token,
      })),
      offline: true,
    };
  }

  /**
   * The supervisor signs in with their own account for this one refund: the server checks the
   * password and the role, and its audit log names them, not the till.
   */
  private async refund(input: TerminalInput<'order.refund'>): Promise<{ orderId: string; status: string }> {
    const session = new ServerClient(this.server.baseUrl, undefined);
    const login = await session.request<LoginResponse>('POST', '/auth/login', input.approval);
    if (!roleAtLeast(login.user.role, 'supervisor')) {
      throw new MarqueeError('forbidden', 'a refund needs a supervisor');
    }
    session.configure(this.server.baseUrl, login.token);
    const order = await session.request<OrderResponse>('POST', `/orders/${input.orderId}/refund`, {
      ...(input.ticketIds === undefined ? {} : { ticketIds: input.ticketIds }),
      ...(input.reason === undefined || input.reason === '' ? {} : { reason: input.reason }),
    });
    return { orderId: order.id, status: order.status };
  }

  private async lookupOrder(code: string): Promise<TerminalOutput<'order.lookup'>> {
    const order = await this.server.request<OrderResponse>('GET', `/orders/${encodeURIComponent(code)}`);
    return {
      id: order.id,
      code: order.code,
      showtimeId: order.showtimeId,
      status: order.status,
      total: order.total,
      currency: order.currency,
      createdAt: order.createdAt,
      tickets: order.tickets.map((t) => ({
        id: t.id,
        seatId: t.seatId,
        ticketTypeId: t.ticketTypeId,
        price: t.price,
        status: t.status,
      })),
    };
  }

  /** A supervisor signs a drawer opening off; the server is where passwords are checked. */
  private async openDrawer(input: TerminalInput<'drawer.open'>): Promise<TerminalOutput<'drawer.open'>> {
    let user: LoginResponse['user'];
    try {
      const login = new ServerClient(this.server.baseUrl, undefined);
      user = (await login.request<LoginResponse>('POST', '/auth/login', input.supervisor)).user;
      if (!roleAtLeast(user.role, 'supervisor'))
        throw new MarqueeError('forbidden', 'opening the drawer needs a supervisor');
    } catch (error) {
      if (error instanceof MarqueeError)
        this.printing.auditDrawerRefusal(input.supervisor.username, input.reason, error.message);
      throw error;
    }
    const opened = await this.printing.openDrawer({
      kind: 'manual',
      reason: input.reason,
      actor: { id: user.id, name: user.name },
    });
    if (!opened.ok) throw new MarqueeError(opened.error.code, opened.error.message, opened.error.details);
    return { opened: true, at: opened.value.at, by: user.name };
  }

  /** A serial scanner read a code: admitted like `ticket.admit`, the verdict pushed to the UI. */
  private async scanned(code: string): Promise<void> {
    const result = await this.handle('ticket.admit', { token: code });
    this.emit(
      result.ok
        ? { type: 'scan', source: 'serial', result: result.value }
        : {
            type: 'scan',
            source: 'serial',
            error: { code: result.error.code, message: result.error.message },
          },
    );
  }

  // --- doors -----------------------------------------------------------------------------------

  /**
   * The replicated public keys, decoded once per change of the collection (decoding checks every
   * key's curve point: ~70 µs a key, paid on every scan before, with one key per enrolled terminal).
   */
  private keyring(): ReturnType<typeof keyringFrom> {
    const version = this.replica.collectionVersion('signing_keys');
    if (this.keyringCache?.version !== version) {
      this.keyringCache = { version, keyring: keyringFrom(this.replica.all<SigningKey>('signing_keys')) };
    }
    return this.keyringCache.keyring;
  }

  /** The verdict from the replica alone: signature, ticket state, showtime, time, admissions. */
  private verdictOffline(token: string, doorShowtimeId: string | undefined): AdmitResult {
    const verified = verifyTicket(token, this.keyring(), this.verifySignature);
    if (verified.verdict !== 'valid') return { verdict: 'invalid', offline: true };
    const p = verified.payload;
    const base = {
      ticketId: p.ticketId,
      showtimeId: p.showtimeId,
      seatId: p.seatId,
      ticketType: p.ticketType,
      offline: true,
    };
    const ticket = this.replica.get<Ticket>('tickets', p.ticketId);
    if (ticket !== undefined && ticket.status !== 'valid') return { ...base, verdict: 'refunded' };
    if (doorShowtimeId !== undefined && doorShowtimeId !== p.showtimeId)
      return { ...base, verdict: 'wrong_showtime' };
    const showtime = this.replica.get<Showtime>('showtimes', p.showtimeId);
    if (showtime === undefined) return { ...base, verdict: 'invalid' };
    if (showtime.status === 'cancelled') return { ...base, verdict: 'refunded' };
    const now = this.clock.wall();
    if (now < Date.parse(showtime.startsAt) - ADMIT_EARLY_MS) return { ...base, verdict: 'too_early' };
    if (now > Date.parse(showtime.endsAt)) return { ...base, verdict: 'too_late' };
    const local = this.db.prepare('SELECT at FROM local_admissions WHERE ticket_id = ?').get(p.ticketId) as
      { at: number } | undefined;
    if (local !== undefined)
      return { ...base, verdict: 'already_admitted', admittedAt: new Date(local.at).toISOString() };
    const elsewhere = this.db
      .prepare(
        "SELECT body FROM docs WHERE collection = 'admissions' AND deleted = 0 AND json_extract(body, '$.ticketId') = ? LIMIT 1",
      )
      .get(p.ticketId) as { body: string } | undefined;
    if (elsewhere !== undefined) {
      const at = (JSON.parse(elsewhere.body) as { at: string }).at;
      return { ...base, verdict: 'already_admitted', admittedAt: at };
    }
    return { ...base, verdict: 'admitted' };
  }

  private async admit(token: string, showtimeId: string | undefined): Promise<AdmitResult> {
    if (this.isOnline) {
      try {
        const answer = await this.server.request<AdmissionResponse>('POST', '/admissions', {
          token,
          ...(showtimeId === undefined ? {} : { showtimeId }),
        });
        const ticket = answer.ticket;
        if (answer.verdict === 'admitted' && ticket !== undefined) {
          this.db
            .prepare(
              'INSERT INTO local_admissions (ticket_id, admission_id, showtime_id, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
            )
            .run(
              ticket.id,
              randomUUID(),
              ticket.showtimeId,
              Date.parse(answer.admittedAt ?? new Date().toISOString()),
            );
        }
        const offlineView = this.verdictOffline(token, showtimeId);
        return {
          verdict: answer.verdict,
          ...(offlineView.ticketId === undefined ? {} : { ticketId: offlineView.ticketId }),
          ...(offlineView.showtimeId === undefined ? {} : { showtimeId: offlineView.showtimeId }),
          ...(offlineView.seatId === undefined ? {} : { seatId: offlineView.seatId }),
          ...(offlineView.ticketType === undefined ? {} : { ticketType: offlineView.ticketType }),
          ...(answer.admittedAt === undefined ? {} : { admittedAt: answer.admittedAt }),
          offline: false,
        };
      } catch (error) {
        if (!(error instanceof MarqueeError) || error.code !== 'offline') throw error;
        this.sync?.kick();
      }
    }
    const verdict = this.verdictOffline(token, showtimeId);
    if (verdict.verdict !== 'admitted' || verdict.ticketId === undefined || verdict.showtimeId === undefined)
      return verdict;
    const admissionId = randomUUID();
    const now = this.clock.wall();
    const ticketId = verdict.ticketId;
    const ticketShowtime = verdict.showtimeId;
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO local_admissions (ticket_id, admission_id, showtime_id, at) VALUES (?, ?, ?, ?)',
        )
        .run(ticketId, admissionId, ticketShowtime, now);
      this.outbox.add(
        admissionId,
        'admission.record',
        {
          admissionId,
          token,
          at: new Date(now).toISOString(),
          localVerdict: 'admitted',
          ...(showtimeId === undefined ? {} : { showtimeId }),
        },
        now,
      );
    })();
    this.emitStatus();
    return { ...verdict, admittedAt: new Date(now).toISOString() };
  }
}

function saleForPrint(order: OrderResponse): SaleForPrint {
  return {
    orderId: order.id,
    code: order.code,
    showtimeId: order.showtimeId,
    soldAt: Date.parse(order.createdAt),
    tickets: order.tickets,
    payments: order.payments,
    total: order.total,
    change: order.change,
    offline: false,
  };
}
