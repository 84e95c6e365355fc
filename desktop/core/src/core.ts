/**
 * The terminal core's composition root: opens the store, builds one module per capability
 * (enrollment, programme, online and offline selling, leases, doors, supervisor actions,
 * printing), joins their handlers into the terminal API's dispatch, and owns the link to the
 * server (sync, outbox draining, lease upkeep). Plain Node: it runs in Electron's utility process,
 * headless in tests and behind the browser-mode bridge. Behaviour lives in the modules.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type {
  MutationResult,
  Result,
  TerminalCall,
  TerminalEvent,
  TerminalOutput,
  TerminalProfile,
  TerminalRequest,
  TerminalStatus,
} from '@marquee/shared';
import { createDispatch, type Dispatch, type HandlerMap, type Log } from './api/handler-map.ts';
import { systemClock, type Clock } from './clock.ts';
import { doorHandlers, Doors, type DoorHandlers } from './doors/doors.ts';
import { loadOrCreateDeviceKey } from './identity/device-key.ts';
import { Enrollment, enrollmentHandlers, type EnrollmentHandlers } from './identity/enrollment.ts';
import { LeaseKeeper } from './leases/lease-keeper.ts';
import { Outbox } from './outbox.ts';
import { PrinterService } from './printing/printer-service.ts';
import { printingHandlers, type PrintingHandlers } from './printing/printing-handlers.ts';
import { Programme, programmeHandlers, type ProgrammeHandlers } from './programme/programme.ts';
import { Replica, replicaHandlers, type ReplicaHandlers } from './replica.ts';
import { OfflineSales } from './selling/offline-sales.ts';
import { OnlineSales, sellingHandlers, type SellingHandlers } from './selling/online-sales.ts';
import { ServerApi } from './server-api.ts';
import { openStore, type Db } from './store.ts';
import { Supervisor, supervisorHandlers, type SupervisorHandlers } from './supervisor/supervisor.ts';
import { SyncClient, type LinkState } from './sync-client.ts';

export interface CoreOptions {
  dataDir: string;
  clock?: Clock;
  log?: Log;
  /** How long a sale waits for the server before it is reported as queued. */
  saleTimeoutMs?: number;
  backoff?: { minMs: number; maxMs: number };
  leaseIntervalMs?: number;
}

type OutboxHandlers = HandlerMap<'outbox.list'>;

/** Every call of the terminal API, one handler each, joined from the capability modules. */
export type Handlers = EnrollmentHandlers &
  ProgrammeHandlers &
  SellingHandlers &
  DoorHandlers &
  SupervisorHandlers &
  PrintingHandlers &
  ReplicaHandlers &
  OutboxHandlers;

/** The capability modules, for tests that call one directly. */
export interface CoreParts {
  enrollment: Enrollment;
  programme: Programme;
  leases: LeaseKeeper;
  onlineSales: OnlineSales;
  offlineSales: OfflineSales;
  doors: Doors;
  supervisor: Supervisor;
  outbox: Outbox;
  replica: Replica;
}

export class TerminalCore {
  readonly events = new EventEmitter<{ event: [TerminalEvent] }>();
  /** Printers, print queue, cash drawer and serial scanner (`hardware.json`). */
  readonly printing: PrinterService;
  readonly parts: CoreParts;
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly server: ServerApi;
  private readonly dispatch: Dispatch;
  private sync: SyncClient | undefined;
  private link: LinkState = 'offline';
  private linkSince: number;
  private lastSyncAt: number | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly options: CoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    const clock = (this.clock = options.clock ?? systemClock());
    const db = (this.db = openStore(join(options.dataDir, 'terminal.db')));
    const replica = new Replica(db);
    const key = loadOrCreateDeviceKey(options.dataDir);
    const server = (this.server = new ServerApi('http://127.0.0.1:0', undefined));
    const enrollment = new Enrollment({ db, key, server, onEnrolled: () => this.start() });
    if (enrollment.serverUrl !== undefined && enrollment.token !== undefined)
      server.configure(enrollment.serverUrl, enrollment.token);
    const changed = () => this.emitStatus();
    const online = () => this.link === 'online';
    const link = { online, kick: () => this.sync?.kick() };
    const outbox = new Outbox(
      db,
      server,
      () => enrollment.terminalId,
      (results) => this.onSettled(results),
    );
    this.linkSince = clock.wall();
    this.printing = new PrinterService({
      db,
      dataDir: options.dataDir,
      replica,
      wall: () => clock.wall(),
      terminal: () => ({ name: enrollment.name }),
      log: options.log,
      onStatus: (status) => this.emit({ type: 'printer', status }),
      onScan: (code) => void this.scanned(code),
      onScanRejected: (message) => {
        this.emit({ type: 'scan', source: 'serial', error: { code: 'validation_failed', message } });
      },
    });
    const leases = new LeaseKeeper({
      db,
      replica,
      clock,
      outbox,
      server,
      online,
      identity: enrollment,
      changed,
      log: options.log,
    });
    const programme = new Programme({
      replica,
      clock,
      leases,
      online,
      terminalId: () => enrollment.terminalId,
    });
    const common = { db, replica, clock, outbox, printing: this.printing };
    const offlineSales = new OfflineSales({ ...common, key, leases, changed });
    const onlineSales = new OnlineSales({
      ...common,
      server,
      link,
      offline: offlineSales,
      saleTimeoutMs: options.saleTimeoutMs ?? 10_000,
      log: options.log,
    });
    const doors = new Doors({ db, replica, clock, outbox, server, link, changed });
    const supervisor = new Supervisor({ server, printing: this.printing });
    this.parts = {
      enrollment,
      programme,
      leases,
      onlineSales,
      offlineSales,
      doors,
      supervisor,
      outbox,
      replica,
    };
    const handlers: Handlers = {
      ...enrollmentHandlers(enrollment, () => this.status()),
      ...programmeHandlers(programme, replica),
      ...sellingHandlers(onlineSales),
      ...doorHandlers(doors),
      ...supervisorHandlers(supervisor),
      ...printingHandlers(this.printing),
      ...replicaHandlers(replica),
      'outbox.list': () => outbox.entries(),
    };
    this.dispatch = createDispatch(handlers satisfies HandlerMap<TerminalCall>, options.log);
    this.printing.start();
  }

  static open(options: CoreOptions): TerminalCore {
    return new TerminalCore(options);
  }

  get terminalId(): string | undefined {
    return this.parts.enrollment.terminalId;
  }

  get profile(): TerminalProfile | undefined {
    return this.parts.enrollment.profile;
  }

  /** Runs a request a transport's edge already parsed (`parseTerminalCall`). */
  run<C extends TerminalCall>(request: TerminalRequest<C>): Promise<Result<TerminalOutput<C>>> {
    return this.dispatch.run(request);
  }

  /** The in-process edge (tests, the CLI): parses `raw` as every transport does, then runs it. */
  handle<C extends TerminalCall>(call: C, raw: unknown): Promise<Result<TerminalOutput<C>>> {
    return this.dispatch.handle(call, raw);
  }

  /** Starts syncing when enrolled. */
  start(): void {
    if (this.terminalId === undefined) return;
    const { outbox, replica, leases } = this.parts;
    this.sync ??= new SyncClient({
      db: this.db,
      replica,
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
          void outbox
            .flush()
            .catch((error: unknown) => this.options.log?.('outbox flush failed', { error: String(error) }));
          void leases.upkeep();
        }
        this.emitStatus();
      },
      onChanges: (collections) => {
        this.lastSyncAt = this.clock.wall();
        for (const collection of collections)
          this.emit({ type: 'replica', collection, lseq: replica.latestLseq });
      },
    });
    this.sync.start();
    clearInterval(this.leaseTimer);
    this.leaseTimer = setInterval(() => {
      if (this.link === 'online') {
        void outbox.flush().catch(() => undefined);
        void leases.upkeep();
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

  status(): TerminalStatus {
    const { enrollment, outbox, leases } = this.parts;
    const counts = outbox.counts();
    const terminalId = enrollment.terminalId;
    const name = enrollment.name;
    const profile = enrollment.profile;
    const serverUrl = enrollment.serverUrl;
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
      leaseSeatsLeft: leases.seatsLeft(),
    };
  }

  private emit(event: TerminalEvent): void {
    this.events.emit('event', event);
  }

  private emitStatus(): void {
    this.emit({ type: 'status', status: this.status() });
  }

  /** Inside the outbox's settling transaction: each module records the answers it asked for. */
  private onSettled(results: readonly MutationResult[]): void {
    const { outbox, leases, onlineSales } = this.parts;
    for (const result of results) {
      const row = outbox.row(result.id);
      if (row === undefined) continue;
      leases.settled(row, result);
      onlineSales.settled(row, result);
    }
    this.emitStatus();
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
}
