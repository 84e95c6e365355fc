/**
 * Two clocks: the wall clock (can be wrong or jump) and a monotonic one that only moves forward
 * and survives a restart of the core (it counts from the machine's boot). Lease deadlines are
 * measured on the monotonic clock, so setting the wall clock back cannot extend a lease.
 */
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';

export interface Clock {
  /** Wall-clock epoch milliseconds. */
  wall(): number;
  /** Milliseconds since boot; never goes backwards. */
  mono(): number;
  /** Changes when the machine reboots; a lease measured against another boot cannot be trusted. */
  bootId(): string;
}

function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return `uptime-${String(Math.round(Date.now() / 1000 - uptime()))}`;
  }
}

export function systemClock(): Clock {
  const startUptimeMs = uptime() * 1000;
  const startHr = process.hrtime.bigint();
  const boot = readBootId();
  return {
    wall: () => Date.now(),
    mono: () => startUptimeMs + Number(process.hrtime.bigint() - startHr) / 1e6,
    bootId: () => boot,
  };
}

/** A clock tests can steer: jump the wall clock without moving the monotonic one. */
export class ManualClock implements Clock {
  constructor(
    public wallMs = Date.now(),
    public monoMs = 1_000_000,
    public boot = 'test-boot',
  ) {}
  wall(): number {
    return this.wallMs;
  }
  mono(): number {
    return this.monoMs;
  }
  bootId(): string {
    return this.boot;
  }
  advance(ms: number): void {
    this.wallMs += ms;
    this.monoMs += ms;
  }
}
