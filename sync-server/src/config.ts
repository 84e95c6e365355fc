import { z } from 'zod';

/** Server configuration from the environment. A bad value stops the start, naming the variable. */
const Env = z.object({
  MARQUEE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  MARQUEE_HOST: z.string().min(1).default('127.0.0.1'),
  MARQUEE_DATA_DIR: z.string().min(1).default('./data/server'),
  /** `postgres://…` runs on PostgreSQL (a chain, several instances); unset: SQLite in the data dir. */
  MARQUEE_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'expected postgres://user:password@host:port/database')
    .optional(),
  MARQUEE_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  MARQUEE_ADMIN_USER: z
    .string()
    .regex(/^[a-z0-9._-]{3,32}$/, 'expected 3–32 of a-z 0-9 . _ -')
    .optional(),
  MARQUEE_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').max(256).optional(),
  MARQUEE_SEED: z.enum(['demo', 'none']).default('none'),
  MARQUEE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Default hold lifetimes (DESIGN §5) and the cap a hold can be extended to. */
  MARQUEE_HOLD_TTL_BOX_OFFICE: z.coerce.number().int().min(10).max(1800).default(480),
  MARQUEE_HOLD_TTL_KIOSK: z.coerce.number().int().min(10).max(1800).default(300),
  MARQUEE_HOLD_MAX_SECONDS: z.coerce.number().int().min(10).max(3600).default(1200),
  /** Staff session lifetime in seconds (one shift by default). */
  MARQUEE_STAFF_TOKEN_TTL: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(8 * 3600),
  /** How often open change streams are checked against the sessions table (ended elsewhere, expired). */
  MARQUEE_STREAM_SESSION_CHECK_MS: z.coerce.number().int().min(50).max(60_000).default(2000),
  /** Tests: check every answer (HTTP and mutation results) against its schema; a mismatch is a 500. */
  MARQUEE_VALIDATE_RESPONSES: z.enum(['0', '1']).default('0'),
});

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** PostgreSQL's connection string, or undefined for SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  adminUser: string | undefined;
  adminPassword: string | undefined;
  seed: 'demo' | 'none';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  holdTtlSeconds: { box_office: number; kiosk: number; staff: number };
  holdMaxSeconds: number;
  staffTokenTtlMs: number;
  streamSessionCheckMs: number;
  /** Check every answer against its response schema and refuse (500, logged) one that does not match. */
  validateResponses: boolean;
}

export type ConfigResult = { ok: true; config: ServerConfig } | { ok: false; message: string };

export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    return { ok: false, message: `invalid configuration:\n  ${lines.join('\n  ')}` };
  }
  const e = parsed.data;
  if ((e.MARQUEE_ADMIN_USER === undefined) !== (e.MARQUEE_ADMIN_PASSWORD === undefined)) {
    return {
      ok: false,
      message: 'invalid configuration:\n  MARQUEE_ADMIN_USER and MARQUEE_ADMIN_PASSWORD must be set together',
    };
  }
  return {
    ok: true,
    config: {
      port: e.MARQUEE_PORT,
      host: e.MARQUEE_HOST,
      dataDir: e.MARQUEE_DATA_DIR,
      databaseUrl: e.MARQUEE_DATABASE_URL,
      databasePoolSize: e.MARQUEE_DATABASE_POOL_SIZE,
      adminUser: e.MARQUEE_ADMIN_USER,
      adminPassword: e.MARQUEE_ADMIN_PASSWORD,
      seed: e.MARQUEE_SEED,
      logLevel: e.MARQUEE_LOG_LEVEL,
      holdTtlSeconds: {
        box_office: e.MARQUEE_HOLD_TTL_BOX_OFFICE,
        kiosk: e.MARQUEE_HOLD_TTL_KIOSK,
        staff: e.MARQUEE_HOLD_TTL_BOX_OFFICE,
      },
      holdMaxSeconds: e.MARQUEE_HOLD_MAX_SECONDS,
      staffTokenTtlMs: e.MARQUEE_STAFF_TOKEN_TTL * 1000,
      streamSessionCheckMs: e.MARQUEE_STREAM_SESSION_CHECK_MS,
      validateResponses: e.MARQUEE_VALIDATE_RESPONSES === '1',
    },
  };
}
