/**
 * First start and every start: open the database, make sure the site, the epoch, the server's
 * ticket-signing key and the first admin exist, and seed the demo programme when asked.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { generateSigningKeyPair, publicKeyToB64, type Site } from '@marquee/shared';
import type { ServerConfig } from './config.ts';
import type { ServerContext, ServerSigner } from './context.ts';
import type { Database } from './db/database.ts';
import { PostgresDatabase } from './db/postgres.ts';
import { SqliteDatabase } from './db/sqlite.ts';
import { ChangeFeed } from './sync/change-feed.ts';
import { publish } from './sync/change-log.ts';
import { anyHall } from './services/halls.ts';
import { hashPassword } from './services/passwords.ts';
import { addSigningKey, keyKnown } from './services/signing-keys.ts';
import { findSite, loadOrCreateEpoch, loadOrCreateSite } from './services/site.ts';
import { countAdmins, insertStaffUser } from './services/users.ts';
import { seedDemo } from './seed.ts';

export const DEFAULT_SITE: Omit<Site, 'id'> = {
  name: 'Marquee Cinema',
  timezone: 'Asia/Shanghai',
  currency: 'CNY',
  locale: 'zh-CN',
};

const KEY_FILE = 'server-signing-key.json';

/** The server's Ed25519 ticket key lives in the data dir (mode 0600), created on first start. */
export function loadOrCreateSigner(dataDir: string): ServerSigner {
  const file = join(dataDir, KEY_FILE);
  let seed: Uint8Array;
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { seed: string };
    seed = Buffer.from(stored.seed, 'base64url');
  } else {
    seed = randomBytes(32);
    writeFileSync(file, JSON.stringify({ seed: Buffer.from(seed).toString('base64url') }), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const pair = generateSigningKeyPair(seed);
  return { keyId: pair.keyId, publicKey: pair.publicKey, privateKey: pair.privateKey };
}

/** PostgreSQL when a database URL is configured, else SQLite in the data dir. */
export function openDatabase(config: ServerConfig): Promise<Database> {
  return config.databaseUrl === undefined
    ? Promise.resolve(new SqliteDatabase(join(config.dataDir, 'marquee.db')))
    : PostgresDatabase.open({ url: config.databaseUrl, poolSize: config.databasePoolSize });
}

export interface BootstrapResult {
  ctx: ServerContext;
  /** Set when no admin password was configured: printed once, never stored in clear. */
  generatedAdminPassword?: string;
  seeded?: { showtimes: number; halls: number };
}

export async function bootstrap(
  config: ServerConfig,
  logger: Logger,
  options: { now?: () => number; db?: Database; seedStartDate?: string } = {},
): Promise<BootstrapResult> {
  mkdirSync(config.dataDir, { recursive: true });
  const db = options.db ?? (await openDatabase(config));
  const now = options.now ?? Date.now;
  const signer = loadOrCreateSigner(config.dataDir);

  // Instances starting together on one PostgreSQL create the site, the epoch and the admin once.
  const { site, epoch, fresh } = await db.write(async (ex) => {
    await db.lock(ex, 'bootstrap');
    return {
      ...(await loadOrCreateEpoch(ex, () => randomBytes(9).toString('base64url'))),
      site: await loadOrCreateSite(ex, () => ({ id: randomUUID(), ...DEFAULT_SITE })),
    };
  });

  const ctx: ServerContext = {
    db,
    config,
    logger,
    site,
    epoch,
    signer,
    feed: new ChangeFeed(),
    now,
    newId: randomUUID,
  };

  // Commits of the other instances on the same PostgreSQL wake this one's streams (LISTEN).
  await db.listen((seq) => ctx.feed.notify(seq));

  const result: BootstrapResult = { ctx };
  await db.write(async (ex, tx) => {
    if (fresh) await publish(ctx, ex, tx, 'site', site.id, site);
    const publicKey = publicKeyToB64(signer.publicKey);
    if (!(await keyKnown(ex, signer.keyId, publicKey))) {
      await addSigningKey(ctx, ex, tx, { keyId: signer.keyId, publicKey, owner: 'server' });
    }
  });

  if ((await db.read((ex) => countAdmins(ex))) === 0) {
    const username = config.adminUser ?? 'admin';
    const password = config.adminPassword ?? randomBytes(12).toString('base64url');
    if (config.adminPassword === undefined) result.generatedAdminPassword = password;
    const passwordHash = await hashPassword(password);
    await db.write(async (ex) => {
      await db.lock(ex, 'bootstrap');
      if ((await countAdmins(ex)) > 0) return;
      await insertStaffUser(ex, {
        id: randomUUID(),
        username,
        name: 'Administrator',
        role: 'admin',
        passwordHash,
        now: now(),
      });
    });
  }

  if (config.seed === 'demo') {
    if (!(await db.read((ex) => anyHall(ex)))) {
      const startDate = options.seedStartDate ?? new Date(now()).toISOString().slice(0, 10);
      result.seeded = await seedDemo(ctx, { seed: 42, startDate, staffPassword: 'marquee-demo' });
      ctx.site = (await db.read((ex) => findSite(ex, site.id))) ?? ctx.site;
    }
  }
  return result;
}
