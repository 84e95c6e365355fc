/**
 * A real sync server for tests: a real SQLite file in a temp dir, listening on an ephemeral
 * loopback port, with the demo multiplex seeded (unless asked not to) and an admin signed in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig, type ServerConfig } from '../../sync-server/src/config.ts';
import { bootstrap } from '../../sync-server/src/bootstrap.ts';
import { createMarqueeServer, type MarqueeServer } from '../../sync-server/src/app.ts';
import type { ServerContext } from '../../sync-server/src/context.ts';
import type { Database } from '../../sync-server/src/db/database.ts';
import { httpApi, signIn, type Api } from './http-api.ts';

export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };
export const DEMO_STAFF_PASSWORD = 'marquee-demo';

/** A clock tests can move; starts at the real time so sales windows are open. */
export class TestClock {
  constructor(public ms = Date.now()) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestServer {
  url: string;
  ctx: ServerContext;
  server: MarqueeServer;
  dataDir: string;
  clock: TestClock;
  adminToken: string;
  login(username: string, password: string): Promise<string>;
  api: Api;
  close(): Promise<void>;
}

export interface TestServerOptions {
  seed?: boolean;
  dataDir?: string;
  env?: Record<string, string>;
  clock?: TestClock;
  /** Leave the data dir in place on close (restart tests). */
  keepData?: boolean;
  /** The database to run on, opened in the data dir; the server's own SQLite file by default. */
  database?: (dataDir: string) => Database;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'marquee-server-'));
  const loaded = loadConfig({
    MARQUEE_DATA_DIR: dataDir,
    MARQUEE_PORT: '0',
    MARQUEE_ADMIN_USER: ADMIN.username,
    MARQUEE_ADMIN_PASSWORD: ADMIN.password,
    MARQUEE_SEED: options.seed === false ? 'none' : 'demo',
    MARQUEE_LOG_LEVEL: 'silent',
    MARQUEE_VALIDATE_RESPONSES: '1',
    ...options.env,
  });
  if (!loaded.ok) throw new Error(loaded.message);
  const config: ServerConfig = loaded.config;
  const clock = options.clock ?? new TestClock();
  const { ctx } = await bootstrap(config, pino({ level: 'silent' }), {
    now: clock.now,
    ...(options.database === undefined ? {} : { db: options.database(dataDir) }),
  });
  const server = createMarqueeServer(ctx);
  await new Promise<void>((resolve) => server.http.listen(0, '127.0.0.1', () => resolve()));
  const address = server.http.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  const url = `http://127.0.0.1:${address.port}`;

  const api = httpApi(() => url);
  const login = (username: string, password: string) => signIn(api, username, password);
  const adminToken = await login(ADMIN.username, ADMIN.password);
  return {
    url,
    ctx,
    server,
    dataDir,
    clock,
    adminToken,
    login,
    api,
    async close() {
      await server.close();
      if (options.keepData !== true && options.dataDir === undefined)
        rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
