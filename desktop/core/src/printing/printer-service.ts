/**
 * Just over 400 lines: the devices' lifecycle and the queue pump share the printers' state.
 *
 * The terminal's printing, cash drawer and serial scanner, as the core sees them: reads
 * `hardware.json`, drives the printer (and its backup) from the durable queue, answers the
 * terminal API's `printer.status`, `print.*` and `drawer.open`, and turns sales into print jobs.
 *
 * Queue policy: jobs print oldest first on the primary printer. When the primary has been unable
 * to print for `failoverAfterSeconds` (paper out, cover open, unplugged), an idle, ready backup
 * takes the queued jobs; a job already sent to the primary stays there (it is in that printer's
 * buffer and prints when it recovers). Drawer kicks never queue: a drawer that springs open hours
 * later, when someone changes the paper, is worse than one that says "open it with the key".
 */
import { randomUUID } from 'node:crypto';
import {
  MarqueeError,
  fail,
  ok,
  type Locale,
  type PrintJobView,
  type PrinterStatus,
  type Result,
  type Site,
} from '@marquee/shared';
import {
  hardwareConfigStamp,
  loadHardwareConfig,
  type HardwareConfig,
  type LoadedHardwareConfig,
  type PrinterConfig,
} from '../hardware-config.ts';
import type { ReplicaReader } from '../replica.ts';
import { SerialScanner } from '../serial-scanner.ts';
import type { Db } from '../store.ts';
import { drawerKick, renderJob, type PrinterProfile } from './layouts.ts';
import type { PrintJobSpec } from './print-jobs.ts';
import { recordDrawerEvent } from './drawer-audit.ts';
import { PrintQueue, enqueuePrintJobs, viewOf, type PrintJobRow } from './print-queue.ts';
import { saleJobs, type SaleForPrint } from './sale-jobs.ts';
import { shiftReport } from './shift-report.ts';
import { DEFAULT_PRINTER_TIMING, SerialPrinter, type PrinterTiming } from './serial-printer.ts';

export interface PrinterServiceOptions {
  db: Db;
  dataDir: string;
  replica: ReplicaReader;
  /** Wall clock for what is stored and printed. */
  wall: () => number;
  terminal: () => { name?: string | undefined };
  log?: ((message: string, extra?: Record<string, unknown>) => void) | undefined;
  onStatus?: (status: PrinterStatus) => void;
  /** A serial scanner read a code. */
  onScan?: (code: string) => void;
  onScanRejected?: (message: string) => void;
  timing?: Partial<PrinterTiming> & { tickMs?: number };
}

export type { SaleForPrint } from './sale-jobs.ts';

export type DrawerRequest =
  { kind: 'sale'; orderId: string } | { kind: 'manual'; reason: string; actor: { id: string; name: string } };

export class PrinterService {
  private readonly queue: PrintQueue;
  private readonly timing: PrinterTiming;
  private loaded: LoadedHardwareConfig = { present: false };
  private primary: SerialPrinter | undefined;
  private backup: SerialPrinter | undefined;
  private scanner: SerialScanner | undefined;
  private readonly inFlight = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private tickTimer: NodeJS.Timeout | undefined;
  private pumpScheduled = false;
  private reloading = false;
  private lastEmitted = '';
  private closed = false;

  constructor(private readonly options: PrinterServiceOptions) {
    this.queue = new PrintQueue(options.db);
    this.timing = { ...DEFAULT_PRINTER_TIMING, ...options.timing };
  }

  /** Reads the config, opens the devices, and flags jobs a previous run left mid-print. */
  start(): void {
    const interrupted = this.queue.recoverInterrupted(this.options.wall());
    if (interrupted > 0)
      this.options.log?.('print jobs interrupted by a restart need attention', { interrupted });
    this.apply(loadHardwareConfig(this.options.dataDir));
    this.tickTimer = setInterval(() => {
      this.tick();
    }, this.options.timing?.tickMs ?? 1000);
    this.tickTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.tickTimer);
    await this.closeDevices();
  }

  get config(): HardwareConfig | undefined {
    return this.loaded.present && this.loaded.config.ok ? this.loaded.config.value : undefined;
  }

  // --- status ----------------------------------------------------------------------------------

  status(): PrinterStatus {
    const config = this.loaded.present ? this.loaded.config : undefined;
    return {
      configured: this.loaded.present,
      ...(config !== undefined && !config.ok
        ? { configError: { code: config.error.code, message: config.error.message } }
        : {}),
      printers: [this.primary, this.backup].flatMap((p) => (p === undefined ? [] : [p.status()])),
      cashDrawer: this.config?.cashDrawer !== undefined && this.config.printer !== undefined,
      ...(this.scanner === undefined ? {} : { scanner: this.scanner.status() }),
      queue: this.queue.counts(),
    };
  }

  jobs(filter: {
    status?: PrintJobView['status'] | undefined;
    orderId?: string | undefined;
    limit?: number | undefined;
  }): PrintJobView[] {
    return this.queue
      .list({
        ...(filter.status === undefined ? {} : { status: filter.status }),
        ...(filter.orderId === undefined ? {} : { orderId: filter.orderId }),
        ...(filter.limit === undefined ? {} : { limit: filter.limit }),
      })
      .map(viewOf);
  }

  // --- operator actions ------------------------------------------------------------------------

  reprint(jobId: string): PrintJobView {
    const row = this.queue.reprint(jobId, this.options.wall());
    this.changed();
    return viewOf(row);
  }

  resolve(jobId: string, outcome: 'printed' | 'cancelled'): PrintJobView {
    const row = this.queue.resolve(jobId, outcome, this.options.wall());
    this.changed();
    return viewOf(row);
  }

  /** Kicks the drawer through the primary printer now, or says why not; every try is audited. */
  async openDrawer(request: DrawerRequest): Promise<Result<{ at: string }>> {
    const drawer = this.config?.cashDrawer;
    const printer = this.primary;
    const at = this.options.wall();
    let result: Result<void>;
    if (drawer === undefined || printer === undefined) {
      result = fail('invalid_state', 'no cash drawer is set up on this terminal');
    } else {
      result = await printer.send(drawerKick(profileOf(printer.config), drawer.pin, drawer.pulseMs));
      if (!result.ok)
        result = fail(
          result.error.code,
          `the drawer did not open: ${result.error.message}; open it with its key`,
        );
    }
    // The terminal may have been closed while the pulse went out; there is no audit log left then.
    if (this.closed) return result.ok ? ok({ at: new Date(at).toISOString() }) : result;
    recordDrawerEvent(this.options.db, {
      at,
      kind: request.kind,
      orderId: request.kind === 'sale' ? request.orderId : null,
      actorId: request.kind === 'manual' ? request.actor.id : null,
      actorName: request.kind === 'manual' ? request.actor.name : null,
      reason: request.kind === 'manual' ? request.reason : null,
      printer: printer === undefined ? null : printer.role,
      outcome: result.ok ? 'opened' : 'failed',
      error: result.ok ? null : result.error.message,
    });
    return result.ok ? ok({ at: new Date(at).toISOString() }) : result;
  }

  /** A drawer opening refused before it was tried (wrong password, not a supervisor): audited too. */
  auditDrawerRefusal(username: string, reason: string, message: string): void {
    recordDrawerEvent(this.options.db, {
      at: this.options.wall(),
      kind: 'manual',
      orderId: null,
      actorId: null,
      actorName: username,
      reason,
      printer: null,
      outcome: 'refused',
      error: message,
    });
  }

  /** After a committed sale: wake the queue, and open the drawer for cash. */
  afterSale(sale: Pick<SaleForPrint, 'orderId' | 'payments'>): void {
    this.notify();
    if (this.config?.cashDrawer !== undefined && sale.payments.some((p) => p.method === 'cash')) {
      void this.openDrawer({ kind: 'sale', orderId: sale.orderId }).then((result) => {
        if (!result.ok)
          this.options.log?.('cash drawer did not open', {
            orderId: sale.orderId,
            error: result.error.message,
          });
      });
    }
  }

  printShiftReport(from: number, to: number): PrintJobView {
    if (!(from < to)) throw new MarqueeError('validation_failed', 'the shift must end after it starts');
    const payload = shiftReport(this.options.db, this.options.replica, {
      from,
      to,
      now: this.options.wall(),
      terminal: this.options.terminal().name,
      taxes: this.config?.receipt.taxes ?? [],
    });
    const id = randomUUID();
    this.options.db.transaction(() => {
      enqueuePrintJobs(
        this.options.db,
        [
          {
            id,
            kind: 'shift_report',
            payload,
            summary: `Shift report ${payload.from.slice(0, 16)} – ${payload.to.slice(0, 16)}`,
          },
        ],
        this.options.wall(),
      );
    })();
    this.changed();
    const row = this.queue.get(id);
    if (row === undefined) throw new MarqueeError('internal', 'the report was not queued');
    return viewOf(row);
  }

  // --- sales → jobs ----------------------------------------------------------------------------

  /**
   * The jobs a sale prints: a ticket per seat and, if set up, a receipt. Empty on a terminal
   * without a printer. Meant for the sale's own transaction, with {@link enqueuePrintJobs}.
   */
  jobsForSale(sale: SaleForPrint): PrintJobSpec[] {
    if (!this.loaded.present) return [];
    return saleJobs(sale, {
      replica: this.options.replica,
      config: this.config,
      locale: this.locale(),
      terminal: this.options.terminal().name,
    });
  }

  /** Wakes the queue (after a sale committed its jobs, or a printer came back). */
  notify(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Waits for the jobs being printed right now (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  // --- internals -------------------------------------------------------------------------------

  private locale(): Locale {
    return this.config?.locale ?? this.options.replica.all<Site>('site')[0]?.locale ?? 'en';
  }

  private tick(): void {
    // The installer may fix hardware.json while the terminal runs; pick the change up.
    const before = this.loaded.present ? this.loaded.mtimeMs : -1;
    if (hardwareConfigStamp(this.options.dataDir) !== before && !this.reloading) {
      this.options.log?.('hardware config changed; reopening devices');
      this.reloading = true;
      void this.closeDevices().then(() => {
        this.reloading = false;
        if (!this.closed) this.apply(loadHardwareConfig(this.options.dataDir));
      });
      return;
    }
    this.pump();
    this.changed();
  }

  private apply(loaded: LoadedHardwareConfig): void {
    this.loaded = loaded;
    const config = this.config;
    if (loaded.present && !loaded.config.ok)
      this.options.log?.('hardware config is invalid', { error: loaded.config.error.message });
    const onChange = () => {
      this.changed();
      this.notify();
    };
    const make = (role: 'primary' | 'backup', printer: PrinterConfig | undefined) => {
      if (printer === undefined) return undefined;
      const driver = new SerialPrinter(role, printer, {
        timing: this.timing,
        wall: this.options.wall,
        onChange,
        log: this.options.log,
      });
      driver.start();
      return driver;
    };
    this.primary = make('primary', config?.printer);
    this.backup = make('backup', config?.backupPrinter);
    const scanner = config?.scanner;
    if (scanner !== undefined) {
      this.scanner = new SerialScanner({
        path: scanner.path,
        baudRate: scanner.baudRate,
        reconnectMs: this.timing.reconnectMs,
        onCode: (code) => this.options.onScan?.(code),
        onReject: (message) => this.options.onScanRejected?.(message),
        onChange,
        log: this.options.log,
      });
      this.scanner.start();
    }
    this.changed();
  }

  private async closeDevices(): Promise<void> {
    const devices = [this.primary, this.backup, this.scanner];
    this.primary = undefined;
    this.backup = undefined;
    this.scanner = undefined;
    await Promise.all(devices.flatMap((device) => (device === undefined ? [] : [device.close()])));
    await this.idle();
  }

  private pickPrinter(): SerialPrinter | undefined {
    const primary = this.primary;
    const backup = this.backup;
    if (primary?.ready === true) return primary;
    const failoverMs = (this.config?.failoverAfterSeconds ?? 15) * 1000;
    if (backup?.ready === true && (primary === undefined || primary.downForMs() >= failoverMs)) return backup;
    return undefined;
  }

  private pump(): void {
    if (this.closed) return;
    for (;;) {
      const printer = this.pickPrinter();
      if (printer === undefined) return;
      const job = this.queue.nextQueued(this.inFlight);
      if (job === undefined) return;
      this.inFlight.add(job.id);
      const run = this.run(job, printer).finally(() => {
        this.inFlight.delete(job.id);
        this.running.delete(run);
        this.changed();
        this.notify();
      });
      this.running.add(run);
      // print() marks the printer busy before it yields, so the next pick sees it taken.
    }
  }

  private async run(job: PrintJobRow, printer: SerialPrinter): Promise<void> {
    const wall = this.options.wall;
    const data = this.queue.data(job);
    if (data === undefined) {
      this.queue.flag(job.id, wall(), 'the job data cannot be read; reprint from the order');
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = renderJob(data, {
        profile: profileOf(printer.config),
        locale: this.locale(),
        reprint: job.reprint_of !== null,
        printedAt: new Date(job.created_at).toISOString(),
      });
    } catch (error) {
      this.queue.flag(job.id, wall(), `the job could not be laid out: ${String(error)}`);
      return;
    }
    const outcome = await printer.print(bytes, {
      onSending: () => {
        if (this.closed) return false;
        const claimed = this.queue.markSending(job.id, printer.role, wall());
        this.changed();
        return claimed;
      },
      onSent: () => {
        if (!this.closed) this.queue.markSent(job.id, wall());
      },
    });
    // Closed meanwhile (the terminal is shutting down): the row keeps saying how far it got.
    if (this.closed) return;
    switch (outcome.kind) {
      case 'printed':
        this.queue.markDone(job.id, wall());
        return;
      case 'not_sent':
        return;
      case 'uncertain':
        this.queue.flag(job.id, wall(), outcome.reason);
        this.options.log?.('print job needs attention', { jobId: job.id, reason: outcome.reason });
        return;
    }
  }

  private changed(): void {
    if (this.closed) return;
    const status = this.status();
    const json = JSON.stringify(status);
    if (json === this.lastEmitted) return;
    this.lastEmitted = json;
    this.options.onStatus?.(status);
  }
}

export function profileOf(config: PrinterConfig): PrinterProfile {
  return { columns: config.columns, model: config.model, codepage: config.codepage };
}
