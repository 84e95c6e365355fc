/**
 * Over 400 lines on purpose: the whole terminal contract (calls, events, frames, the one edge
 * parse) reads in one file, as both ends import it.
 *
 * The terminal API: the one contract between a lobby terminal's UI and its core (DESIGN §3).
 * Carried by Electron IPC, the browser-mode WebSocket bridge and the headless CLI; each parses
 * with `parseTerminalCall` once and answers `Result` values, never exceptions.
 */
import { z } from 'zod';
import { ErrorBodySchema, fail, isErrorCode, ok, type Result } from './errors.ts';
import {
  AdmissionVerdict,
  HallLayout,
  Instant,
  Payment,
  SeatId,
  SeatKind,
  SeatState,
  TerminalProfile,
  Username,
  Uuid,
} from './domain.ts';
import { SyncCollection } from './sync.ts';

/** An error as the UI lists it: the shared error body without its details. */
const ErrorSummary = ErrorBodySchema.pick({ code: true, message: true });

export const ConnectionState = z.enum(['online', 'offline', 'connecting', 'not_enrolled']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const TerminalStatus = z.object({
  enrolled: z.boolean(),
  terminalId: Uuid.optional(),
  name: z.string().optional(),
  profile: TerminalProfile.optional(),
  serverUrl: z.string().optional(),
  connection: ConnectionState,
  /** When the connection state last changed. */
  since: Instant,
  lastSyncAt: Instant.optional(),
  pendingOutbox: z.number().int(),
  rejectedOutbox: z.number().int(),
  /** Seats this terminal could still sell offline from its leases. */
  leaseSeatsLeft: z.number().int(),
});
export type TerminalStatus = z.infer<typeof TerminalStatus>;

export const TerminalSeat = z.object({
  id: SeatId,
  row: z.string(),
  label: z.string(),
  kind: SeatKind,
  state: SeatState,
  /** Held by this terminal's hold, or leased to this terminal. */
  mine: z.boolean(),
  expiresAt: Instant.optional(),
});

export const SaleLine = z.strictObject({ seatId: SeatId, ticketTypeId: Uuid });
export const SalePayment = Payment;

export const SoldTicket = z.object({
  id: Uuid,
  seatId: SeatId,
  ticketTypeId: Uuid,
  price: z.number().int(),
  token: z.string(),
});
export const SaleResult = z.object({
  orderId: Uuid,
  code: z.string().optional(),
  total: z.number().int(),
  change: z.number().int(),
  tickets: z.array(SoldTicket),
  /** Sold from a lease while the server was unreachable; queued in the outbox. */
  offline: z.boolean(),
});
export type SaleResult = z.infer<typeof SaleResult>;

export const AdmitResult = z.object({
  verdict: AdmissionVerdict,
  ticketId: Uuid.optional(),
  showtimeId: Uuid.optional(),
  seatId: SeatId.optional(),
  ticketType: z.string().optional(),
  admittedAt: Instant.optional(),
  /** Decided from the local replica because the server was unreachable. */
  offline: z.boolean(),
});
export type AdmitResult = z.infer<typeof AdmitResult>;

export const OutboxEntry = z.object({
  id: Uuid,
  name: z.string(),
  status: z.enum(['pending', 'ok', 'rejected']),
  createdAt: Instant,
  error: ErrorSummary.optional(),
});

// --- printing, cash drawer, scanners (DESIGN §9) -----------------------------------------------

/** What the UI shows for a printer; `paper_low` still prints, the others stop the queue. */
export const PrinterState = z.enum(['online', 'paper_low', 'paper_out', 'cover_open', 'offline']);
export type PrinterState = z.infer<typeof PrinterState>;

export const PrinterRole = z.enum(['primary', 'backup']);
export type PrinterRole = z.infer<typeof PrinterRole>;

/** Why a printer is offline, so the UI can say what to do about it. */
export const PrinterOfflineReason = z.enum([
  /** The configured device path does not exist (unplugged USB adapter, wrong path in the config). */
  'no_device',
  /** The path exists but could not be opened (permissions, in use by another program). */
  'open_failed',
  /** The port is open but nothing answers status queries (printer off, cable loose, wrong baud rate). */
  'no_answer',
  /** The port went away while open (cable or adapter pulled). */
  'disconnected',
  /** The printer reports an error (cutter jam, overheating). */
  'printer_error',
]);
export type PrinterOfflineReason = z.infer<typeof PrinterOfflineReason>;

export const PrinterDeviceStatus = z.object({
  role: PrinterRole,
  path: z.string(),
  state: PrinterState,
  reason: PrinterOfflineReason.optional(),
  message: z.string().optional(),
  /** When `state` last changed. */
  since: Instant,
  /** Printing a job right now. */
  busy: z.boolean(),
});
export type PrinterDeviceStatus = z.infer<typeof PrinterDeviceStatus>;

export const PrintJobKind = z.enum(['ticket', 'receipt', 'shift_report']);
export type PrintJobKind = z.infer<typeof PrintJobKind>;

/**
 * `attention`: the terminal cannot tell whether the job printed (it crashed, or the printer lost
 * power or its cable mid-job); an operator looks at the printer and resolves it.
 */
export const PrintJobStatus = z.enum(['queued', 'printing', 'done', 'attention', 'cancelled']);
export type PrintJobStatus = z.infer<typeof PrintJobStatus>;

export const PrinterStatus = z.object({
  /** A hardware config file exists in the terminal's data dir. */
  configured: z.boolean(),
  /** The config file exists but is unusable; printing and scanning wait until it is fixed. */
  configError: ErrorSummary.optional(),
  printers: z.array(PrinterDeviceStatus),
  cashDrawer: z.boolean(),
  scanner: z.object({ path: z.string(), connected: z.boolean(), message: z.string().optional() }).optional(),
  queue: z.object({
    queued: z.number().int(),
    printing: z.number().int(),
    attention: z.number().int(),
  }),
});
export type PrinterStatus = z.infer<typeof PrinterStatus>;

export const PrintJobView = z.object({
  id: Uuid,
  kind: PrintJobKind,
  status: PrintJobStatus,
  /** One line for a list, e.g. "Ticket F-7 · Starfall Protocol · 19:30". */
  summary: z.string(),
  orderId: Uuid.optional(),
  ticketId: Uuid.optional(),
  reprint: z.boolean(),
  reprintOf: Uuid.optional(),
  printer: PrinterRole.optional(),
  error: z.string().optional(),
  attempts: z.number().int(),
  createdAt: Instant,
  updatedAt: Instant,
  doneAt: Instant.optional(),
});
export type PrintJobView = z.infer<typeof PrintJobView>;

export const DrawerOpenResult = z.object({ opened: z.literal(true), at: Instant, by: z.string() });

/** A supervisor's own credentials, checked by the server, for actions a till may not take alone. */
export const SupervisorApproval = z.strictObject({
  username: Username,
  password: z.string().min(1).max(200),
});

export const terminalApi = {
  'terminal.status': { input: z.strictObject({}), output: TerminalStatus },
  'terminal.enroll': {
    input: z.strictObject({ serverUrl: z.url(), code: z.string().min(6).max(32) }),
    output: TerminalStatus,
  },
  'showtimes.list': {
    input: z.strictObject({ from: Instant, to: Instant }),
    output: z.array(z.looseObject({ id: Uuid, movieId: Uuid, hallId: Uuid, startsAt: Instant })),
  },
  'seatmap.get': {
    input: z.strictObject({ showtimeId: Uuid }),
    output: z.object({ showtimeId: Uuid, layout: HallLayout, seats: z.array(TerminalSeat) }),
  },
  'seats.bestAvailable': {
    input: z.strictObject({ showtimeId: Uuid, count: z.number().int().min(1).max(10) }),
    output: z.array(SeatId).nullable(),
  },
  'seats.hold': {
    input: z.strictObject({ showtimeId: Uuid, seatIds: z.array(SeatId).min(1).max(50) }),
    output: z.object({
      id: Uuid,
      showtimeId: Uuid,
      seatIds: z.array(SeatId),
      expiresAt: Instant,
      offline: z.boolean(),
    }),
  },
  'seats.release': { input: z.strictObject({ holdId: Uuid }), output: z.object({ released: z.boolean() }) },
  'order.quote': {
    input: z.strictObject({ showtimeId: Uuid, lines: z.array(SaleLine).min(1).max(50) }),
    output: z.object({
      total: z.number().int(),
      currency: z.string(),
      lines: z.array(z.object({ seatId: SeatId, price: z.number().int() })),
    }),
  },
  'order.sell': {
    input: z.strictObject({
      holdId: Uuid,
      lines: z.array(SaleLine).min(1).max(50),
      payments: z.array(SalePayment).min(1).max(4),
    }),
    output: SaleResult,
  },
  'order.refund': {
    input: z.strictObject({
      orderId: Uuid,
      ticketIds: z.array(Uuid).min(1).max(50).optional(),
      reason: z.string().trim().max(200).optional(),
      /** Refunds are a supervisor's decision: they sign it off at the till with their own login. */
      approval: SupervisorApproval,
    }),
    output: z.object({ orderId: Uuid, status: z.string() }),
  },
  /** An order by its printed code (or id), as the server has it: needs the server. */
  'order.lookup': {
    input: z.strictObject({ code: z.string().trim().min(6).max(36) }),
    output: z.object({
      id: Uuid,
      code: z.string(),
      showtimeId: Uuid,
      status: z.string(),
      total: z.number().int(),
      currency: z.string(),
      createdAt: Instant,
      tickets: z.array(
        z.object({
          id: Uuid,
          seatId: SeatId,
          ticketTypeId: Uuid,
          price: z.number().int(),
          status: z.string(),
        }),
      ),
    }),
  },
  'ticket.lookup': {
    input: z.strictObject({ token: z.string().min(1).max(1000) }),
    output: AdmitResult,
  },
  'ticket.admit': {
    input: z.strictObject({ token: z.string().min(1).max(1000), showtimeId: Uuid.optional() }),
    output: AdmitResult,
  },
  'outbox.list': { input: z.strictObject({}), output: z.array(OutboxEntry) },
  /** RxDB pull handler over the core's replica: documents changed after a local checkpoint. */
  'replica.pull': {
    input: z.strictObject({
      collection: SyncCollection,
      checkpoint: z.strictObject({ lseq: z.number().int().min(0) }).nullable(),
      limit: z.number().int().min(1).max(1000),
    }),
    output: z.object({
      documents: z.array(z.looseObject({ id: z.string(), _deleted: z.boolean() })),
      checkpoint: z.object({ lseq: z.number().int() }),
    }),
  },
  'printer.status': { input: z.strictObject({}), output: PrinterStatus },
  'print.jobs': {
    input: z.strictObject({
      status: PrintJobStatus.optional(),
      orderId: Uuid.optional(),
      limit: z.number().int().min(1).max(500).optional(),
    }),
    output: z.array(PrintJobView),
  },
  /** Prints the job again, marked REPRINT; resolves the original if it needed attention. */
  'print.reprint': { input: z.strictObject({ jobId: Uuid }), output: PrintJobView },
  /** An operator's answer for a job that needs attention: it did print, or drop it. */
  'print.resolve': {
    input: z.strictObject({ jobId: Uuid, outcome: z.enum(['printed', 'cancelled']) }),
    output: PrintJobView,
  },
  /** Prints this terminal's sales between two instants. */
  'print.shiftReport': { input: z.strictObject({ from: Instant, to: Instant }), output: PrintJobView },
  /** Opens the cash drawer outside a sale: a supervisor signs it off; audited on the terminal. */
  'drawer.open': {
    input: z.strictObject({
      reason: z.string().trim().min(1).max(200),
      supervisor: SupervisorApproval,
    }),
    output: DrawerOpenResult,
  },
} as const;

export type TerminalCall = keyof typeof terminalApi;
/** A call's input once parsed: what the core's handlers receive. */
export type TerminalInput<C extends TerminalCall> = z.infer<(typeof terminalApi)[C]['input']>;
/**
 * A call's input as a caller writes it (before the schema's defaults and trimming), read-only all
 * the way down: no transport changes what it is given, so a caller's read-only arrays pass.
 */
export type TerminalCallInput<C extends TerminalCall> = ReadonlyDeep<
  z.input<(typeof terminalApi)[C]['input']>
>;

type ReadonlyDeep<T> = T extends readonly (infer U)[]
  ? readonly ReadonlyDeep<U>[]
  : T extends object
    ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> }
    : T;
export type TerminalOutput<C extends TerminalCall> = z.infer<(typeof terminalApi)[C]['output']>;

/** One parsed call: its name and its input, correlated (`input` is that call's own input). */
export type TerminalRequest<C extends TerminalCall = TerminalCall> = {
  [K in C]: { call: K; input: TerminalInput<K> };
}[C];

export function isTerminalCall(call: unknown): call is TerminalCall {
  return typeof call === 'string' && Object.hasOwn(terminalApi, call);
}

/**
 * The terminal API's one edge: a call name and its raw input, from any transport (Electron IPC,
 * the browser bridge, the headless CLI, a test), become a typed request or `validation_failed`.
 * Unknown calls are `validation_failed` too: from the outside, a misspelt call and a malformed
 * input are the same mistake. Each transport calls this once; the core's dispatch gets the result.
 */
export function parseTerminalCall(call: unknown, raw: unknown): Result<TerminalRequest> {
  if (!isTerminalCall(call)) {
    return fail('validation_failed', 'unknown terminal call', {
      call: typeof call === 'string' ? call.slice(0, 64) : typeof call,
    });
  }
  const parsed = terminalApi[call].input.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined ? '' : issue.path.map(String).join('.');
    return fail(
      'validation_failed',
      issue === undefined ? 'invalid input' : `${field || 'input'}: ${issue.message}`,
      { call, field },
    );
  }
  // The schema looked up by `call` parsed the input, so it is that call's input: TypeScript cannot
  // correlate the two through the lookup.
  return ok({ call, input: parsed.data } as TerminalRequest);
}

// --- frames: one message format for a call and its answer on every transport --------------------

/** Chosen by the caller to match an answer to its call. */
export const RequestId = z.union([
  z.string().min(1).max(64),
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
]);
export type RequestId = z.infer<typeof RequestId>;

/** caller → core: `{id, call, input}`; `input` is parsed at the edge by {@link parseTerminalCall}. */
export const CallFrame = z.strictObject({
  id: RequestId,
  call: z.string().min(1).max(64),
  input: z.unknown(),
});
export type CallFrame = z.infer<typeof CallFrame>;

/** A `Result` as it crosses a boundary: `{ok:true,value}` or `{ok:false,error}`. */
export const ResultSchema = z.union([
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: ErrorBodySchema }),
]);

/** core → caller: `{id, result}`; `id` is null when the frame it answers had none readable. */
export const ResultFrame = z.strictObject({ id: RequestId.nullable(), result: ResultSchema });
export type ResultFrame = { id: RequestId | null; result: Result<unknown> };

/**
 * Reads a `Result` that crossed a boundary. An error code this build does not know (a newer core
 * behind an older page) becomes `internal`, keeping the message and naming the code.
 */
export function readResult(raw: unknown): Result<unknown> | undefined {
  const parsed = ResultSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const result = parsed.data;
  if (result.ok) return ok(result.value);
  const { code, message, details } = result.error;
  if (isErrorCode(code)) return details === undefined ? fail(code, message) : fail(code, message, details);
  return fail('internal', message, { ...details, code });
}

/** Events the core pushes to its UI. */
export const TerminalEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: TerminalStatus }),
  z.object({ type: z.literal('replica'), collection: SyncCollection, lseq: z.number().int() }),
  z.object({ type: z.literal('printer'), status: PrinterStatus }),
  /** A serial scanner read a code; the core admitted (or refused) it like `ticket.admit`. */
  z.object({
    type: z.literal('scan'),
    source: z.literal('serial'),
    result: AdmitResult.optional(),
    error: ErrorSummary.optional(),
  }),
]);
export type TerminalEvent = z.infer<typeof TerminalEvent>;

/** core → caller, pushed as the core emits it: `{event}`. */
export const EventFrame = z.strictObject({ event: TerminalEvent });
export type EventFrame = z.infer<typeof EventFrame>;
