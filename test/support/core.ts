/**
 * Terminal cores for tests: real cores (real SQLite files in temp dirs) enrolled against a real
 * server, with a steerable clock and short reconnect backoff.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TerminalCall, TerminalOutput, TerminalProfile } from '@marquee/shared';
import { ManualClock } from '../../desktop/core/src/clock.ts';
import { TerminalCore } from '../../desktop/core/src/core.ts';
import { enrollCore, type EnrollmentOptions } from './enroll.ts';
import type { Admin } from './http-api.ts';
import type { TestServer } from './server.ts';
import { waitFor } from './wait.ts';

export interface TestCore {
  core: TerminalCore;
  dataDir: string;
  clock: ManualClock;
  /** Calls the terminal API and throws with the error if it was refused. */
  call<C extends TerminalCall>(call: C, input: unknown): Promise<TerminalOutput<C>>;
  close(): void;
}

/** A wall clock and a monotonic clock that follow the machine's (for a real server process). */
export class LiveClock extends ManualClock {
  override wall(): number {
    return Date.now();
  }
  override mono(): number {
    return 1_000_000 + performance.now();
  }
}

export function openCore(dataDir: string, clock: ManualClock): TerminalCore {
  return TerminalCore.open({
    dataDir,
    clock,
    backoff: { minMs: 50, maxMs: 500 },
    saleTimeoutMs: 5000,
    leaseIntervalMs: 500,
  });
}

/** Resolves once the core's link to its server is up (it has pulled its replica and streams). */
export function waitOnline(core: TerminalCore, what = 'core online', timeoutMs = 10_000): Promise<void> {
  return waitFor(() => core.status().connection === 'online', timeoutMs, what);
}

export interface CoreOptions extends EnrollmentOptions {
  /** Where the core reaches the server (a proxy, say); the server itself by default. */
  serverUrl?: string | undefined;
  clock?: ManualClock | undefined;
  dataDir?: string | undefined;
}

/** A core of `profile` enrolled against the test server and online; its clock starts at the server's. */
export function startCore(
  server: TestServer,
  profile: TerminalProfile,
  options: CoreOptions = {},
): Promise<TestCore> {
  return startCoreAt(server, profile, {
    ...options,
    serverUrl: options.serverUrl ?? server.url,
    clock: options.clock ?? new ManualClock(server.clock.now()),
  });
}

/** A core enrolled against any server a manager can reach (e.g. a server process), and online. */
export async function startCoreAt(
  admin: Admin,
  profile: TerminalProfile,
  options: CoreOptions & { serverUrl: string; clock: ManualClock },
): Promise<TestCore> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'marquee-core-'));
  const core = openCore(dataDir, options.clock);
  await enrollCore(core, admin, profile, options.serverUrl, options);
  await waitOnline(core);
  return wrap(core, dataDir, options.clock);
}

function wrap(core: TerminalCore, dataDir: string, clock: ManualClock): TestCore {
  return {
    core,
    dataDir,
    clock,
    async call(call, input) {
      const result = await core.handle(call, input);
      if (!result.ok)
        throw Object.assign(new Error(`${call}: ${result.error.code} ${result.error.message}`), {
          error: result.error,
        });
      return result.value;
    },
    close() {
      core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
