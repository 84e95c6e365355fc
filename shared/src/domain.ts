/**
 * Over 400 lines on purpose: the whole domain model, one schema per entity, reads in one file.
 *
 * The cinema domain: one zod schema per entity, and the TypeScript type inferred from it.
 * Both the server and the terminals validate with these, so the two sides can never disagree
 * about what a showtime or a ticket is.
 */
import { z } from 'zod';
import { ORDER_STATES } from './order-lifecycle.ts';

// ---------------------------------------------------------------------------------------------
// Primitives

export const Uuid = z.uuid();
export type Uuid = z.infer<typeof Uuid>;

/** Instants are ISO 8601 strings with an offset; the server always writes UTC (`Z`). */
export const Instant = z.iso.datetime({ offset: true });
export type Instant = z.infer<typeof Instant>;

export const IsoDate = z.iso.date();
export type IsoDate = z.infer<typeof IsoDate>;

/** Wall-clock time of day, `HH:MM`, 00:00–24:00. */
export const TimeOfDay = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected HH:MM');
export type TimeOfDay = z.infer<typeof TimeOfDay>;

export const LOCALES = ['en', 'zh-CN'] as const;
export const Locale = z.enum(LOCALES);
export type Locale = z.infer<typeof Locale>;

/** A text in every supported locale. */
export const LocalizedText = z.strictObject({
  en: z.string().min(1).max(200),
  'zh-CN': z.string().min(1).max(200),
});
export type LocalizedText = z.infer<typeof LocalizedText>;

export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code');
export type CurrencyCode = z.infer<typeof CurrencyCode>;

/** An amount of money in the currency's minor units (fen, cents). Never a float. */
export const MinorUnits = z.number().int();
export const NonNegativeMinorUnits = MinorUnits.nonnegative();

/** IANA time zone name, e.g. `Asia/Shanghai`. Checked for existence where Intl is available. */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'unknown time zone');

// ---------------------------------------------------------------------------------------------
// Site, halls, seats

export const Site = z.strictObject({
  id: Uuid,
  name: z.string().min(1).max(120),
  timezone: TimeZone,
  currency: CurrencyCode,
  locale: Locale,
});
export type Site = z.infer<typeof Site>;

export const SEAT_KINDS = [
  'standard',
  'premium',
  'wheelchair',
  'companion',
  'loveseat-left',
  'loveseat-right',
] as const;
export const SeatKind = z.enum(SEAT_KINDS);
export type SeatKind = z.infer<typeof SeatKind>;

/** A seat's id inside its hall: `<row label>-<seat label>`, e.g. `F-7`. Stable across layout versions. */
export const SeatId = z.string().regex(/^[A-Z0-9]{1,3}-[A-Z0-9]{1,3}$/, 'expected a seat id like F-7');
export type SeatId = z.infer<typeof SeatId>;

export function seatIdOf(rowLabel: string, seatLabel: string): SeatId {
  return `${rowLabel}-${seatLabel}`;
}

const Label = z.string().regex(/^[A-Z0-9]{1,3}$/, 'expected 1–3 upper-case letters or digits');

/** One position in a row: a seat, or a gap (aisle, pillar, stair). */
export const LayoutCell = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('gap') }),
  z.strictObject({
    type: z.literal('seat'),
    label: Label,
    kind: SeatKind,
    /** Permanently out of sale (broken, technician's seat, camera position). */
    blocked: z.boolean().optional(),
  }),
]);
export type LayoutCell = z.infer<typeof LayoutCell>;

export const LayoutRow = z.strictObject({
  label: Label,
  /** Cells left to right as seen from the seats, facing the screen. Column = index. */
  cells: z.array(LayoutCell).min(1).max(80),
  /** Extra vertical space before this row (a cross aisle), in row heights. Visual only. */
  spaceBefore: z.number().int().min(0).max(4).optional(),
});
export type LayoutRow = z.infer<typeof LayoutRow>;

/**
 * A hall's seat layout. Rows are ordered from the screen backwards (row 0 is nearest).
 * Structural rules (unique labels, loveseat pairs, companions next to wheelchair places) are
 * checked by `validateLayout` in `layout.ts`; the schema only checks shapes.
 */
export const HallLayout = z.strictObject({
  version: z.number().int().min(1),
  rows: z.array(LayoutRow).min(1).max(60),
});
export type HallLayout = z.infer<typeof HallLayout>;

export const HALL_FEATURES = ['imax', '3d', 'dolby-atmos', 'dolby-cinema', '4dx', 'laser'] as const;
export const HallFeature = z.enum(HALL_FEATURES);
export type HallFeature = z.infer<typeof HallFeature>;

export const Hall = z.strictObject({
  id: Uuid,
  siteId: Uuid,
  name: z.string().min(1).max(60),
  features: z.array(HallFeature).max(HALL_FEATURES.length),
  layout: HallLayout,
});
export type Hall = z.infer<typeof Hall>;

// ---------------------------------------------------------------------------------------------
// Movies and showtimes

export const AGE_RATINGS = ['G', 'PG', 'PG-13', 'R', 'NC-17', 'NR'] as const;
export const AgeRating = z.enum(AGE_RATINGS);
export type AgeRating = z.infer<typeof AgeRating>;

export const Movie = z.strictObject({
  id: Uuid,
  titles: LocalizedText,
  runtimeMinutes: z.number().int().min(1).max(600),
  rating: AgeRating,
  genres: z.array(z.string().min(1).max(40)).max(8),
  posterUrl: z.string().max(500).optional(),
  releaseDate: IsoDate.optional(),
});
export type Movie = z.infer<typeof Movie>;

export const SHOWTIME_STATUSES = ['scheduled', 'on_sale', 'closed', 'cancelled'] as const;
export const ShowtimeStatus = z.enum(SHOWTIME_STATUSES);
export type ShowtimeStatus = z.infer<typeof ShowtimeStatus>;

export const SalesWindow = z.strictObject({ opensAt: Instant, closesAt: Instant });
export type SalesWindow = z.infer<typeof SalesWindow>;

export const Showtime = z.strictObject({
  id: Uuid,
  movieId: Uuid,
  hallId: Uuid,
  /** UTC. */
  startsAt: Instant,
  /** UTC; start + runtime + trailers. The hall is busy until `endsAt + cleaningMinutes`. */
  endsAt: Instant,
  cleaningMinutes: z.number().int().min(0).max(240),
  priceListId: Uuid,
  salesWindow: SalesWindow,
  status: ShowtimeStatus,
  /** Layout version of the hall this showtime sells. */
  layoutVersion: z.number().int().min(1),
});
export type Showtime = z.infer<typeof Showtime>;

// ---------------------------------------------------------------------------------------------
// Ticket types and prices

export const TicketTypeCode = z.string().regex(/^[a-z][a-z0-9_]{0,15}$/, 'expected a short lower-case code');

export const TicketType = z.strictObject({
  id: Uuid,
  /** Short stable code (`adult`, `child`): printed, and carried inside ticket tokens. */
  code: TicketTypeCode,
  names: LocalizedText,
  /** Staff should check proof (student card, age) at the door. */
  requiresProof: z.boolean(),
  active: z.boolean(),
});
export type TicketType = z.infer<typeof TicketType>;

/** Seats are priced by class: wheelchair and companion places cost what a standard seat does. */
export const PRICE_CLASSES = ['standard', 'premium', 'loveseat'] as const;
export const PriceClass = z.enum(PRICE_CLASSES);
export type PriceClass = z.infer<typeof PriceClass>;

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const; // ISO: Monday = 1 … Sunday = 7
export const Weekday = z.number().int().min(1).max(7);

export const PriceAdjustment = z.discriminatedUnion('type', [
  /** Replace the price. */
  z.strictObject({ type: z.literal('fixed'), amount: NonNegativeMinorUnits }),
  /** Add (negative: subtract) an amount; never below zero. */
  z.strictObject({ type: z.literal('delta'), amount: MinorUnits }),
  /** Percent of the base price, 0–1000; rounded half up to a minor unit. */
  z.strictObject({ type: z.literal('percent'), percent: z.number().int().min(0).max(1000) }),
]);
export type PriceAdjustment = z.infer<typeof PriceAdjustment>;

/** A time-of-day rule such as a matinee. The first matching rule in list order applies. */
export const PriceRule = z.strictObject({
  name: z.string().min(1).max(60),
  /** Weekdays it applies on (ISO, Monday = 1); absent = every day. */
  weekdays: z.array(Weekday).min(1).max(7).optional(),
  /** Showtime local start in [from, to). */
  from: TimeOfDay,
  to: TimeOfDay,
  /** Restrict to these ticket types / price classes; absent = all. */
  ticketTypeIds: z.array(Uuid).max(50).optional(),
  priceClasses: z.array(PriceClass).max(PRICE_CLASSES.length).optional(),
  adjustment: PriceAdjustment,
});
export type PriceRule = z.infer<typeof PriceRule>;

export const PriceEntry = z.strictObject({
  ticketTypeId: Uuid,
  priceClass: PriceClass,
  amount: NonNegativeMinorUnits,
});
export type PriceEntry = z.infer<typeof PriceEntry>;

export const PriceList = z.strictObject({
  id: Uuid,
  name: z.string().min(1).max(60),
  currency: CurrencyCode,
  prices: z.array(PriceEntry).min(1).max(500),
  rules: z.array(PriceRule).max(50),
});
export type PriceList = z.infer<typeof PriceList>;

// ---------------------------------------------------------------------------------------------
// Seat claims, holds, leases

export const CLAIM_STATES = ['held', 'sold', 'leased', 'blocked'] as const;
export const ClaimState = z.enum(CLAIM_STATES);
export type ClaimState = z.infer<typeof ClaimState>;

export const SEAT_STATES = ['free', ...CLAIM_STATES] as const;
export const SeatState = z.enum(SEAT_STATES);
export type SeatState = z.infer<typeof SeatState>;

/** A non-free seat of a showtime. Free seats have no claim. */
export const SeatClaim = z.strictObject({
  seatId: SeatId,
  state: ClaimState,
  /** Hold, lease or order that owns the claim. */
  ownerId: Uuid.optional(),
  terminalId: Uuid.optional(),
  /** Holds and leases expire; a claim whose expiry has passed is free. */
  expiresAt: Instant.optional(),
});
export type SeatClaim = z.infer<typeof SeatClaim>;

/** The replicated per-showtime seat map document: the layout version plus every non-free seat. */
export const SeatMapDoc = z.strictObject({
  id: Uuid, // = showtimeId
  showtimeId: Uuid,
  hallId: Uuid,
  layoutVersion: z.number().int().min(1),
  claims: z.array(SeatClaim),
});
export type SeatMapDoc = z.infer<typeof SeatMapDoc>;

export const Hold = z.strictObject({
  id: Uuid,
  showtimeId: Uuid,
  seatIds: z.array(SeatId).min(1),
  terminalId: Uuid.optional(),
  staffUserId: Uuid.optional(),
  createdAt: Instant,
  expiresAt: Instant,
});
export type Hold = z.infer<typeof Hold>;

export const LEASE_STATUSES = ['active', 'returned', 'reclaimed'] as const;
export const Lease = z.strictObject({
  id: Uuid,
  showtimeId: Uuid,
  terminalId: Uuid,
  seatIds: z.array(SeatId).min(1),
  grantedAt: Instant,
  /** Offline sales must stop at this instant, measured by the terminal on its monotonic clock. */
  deadline: Instant,
  status: z.enum(LEASE_STATUSES),
});
export type Lease = z.infer<typeof Lease>;

// ---------------------------------------------------------------------------------------------
// Orders, tickets, admissions

/** `mobile_qr`: a QR-pay wallet (WeChat Pay / Alipay-style), by one of {@link MOBILE_QR_FLOWS}. */
export const PAYMENT_METHODS = ['cash', 'card', 'mobile_qr'] as const;
export const PaymentMethod = z.enum(PAYMENT_METHODS);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export const Payment = z.strictObject({
  method: PaymentMethod,
  /** Amount applied to the order. */
  amount: NonNegativeMinorUnits,
  /** Cash handed over (≥ amount); change = tendered − amount. */
  tendered: NonNegativeMinorUnits.optional(),
  /** Card terminal reference, or the provider's transaction id. */
  reference: z.string().max(64).optional(),
  /** Mobile QR: the kiosk shows a code (`customer_scans`) or the cashier scans the customer's. */
  flow: z.enum(['customer_scans', 'merchant_scans']).optional(),
  /** The server's payment record that took this money (provider payments). */
  paymentId: Uuid.optional(),
});
export type Payment = z.infer<typeof Payment>;

export const MOBILE_QR_FLOWS = ['customer_scans', 'merchant_scans'] as const;
export type MobileQrFlow = (typeof MOBILE_QR_FLOWS)[number];

export const OrderLine = z.strictObject({
  seatId: SeatId,
  ticketTypeId: Uuid,
  price: NonNegativeMinorUnits,
});
export type OrderLine = z.infer<typeof OrderLine>;

/** The order lifecycle's states (shared/order-lifecycle.ts owns the transitions). */
export const ORDER_STATUSES = ORDER_STATES;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const Order = z.strictObject({
  id: Uuid,
  /** Short human code printed on tickets and receipts, for lookups at the counter. */
  code: z.string().regex(/^[0-9A-Z]{6,10}$/),
  showtimeId: Uuid,
  terminalId: Uuid.optional(),
  staffUserId: Uuid.optional(),
  lines: z.array(OrderLine).min(1),
  payments: z.array(Payment),
  total: NonNegativeMinorUnits,
  currency: CurrencyCode,
  status: OrderStatus,
  createdAt: Instant,
  /** Sold offline from a lease and signed with the terminal's device key. */
  offline: z.boolean(),
});
export type Order = z.infer<typeof Order>;

export const TICKET_STATUSES = ['valid', 'refunded', 'voided'] as const;
export const TicketStatus = z.enum(TICKET_STATUSES);
export type TicketStatus = z.infer<typeof TicketStatus>;

export const Ticket = z.strictObject({
  id: Uuid,
  orderId: Uuid,
  showtimeId: Uuid,
  seatId: SeatId,
  ticketTypeId: Uuid,
  price: NonNegativeMinorUnits,
  status: TicketStatus,
  /** Signed token encoded for the QR code (see `ticket-token.ts`). */
  token: z.string().min(1).max(400),
  issuedAt: Instant,
});
export type Ticket = z.infer<typeof Ticket>;

export const ADMISSION_VERDICTS = [
  'admitted',
  'already_admitted',
  'invalid',
  'wrong_showtime',
  'too_early',
  'too_late',
  'refunded',
] as const;
export const AdmissionVerdict = z.enum(ADMISSION_VERDICTS);
export type AdmissionVerdict = z.infer<typeof AdmissionVerdict>;

export const Admission = z.strictObject({
  id: Uuid,
  ticketId: Uuid,
  showtimeId: Uuid,
  terminalId: Uuid,
  at: Instant,
  verdict: AdmissionVerdict,
  /** Admitted on two partitioned doors; found when the second one synced. */
  duplicate: z.boolean(),
});
export type Admission = z.infer<typeof Admission>;

// ---------------------------------------------------------------------------------------------
// Terminals and staff

export const TERMINAL_PROFILES = ['kiosk', 'box_office', 'gate'] as const;
export const TerminalProfile = z.enum(TERMINAL_PROFILES);
export type TerminalProfile = z.infer<typeof TerminalProfile>;

/** Raw 32-byte Ed25519 public key, base64url without padding (43 characters). */
export const PublicKeyB64 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a 32-byte key in base64url');

export const LeasePolicy = z.strictObject({
  /** Seats leased per upcoming showtime; 0 disables offline sales. */
  seatsPerShowtime: z.number().int().min(0).max(50),
  /** How far ahead to lease, in hours. */
  hoursAhead: z.number().int().min(0).max(72),
});
export type LeasePolicy = z.infer<typeof LeasePolicy>;

export const Terminal = z.strictObject({
  id: Uuid,
  name: z.string().min(1).max(60),
  profile: TerminalProfile,
  publicKey: PublicKeyB64,
  /** Key id under which this terminal signs offline tickets. */
  keyId: z.string().min(1).max(16),
  enrolledAt: Instant,
  status: z.enum(['active', 'revoked']),
  leasePolicy: LeasePolicy,
});
export type Terminal = z.infer<typeof Terminal>;

export const STAFF_ROLES = ['cashier', 'supervisor', 'manager', 'admin'] as const;
export const StaffRole = z.enum(STAFF_ROLES);
export type StaffRole = z.infer<typeof StaffRole>;

/** Roles in increasing authority: each role may do what the roles before it may. */
export function roleAtLeast(role: StaffRole, minimum: StaffRole): boolean {
  return STAFF_ROLES.indexOf(role) >= STAFF_ROLES.indexOf(minimum);
}

export const Username = z.string().regex(/^[a-z0-9._-]{3,32}$/, 'expected 3–32 of a-z 0-9 . _ -');

export const StaffUser = z.strictObject({
  id: Uuid,
  username: Username,
  name: z.string().min(1).max(80),
  role: StaffRole,
  active: z.boolean(),
});
export type StaffUser = z.infer<typeof StaffUser>;

/** Public key of a ticket signer (the server or an enrolled terminal), replicated to every door. */
export const SigningKey = z.strictObject({
  keyId: z.string().min(1).max(16),
  publicKey: PublicKeyB64,
  owner: z.enum(['server', 'terminal']),
  terminalId: Uuid.optional(),
  revoked: z.boolean(),
});
export type SigningKey = z.infer<typeof SigningKey>;
