/**
 * Who may drive the core through the browser-mode bridge: only the page opened from the URL the
 * terminal printed. The URL carries a per-process random token once; the server swaps it for an
 * HttpOnly, SameSite=Strict cookie (named per port, so two terminals on one machine do not
 * overwrite each other's). The WebSocket upgrade then needs that cookie, the server's own Origin
 * and its own Host, so neither another local page nor a DNS-rebinding site can open the bridge.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_PARAM = 'session';

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function cookieName(port: number): string {
  return `marquee_session_${port}`;
}

export function sessionCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
export function tokensEqual(given: string | undefined | null, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface RequestIdentity {
  host: string | undefined;
  origin?: string | undefined;
  cookie: string | undefined;
}

export interface SessionPolicy {
  /** `127.0.0.1:PORT`, exactly as printed. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  port: number;
  token: string;
}

export function policyFor(port: number, token: string): SessionPolicy {
  const host = `127.0.0.1:${port}`;
  return { host, origin: `http://${host}`, port, token };
}

/** A Host other than our own means the name resolved to us by rebinding, not by the printed URL. */
export function isOwnHost(policy: SessionPolicy, host: string | undefined): boolean {
  return host === policy.host;
}

export function hasSession(policy: SessionPolicy, cookieHeader: string | undefined): boolean {
  return tokensEqual(readCookie(cookieHeader, cookieName(policy.port)), policy.token);
}

export type UpgradeVerdict = { ok: true } | { ok: false; status: 403 | 401; reason: string };

/** The WebSocket upgrade: own Host, own Origin (browsers always send it), session cookie. */
export function checkUpgrade(policy: SessionPolicy, request: RequestIdentity): UpgradeVerdict {
  if (!isOwnHost(policy, request.host)) return { ok: false, status: 403, reason: 'wrong host' };
  if (request.origin !== policy.origin) return { ok: false, status: 403, reason: 'wrong origin' };
  if (!hasSession(policy, request.cookie)) return { ok: false, status: 401, reason: 'no session' };
  return { ok: true };
}
