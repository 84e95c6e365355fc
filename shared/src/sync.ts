/**
 * The sync protocol between the server and terminal cores (DESIGN §7): pull with checkpoints,
 * a change stream, and a mutation queue. Shapes follow RxDB's replication protocol so a stock
 * RxDB client can replicate from the server.
 */
import { z } from 'zod';
import {
  AdmissionResponse,
  CreateHoldRequest,
  CreateOrderRequest,
  HoldResponse,
  OrderResponse,
  UpdateHoldRequest,
} from './api.ts';
import { AdmissionVerdict, Instant, Lease, Payment, SeatId, Uuid } from './domain.ts';
import { ErrorBodySchema } from './errors.ts';

export const SYNC_COLLECTIONS = [
  'site',
  'movies',
  'halls',
  'showtimes',
  'ticket_types',
  'price_lists',
  'seat_maps',
  'tickets',
  'admissions',
  'signing_keys',
  'leases',
] as const;
export const SyncCollection = z.enum(SYNC_COLLECTIONS);
export type SyncCollection = z.infer<typeof SyncCollection>;

/**
 * `epoch` names one history of the database; a restore starts a new one and forces a full resync.
 * `seq` is the per-site change sequence, bumped inside the writing transaction.
 */
export const Checkpoint = z.strictObject({
  epoch: z.string().min(1).max(64),
  seq: z.number().int().min(0),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

/** Checkpoints travel in query strings as `<epoch>:<seq>`. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  return `${checkpoint.epoch}:${checkpoint.seq}`;
}

export const CheckpointParam = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}:\d{1,15}$/, 'expected <epoch>:<seq>')
  .transform((text): Checkpoint => {
    const at = text.lastIndexOf(':');
    return { epoch: text.slice(0, at), seq: Number(text.slice(at + 1)) };
  });

export const PULL_MAX_LIMIT = 1000;

export const PullQuery = z.strictObject({
  collection: SyncCollection,
  checkpoint: CheckpointParam.optional(),
  limit: z.coerce.number().int().min(1).max(PULL_MAX_LIMIT).optional(),
});

/** A replicated document: the entity plus replication metadata. */
export const SyncDocument = z.looseObject({
  id: z.string(),
  _deleted: z.boolean(),
  _seq: z.number().int(),
});
export type SyncDocument = z.infer<typeof SyncDocument>;

export const PullResponse = z.object({
  documents: z.array(SyncDocument),
  checkpoint: Checkpoint,
  /** Set when the client's checkpoint belongs to another epoch: drop the replica and start over. */
  resync: z.boolean().optional(),
});
export type PullResponse = z.infer<typeof PullResponse>;

// --- stream ------------------------------------------------------------------------------------

export const STREAM_HEARTBEAT_MS = 10_000;
export const STREAM_MAX_MESSAGE_BYTES = 64 * 1024;
/**
 * WebSocket close code: the stream's session ended (logout, a manager ended it, the user was
 * deactivated or changed password, the terminal was revoked, the token expired). Reconnecting with
 * the same token is refused (401); sign in or enroll again.
 */
export const STREAM_CLOSE_SESSION_ENDED = 4001;

export const StreamServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), checkpoint: Checkpoint, serverTime: Instant }),
  z.object({
    type: z.literal('changes'),
    changes: z.array(z.object({ collection: SyncCollection, documents: z.array(SyncDocument) })),
    checkpoint: Checkpoint,
  }),
  z.object({ type: z.literal('heartbeat'), checkpoint: Checkpoint, serverTime: Instant }),
  /** The client fell too far behind or the epoch changed: pull again from its last checkpoint. */
  z.object({ type: z.literal('resync'), reason: z.string() }),
]);
export type StreamServerMessage = z.infer<typeof StreamServerMessage>;

export const StreamClientMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ping') }),
]);
export type StreamClientMessage = z.infer<typeof StreamClientMessage>;

// --- mutations ---------------------------------------------------------------------------------

export const AdmissionRecordArgs = z.strictObject({
  admissionId: Uuid,
  token: z.string().min(1).max(1000),
  /** When the door scanned it (the terminal's clock; informative only). */
  at: Instant,
  /** The verdict the door showed; the server records its own verdict as well. */
  localVerdict: AdmissionVerdict,
  showtimeId: Uuid.optional(),
});

export const LeaseRequestArgs = z.strictObject({
  showtimeId: Uuid,
  seats: z.number().int().min(1).max(50),
});
export const LeaseReturnArgs = z.strictObject({
  leaseId: Uuid,
  seatIds: z.array(SeatId).min(1).max(50).optional(),
});

export const OfflineSaleArgs = z.strictObject({
  leaseId: Uuid,
  orderId: Uuid,
  showtimeId: Uuid,
  soldAt: Instant,
  lines: z
    .array(
      z.strictObject({
        ticketId: Uuid,
        seatId: SeatId,
        ticketTypeId: Uuid,
        price: z.number().int().min(0),
        token: z.string().max(1000),
      }),
    )
    .min(1)
    .max(50),
  payments: z.array(Payment).min(1).max(4),
  total: z.number().int().min(0),
});

export const HoldUpdateArgs = z.strictObject({ holdId: Uuid, change: UpdateHoldRequest });
export const HoldReleaseArgs = z.strictObject({ holdId: Uuid });

/** A lease as a mutation answers it; one returned or sold out has no seats left. */
export const LeaseResult = Lease.extend({ seatIds: z.array(SeatId) });
/** An offline admission report's answer: `duplicate` when two partitioned doors both admitted. */
export const AdmissionRecordResult = AdmissionResponse.extend({ duplicate: z.boolean().optional() });

/**
 * Every mutation a terminal's outbox sends: the schema of its arguments and of the result an
 * `ok` answer carries (the wire keeps `result` untyped, so an older terminal reads a newer one).
 */
export const MUTATIONS = {
  'hold.create': { args: CreateHoldRequest, result: HoldResponse },
  'hold.update': { args: HoldUpdateArgs, result: HoldResponse },
  'hold.release': { args: HoldReleaseArgs, result: z.object({ released: z.literal(true) }) },
  'sale.commit': { args: CreateOrderRequest, result: OrderResponse },
  'admission.record': { args: AdmissionRecordArgs, result: AdmissionRecordResult },
  'lease.request': { args: LeaseRequestArgs, result: LeaseResult },
  'lease.return': { args: LeaseReturnArgs, result: LeaseResult },
  'sale.offline': { args: OfflineSaleArgs, result: OrderResponse },
} as const;
export type MutationName = keyof typeof MUTATIONS;
export const MUTATION_NAMES = Object.keys(MUTATIONS) as MutationName[];

/** The arguments of a mutation as the server's handler receives them (parsed). */
export type MutationArgs<K extends MutationName> = z.output<(typeof MUTATIONS)[K]['args']>;
/** The result of an applied mutation, as a terminal has it after parsing. */
export type MutationValue<K extends MutationName> = z.output<(typeof MUTATIONS)[K]['result']>;

/** The argument schemas alone, by name. */
export const MUTATION_ARGS = Object.fromEntries(
  MUTATION_NAMES.map((name) => [name, MUTATIONS[name].args]),
) as {
  [K in MutationName]: (typeof MUTATIONS)[K]['args'];
};

export const MutationEnvelope = z.strictObject({
  /** Stable id chosen by the terminal when the intent entered its outbox. */
  id: Uuid,
  name: z.enum(MUTATION_NAMES as [MutationName, ...MutationName[]]),
  args: z.unknown(),
});
export type MutationEnvelope = z.infer<typeof MutationEnvelope>;

export const MAX_MUTATIONS_PER_BATCH = 100;

export const MutationsRequest = z.strictObject({
  terminalId: Uuid,
  mutations: z.array(MutationEnvelope).min(1).max(MAX_MUTATIONS_PER_BATCH),
});
export type MutationsRequest = z.infer<typeof MutationsRequest>;

export const MutationResult = z.discriminatedUnion('status', [
  z.object({ id: Uuid, status: z.literal('ok'), result: z.unknown(), duplicate: z.boolean() }),
  z.object({
    id: Uuid,
    status: z.literal('rejected'),
    error: ErrorBodySchema,
    duplicate: z.boolean(),
  }),
]);
export type MutationResult = z.infer<typeof MutationResult>;

export const MutationsResponse = z.object({ results: z.array(MutationResult) });
export type MutationsResponse = z.infer<typeof MutationsResponse>;
