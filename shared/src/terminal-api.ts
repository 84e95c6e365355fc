/**
 * The terminal API: the one contract between a lobby terminal's UI and its core (DESIGN §3).
 * Carried by Electron IPC or by the browser-mode WebSocket bridge; both validate with these
 * schemas and answer `Result` values, never exceptions.
 */
import { z } from 'zod';
import {
  AdmissionVerdict,
  HallLayout,
  Instant,
  PaymentMethod,
  SeatId,
  SeatKind,
  SeatState,
  TerminalProfile,
  Uuid,
} from './domain.ts';
import { SyncCollection } from './sync.ts';

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
export const SalePayment = z.strictObject({
  method: PaymentMethod,
  amount: z.number().int().min(0),
  tendered: z.number().int().min(0).optional(),
  reference: z.string().max(64).optional(),
});

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
  error: z.object({ code: z.string(), message: z.string() }).optional(),
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
    input: z.strictObject({ orderId: Uuid, ticketIds: z.array(Uuid).min(1).max(50).optional() }),
    output: z.object({ orderId: Uuid, status: z.string() }),
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
} as const;

export type TerminalCall = keyof typeof terminalApi;
export type TerminalInput<C extends TerminalCall> = z.infer<(typeof terminalApi)[C]['input']>;
export type TerminalOutput<C extends TerminalCall> = z.infer<(typeof terminalApi)[C]['output']>;

/** Events the core pushes to its UI. */
export const TerminalEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: TerminalStatus }),
  z.object({ type: z.literal('replica'), collection: SyncCollection, lseq: z.number().int() }),
]);
export type TerminalEvent = z.infer<typeof TerminalEvent>;
