/**
 * The sync tests' server (DESIGN §7): the demo site with terminals enrolled over HTTP, a cashier
 * signed in, and the upcoming showtimes handed out so that no two tests sell on the same one.
 */
import type { TerminalProfile } from '@marquee/shared';
import { enrollDevice, type Device } from './enroll.ts';
import { perFile } from './per-file.ts';
import { DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from './server.ts';
import { freeSeats, upcomingShowtimes } from './terminal.ts';

export interface SyncSite<Name extends string> {
  readonly server: TestServer;
  readonly devices: Readonly<Record<Name, Device>>;
  /** A demo cashier's session token. */
  readonly cashier: string;
  /** `count` showtimes on sale that no other test of the file was given. */
  freshShowtimes(count: number): string[];
  freshShowtime(): string;
  /** A fresh showtime and its free seats in layout order (the first `count`, if given). */
  freshSeats(count?: number): Promise<{ showtimeId: string; seats: string[] }>;
}

/** The site of one test file: set up before its tests, closed after them. */
export function useSyncSite<Name extends string>(
  devices: Record<Name, { profile: TerminalProfile; name: string }>,
): SyncSite<Name> {
  return perFile(
    'the sync site',
    async () => {
      const server = await startTestServer();
      const names = Object.keys(devices) as Name[];
      const list = await Promise.all(
        names.map((name) => enrollDevice(server, devices[name].profile, devices[name].name)),
      );
      const cashier = await server.login('cashier1', DEMO_STAFF_PASSWORD);
      const showtimes = await upcomingShowtimes(server, cashier);
      let handedOut = 0;
      const freshShowtimes = (count: number): string[] => {
        const given = showtimes.slice(handedOut, handedOut + count);
        if (given.length < count) throw new Error('not enough showtimes on sale');
        handedOut += count;
        return given;
      };
      return {
        server,
        devices: Object.fromEntries(names.map((name, i) => [name, list[i]])) as Record<Name, Device>,
        cashier,
        freshShowtimes,
        freshShowtime: () => freshShowtimes(1)[0]!,
        async freshSeats(count?: number) {
          const showtimeId = freshShowtimes(1)[0]!;
          const seats = await freeSeats(server, cashier, showtimeId);
          return { showtimeId, seats: count === undefined ? seats : seats.slice(0, count) };
        },
      };
    },
    (site) => site.server.close(),
  );
}
