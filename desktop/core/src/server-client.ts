/**
 * HTTP to the sync server with a bearer token and a timeout; errors become stable codes. Only
 * `server-api.ts` uses it: that is where every answer is parsed.
 */
import { ErrorResponse, MarqueeError, isErrorCode } from '@marquee/shared';

export const REQUEST_TIMEOUT_MS = 8000;

export class ServerClient {
  constructor(
    private base: string,
    private token: string | undefined,
  ) {}

  get baseUrl(): string {
    return this.base;
  }

  /** After enrollment: the same client (shared by the sync link and the outbox) gets its identity. */
  configure(base: string, token: string): void {
    this.base = base;
    this.token = token;
  }

  get hasToken(): boolean {
    return this.token !== undefined;
  }

  /** Throws MarqueeError('offline') when the server cannot be reached, else the server's error. */
  async request<T>(method: string, path: string, body?: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api/v1${path}`, {
        method,
        headers: {
          ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new MarqueeError('offline', 'the server cannot be reached', { cause: String(error) });
    }
    let payload: unknown;
    try {
      const text = await response.text();
      payload = text === '' ? undefined : JSON.parse(text);
    } catch (error) {
      throw new MarqueeError('offline', 'the server connection broke', { cause: String(error) });
    }
    if (response.ok) return payload as T;
    const parsed = ErrorResponse.safeParse(payload);
    const error = parsed.success ? parsed.data.error : undefined;
    if (error !== undefined && isErrorCode(error.code))
      throw new MarqueeError(error.code, error.message, error.details);
    if (response.status >= 500)
      throw new MarqueeError('offline', `server answered ${String(response.status)}`);
    throw new MarqueeError('internal', `unexpected answer ${String(response.status)}`);
  }

  streamUrl(checkpoint: string | undefined): string {
    const url = new URL(`${this.baseUrl.replace(/^http/, 'ws')}/api/v1/sync/stream`);
    if (checkpoint !== undefined) url.searchParams.set('checkpoint', checkpoint);
    return url.toString();
  }

  authHeader(): Record<string, string> {
    return this.token === undefined ? {} : { authorization: `Bearer ${this.token}` };
  }
}
