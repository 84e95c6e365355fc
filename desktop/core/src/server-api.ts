/**
 * Every call the terminal core makes to the sync server, in one place, each answer parsed with the
 * contract's schema (`shared/src/api.ts`, `shared/src/sync.ts`) before anything reads it: a
 * malformed answer is a clear `internal` error naming the call and the field, never a cast.
 * `ServerClient` is the transport under it (bearer token, timeout, error bodies → codes).
 */
import { z } from 'zod';
import {
  AdmissionResponse,
  EnrollResponse,
  HoldResponse,
  LeasePolicy,
  LoginResponse,
  MarqueeError,
  MutationsResponse,
  OrderResponse,
  PullResponse,
  formatCheckpoint,
  type AdmissionRequest,
  type Checkpoint,
  type CreateHoldRequest,
  type EnrollRequest,
  type LoginRequest,
  type MutationsRequest,
  type RefundRequest,
  type SyncCollection,
} from '@marquee/shared';
import { ServerClient } from './server-client.ts';

/** `GET /devices/me`: the one field the core reads of the terminal's own record. */
const DeviceSelf = z.object({ leasePolicy: LeasePolicy });

/**
 * Parses what the server answered (or what it once answered, kept in the outbox) against the
 * contract. `what` names the call in the error, so a log line says which answer was off.
 */
export function parseAnswer<S extends z.ZodType>(schema: S, payload: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined ? '' : issue.path.map(String).join('.');
  throw new MarqueeError(
    'internal',
    `the server's answer to ${what} is malformed${issue === undefined ? '' : ` at ${field || 'the top'}: ${issue.message}`}`,
    { call: what, field },
  );
}

export class ServerApi {
  private readonly http: ServerClient;

  constructor(baseUrl: string, token: string | undefined) {
    this.http = new ServerClient(baseUrl, token);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** After enrollment: the same client (shared by the sync link and the outbox) gets its identity. */
  configure(baseUrl: string, token: string): void {
    this.http.configure(baseUrl, token);
  }

  private async call<S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    what: string,
    body?: unknown,
  ): Promise<z.infer<S>> {
    return parseAnswer(schema, await this.http.request<unknown>(method, path, body), what);
  }

  /** Redeems a one-time code at `baseUrl` (this terminal has no token yet). */
  static enroll(baseUrl: string, body: EnrollRequest): Promise<EnrollResponse> {
    return new ServerApi(baseUrl, undefined).call(EnrollResponse, 'POST', '/devices/enroll', 'enroll', body);
  }

  /**
   * A staff member's own session at this server (a supervisor signing an action off): the
   * terminal's token is not sent, and the returned api speaks for them.
   */
  async signIn(credentials: LoginRequest): Promise<{ login: LoginResponse; session: ServerApi }> {
    const anonymous = new ServerApi(this.baseUrl, undefined);
    const login = await anonymous.call(LoginResponse, 'POST', '/auth/login', 'login', credentials);
    return { login, session: new ServerApi(this.baseUrl, login.token) };
  }

  leasePolicy(): Promise<LeasePolicy> {
    return this.call(DeviceSelf, 'GET', '/devices/me', 'devices/me').then((self) => self.leasePolicy);
  }

  hold(body: CreateHoldRequest): Promise<HoldResponse> {
    return this.call(HoldResponse, 'POST', '/holds', 'hold', body);
  }

  async releaseHold(holdId: string): Promise<void> {
    await this.http.request<unknown>('DELETE', `/holds/${encodeURIComponent(holdId)}`);
  }

  /** An order by its printed code or its id. */
  order(code: string): Promise<OrderResponse> {
    return this.call(OrderResponse, 'GET', `/orders/${encodeURIComponent(code)}`, 'order lookup');
  }

  refund(orderId: string, body: RefundRequest): Promise<OrderResponse> {
    return this.call(OrderResponse, 'POST', `/orders/${encodeURIComponent(orderId)}/refund`, 'refund', body);
  }

  admit(body: AdmissionRequest): Promise<AdmissionResponse> {
    return this.call(AdmissionResponse, 'POST', '/admissions', 'admission', body);
  }

  pull(collection: SyncCollection, checkpoint: Checkpoint | undefined, limit: number): Promise<PullResponse> {
    const query = new URLSearchParams({ collection, limit: String(limit) });
    if (checkpoint !== undefined) query.set('checkpoint', formatCheckpoint(checkpoint));
    return this.call(PullResponse, 'GET', `/sync/pull?${query.toString()}`, 'sync pull');
  }

  mutations(body: MutationsRequest): Promise<MutationsResponse> {
    return this.call(MutationsResponse, 'POST', '/sync/mutations', 'sync mutations', body);
  }

  streamUrl(checkpoint: string | undefined): string {
    return this.http.streamUrl(checkpoint);
  }

  authHeader(): Record<string, string> {
    return this.http.authHeader();
  }
}
