import { createHash, randomBytes } from 'node:crypto';
import type {
  CreateEnrollmentCodeRequest,
  EnrollRequest,
  EnrollResponse,
  LeasePolicy,
  LoginResponse,
  StaffRole,
  TerminalProfile,
} from '@marquee/shared';
import { keyIdOf, publicKeyFromB64 } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import { publish } from '../sync/change-log.ts';
import { conflict, rateLimited, unauthenticated, validationFailed } from '@marquee/shared';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { DUMMY_HASH_PROMISE, verifyPassword } from './passwords.ts';

export const STAFF_SESSION_MS = 8 * 60 * 60 * 1000; // one shift
export const ENROLLMENT_CODE_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_LEASE_POLICY: LeasePolicy = { seatsPerShowtime: 4, hoursAhead: 6 };

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
const newToken = () => randomBytes(32).toString('base64url');

/**
 * Failed logins per (ip, username) in a sliding window. Per process on purpose: it slows guessing,
 * it is not a correctness mechanism, and a restart forgetting it is harmless.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 15 * 60 * 1000,
  ) {}

  check(key: string, now: number): void {
    const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    this.failures.set(key, recent);
    const oldest = recent[0];
    if (recent.length >= this.maxFailures && oldest !== undefined) {
      throw rateLimited(Math.ceil((oldest + this.windowMs - now) / 1000));
    }
  }

  fail(key: string, now: number): void {
    const list = this.failures.get(key) ?? [];
    list.push(now);
    this.failures.set(key, list);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}

interface UserRow {
  id: string;
  name: string;
  role: StaffRole;
  password_hash: string;
  active: number;
}

export async function login(
  ctx: ServerContext,
  limiter: LoginLimiter,
  input: { username: string; password: string; ip: string },
): Promise<LoginResponse> {
  const key = `${input.ip}|${input.username.toLowerCase()}`;
  const now = ctx.now();
  limiter.check(key, now);
  const user = await ctx.db.read((ex) =>
    ex.get<UserRow>('SELECT id, name, role, password_hash, active FROM staff_users WHERE username = ?', [
      input.username.toLowerCase(),
    ]),
  );
  const valid = await verifyPassword(input.password, user?.password_hash ?? (await DUMMY_HASH_PROMISE));
  if (user === undefined || !valid || user.active !== 1) {
    limiter.fail(key, now);
    throw unauthenticated('wrong username or password');
  }
  limiter.succeed(key);
  const token = newToken();
  const expiresAt = now + STAFF_SESSION_MS;
  await ctx.db.write(async (ex) => {
    await ex.run(
      'INSERT INTO sessions (token_hash, kind, subject_id, role, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [sha256(token), 'staff', user.id, user.role, expiresAt, now],
    );
    await audit(
      ex,
      ctx,
      { kind: 'staff', id: user.id, role: user.role, name: user.name },
      'auth.login',
      user.id,
      {},
    );
  });
  return {
    token,
    user: { id: user.id, name: user.name, role: user.role },
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

interface SessionRow {
  kind: 'staff' | 'device';
  subject_id: string;
  expires_at: number | null;
}

/** Resolves a bearer token to an actor; a revoked terminal or deactivated user is no longer one. */
export async function authenticateToken(ctx: ServerContext, token: string): Promise<Actor | undefined> {
  if (token.length < 20 || token.length > 200) return undefined;
  return ctx.db.read(async (ex) => {
    const session = await ex.get<SessionRow>(
      'SELECT kind, subject_id, expires_at FROM sessions WHERE token_hash = ?',
      [sha256(token)],
    );
    if (session === undefined) return undefined;
    if (session.expires_at !== null && session.expires_at <= ctx.now()) return undefined;
    if (session.kind === 'staff') {
      const user = await ex.get<UserRow>('SELECT id, name, role, active FROM staff_users WHERE id = ?', [
        session.subject_id,
      ]);
      if (user?.active !== 1) return undefined;
      return { kind: 'staff', id: user.id, role: user.role, name: user.name };
    }
    const terminal = await ex.get<{ id: string; name: string; profile: TerminalProfile; status: string }>(
      'SELECT id, name, profile, status FROM terminals WHERE id = ?',
      [session.subject_id],
    );
    if (terminal?.status !== 'active') return undefined;
    return { kind: 'device', id: terminal.id, profile: terminal.profile, name: terminal.name };
  });
}

/** Codes are short enough to type on a kiosk: 10 characters from an unambiguous alphabet. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function newEnrollmentCode(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}
const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

export async function createEnrollmentCode(
  ctx: ServerContext,
  actor: Actor,
  input: CreateEnrollmentCodeRequest,
): Promise<{ code: string; name: string; profile: TerminalProfile; expiresAt: string }> {
  const code = newEnrollmentCode();
  const expiresAt = ctx.now() + ENROLLMENT_CODE_MS;
  await ctx.db.write(async (ex) => {
    await ex.run(
      `INSERT INTO enrollment_codes (code_hash, name, profile, lease_policy, expires_at, used_at, created_by)
       VALUES (?, ?, ?, ?, ?, NULL, ?)`,
      [
        sha256(code),
        input.name,
        input.profile,
        JSON.stringify(input.leasePolicy ?? DEFAULT_LEASE_POLICY),
        expiresAt,
        actor.kind === 'anonymous' ? '' : actor.id,
      ],
    );
    await audit(ex, ctx, actor, 'device.enrollment_code', null, { name: input.name, profile: input.profile });
  });
  return { code, name: input.name, profile: input.profile, expiresAt: new Date(expiresAt).toISOString() };
}

interface CodeRow {
  code_hash: string;
  name: string;
  profile: TerminalProfile;
  lease_policy: string;
  expires_at: number;
  used_at: number | null;
}

export async function enroll(ctx: ServerContext, input: EnrollRequest): Promise<EnrollResponse> {
  const publicKey = publicKeyFromB64(input.publicKey);
  if (!publicKey.ok)
    throw validationFailed('publicKey: not a valid Ed25519 public key', { field: 'body.publicKey' });
  const keyId = keyIdOf(publicKey.value);
  const token = newToken();
  const terminalId = ctx.newId();
  const now = ctx.now();
  return ctx.db.write(async (ex, tx) => {
    const code = await ex.get<CodeRow>('SELECT * FROM enrollment_codes WHERE code_hash = ?', [
      sha256(normalizeCode(input.code)),
    ]);
    // One answer for unknown, used and expired codes: a guesser learns nothing.
    if (code === undefined || code.used_at !== null || code.expires_at <= now) {
      throw unauthenticated('enrollment code is not valid');
    }
    const claimed = await ex.run(
      'UPDATE enrollment_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL',
      [now, code.code_hash],
    );
    if (claimed !== 1) throw unauthenticated('enrollment code is not valid');
    // Key ids are 48 bits: refuse a key whose id is taken rather than trust two keys under one id.
    const existing = await ex.get('SELECT key_id FROM signing_keys WHERE key_id = ? OR public_key = ?', [
      keyId,
      input.publicKey,
    ]);
    if (existing !== undefined) throw conflict('this device key is already enrolled; generate a new key');
    await ex.run(
      `INSERT INTO terminals (id, name, profile, public_key, key_id, status, lease_policy, enrolled_at)
       VALUES (?, ?, ?, ?, ?, 'active', ?, ?)`,
      [terminalId, code.name, code.profile, input.publicKey, keyId, code.lease_policy, now],
    );
    await ex.run(
      'INSERT INTO sessions (token_hash, kind, subject_id, role, expires_at, created_at) VALUES (?, ?, ?, ?, NULL, ?)',
      [sha256(token), 'device', terminalId, code.profile, now],
    );
    await ex.run(
      "INSERT INTO signing_keys (key_id, public_key, owner, terminal_id, revoked) VALUES (?, ?, 'terminal', ?, 0)",
      [keyId, input.publicKey, terminalId],
    );
    await publish(ctx, ex, tx, 'signing_keys', keyId, {
      id: keyId,
      keyId,
      publicKey: input.publicKey,
      owner: 'terminal',
      terminalId,
      revoked: false,
    });
    await audit(
      ex,
      ctx,
      { kind: 'device', id: terminalId, profile: code.profile, name: code.name },
      'device.enroll',
      terminalId,
      {
        keyId,
      },
    );
    return {
      terminalId,
      token,
      name: code.name,
      profile: code.profile,
      keyId,
      serverKeyId: ctx.signer.keyId,
    };
  });
}

export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

export async function terminalSelf(
  ctx: ServerContext,
  actor: Actor,
): Promise<{
  terminalId: string;
  name: string;
  profile: TerminalProfile;
  leasePolicy: LeasePolicy;
  serverKeyId: string;
  serverTime: string;
}> {
  if (actor.kind !== 'device') throw unauthenticated('a terminal token is required');
  const row = await ctx.db.read((ex) =>
    ex.get<{ lease_policy: string }>('SELECT lease_policy FROM terminals WHERE id = ?', [actor.id]),
  );
  return {
    terminalId: actor.id,
    name: actor.name,
    profile: actor.profile,
    leasePolicy: JSON.parse(row?.lease_policy ?? JSON.stringify(DEFAULT_LEASE_POLICY)) as LeasePolicy,
    serverKeyId: ctx.signer.keyId,
    serverTime: new Date(ctx.now()).toISOString(),
  };
}
