import type { Logger } from 'pino';
import type { Site } from '@marquee/shared';
import type { ServerConfig } from './config.ts';
import type { Database } from './db/database.ts';
import type { ChangeFeed } from './sync/change-feed.ts';

export interface ServerSigner {
  keyId: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

/** Everything a service needs, passed explicitly (no module-level state), so tests can build one. */
export interface ServerContext {
  db: Database;
  config: ServerConfig;
  logger: Logger;
  site: Site;
  epoch: string;
  signer: ServerSigner;
  feed: ChangeFeed;
  /** Wall clock in epoch milliseconds; injectable for tests. */
  now: () => number;
  newId: () => string;
}
