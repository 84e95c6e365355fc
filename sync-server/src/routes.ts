import { z } from 'zod';
import {
  AdmissionRequest,
  AdmissionResponse,
  CreateEnrollmentCodeRequest,
  CreateHoldRequest,
  CreateOrderRequest,
  EnrollRequest,
  EnrollResponse,
  EnrollmentCodeResponse,
  HoldResponse,
  IdParam,
  LoginRequest,
  LoginResponse,
  MutationsRequest,
  MutationsResponse,
  OrderResponse,
  PullQuery,
  PullResponse,
  RefundRequest,
  UpdateHoldRequest,
} from '@marquee/shared';
import type { ServerContext } from './context.ts';
import { route, type RouteSpec } from './http/route.ts';
import { buildOpenApi } from './http/openapi.ts';
import { DEVICES, DOORS, MANAGERS, READERS, SELLERS, STAFF, SUPERVISORS } from './services/actors.ts';
import { admit } from './services/admissions.ts';
import { login, type LoginLimiter } from './services/auth.ts';
import { createEnrollmentCode, enroll, terminalSelf } from './services/devices.ts';
import { createHold, releaseHold, updateHold } from './services/holds.ts';
import { findOrder, refund, sell } from './services/orders.ts';
import { applyMutations } from './sync/mutations.ts';
import { pull } from './sync/pull.ts';
import { backOfficeRoutes } from './routes/back-office.ts';
import { programmeRoutes } from './routes/programme.ts';
import { reportRoutes } from './routes/reports.ts';

export function buildRoutes(ctx: ServerContext, limiter: LoginLimiter): RouteSpec[] {
  const routes: RouteSpec[] = [
    route({
      method: 'get',
      path: '/health',
      tag: 'system',
      summary: 'Liveness: answers once the server is ready',
      allow: 'public',
      handler: () =>
        Promise.resolve({ status: 'ok', epoch: ctx.epoch, time: new Date(ctx.now()).toISOString() }),
    }),
    route({
      method: 'post',
      path: '/auth/login',
      tag: 'auth',
      summary: 'Staff sign-in; rate-limited per address and username',
      allow: 'public',
      body: LoginRequest,
      response: LoginResponse,
      errors: ['validation_failed', 'unauthenticated', 'rate_limited'],
      handler: ({ body, ip }) => login(ctx, limiter, { ...body, ip }),
    }),
    route({
      method: 'post',
      path: '/devices/enrollment-codes',
      tag: 'devices',
      summary: 'One-time, expiring code for enrolling a new terminal',
      allow: MANAGERS,
      body: CreateEnrollmentCodeRequest,
      response: EnrollmentCodeResponse,
      status: 201,
      handler: ({ body, actor }) => createEnrollmentCode(ctx, actor, body),
    }),
    route({
      method: 'post',
      path: '/devices/enroll',
      tag: 'devices',
      summary: 'A new terminal enrolls with a code and its Ed25519 public key',
      allow: 'public',
      body: EnrollRequest,
      response: EnrollResponse,
      status: 201,
      errors: ['validation_failed', 'unauthenticated', 'conflict'],
      handler: ({ body }) => enroll(ctx, body),
    }),
    route({
      method: 'get',
      path: '/devices/me',
      tag: 'devices',
      summary: "The calling terminal's own record: profile, lease policy, the server's key id",
      allow: DEVICES,
      handler: ({ actor }) => terminalSelf(ctx, actor),
    }),
    ...programmeRoutes(ctx),
    route({
      method: 'post',
      path: '/holds',
      tag: 'sales',
      summary: 'Hold seats, all or nothing',
      allow: SELLERS,
      body: CreateHoldRequest,
      response: HoldResponse,
      status: 201,
      errors: ['validation_failed', 'seats_unavailable', 'invalid_state', 'not_found', 'conflict'],
      handler: ({ body, actor }) => createHold(ctx, actor, body),
    }),
    route({
      method: 'patch',
      path: '/holds/:id',
      tag: 'sales',
      summary: 'Change the seats of a hold or extend it (up to the cap)',
      allow: SELLERS,
      params: IdParam,
      body: UpdateHoldRequest,
      response: HoldResponse,
      errors: ['validation_failed', 'seats_unavailable', 'hold_expired', 'forbidden', 'not_found'],
      handler: ({ params, body, actor }) => updateHold(ctx, actor, params.id, body),
    }),
    route({
      method: 'delete',
      path: '/holds/:id',
      tag: 'sales',
      summary: 'Release a hold (idempotent)',
      allow: SELLERS,
      params: IdParam,
      errors: ['forbidden', 'not_found'],
      handler: async ({ params, actor }) => {
        await releaseHold(ctx, actor, params.id);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/orders',
      tag: 'sales',
      summary: 'Sell a live hold; idempotent by order id; server-side prices',
      allow: SELLERS,
      body: CreateOrderRequest,
      response: OrderResponse,
      status: 201,
      errors: ['validation_failed', 'hold_expired', 'price_mismatch', 'forbidden', 'not_found', 'conflict'],
      handler: async ({ body, actor }, res) => {
        const { order, created } = await sell(ctx, actor, body);
        res.status(created ? 201 : 200).json(order);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/orders/:id',
      tag: 'sales',
      summary: 'Look up an order by id or by its printed code',
      allow: [...STAFF, 'box_office', 'kiosk'],
      params: z.strictObject({ id: z.string().min(6).max(36) }),
      response: OrderResponse,
      errors: ['not_found'],
      handler: ({ params }) => findOrder(ctx, params.id),
    }),
    route({
      method: 'post',
      path: '/orders/:id/refund',
      tag: 'sales',
      summary: 'Refund tickets (supervisor or above): frees the seats, voids the tickets',
      allow: SUPERVISORS,
      params: IdParam,
      body: RefundRequest,
      response: OrderResponse,
      errors: ['validation_failed', 'invalid_state', 'not_found'],
      handler: ({ params, body, actor }) => refund(ctx, actor, params.id, body),
    }),
    route({
      method: 'post',
      path: '/admissions',
      tag: 'doors',
      summary: 'Scan a ticket at the door; the first admission wins',
      allow: DOORS,
      body: AdmissionRequest,
      response: AdmissionResponse,
      handler: async ({ body, actor }) => {
        const { duplicate: _duplicate, ...result } = await admit(ctx, actor, body);
        return result;
      },
    }),
    route({
      method: 'get',
      path: '/sync/pull',
      tag: 'sync',
      summary: 'Documents of one collection changed after a checkpoint (RxDB pull)',
      allow: READERS,
      query: PullQuery,
      response: PullResponse,
      handler: ({ query }) => pull(ctx, query.collection, query.checkpoint, query.limit),
    }),
    route({
      method: 'post',
      path: '/sync/mutations',
      tag: 'sync',
      summary: "A terminal's outbox: each mutation applied once, a result per mutation",
      allow: DEVICES,
      body: MutationsRequest,
      response: MutationsResponse,
      handler: async ({ body, actor }) => ({ results: await applyMutations(ctx, actor, body) }),
    }),
    ...backOfficeRoutes(ctx),
    ...reportRoutes(ctx),
  ];
  routes.push(
    route({
      method: 'get',
      path: '/openapi.json',
      tag: 'system',
      summary: 'This API, described',
      allow: 'public',
      handler: () => Promise.resolve(buildOpenApi(routes)),
    }),
  );
  return routes;
}
