/**
 * The sync tests' server (DESIGN §7): the demo site with terminals enrolled over HTTP, a cashier
 * signed in, and the upcoming showtimes handed out so that no two tests sell on the same one.
 */
import { afterAll, beforeAll } from 'vitest';
import type { TerminalProfile } from '@marquee/shared';
import { enrollDevice, type Device } from './enroll.ts';
import { DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from './server.ts';
import { upcomingShowtimes } from './terminal.ts';

export interface SyncSite<Name extends string> {
  readonly server: TestServer;
  readonly devices: Readonly<Record<Name, Device>>;
  /** A demo cashier's session token. */
  readonly cashier: string;
  /** `count` showtimes on sale that no other test of the file was given. */
  freshShowtimes(count: number): string[];
  freshShowtime(): string;
}

/** The site of one test file: set up in `beforeAll`, closed in `afterAll`. */
export function useSyncSite<Name extends string>(
  devices: Record<Name, { profile: TerminalProfile; name: string }>,
): SyncSite<Name> {
  let server: TestServer | undefined;
  let enrolled: Record<Name, Device> | undefined;
  let cashier: string | undefined;
  let showtimes: string[] = [];
  let handedOut = 0;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the sync site is used before beforeAll set it up');
    return value;
  };

  beforeAll(async () => {
    const started = (server = await startTestServer());
    const names = Object.keys(devices) as Name[];
    const list = await Promise.all(
      names.map((name) => enrollDevice(started, devices[name].profile, devices[name].name)),
    );
    enrolled = Object.fromEntries(names.map((name, i) => [name, list[i]])) as Record<Name, Device>;
    cashier = await started.login('cashier1', DEMO_STAFF_PASSWORD);
    showtimes = await upcomingShowtimes(started, cashier);
  });
  afterAll(() => server?.close());

  const freshShowtimes = (count: number): string[] => {
    const given = showtimes.slice(handedOut, handedOut + count);
    if (given.length < count) throw new Error('not enough showtimes on sale');
    handedOut += count;
    return given;
  };
  return {
    get server() {
      return ready(server);
    },
    get devices() {
      return ready(enrolled);
    },
    get cashier() {
      return ready(cashier);
    },
    freshShowtimes,
    freshShowtime: () => freshShowtimes(1)[0]!,
  };
}
