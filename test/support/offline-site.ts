/**
 * A site for the offline tests (DESIGN §6): a real server with two showtimes of their own whose
 * doors are open and which a one-hour lease policy covers, a till that sells online for the doors
 * to scan, and cores that reach the server through fault proxies the tests cut and heal.
 */
import { expect } from 'vitest';
import type { LeasePolicy, TerminalOutput } from '@marquee/shared';
import { startCore, type TestCore } from './core.ts';
import { startFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { perFile } from './per-file.ts';
import { sellBest } from './sell.ts';
import { startTestServer, type TestServer } from './server.ts';
import { createTestShowtime, type TestShowtime } from './test-showtime.ts';
import { waitFor } from './wait.ts';

export interface OfflineSite {
  readonly server: TestServer;
  /** Starts in 40 minutes: its doors are open and a one-hour lease policy covers it. */
  readonly show: TestShowtime;
  /** Starts in 45 minutes, in another hall. */
  readonly otherShow: TestShowtime;
  /** A fault proxy in front of the server, closed after the file. */
  proxied(): Promise<FaultProxy>;
  /** A core that reaches the server only through `proxy`, closed after the file. */
  coreBehind(proxy: FaultProxy, profile: 'gate' | 'box_office', leasePolicy?: LeasePolicy): Promise<TestCore>;
  /** Sells `seats` adult seats online at the site's till (never cut off), by card. */
  sellOnline(seats: number, showtime?: TestShowtime): Promise<TerminalOutput<'order.sell'>>;
}

/** The site of one test file: set up before its tests, closed after them. */
export function useOfflineSite(): OfflineSite {
  const opened: { close(): unknown }[] = [];
  let till: TestCore | undefined;
  return perFile(
    'the offline site',
    async () => {
      const server = await startTestServer();
      const now = server.clock.now();
      // Doors are open (an hour before the start) and the show is within a one-hour lease policy.
      const show = await createTestShowtime(server, { startsAt: now + 40 * 60_000 });
      const otherShow = await createTestShowtime(server, { startsAt: now + 45 * 60_000 });
      const seller = (till = await startCore(server, 'box_office', {
        leasePolicy: { seatsPerShowtime: 0, hoursAhead: 0 },
      }));
      return {
        server,
        show,
        otherShow,
        async proxied() {
          const proxy = await startFaultProxy(Number(new URL(server.url).port), { seed: opened.length + 1 });
          opened.push(proxy);
          return proxy;
        },
        async coreBehind(proxy, profile, leasePolicy) {
          const core = await startCore(server, profile, { serverUrl: proxy.url, leasePolicy });
          opened.push(core);
          return core;
        },
        async sellOnline(seats, showtime = show) {
          const { sale } = await sellBest(seller, showtime.id, showtime.adultTicketTypeId, seats, {
            method: 'card',
          });
          expect(sale.offline).toBe(false);
          return sale;
        },
      } satisfies OfflineSite;
    },
    async (site) => {
      for (const item of opened.reverse()) await item.close();
      till?.close();
      await site.server.close();
    },
  );
}

/** Cuts the proxy and waits until every one of `cores` knows it is offline. */
export async function goOffline(proxy: FaultProxy, ...cores: TestCore[]): Promise<void> {
  proxy.cut();
  await waitFor(() => cores.every((c) => c.core.status().connection !== 'online'), 10_000, 'offline');
}

/** Heals the proxy and waits until every one of `cores` is online with its outbox sent. */
export async function heal(proxy: FaultProxy, ...cores: TestCore[]): Promise<void> {
  proxy.heal();
  await waitFor(
    () =>
      cores.every((c) => {
        const status = c.core.status();
        return status.connection === 'online' && status.pendingOutbox === 0;
      }),
    15_000,
    'online with an empty outbox',
  );
}
