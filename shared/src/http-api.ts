// Over 400 lines on purpose: the whole HTTP contract is one table, read top to bottom.
/**
 * The public HTTP API v1 (DESIGN §8) as one table: every route the server mounts, keyed by a stable
 * name, with its method, path, who may call it, the schemas of its input and of its answer, its
 * success status and the error codes it answers with. The server mounts from this table (a missing
 * handler is a compile error), generates its OpenAPI document from it and, in tests, checks every
 * answer against it; a client builds typed requests and parses every answer with the same schemas.
 */
import { z } from 'zod';
import {
  AdmissionRequest,
  AdmissionResponse,
  CashUpReport,
  CreateEnrollmentCodeRequest,
  CreateHallRequest,
  CreateHoldRequest,
  CreateMovieRequest,
  CreateOrderRequest,
  CreatePriceListRequest,
  CreateShowtimeRequest,
  CreateTicketTypeRequest,
  CreateUserRequest,
  EnrollRequest,
  EnrollResponse,
  EnrollmentCodeResponse,
  HealthResponse,
  HoldResponse,
  IdParam,
  LoginRequest,
  LoginResponse,
  OccupancyReport,
  OpenApiDocument,
  OrderResponse,
  RefundRequest,
  ReportQuery,
  SalesReport,
  SeatMapResponse,
  ShowtimeDetailResponse,
  ShowtimesQuery,
  ShowtimesResponse,
  TerminalSelfResponse,
  UpdateDeviceRequest,
  UpdateHallRequest,
  UpdateHoldRequest,
  UpdateMovieRequest,
  UpdatePriceListRequest,
  UpdateShowtimeRequest,
  UpdateTicketTypeRequest,
  UpdateUserRequest,
} from './api.ts';
import {
  Hall,
  Movie,
  PriceList,
  STAFF_ROLES,
  Showtime,
  StaffUser,
  TERMINAL_PROFILES,
  Terminal,
  TicketType,
  type StaffRole,
  type TerminalProfile,
} from './domain.ts';
import type { ErrorCode } from './errors.ts';
import { MutationsRequest, MutationsResponse, PullQuery, PullResponse } from './sync.ts';

// --- who may call ------------------------------------------------------------------------------

/** Whom a route admits: a staff role or a terminal profile. */
export type Principal = StaffRole | TerminalProfile;

export const ALL_PRINCIPALS: readonly Principal[] = [...STAFF_ROLES, ...TERMINAL_PROFILES];
export const STAFF: readonly Principal[] = STAFF_ROLES;
export const MANAGERS: readonly Principal[] = ['manager', 'admin'];
export const SUPERVISORS: readonly Principal[] = ['supervisor', 'manager', 'admin'];
/** Anyone who may read the programme and seat maps. */
export const READERS: readonly Principal[] = ALL_PRINCIPALS;
/** Anyone who may sell: staff and selling terminals (not gates). */
export const SELLERS: readonly Principal[] = [...STAFF, 'kiosk', 'box_office'];
/** Anyone who may admit tickets at a door. */
export const DOORS: readonly Principal[] = [...STAFF, 'gate', 'box_office'];
export const DEVICES: readonly Principal[] = TERMINAL_PROFILES;

// --- the shape of a route ----------------------------------------------------------------------

export const HTTP_API_PREFIX = '/api/v1';

export type HttpMethod = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** The areas of the API: OpenAPI tags, and one route file each on the server. */
export const HTTP_TAGS = [
  'system',
  'auth',
  'devices',
  'programme',
  'sales',
  'doors',
  'sync',
  'back-office',
  'reports',
] as const;
export type HttpTag = (typeof HTTP_TAGS)[number];

export interface HttpRouteSpec {
  readonly method: HttpMethod;
  /** Express-style, relative to {@link HTTP_API_PREFIX}: `/holds/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: HttpTag;
  /** Principals allowed; `public` routes take no token. */
  readonly allow: readonly Principal[] | 'public';
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The JSON answer; a route without one answers 204 and no body. */
  readonly response?: z.ZodType;
  /** Status of a successful answer (default 200, or 204 without a response). */
  readonly status?: number;
  /** Error codes the route answers with besides validation and access, for the OpenAPI document. */
  readonly errors?: readonly ErrorCode[];
}

const defineRoutes = <const T extends Record<string, HttpRouteSpec>>(routes: T): T => routes;

/** Deleting answers 204; something with history is archived rather than removed. */
const DELETE_ERRORS = ['not_found', 'conflict'] as const;

// --- the table (in mount order: `/devices/me` before `/devices/:id`) --------------------------

export const HTTP_ROUTES = defineRoutes({
  'health.get': {
    method: 'get',
    path: '/health',
    tag: 'system',
    summary: 'Liveness: answers once the server is ready',
    allow: 'public',
    response: HealthResponse,
  },
  'auth.login': {
    method: 'post',
    path: '/auth/login',
    tag: 'auth',
    summary: 'Staff sign-in; rate-limited per address and username',
    allow: 'public',
    body: LoginRequest,
    response: LoginResponse,
    errors: ['validation_failed', 'unauthenticated', 'rate_limited'],
  },
  'auth.logout': {
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    summary: "Sign out: ends the caller's staff session; its open change streams close (code 4001)",
    allow: STAFF,
  },
  'enrollmentCodes.create': {
    method: 'post',
    path: '/devices/enrollment-codes',
    tag: 'devices',
    summary: 'One-time, expiring code for enrolling a new terminal',
    allow: MANAGERS,
    body: CreateEnrollmentCodeRequest,
    response: EnrollmentCodeResponse,
    status: 201,
  },
  'devices.enroll': {
    method: 'post',
    path: '/devices/enroll',
    tag: 'devices',
    summary: 'A new terminal enrolls with a code and its Ed25519 public key',
    allow: 'public',
    body: EnrollRequest,
    response: EnrollResponse,
    status: 201,
    errors: ['validation_failed', 'unauthenticated', 'conflict'],
  },
  'devices.me': {
    method: 'get',
    path: '/devices/me',
    tag: 'devices',
    summary: "The calling terminal's own record: profile, lease policy, the server's key id",
    allow: DEVICES,
    response: TerminalSelfResponse,
  },
  'showtimes.list': {
    method: 'get',
    path: '/showtimes',
    tag: 'programme',
    summary: 'Showtimes starting in [from, to), at most 31 days',
    allow: READERS,
    query: ShowtimesQuery,
    response: ShowtimesResponse,
  },
  'showtimes.get': {
    method: 'get',
    path: '/showtimes/:id',
    tag: 'programme',
    summary: 'One showtime with its movie, hall and the ticket types on sale with their prices',
    allow: READERS,
    params: IdParam,
    response: ShowtimeDetailResponse,
    errors: ['not_found'],
  },
  'showtimes.seats': {
    method: 'get',
    path: '/showtimes/:id/seats',
    tag: 'programme',
    summary: 'Seat map: the layout and the state of every seat now',
    allow: READERS,
    params: IdParam,
    response: SeatMapResponse,
    errors: ['not_found'],
  },
  'holds.create': {
    method: 'post',
    path: '/holds',
    tag: 'sales',
    summary: 'Hold seats, all or nothing',
    allow: SELLERS,
    body: CreateHoldRequest,
    response: HoldResponse,
    status: 201,
    errors: ['validation_failed', 'seats_unavailable', 'invalid_state', 'not_found', 'conflict'],
  },
  'holds.update': {
    method: 'patch',
    path: '/holds/:id',
    tag: 'sales',
    summary: 'Change the seats of a hold or extend it (up to the cap)',
    allow: SELLERS,
    params: IdParam,
    body: UpdateHoldRequest,
    response: HoldResponse,
    errors: ['validation_failed', 'seats_unavailable', 'hold_expired', 'forbidden', 'not_found'],
  },
  'holds.release': {
    method: 'delete',
    path: '/holds/:id',
    tag: 'sales',
    summary: 'Release a hold (idempotent)',
    allow: SELLERS,
    params: IdParam,
    errors: ['forbidden', 'not_found'],
  },
  'orders.create': {
    method: 'post',
    path: '/orders',
    tag: 'sales',
    summary: 'Sell a live hold; idempotent by order id (200 for a repeat); server-side prices',
    allow: SELLERS,
    body: CreateOrderRequest,
    response: OrderResponse,
    status: 201,
    errors: ['validation_failed', 'hold_expired', 'price_mismatch', 'forbidden', 'not_found', 'conflict'],
  },
  'orders.get': {
    method: 'get',
    path: '/orders/:id',
    tag: 'sales',
    summary: 'Look up an order by id or by its printed code',
    allow: [...STAFF, 'box_office', 'kiosk'],
    params: z.strictObject({ id: z.string().min(6).max(36) }),
    response: OrderResponse,
    errors: ['not_found'],
  },
  'orders.refund': {
    method: 'post',
    path: '/orders/:id/refund',
    tag: 'sales',
    summary: 'Refund tickets (supervisor or above): frees the seats, voids the tickets',
    allow: SUPERVISORS,
    params: IdParam,
    body: RefundRequest,
    response: OrderResponse,
    errors: ['validation_failed', 'invalid_state', 'not_found'],
  },
  'admissions.create': {
    method: 'post',
    path: '/admissions',
    tag: 'doors',
    summary: 'Scan a ticket at the door; the first admission wins',
    allow: DOORS,
    body: AdmissionRequest,
    response: AdmissionResponse,
  },
  'sync.pull': {
    method: 'get',
    path: '/sync/pull',
    tag: 'sync',
    summary: 'Documents of one collection changed after a checkpoint (RxDB pull)',
    allow: READERS,
    query: PullQuery,
    response: PullResponse,
  },
  'sync.mutations': {
    method: 'post',
    path: '/sync/mutations',
    tag: 'sync',
    summary: "A terminal's outbox: each mutation applied once, a result per mutation",
    allow: DEVICES,
    body: MutationsRequest,
    response: MutationsResponse,
    // A failing database is not a verdict on a mutation: 503, and the terminal retries the batch.
    errors: ['validation_failed', 'forbidden', 'unavailable'],
  },

  // --- back office: managers and admins only ---------------------------------------------------
  'showtimes.create': {
    method: 'post',
    path: '/showtimes',
    tag: 'back-office',
    summary:
      'Schedule a showtime: ends after trailers (default 15 min) and the film; cleaning default 15 min; ' +
      "price list default: the hall's most used",
    allow: MANAGERS,
    body: CreateShowtimeRequest,
    response: Showtime,
    status: 201,
    errors: ['schedule_conflict'],
  },
  'showtimes.update': {
    method: 'patch',
    path: '/showtimes/:id',
    tag: 'back-office',
    summary: 'Move, re-price or change the status of a showtime; a move with tickets sold is refused',
    allow: MANAGERS,
    params: IdParam,
    body: UpdateShowtimeRequest,
    response: Showtime,
    errors: ['not_found', 'schedule_conflict', 'invalid_state'],
  },
  'showtimes.cancel': {
    method: 'delete',
    path: '/showtimes/:id',
    tag: 'back-office',
    summary: 'Cancel a showtime: kept as cancelled, holds released, sold tickets left for refunds',
    allow: MANAGERS,
    params: IdParam,
    response: Showtime,
    errors: ['not_found', 'invalid_state'],
  },
  'halls.list': {
    method: 'get',
    path: '/halls',
    tag: 'back-office',
    summary: 'Halls with their layouts',
    allow: MANAGERS,
    response: z.object({ halls: z.array(Hall) }),
  },
  'halls.get': {
    method: 'get',
    path: '/halls/:id',
    tag: 'back-office',
    summary: 'One hall',
    allow: MANAGERS,
    params: IdParam,
    response: Hall,
    errors: ['not_found'],
  },
  'halls.create': {
    method: 'post',
    path: '/halls',
    tag: 'back-office',
    summary:
      'Create a hall; the layout is checked (unique seats, loveseat pairs, companions) and starts at version 1',
    allow: MANAGERS,
    body: CreateHallRequest,
    response: Hall,
    status: 201,
    errors: ['conflict'],
  },
  'halls.update': {
    method: 'patch',
    path: '/halls/:id',
    tag: 'back-office',
    summary: 'Change a hall; a new layout gets the next version and upcoming showtimes sell it',
    allow: MANAGERS,
    params: IdParam,
    body: UpdateHallRequest,
    response: Hall,
    errors: ['not_found', 'conflict', 'invalid_state'],
  },
  'halls.delete': {
    method: 'delete',
    path: '/halls/:id',
    tag: 'back-office',
    summary: 'Delete a hall without upcoming showtimes',
    allow: MANAGERS,
    params: IdParam,
    errors: DELETE_ERRORS,
  },
  'movies.list': {
    method: 'get',
    path: '/movies',
    tag: 'back-office',
    summary: 'Films',
    allow: MANAGERS,
    response: z.object({ movies: z.array(Movie) }),
  },
  'movies.get': {
    method: 'get',
    path: '/movies/:id',
    tag: 'back-office',
    summary: 'One film',
    allow: MANAGERS,
    params: IdParam,
    response: Movie,
    errors: ['not_found'],
  },
  'movies.create': {
    method: 'post',
    path: '/movies',
    tag: 'back-office',
    summary: 'Add a film',
    allow: MANAGERS,
    body: CreateMovieRequest,
    response: Movie,
    status: 201,
  },
  'movies.update': {
    method: 'patch',
    path: '/movies/:id',
    tag: 'back-office',
    summary: 'Change a film; showtimes already scheduled keep their end time',
    allow: MANAGERS,
    params: IdParam,
    body: UpdateMovieRequest,
    response: Movie,
    errors: ['not_found'],
  },
  'movies.delete': {
    method: 'delete',
    path: '/movies/:id',
    tag: 'back-office',
    summary: 'Delete a film without upcoming showtimes',
    allow: MANAGERS,
    params: IdParam,
    errors: DELETE_ERRORS,
  },
  'ticketTypes.list': {
    method: 'get',
    path: '/ticket-types',
    tag: 'back-office',
    summary: 'Ticket types',
    allow: MANAGERS,
    response: z.object({ ticketTypes: z.array(TicketType) }),
  },
  'ticketTypes.get': {
    method: 'get',
    path: '/ticket-types/:id',
    tag: 'back-office',
    summary: 'One ticket type',
    allow: MANAGERS,
    params: IdParam,
    response: TicketType,
    errors: ['not_found'],
  },
  'ticketTypes.create': {
    method: 'post',
    path: '/ticket-types',
    tag: 'back-office',
    summary: 'Add a ticket type; its code is unique',
    allow: MANAGERS,
    body: CreateTicketTypeRequest,
    response: TicketType,
    status: 201,
    errors: ['conflict'],
  },
  'ticketTypes.update': {
    method: 'patch',
    path: '/ticket-types/:id',
    tag: 'back-office',
    summary: 'Change a ticket type; the code is fixed once tickets were sold with it',
    allow: MANAGERS,
    params: IdParam,
    body: UpdateTicketTypeRequest,
    response: TicketType,
    errors: ['not_found', 'conflict', 'invalid_state'],
  },
  'ticketTypes.delete': {
    method: 'delete',
    path: '/ticket-types/:id',
    tag: 'back-office',
    summary: 'Delete a ticket type no price list uses',
    allow: MANAGERS,
    params: IdParam,
    errors: DELETE_ERRORS,
  },
  'priceLists.list': {
    method: 'get',
    path: '/price-lists',
    tag: 'back-office',
    summary: 'Price lists',
    allow: MANAGERS,
    response: z.object({ priceLists: z.array(PriceList) }),
  },
  'priceLists.get': {
    method: 'get',
    path: '/price-lists/:id',
    tag: 'back-office',
    summary: 'One price list',
    allow: MANAGERS,
    params: IdParam,
    response: PriceList,
    errors: ['not_found'],
  },
  'priceLists.create': {
    method: 'post',
    path: '/price-lists',
    tag: 'back-office',
    summary: "Add a price list in the site's currency; every ticket type it prices must exist",
    allow: MANAGERS,
    body: CreatePriceListRequest,
    response: PriceList,
    status: 201,
  },
  'priceLists.update': {
    method: 'patch',
    path: '/price-lists/:id',
    tag: 'back-office',
    summary: 'Change a price list; applies to sales from now on',
    allow: MANAGERS,
    params: IdParam,
    body: UpdatePriceListRequest,
    response: PriceList,
    errors: ['not_found'],
  },
  'priceLists.delete': {
    method: 'delete',
    path: '/price-lists/:id',
    tag: 'back-office',
    summary: 'Delete a price list no upcoming showtime uses',
    allow: MANAGERS,
    params: IdParam,
    errors: DELETE_ERRORS,
  },
  'users.list': {
    method: 'get',
    path: '/users',
    tag: 'back-office',
    summary: 'Staff accounts',
    allow: MANAGERS,
    response: z.object({ users: z.array(StaffUser) }),
  },
  'users.get': {
    method: 'get',
    path: '/users/:id',
    tag: 'back-office',
    summary: 'One staff account',
    allow: MANAGERS,
    params: IdParam,
    response: StaffUser,
    errors: ['not_found'],
  },
  'users.create': {
    method: 'post',
    path: '/users',
    tag: 'back-office',
    summary: 'Create a staff account; only an admin can create an admin',
    allow: MANAGERS,
    body: CreateUserRequest,
    response: StaffUser,
    status: 201,
    errors: ['conflict'],
  },
  'users.update': {
    method: 'patch',
    path: '/users/:id',
    tag: 'back-office',
    summary: 'Change name, role, password or active; a new password or deactivation signs the user out',
    allow: MANAGERS,
    params: IdParam,
    body: UpdateUserRequest,
    response: StaffUser,
    errors: ['not_found', 'invalid_state'],
  },
  'users.endSessions': {
    method: 'delete',
    path: '/users/:id/sessions',
    tag: 'back-office',
    summary: 'End every session of a member of staff; their open change streams close (code 4001)',
    allow: MANAGERS,
    params: IdParam,
    errors: ['not_found'],
  },
  'devices.list': {
    method: 'get',
    path: '/devices',
    tag: 'back-office',
    summary: 'Enrolled terminals',
    allow: MANAGERS,
    response: z.object({ devices: z.array(Terminal) }),
  },
  'devices.get': {
    method: 'get',
    path: '/devices/:id',
    tag: 'back-office',
    summary: 'One terminal',
    allow: MANAGERS,
    params: IdParam,
    response: Terminal,
    errors: ['not_found'],
  },
  'devices.update': {
    method: 'patch',
    path: '/devices/:id',
    tag: 'back-office',
    summary:
      'Rename a terminal, set its lease policy, or revoke it (final: token, key, holds and leases end)',
    allow: MANAGERS,
    params: IdParam,
    body: UpdateDeviceRequest,
    response: Terminal,
    errors: ['not_found', 'invalid_state'],
  },

  // --- reports over [from, to) ---------------------------------------------------------------
  'reports.sales': {
    method: 'get',
    path: '/reports/sales',
    tag: 'reports',
    summary: 'Orders created in [from, to): gross, refunds, net, by payment method, terminal and cashier',
    allow: MANAGERS,
    query: ReportQuery,
    response: SalesReport,
  },
  'reports.occupancy': {
    method: 'get',
    path: '/reports/occupancy',
    tag: 'reports',
    summary: 'Showtimes starting in [from, to): seats sold against sellable seats',
    allow: MANAGERS,
    query: ReportQuery,
    response: OccupancyReport,
  },
  'reports.cashUp': {
    method: 'get',
    path: '/reports/cash-up',
    tag: 'reports',
    summary: 'Per cashier over [from, to): cash tendered minus change given, card takings',
    allow: MANAGERS,
    query: ReportQuery,
    response: CashUpReport,
  },

  'openapi.get': {
    method: 'get',
    path: '/openapi.json',
    tag: 'system',
    summary: 'This API, described',
    allow: 'public',
    response: OpenApiDocument,
  },
});

// --- types for servers and clients -------------------------------------------------------------

export type HttpRoutes = typeof HTTP_ROUTES;
export type HttpRouteName = keyof HttpRoutes;
export const HTTP_ROUTE_NAMES = Object.keys(HTTP_ROUTES) as HttpRouteName[];

/** The routes of one area (tag), e.g. `HttpRoutesOf<'sales'>` = `'holds.create' | …`. */
export type HttpRoutesOf<T extends HttpTag> = {
  [K in HttpRouteName]: HttpRoutes[K]['tag'] extends T ? K : never;
}[HttpRouteName];

type Part<
  K extends HttpRouteName,
  F extends 'params' | 'query' | 'body' | 'response',
  IO extends 'in' | 'out',
> = HttpRoutes[K] extends { readonly [P in F]: infer S extends z.ZodType }
  ? IO extends 'in'
    ? z.input<S>
    : z.output<S>
  : undefined;

/** What a client sends: path parameters, query and body as written (before parsing). */
export interface HttpRequest<K extends HttpRouteName> {
  params: Part<K, 'params', 'in'>;
  query: Part<K, 'query', 'in'>;
  body: Part<K, 'body', 'in'>;
}

/** What a server handler receives: the same, parsed by the route's schemas. */
export interface HttpParsedRequest<K extends HttpRouteName> {
  params: Part<K, 'params', 'out'>;
  query: Part<K, 'query', 'out'>;
  body: Part<K, 'body', 'out'>;
}

/** A successful answer as a client has it after parsing it with the route's response schema. */
export type HttpResponse<K extends HttpRouteName> = Part<K, 'response', 'out'>;

/** A successful answer as a handler produces it (the schema's input; `undefined`: 204). */
export type HttpReply<K extends HttpRouteName> = Part<K, 'response', 'in'>;

/** The status of a successful answer. */
export function successStatus(spec: HttpRouteSpec): number {
  return spec.status ?? (spec.response === undefined ? 204 : 200);
}

/** Express 5 paths use `:id`; OpenAPI uses `{id}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

type PathArgs<K extends HttpRouteName> = HttpRequest<K>['params'] extends undefined
  ? [params?: undefined]
  : [params: HttpRequest<K>['params']];

/**
 * The path of a route with its parameters filled in, relative to {@link HTTP_API_PREFIX}:
 * `buildPath('holds.update', { id })` → `/holds/3f…`. A query (string or number values) is appended.
 */
export function buildPath<K extends HttpRouteName>(
  name: K,
  ...[params, query]: [...PathArgs<K>, query?: Record<string, string | number | undefined>]
): string {
  const values = (params ?? {}) as Record<string, string>;
  const path = HTTP_ROUTES[name].path.replace(/:([A-Za-z]+)/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${name}: missing path parameter ${key}`);
    return encodeURIComponent(value);
  });
  const pairs = Object.entries(query ?? {}).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined,
  );
  if (pairs.length === 0) return path;
  return `${path}?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
}
