/**
 * Terminal cores for tests: real cores (real SQLite files in temp dirs) enrolled against a real
 * test server, with a steerable clock and short reconnect backoff.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeasePolicy, TerminalCall, TerminalOutput, TerminalProfile } from '@marquee/shared';
import { ManualClock } from '../../desktop/core/src/clock.ts';
import { TerminalCore } from '../../desktop/core/src/core.ts';
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

export async function enrollmentCode(
  server: TestServer,
  profile: TerminalProfile,
  leasePolicy?: LeasePolicy,
  serverUrl = server.url,
): Promise<{ code: string; serverUrl: string }> {
  const res = await server.api('POST', '/devices/enrollment-codes', {
    token: server.adminToken,
    body: {
      name: `${profile}-${Math.random().toString(36).slice(2, 8)}`,
      profile,
      ...(leasePolicy === undefined ? {} : { leasePolicy }),
    },
  });
  if (res.status !== 201) throw new Error(`enrollment code: ${res.status} ${JSON.stringify(res.body)}`);
  return { code: res.body.code as string, serverUrl };
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

export async function startCore(
  server: TestServer,
  profile: TerminalProfile,
  options: { leasePolicy?: LeasePolicy; serverUrl?: string; clock?: ManualClock; dataDir?: string } = {},
): Promise<TestCore> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'marquee-core-'));
  const clock = options.clock ?? new ManualClock(server.clock.now());
  const core = openCore(dataDir, clock);
  const { code, serverUrl } = await enrollmentCode(server, profile, options.leasePolicy, options.serverUrl);
  const enrolled = await core.handle('terminal.enroll', { serverUrl, code });
  if (!enrolled.ok) throw new Error(`enroll failed: ${JSON.stringify(enrolled.error)}`);
  await waitFor(() => core.status().connection === 'online', 10_000, 'core online');
  return wrap(core, dataDir, clock);
}

export function wrap(core: TerminalCore, dataDir: string, clock: ManualClock): TestCore {
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
