/**
 * `mount` with `validateResponses`: an answer that does not match its route's response schema is
 * refused with 500 (and logged), instead of reaching a client that would misread it.
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTP_ROUTES, MarqueeError } from '@marquee/shared';
import { mount, type AreaHandlers, type Handler } from './route.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

async function serveHealth(handler: Handler<'health.get'>, validateResponses: boolean) {
  const router = express.Router();
  const logged: unknown[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  mount(router, 'health.get', HTTP_ROUTES['health.get'], handler, {
    authenticate: () => Promise.resolve(undefined),
    validateResponses,
    logger,
  });
  const app = express();
  app.use(router);
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: new MarqueeError('internal', error.message).toBody() });
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const response = await fetch(`http://127.0.0.1:${address.port}/health`);
  const body: unknown = await response.json();
  return { status: response.status, body, logged };
}

// Deliberately wrong: `epoch` is missing and `uptime` is not in the schema.
const wrong = (() => Promise.resolve({ status: 'ok', time: new Date(0).toISOString(), uptime: 5 })) as never;

describe('mount with validateResponses', () => {
  it('answers 500 and logs when the answer does not match the schema', async () => {
    const { status, body, logged } = await serveHealth(wrong, true);
    expect(status).toBe(500);
    expect(body).toMatchObject({ error: { message: expect.stringContaining('health.get') as unknown } });
    expect(logged).toEqual([expect.objectContaining({ route: 'health.get', msg: expect.any(String) })]);
  });

  it('passes a matching answer, and without the option passes anything (production)', async () => {
    const right: Handler<'health.get'> = () =>
      Promise.resolve({ status: 'ok', epoch: 'e1', time: new Date(0).toISOString() });
    expect((await serveHealth(right, true)).status).toBe(200);
    expect((await serveHealth(wrong, false)).status).toBe(200);
  });
});

describe('binding handlers by route name', () => {
  it('does not compile with a handler missing, a name not in the area, or a wrong answer', () => {
    const health: Handler<'health.get'> = () => Promise.resolve({ status: 'ok', epoch: 'e1', time: '' });
    const openapi: Handler<'openapi.get'> = () =>
      Promise.resolve({ openapi: '3.1.0', info: { title: 'test', version: '1' }, paths: {} });
    // @ts-expect-error 'openapi.get' is missing
    const missing: AreaHandlers<'system'> = { 'health.get': health };
    const foreign: AreaHandlers<'system'> = {
      'health.get': health,
      'openapi.get': openapi,
      // @ts-expect-error 'holds.create' is not a system route
      'holds.create': health,
    };
    // @ts-expect-error a health answer needs its epoch
    const wrongAnswer: Handler<'health.get'> = () => Promise.resolve({ status: 'ok', time: '' });
    expect([missing, foreign, wrongAnswer]).toHaveLength(3);
  });
});
