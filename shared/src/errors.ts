/**
 * Stable error codes spoken by the server, the terminal core and the renderer.
 * A code never changes meaning once shipped; add new ones instead.
 */
import { z } from 'zod';
export const ERROR_CODES = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  seats_unavailable: 409,
  hold_expired: 409,
  price_mismatch: 409,
  schedule_conflict: 409,
  already_admitted: 409,
  conflict: 409,
  invalid_state: 409,
  lease_expired: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  offline: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * The error body as it crosses any boundary (HTTP `{"error": …}`, sync mutation results, IPC and
 * the browser bridge). The code stays a plain string on the wire so an older terminal can read a
 * newer server's codes; {@link isErrorCode} narrows it.
 */
export const ErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** An error carrying a stable code; thrown inside a process, serialised as {@link ErrorBody} across it. */
export class MarqueeError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'MarqueeError';
    this.code = code;
    this.details = details;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

// --- factories --------------------------------------------------------------------------------
// The one set of error factories: the server's services and the terminal core throw these, and
// each boundary maps the code to its own transport (HTTP status via {@link httpStatusOf}, IPC, …).

export const validationFailed = (message: string, details?: Record<string, unknown>) =>
  new MarqueeError('validation_failed', message, details);
/** A request field that is wrong: the message and `details.field` name it, so a client can point at it. */
export const invalidField = (field: string, message: string, details: Record<string, unknown> = {}) =>
  validationFailed(`${field}: ${message}`, { field, ...details });
export const unauthenticated = (message = 'sign in first') => new MarqueeError('unauthenticated', message);
export const forbidden = (message = 'not allowed for this role') => new MarqueeError('forbidden', message);
export const notFound = (what: string, id?: string) =>
  new MarqueeError('not_found', `${what} not found`, id === undefined ? undefined : { id });
export const seatsUnavailable = (seatIds: readonly string[]) =>
  new MarqueeError('seats_unavailable', `seats not available: ${seatIds.join(', ')}`, {
    seatIds: [...seatIds],
  });
export const holdExpired = (holdId: string) =>
  new MarqueeError('hold_expired', 'the hold has expired or was released', { holdId });
export const priceMismatch = (total: number, expectedTotal: number) =>
  new MarqueeError('price_mismatch', `the total is ${total}, not ${expectedTotal}`, { total, expectedTotal });
export const scheduleConflict = (message: string, details: Record<string, unknown>) =>
  new MarqueeError('schedule_conflict', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new MarqueeError('conflict', message, details);
export const invalidState = (message: string, details?: Record<string, unknown>) =>
  new MarqueeError('invalid_state', message, details);
export const rateLimited = (retryAfterSeconds: number) =>
  new MarqueeError('rate_limited', 'too many attempts, try again later', { retryAfterSeconds });
export const payloadTooLarge = (limitBytes: number) =>
  new MarqueeError('payload_too_large', `request body exceeds ${limitBytes} bytes`);
/** What a caller is told about a failure that is ours: nothing of the internals. */
export const internalError = (message = 'internal error') => new MarqueeError('internal', message);
export const unavailable = (message: string, details?: Record<string, unknown>) =>
  new MarqueeError('unavailable', message, details);

/** An error value (a {@link Result}'s) thrown where exceptions carry errors. */
export const errorFromBody = (body: ErrorBody) => new MarqueeError(body.code, body.message, body.details);

/**
 * A schema's refusal as `validation_failed`: the first issue as a field path under `where`
 * (`body.seatIds.0`) and message, and the first ten issues in `details.issues`.
 */
export function describeIssues(error: z.ZodError, where: string): MarqueeError {
  const issues = error.issues.slice(0, 10).map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  return validationFailed(first === undefined ? 'invalid input' : `${first.field}: ${first.message}`, {
    field: first?.field,
    issues,
  });
}

/** Results cross process boundaries as values, because exceptions lose their detail there. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, details?: Record<string, unknown>): Result<never> {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

/** For exhaustive switches: the compiler proves this is unreachable. */
export function missingCase(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}

export function strictAssert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}
