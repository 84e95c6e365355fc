/**
 * Invariants 1 and 2 across a crash: the server process is SIGKILLed in the middle of a sales
 * load and started again on the same data directory.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { httpApi, signIn } from './support/http-api.ts';
import { spawnServer, type ServerProcess } from './support/server-process.ts';
import { PRICE_CLASS_OF_KIND } from './support/terminal.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'marquee-restart-'));
const ENV = {
  MARQUEE_DATA_DIR: dataDir,
  MARQUEE_SEED: 'demo',
  MARQUEE_ADMIN_USER: 'admin',
  MARQUEE_ADMIN_PASSWORD: 'restart-test-password',
};
let current: ServerProcess | undefined;

afterAll(() => {
  current?.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a server killed mid-load', () => {
  it('keeps every acknowledged order, never shows a sold seat free, and still expires holds', async () => {
    current = await spawnServer(ENV);
    let url = current.url;
    const api = httpApi(() => url);
    const token = await signIn(api, 'admin', ENV.MARQUEE_ADMIN_PASSWORD);
    const now = Date.now();
    const list = await api(
      'GET',
      `/showtimes?from=${new Date(now + 3_600_000).toISOString()}&to=${new Date(now + 4 * 86_400_000).toISOString()}`,
      { token },
    );
    const showtime = (list.body.showtimes as { id: string; hallId: string }[])[0];
    if (showtime === undefined) throw new Error('demo has no upcoming showtime');
    const details = await api('GET', `/showtimes/${showtime.id}`, { token });
    const adult = (
      details.body.ticketTypes as {
        ticketType: { id: string; code: string };
        prices: { priceClass: string; amount: number }[];
      }[]
    ).find((t) => t.ticketType.code === 'adult');
    if (adult === undefined) throw new Error('no adult ticket type');
    const seatMap = await api('GET', `/showtimes/${showtime.id}/seats`, { token });
    const seats = (seatMap.body.seats as { id: string; kind: string; state: string }[]).filter(
      (s) => s.state === 'free' && (s.kind === 'standard' || s.kind === 'premium'),
    );
    const priceOf = (kind: string) =>
      adult.prices.find((p) => p.priceClass === PRICE_CLASS_OF_KIND[kind])?.amount ?? NaN;

    const acknowledged: { id: string; tickets: { seatId: string }[] }[] = [];
    const abandonedHolds: string[] = [];
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed && next < seats.length) {
        const seat = seats[next++];
        if (seat === undefined) break;
        try {
          // Every third hold is left to expire on its own: 2 s.
          const abandon = next % 3 === 0;
          const hold = await api('POST', '/holds', {
            token,
            body: { showtimeId: showtime.id, seatIds: [seat.id], ...(abandon ? { ttlSeconds: 2 } : {}) },
          });
          if (hold.status !== 201) continue;
          if (abandon) {
            abandonedHolds.push(seat.id);
            continue;
          }
          const price = priceOf(seat.kind);
          const order = await api('POST', '/orders', {
            token,
            body: {
              id: randomUUID(),
              holdId: hold.body.id,
              lines: [{ seatId: seat.id, ticketTypeId: adult.ticketType.id }],
              payments: [{ method: 'cash', amount: price }],
              expectedTotal: price,
            },
          });
          if (order.status === 201) acknowledged.push(order.body);
        } catch {
          // The server died under this request: not acknowledged, so nothing is owed.
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await sleep(1500);
    current.child.kill('SIGKILL');
    killed = true;
    await current.exited;
    await Promise.all(workers);
    expect(acknowledged.length).toBeGreaterThan(5);

    current = await spawnServer(ENV);
    url = current.url;
    const token2 = await signIn(api, 'admin', ENV.MARQUEE_ADMIN_PASSWORD);
    for (const order of acknowledged) {
      const found = await api('GET', `/orders/${order.id}`, { token: token2 });
      expect(found.status).toBe(200);
      expect(found.body.tickets.map((t: { seatId: string }) => t.seatId)).toEqual(
        order.tickets.map((t) => t.seatId),
      );
    }

    // Abandoned holds expire after the restart too, without any client asking.
    await sleep(2600);
    const after = await api('GET', `/showtimes/${showtime.id}/seats`, { token: token2 });
    const states = new Map((after.body.seats as { id: string; state: string }[]).map((s) => [s.id, s.state]));
    for (const seatId of abandonedHolds) expect(states.get(seatId)).toBe('free');

    const db = new Database(join(dataDir, 'marquee.db'), { readonly: true });
    try {
      const valid = db
        .prepare("SELECT seat_id FROM tickets WHERE showtime_id = ? AND status = 'valid' ORDER BY seat_id")
        .all(showtime.id) as { seat_id: string }[];
      const sold = [...states]
        .filter(([, state]) => state === 'sold')
        .map(([id]) => id)
        .sort();
      expect(sold).toEqual(valid.map((t) => t.seat_id));
      for (const order of acknowledged)
        for (const t of order.tickets) expect(states.get(t.seatId)).toBe('sold');
    } finally {
      db.close();
    }

    current.child.kill('SIGTERM');
    const exit = await current.exited;
    expect(exit.code).toBe(0);
    current = undefined;
  }, 120_000);
});
