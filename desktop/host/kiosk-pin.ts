/**
 * The staff PIN that lets a kiosk leave its locked window. Only a salted scrypt hash is kept in
 * the terminal config, so reading the config off a kiosk's disk does not reveal the PIN; wrong
 * guesses slow down, because a 4–8 digit PIN is otherwise tried through in minutes.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

const PIN = /^[0-9]{4,12}$/;
/** `scrypt$N$r$p$salt$hash` with base64url salt and hash. */
const HASH = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;
const COST = { N: 16_384, r: 8, p: 1 };

export function isValidPin(pin: string): boolean {
  return PIN.test(pin);
}

export function isPinHash(value: string): boolean {
  return HASH.test(value);
}

/** Hashes a PIN for `kioskPinHash` in the terminal config. */
export function hashPin(pin: string, salt: Buffer = randomBytes(16)): string {
  if (!isValidPin(pin)) throw new Error('a kiosk PIN is 4 to 12 digits');
  const hash = scryptSync(pin, salt, 32, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function verifyPin(pin: string, stored: string): boolean {
  const match = HASH.exec(stored);
  if (match === null || !isValidPin(pin)) return false;
  const [, n, r, p, salt, hash] = match;
  const expected = Buffer.from(hash ?? '', 'base64url');
  const actual = scryptSync(pin, Buffer.from(salt ?? '', 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    // Room for the cost parameters a config may carry (128·N·r bytes).
    maxmem: 256 * Number(n) * Number(r) + 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}

/**
 * Counts failed PIN attempts: after `freeAttempts` failures each further attempt waits twice as
 * long as the one before (1 s, 2 s, 4 s … capped), and a success clears the count. Time is passed
 * in, so tests need no timers.
 */
export class PinAttempts {
  private failures = 0;
  private blockedUntil = 0;

  constructor(
    private readonly freeAttempts = 3,
    private readonly maxDelayMs = 5 * 60_000,
  ) {}

  /** Milliseconds until the next attempt is accepted (0 = now). */
  waitMs(now: number): number {
    return Math.max(0, this.blockedUntil - now);
  }

  record(success: boolean, now: number): void {
    if (success) {
      this.failures = 0;
      this.blockedUntil = 0;
      return;
    }
    this.failures++;
    const over = this.failures - this.freeAttempts;
    if (over >= 0) this.blockedUntil = now + Math.min(this.maxDelayMs, 1000 * 2 ** over);
  }
}
