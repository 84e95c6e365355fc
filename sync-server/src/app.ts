import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  HTTP_API_PREFIX,
  MarqueeError,
  httpStatusOf,
  internalError,
  payloadTooLarge,
  validationFailed,
  type ErrorBody,
} from '@marquee/shared';
import type { ServerContext } from './context.ts';
import { mountAll, type RouteSpec } from './http/route.ts';
import { authenticateToken, bearerToken, LoginLimiter } from './services/auth.ts';
import { routeHandlers } from './routes/handlers.ts';
import { attachStream, type StreamHub } from './sync/stream.ts';
import { HoldSweeper } from './services/sweeper.ts';

export const MAX_BODY_BYTES = 256 * 1024;

export interface MarqueeServer {
  http: Server;
  routes: readonly RouteSpec[];
  hub: StreamHub;
  /** Stops accepting, drains in-flight requests, closes streams and the database. */
  close(): Promise<void>;
}

export function createMarqueeServer(ctx: ServerContext): MarqueeServer {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const requestId = req.get('x-request-id')?.slice(0, 64) ?? randomUUID();
    res.locals['requestId'] = requestId;
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      ctx.logger.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  });
  app.use(express.json({ limit: MAX_BODY_BYTES, strict: true }));

  const limiter = new LoginLimiter();
  const router = express.Router();
  const routes = mountAll(router, routeHandlers(ctx, limiter), {
    authenticate: async (req) => {
      const token = bearerToken(req.get('authorization'));
      return token === undefined ? undefined : authenticateToken(ctx, token);
    },
    validateResponses: ctx.config.validateResponses,
    logger: ctx.logger,
  });
  app.use(HTTP_API_PREFIX, router);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: new MarqueeError('not_found', 'no such route').toBody() });
  });
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known = asMarqueeError(error);
    const status = httpStatusOf(known.code);
    if (status >= 500) ctx.logger.error({ err: error, requestId: res.locals['requestId'] }, 'request failed');
    const body: { error: ErrorBody } = { error: known.toBody() };
    res.status(status).json(body);
  });

  const http = createServer(app);
  http.keepAliveTimeout = 5000;
  const hub = attachStream(ctx, http);
  const sweeper = new HoldSweeper(ctx);
  sweeper.start();

  let closing: Promise<void> | undefined;
  return {
    http,
    routes,
    hub,
    close() {
      closing ??= (async () => {
        sweeper.stop();
        hub.close();
        await new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeIdleConnections();
        });
        await sweeper.idle();
        await ctx.db.close();
      })();
      return closing;
    },
  };
}

interface ParserError {
  type?: string;
  status?: number;
}

/** Any failure as a stable code: ours as thrown, the body parser's by its type, the rest as `internal`. */
function asMarqueeError(error: unknown): MarqueeError {
  if (error instanceof MarqueeError) return error;
  const parser = error as ParserError;
  if (parser.type === 'entity.too.large') return payloadTooLarge(MAX_BODY_BYTES);
  if (parser.type === 'entity.parse.failed') return validationFailed('request body is not valid JSON');
  if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return validationFailed('malformed request');
  }
  return internalError();
}
