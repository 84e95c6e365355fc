/**
 * Every call the terminal core makes to the sync server, in one place, typed by the shared HTTP
 * route table (`shared/src/http-api.ts`: method, path, request and response schemas) and each answer
 * parsed with that route's response schema before anything reads it: a malformed answer is a clear
 * `internal` error naming the call and the field, never a cast. `ServerClient` is the transport
 * under it (bearer token, timeout, error bodies → codes).
 */
import type { z } from 'zod';
import {
  HTTP_ROUTES,
  MUTATIONS,
  MarqueeError,
  buildPath,
  formatCheckpoint,
  type AdmissionRequest,
  type AdmissionResponse,
  type Checkpoint,
  type CreateHoldRequest,
  type EnrollRequest,
  type EnrollResponse,
  type HoldResponse,
  type HttpRequest,
  type HttpResponse,
  type HttpRouteName,
  type HttpRouteSpec,
  type LeasePolicy,
  type LoginRequest,
  type LoginResponse,
  type MutationName,
  type MutationValue,
  type MutationsRequest,
  type MutationsResponse,
  type OrderResponse,
  type PullResponse,
  type RefundRequest,
  type SyncCollection,
} from '@marquee/shared';
import { ServerClient } from './server-client.ts';

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

/** The result of an applied mutation, parsed with that mutation's result schema in `shared/src/sync.ts`. */
export function parseMutationResult<K extends MutationName>(name: K, result: unknown): MutationValue<K> {
  return parseAnswer(MUTATIONS[name].result, result, name) as MutationValue<K>;
}

type Query = Record<string, string | number | undefined>;

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

  /**
   * One route of the shared table: the path built from its parameters, the body sent as written,
   * the answer parsed with the route's response schema (`undefined` for a 204 route).
   */
  async call<K extends HttpRouteName>(
    name: K,
    request: Partial<HttpRequest<K>> = {},
  ): Promise<HttpResponse<K>> {
    const spec: HttpRouteSpec = HTTP_ROUTES[name];
    const params = request.params as Record<string, string> | undefined;
    const path = (buildPath as (n: HttpRouteName, p?: Record<string, string>, q?: Query) => string)(
      name,
      params,
      request.query as Query | undefined,
    );
    const payload = await this.http.request<unknown>(spec.method.toUpperCase(), path, request.body);
    if (spec.response === undefined) return undefined as HttpResponse<K>;
    return parseAnswer(spec.response, payload, name) as HttpResponse<K>;
  }

  /** Redeems a one-time code at `baseUrl` (this terminal has no token yet). */
  static enroll(baseUrl: string, body: EnrollRequest): Promise<EnrollResponse> {
    return new ServerApi(baseUrl, undefined).call('devices.enroll', { body });
  }

  /**
   * A staff member's own session at this server (a supervisor signing an action off): the
   * terminal's token is not sent, and the returned api speaks for them.
   */
  async signIn(credentials: LoginRequest): Promise<{ login: LoginResponse; session: ServerApi }> {
    const anonymous = new ServerApi(this.baseUrl, undefined);
    const login = await anonymous.call('auth.login', { body: credentials });
    return { login, session: new ServerApi(this.baseUrl, login.token) };
  }

  async leasePolicy(): Promise<LeasePolicy> {
    return (await this.call('devices.me')).leasePolicy;
  }

  hold(body: CreateHoldRequest): Promise<HoldResponse> {
    return this.call('holds.create', { body });
  }

  async releaseHold(holdId: string): Promise<void> {
    await this.call('holds.release', { params: { id: holdId } });
  }

  /** An order by its printed code or its id. */
  order(code: string): Promise<OrderResponse> {
    return this.call('orders.get', { params: { id: code } });
  }

  refund(orderId: string, body: RefundRequest): Promise<OrderResponse> {
    return this.call('orders.refund', { params: { id: orderId }, body });
  }

  admit(body: AdmissionRequest): Promise<AdmissionResponse> {
    return this.call('admissions.create', { body });
  }

  pull(collection: SyncCollection, checkpoint: Checkpoint | undefined, limit: number): Promise<PullResponse> {
    return this.call('sync.pull', {
      query: {
        collection,
        limit,
        ...(checkpoint === undefined ? {} : { checkpoint: formatCheckpoint(checkpoint) }),
      },
    });
  }

  mutations(body: MutationsRequest): Promise<MutationsResponse> {
    return this.call('sync.mutations', { body });
  }

  streamUrl(checkpoint: string | undefined): string {
    return this.http.streamUrl(checkpoint);
  }

  authHeader(): Record<string, string> {
    return this.http.authHeader();
  }
}
