/**
 * Invariants 1–3 under partitions, delays, resets and a server kill -9 (DESIGN §2, §6, §7): a real
 * server process, two tills and two doors behind fault proxies, a fixed-seed fault schedule.
 */
import { describe, expect, it } from 'vitest';
import { runLobbyScenario } from './support/lobby-scenario.ts';

describe('a lobby partitioned from its server', () => {
  it('sells no seat twice, loses no acknowledged sale or admission, flags double entries and converges', async () => {
    const report = await runLobbyScenario({ seed: 20_240_611, chaosMs: 15_000, serverKills: 1 });
    expect(report.violations).toEqual([]);
    expect(report.serverRestarts).toBe(1);
    expect(report.sales.online).toBeGreaterThan(0);
    expect(report.sales.offline).toBeGreaterThan(0);
    expect(report.sales.queued).toBeGreaterThan(0);
    expect(report.scans.admittedOnline).toBeGreaterThan(0);
    expect(report.scans.admittedOffline).toBeGreaterThan(0);
    expect(report.scans.ticketsAdmittedTwiceWhilePartitioned).toBeGreaterThan(0);
    expect(report.server.duplicateAdmissions).toBeGreaterThan(0);
  }, 120_000);
});
