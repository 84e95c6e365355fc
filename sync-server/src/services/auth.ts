/**
 * Signing in: staff log in with a password (rate-limited), terminals carry the token they got at
 * enrollment; every request's bearer token resolves to an actor here.
 */
import type { LoginResponse } from '@marquee/shared';
import { rateLimited, unauthenticated } from '@marquee/shared';
import type { ServerContext } from '../context.ts';
import type { Actor } from './actors.ts';
import { audit } from './audit.ts';
import { DUMMY_HASH_PROMISE, verifyPassword } from './passwords.ts';
import { createSession, endSession, findSession, newToken } from './sessions.ts';
import { findTerminal } from './terminals.ts';
import { findLoginRow, findStaffRow } from './users.ts';

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

export async function login(
  ctx: ServerContext,
  limiter: LoginLimiter,
  input: { username: string; password: string; ip: string },
): Promise<LoginResponse> {
  const key = `${input.ip}|${input.username.toLowerCase()}`;
  const now = ctx.now();
  limiter.check(key, now);
  const user = await ctx.db.read((ex) => findLoginRow(ex, input.username));
  const valid = await verifyPassword(input.password, user?.password_hash ?? (await DUMMY_HASH_PROMISE));
  if (user === undefined || !valid || user.active !== 1) {
    limiter.fail(key, now);
    throw unauthenticated('wrong username or password');
  }
  limiter.succeed(key);
  const token = newToken();
  const expiresAt = now + ctx.config.staffTokenTtlMs;
  await ctx.db.write(async (ex) => {
    await createSession(ex, { token, kind: 'staff', subjectId: user.id, role: user.role, expiresAt, now });
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

/** Ends the caller's own session: the token stops working here and on every other instance. */
export async function logout(ctx: ServerContext, actor: Actor, token: string): Promise<void> {
  await ctx.db.write(async (ex, tx) => {
    if (await endSession(ctx, ex, tx, token))
      await audit(ex, ctx, actor, 'auth.logout', actor.kind === 'staff' ? actor.id : null, {});
  });
}

/** Resolves a bearer token to an actor; a revoked terminal or deactivated user is no longer one. */
export async function authenticateToken(ctx: ServerContext, token: string): Promise<Actor | undefined> {
  if (token.length < 20 || token.length > 200) return undefined;
  return ctx.db.read(async (ex) => {
    const session = await findSession(ex, token);
    if (session === undefined) return undefined;
    if (session.expires_at !== null && session.expires_at <= ctx.now()) return undefined;
    if (session.kind === 'staff') {
      const user = await findStaffRow(ex, session.subject_id);
      if (user?.active !== 1) return undefined;
      return { kind: 'staff', id: user.id, role: user.role, name: user.name };
    }
    const terminal = await findTerminal(ex, session.subject_id);
    if (terminal?.status !== 'active') return undefined;
    return { kind: 'device', id: terminal.id, profile: terminal.profile, name: terminal.name };
  });
}

export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}
