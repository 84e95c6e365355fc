/**
 * Mounting the shared route table (`HTTP_ROUTES` in shared/src/http-api.ts): for each route the
 * gate (who may call it), input validation by its schemas, the handler, and the answer with the
 * route's status. Handlers are bound by route name, so a missing or mistyped one does not compile.
 */
import type { NextFunction, Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import type {
  HttpParsedRequest,
  HttpReply,
  HttpRouteName,
  HttpRouteSpec,
  HttpRoutes,
  HttpRoutesOf,
  HttpTag,
  Principal,
} from '@marquee/shared';
import {
  HTTP_ROUTES,
  HTTP_ROUTE_NAMES,
  MarqueeError,
  describeIssues,
  forbidden,
  successStatus,
  unauthenticated,
} from '@marquee/shared';
import type { z } from 'zod';
import { replyProblem } from '../reply-check.ts';
import type { Actor } from '../services/actors.ts';
import { bearerToken } from '../services/auth.ts';

/** A mounted route: its table entry and its name (what tests and the OpenAPI document walk). */
export type RouteSpec = HttpRouteSpec & { readonly name: HttpRouteName };

export interface RouteInput<K extends HttpRouteName> extends HttpParsedRequest<K> {
  actor: Actor;
  requestId: string;
  ip: string;
  /** The bearer token the caller authenticated with; empty on public routes. */
  token: string;
  /** Answer with another success status than the route's (a repeated create answers 200). */
  setStatus: (status: number) => void;
}

/** A route without a response schema answers 204: its handler returns nothing. */
type HandlerResult<K extends HttpRouteName> =
  HttpReply<K> extends undefined ? Promise<void> : Promise<HttpReply<K>>;

export type Handler<K extends HttpRouteName> = (input: RouteInput<K>) => HandlerResult<K>;

/** The handlers of one area of the API, by route name: exactly the routes with that tag. */
export type AreaHandlers<T extends HttpTag> = { [K in HttpRoutesOf<T>]: Handler<K> };

export type RouteHandlers = { [K in HttpRouteName]: Handler<K> };

export type Authenticate = (req: Request) => Promise<Actor | undefined>;

export interface MountOptions {
  authenticate: Authenticate;
  /** Check every 2xx answer against the route's response schema (tests); a mismatch answers 500. */
  validateResponses: boolean;
  logger: Logger;
}

function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw describeIssues(result.error, where);
  return result.data;
}

export function principalOf(actor: Actor): Principal {
  switch (actor.kind) {
    case 'staff':
      return actor.role;
    case 'device':
      return actor.profile;
    case 'anonymous':
      throw new Error('anonymous actors have no principal');
  }
}

/** Mounts one route of the table with its handler. */
export function mount<K extends HttpRouteName>(
  router: Router,
  name: K,
  route: HttpRoutes[K],
  handler: Handler<K>,
  options: MountOptions,
): void {
  const spec: HttpRouteSpec = route;
  router[spec.method](spec.path, (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      let actor: Actor = { kind: 'anonymous' };
      if (spec.allow !== 'public') {
        const found = await options.authenticate(req);
        if (found === undefined) throw unauthenticated();
        if (!spec.allow.includes(principalOf(found))) throw forbidden();
        actor = found;
      }
      let status = successStatus(spec);
      const input = {
        params: parse(spec.params, req.params, 'params'),
        query: parse(spec.query, req.query, 'query'),
        body: parse(spec.body, spec.body === undefined ? undefined : req.body, 'body'),
        actor,
        requestId: String(res.locals['requestId'] ?? ''),
        ip: req.ip ?? '',
        token: spec.allow === 'public' ? '' : (bearerToken(req.get('authorization')) ?? ''),
        setStatus: (code: number) => {
          status = code;
        },
      } as RouteInput<K>;
      const result: unknown = await handler(input);
      if (spec.response === undefined) {
        res.status(status).end();
        return;
      }
      if (options.validateResponses) {
        const problem = replyProblem(spec.response, result);
        if (problem !== undefined) {
          options.logger.error({ route: name, problem }, 'ANSWER DOES NOT MATCH ITS SCHEMA');
          throw new MarqueeError('internal', `${name}: the answer does not match its schema: ${problem}`);
        }
      }
      res.status(status).json(result);
    })().catch(next);
  });
}

/** Mounts every route of the table, in table order; answers what was mounted. */
export function mountAll(router: Router, handlers: RouteHandlers, options: MountOptions): RouteSpec[] {
  const one = <K extends HttpRouteName>(name: K): RouteSpec => {
    mount(router, name, HTTP_ROUTES[name], handlers[name], options);
    return { name, ...HTTP_ROUTES[name] };
  };
  return HTTP_ROUTE_NAMES.map(one);
}
