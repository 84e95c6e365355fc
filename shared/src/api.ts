// A little over 400 lines: the whole v1 request and response vocabulary in one file, by area.
/**
 * Request and response schemas of the public HTTP API v1 (DESIGN §8). The server validates with
 * these and generates its OpenAPI document from them; clients build requests with the same types.
 * Request objects are strict: an unknown field is a `validation_failed`, not silently dropped.
 */
import { z } from 'zod';
import { ErrorBodySchema } from './errors.ts';
import {
  AdmissionVerdict,
  Hall,
  HallFeature,
  HallLayout,
  Instant,
  LeasePolicy,
  LocalizedText,
  AgeRating,
  IsoDate,
  MinorUnits,
  NonNegativeMinorUnits,
  Movie,
  OrderStatus,
  Payment,
  PriceClass,
  PriceEntry,
  PriceRule,
  PublicKeyB64,
  SeatId,
  SeatKind,
  SeatState,
  Showtime,
  ShowtimeStatus,
  StaffRole,
  TerminalProfile,
  TicketType,
  TicketTypeCode,
  Username,
  Uuid,
  CurrencyCode,
} from './domain.ts';

export const MAX_SEATS_PER_HOLD = 50;
export const MAX_HOLD_TTL_SECONDS = 1800;

// --- auth & devices ---------------------------------------------------------------------------

export const LoginRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const AuthUser = z.object({ id: Uuid, name: z.string(), role: StaffRole });
export const LoginResponse = z.object({ token: z.string(), user: AuthUser, expiresAt: Instant });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const CreateEnrollmentCodeRequest = z.strictObject({
  name: z.string().min(1).max(60),
  profile: TerminalProfile,
  leasePolicy: LeasePolicy.optional(),
});
export type CreateEnrollmentCodeRequest = z.infer<typeof CreateEnrollmentCodeRequest>;

export const EnrollmentCodeResponse = z.object({
  code: z.string(),
  name: z.string(),
  profile: TerminalProfile,
  expiresAt: Instant,
});

export const EnrollRequest = z.strictObject({
  code: z.string().min(6).max(32),
  publicKey: PublicKeyB64,
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  terminalId: Uuid,
  token: z.string(),
  name: z.string(),
  profile: TerminalProfile,
  keyId: z.string(),
  serverKeyId: z.string(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

/** `GET /devices/me`: what a terminal needs to start (its profile, lease policy, the server's key). */
export const TerminalSelfResponse = z.object({
  terminalId: Uuid,
  name: z.string(),
  profile: TerminalProfile,
  leasePolicy: LeasePolicy,
  serverKeyId: z.string(),
  serverTime: Instant,
});
export type TerminalSelfResponse = z.infer<typeof TerminalSelfResponse>;

export const UpdateDeviceRequest = z.strictObject({
  name: z.string().min(1).max(60).optional(),
  leasePolicy: LeasePolicy.optional(),
  status: z.enum(['active', 'revoked']).optional(),
});

// --- programme ---------------------------------------------------------------------------------

export const ShowtimesQuery = z.strictObject({
  from: Instant,
  to: Instant,
  limit: z.coerce.number().int().min(1).max(2000).optional(),
});

export const ShowtimesResponse = z.object({ showtimes: z.array(Showtime) });

/** One showtime as a till or kiosk sells it: film, hall (without the layout) and today's prices. */
export const ShowtimeDetailResponse = z.object({
  showtime: Showtime,
  /** Null only if the film's row is gone (it never should be: films are archived, not removed). */
  movie: Movie.nullable(),
  hall: Hall.omit({ layout: true }),
  currency: CurrencyCode,
  /** Active ticket types with a price per price class the hall has (none where the list has none). */
  ticketTypes: z.array(
    z.object({
      ticketType: TicketType,
      prices: z.array(
        z.object({ priceClass: PriceClass, amount: NonNegativeMinorUnits, rule: z.string().nullable() }),
      ),
    }),
  ),
});
export type ShowtimeDetailResponse = z.infer<typeof ShowtimeDetailResponse>;

export const SeatView = z.object({
  id: SeatId,
  row: z.string(),
  label: z.string(),
  kind: SeatKind,
  state: SeatState,
  expiresAt: Instant.optional(),
});
export const SeatMapResponse = z.object({
  showtimeId: Uuid,
  hallId: Uuid,
  layout: HallLayout,
  seats: z.array(SeatView),
});
export type SeatMapResponse = z.infer<typeof SeatMapResponse>;

// --- holds & orders ----------------------------------------------------------------------------

const SeatIds = z
  .array(SeatId)
  .min(1)
  .max(MAX_SEATS_PER_HOLD)
  .refine((ids) => new Set(ids).size === ids.length, 'seat ids must be unique');

export const CreateHoldRequest = z.strictObject({
  id: Uuid.optional(),
  showtimeId: Uuid,
  seatIds: SeatIds,
  ttlSeconds: z.number().int().min(1).max(MAX_HOLD_TTL_SECONDS).optional(),
});
export type CreateHoldRequest = z.infer<typeof CreateHoldRequest>;

export const UpdateHoldRequest = z
  .strictObject({
    seatIds: SeatIds.optional(),
    /** Extend: the hold then lives this long from now, within the policy's cap. */
    ttlSeconds: z.number().int().min(1).max(MAX_HOLD_TTL_SECONDS).optional(),
  })
  .refine((v) => v.seatIds !== undefined || v.ttlSeconds !== undefined, 'nothing to change');
export type UpdateHoldRequest = z.infer<typeof UpdateHoldRequest>;

export const HoldResponse = z.object({
  id: Uuid,
  showtimeId: Uuid,
  seatIds: z.array(SeatId),
  expiresAt: Instant,
});
export type HoldResponse = z.infer<typeof HoldResponse>;

/** One payment of an order (the shape every boundary uses: HTTP, sync mutations, terminal API). */
export const PaymentInput = Payment;

export const CreateOrderRequest = z.strictObject({
  id: Uuid,
  holdId: Uuid,
  lines: z
    .array(z.strictObject({ seatId: SeatId, ticketTypeId: Uuid }))
    .min(1)
    .max(MAX_SEATS_PER_HOLD),
  payments: z.array(PaymentInput).min(1).max(4),
  expectedTotal: NonNegativeMinorUnits,
});
export type CreateOrderRequest = z.infer<typeof CreateOrderRequest>;

export const TicketView = z.object({
  id: Uuid,
  seatId: SeatId,
  ticketTypeId: Uuid,
  price: NonNegativeMinorUnits,
  status: z.enum(['valid', 'refunded', 'voided']),
  token: z.string(),
});

export const OrderResponse = z.object({
  id: Uuid,
  code: z.string(),
  showtimeId: Uuid,
  status: OrderStatus,
  total: NonNegativeMinorUnits,
  currency: CurrencyCode,
  change: NonNegativeMinorUnits,
  payments: z.array(PaymentInput),
  createdAt: Instant,
  tickets: z.array(TicketView),
});
export type OrderResponse = z.infer<typeof OrderResponse>;

export const RefundRequest = z.strictObject({
  /** Tickets to refund; absent = the whole order. */
  ticketIds: z
    .array(Uuid)
    .min(1)
    .max(MAX_SEATS_PER_HOLD)
    .refine((ids) => new Set(ids).size === ids.length, 'lists a ticket more than once')
    .optional(),
  reason: z.string().max(200).optional(),
});
export type RefundRequest = z.infer<typeof RefundRequest>;

// --- admissions --------------------------------------------------------------------------------

export const AdmissionRequest = z.strictObject({
  token: z.string().min(1).max(1000),
  /** The showtime this door is admitting, if the usher chose one. */
  showtimeId: Uuid.optional(),
});
export type AdmissionRequest = z.infer<typeof AdmissionRequest>;

export const AdmissionResponse = z.object({
  verdict: AdmissionVerdict,
  /** From the verified token, present whenever its signature checked out: what the door shows. */
  ticketId: Uuid.optional(),
  showtimeId: Uuid.optional(),
  seatId: SeatId.optional(),
  ticketType: TicketTypeCode.optional(),
  ticket: TicketView.extend({ showtimeId: Uuid }).optional(),
  admittedAt: Instant.optional(),
});
export type AdmissionResponse = z.infer<typeof AdmissionResponse>;

// --- back office -------------------------------------------------------------------------------

/** A programme date a cinema could mean: catches typos like year 9999 before any arithmetic. */
const ProgrammeInstant = Instant.refine((text) => {
  const year = new Date(text).getUTCFullYear();
  return year >= 2000 && year <= 2199;
}, 'expected a date between 2000 and 2199');

export const CreateShowtimeRequest = z.strictObject({
  movieId: Uuid,
  hallId: Uuid,
  startsAt: ProgrammeInstant,
  priceListId: Uuid.optional(),
  cleaningMinutes: z.number().int().min(0).max(240).optional(),
  /** Adverts and trailers before the film; end = start + trailers + runtime. */
  trailerMinutes: z.number().int().min(0).max(60).optional(),
  status: z.enum(['scheduled', 'on_sale']).optional(),
});
export type CreateShowtimeRequest = z.infer<typeof CreateShowtimeRequest>;

export const UpdateShowtimeRequest = z.strictObject({
  startsAt: ProgrammeInstant.optional(),
  priceListId: Uuid.optional(),
  cleaningMinutes: z.number().int().min(0).max(240).optional(),
  status: ShowtimeStatus.optional(),
});
export type UpdateShowtimeRequest = z.infer<typeof UpdateShowtimeRequest>;

export const CreateHallRequest = z.strictObject({
  name: z.string().min(1).max(60),
  features: z.array(HallFeature).max(10),
  layout: HallLayout,
});
export const UpdateHallRequest = CreateHallRequest.partial();

export const CreateMovieRequest = z.strictObject({
  titles: LocalizedText,
  runtimeMinutes: z.number().int().min(1).max(600),
  rating: AgeRating,
  genres: z.array(z.string().min(1).max(40)).max(8),
  posterUrl: z.string().max(500).optional(),
  releaseDate: IsoDate.optional(),
});
export const UpdateMovieRequest = CreateMovieRequest.partial();

export const CreateTicketTypeRequest = z.strictObject({
  code: TicketTypeCode,
  names: LocalizedText,
  requiresProof: z.boolean().optional(),
  active: z.boolean().optional(),
});
export const UpdateTicketTypeRequest = CreateTicketTypeRequest.partial();

export const CreatePriceListRequest = z.strictObject({
  name: z.string().min(1).max(60),
  prices: z.array(PriceEntry).min(1).max(500),
  rules: z.array(PriceRule).max(50).optional(),
});
export const UpdatePriceListRequest = CreatePriceListRequest.partial();

export const CreateUserRequest = z.strictObject({
  username: Username,
  name: z.string().min(1).max(80),
  role: StaffRole,
  password: z.string().min(10).max(256),
});
export const UpdateUserRequest = z.strictObject({
  name: z.string().min(1).max(80).optional(),
  role: StaffRole.optional(),
  password: z.string().min(10).max(256).optional(),
  active: z.boolean().optional(),
});

export const ReportQuery = z.strictObject({ from: Instant, to: Instant });

const Tally = { orders: z.number().int(), gross: MinorUnits, refunds: MinorUnits, net: MinorUnits };

export const SalesReport = z.object({
  from: Instant,
  to: Instant,
  currency: CurrencyCode,
  orders: z.number().int(),
  tickets: z.number().int(),
  gross: MinorUnits,
  refunds: MinorUnits,
  net: MinorUnits,
  byPaymentMethod: z.record(z.string(), MinorUnits),
  /** `terminalId: null`: sold by staff without a terminal (the back office). */
  byTerminal: z.array(z.object({ terminalId: z.string().nullable(), name: z.string().nullable(), ...Tally })),
  /** `staffUserId: null`: sold by an unattended kiosk. */
  byCashier: z.array(z.object({ staffUserId: z.string().nullable(), name: z.string().nullable(), ...Tally })),
});
export type SalesReport = z.infer<typeof SalesReport>;

const Occupancy = {
  capacity: z.number().int(),
  /** Valid tickets: refunded ones free their seat. */
  sold: z.number().int(),
  /** What the valid tickets were sold for. */
  revenue: MinorUnits,
  /** sold / capacity, in percent with one decimal. */
  occupancyPercent: z.number(),
};

export const OccupancyReport = z.object({
  from: Instant,
  to: Instant,
  currency: CurrencyCode,
  showtimes: z.array(
    z.object({
      showtimeId: Uuid,
      startsAt: Instant,
      hallId: Uuid,
      hallName: z.string(),
      movieId: Uuid,
      movieTitle: z.string(),
      status: ShowtimeStatus,
      ...Occupancy,
    }),
  ),
  /** Over the showtimes that were not cancelled. */
  totals: z.object({ showtimes: z.number().int(), ...Occupancy }),
});
export type OccupancyReport = z.infer<typeof OccupancyReport>;

const CashUp = {
  orders: z.number().int(),
  /** Cash handed over by customers. */
  cashTendered: MinorUnits,
  /** Change handed back. */
  changeGiven: MinorUnits,
  /** What the drawer should have gained: tendered − change. */
  cashNet: MinorUnits,
  /** Taken per payment method (`cash` is the amount applied, not what was tendered). */
  byPaymentMethod: z.record(z.string(), MinorUnits),
  /** Refunded since on these orders; refunds do not record who paid them out or how. */
  refunds: MinorUnits,
};

export const CashUpReport = z.object({
  from: Instant,
  to: Instant,
  currency: CurrencyCode,
  cashiers: z.array(
    z.object({
      /** null: sold by a terminal with nobody signed in (kiosks). */
      staffUserId: z.string().nullable(),
      name: z.string().nullable(),
      ...CashUp,
      terminalIds: z.array(z.string()),
    }),
  ),
  totals: z.object(CashUp),
});
export type CashUpReport = z.infer<typeof CashUpReport>;

// --- common ------------------------------------------------------------------------------------

export const IdParam = z.strictObject({ id: Uuid });

export const ErrorResponse = z.object({ error: ErrorBodySchema });

export const HealthResponse = z.object({ status: z.literal('ok'), epoch: z.string(), time: Instant });

/** The OpenAPI 3.1 document; its paths are generated, so only the frame is described here. */
export const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.object({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});
