/**
 * Every route is declared as data — method, path, who may call it, and the zod schemas of its
 * input — so the same declaration validates requests, enforces roles, and generates the OpenAPI
 * document (and lets a test walk every route × every role).
 */
import type { Request, Response, NextFunction, Router } from 'express';
import type { z } from 'zod';
import { describeIssues, forbidden, unauthenticated } from '@marquee/shared';
import type { Actor, Principal } from '../services/actors.ts';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  requestId: string;
  ip: string;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** Principals allowed; `public` routes take no token. */
  allow: readonly Principal[] | 'public';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response?: z.ZodType;
  /** Status for a successful answer (default 200). */
  status?: number;
  /** Error codes this route can answer with, for the OpenAPI document. */
  errors?: readonly string[];
  handler: (input: RouteInput<P, Q, B>, res: Response) => Promise<unknown>;
}

export function route<P = undefined, Q = undefined, B = undefined>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (schema === undefined) return undefined as T;
  const result = schema.safeParse(value);
  if (!result.success) throw describeIssues(result.error, where);
  return result.data;
}

export type Authenticate = (req: Request) => Promise<Actor | undefined>;

/** Express 5 paths use `:id`; OpenAPI uses `{id}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

export function mount(router: Router, routes: readonly RouteSpec[], authenticate: Authenticate): void {
  for (const spec of routes) {
    router[spec.method](spec.path, (req: Request, res: Response, next: NextFunction) => {
      void (async () => {
        let actor: Actor = { kind: 'anonymous' };
        if (spec.allow !== 'public') {
          const found = await authenticate(req);
          if (found === undefined) throw unauthenticated();
          if (!spec.allow.includes(principalOf(found))) throw forbidden();
          actor = found;
        }
        const input: RouteInput<unknown, unknown, unknown> = {
          params: parse(spec.params, req.params, 'params'),
          query: parse(spec.query, req.query, 'query'),
          body: parse(spec.body, spec.body === undefined ? undefined : req.body, 'body'),
          actor,
          requestId: String(res.locals['requestId'] ?? ''),
          ip: req.ip ?? '',
        };
        const result = await spec.handler(input, res);
        if (res.headersSent) return;
        if (result === undefined) res.status(spec.status ?? 204).end();
        else res.status(spec.status ?? 200).json(result);
      })().catch(next);
    });
  }
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
