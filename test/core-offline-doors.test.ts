/**
 * Doors cut off from their server (DESIGN §6): an offline door verifies tickets from its replica
 * alone; doors that admitted the same ticket while partitioned are reconciled as one admission plus
 * a flagged duplicate; a door coming back catches up with only the documents that changed; and a
 * scan whose answer is lost is one admission.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SYNC_COLLECTIONS,
  base45Decode,
  base45Encode,
  decodeTicketToken,
  generateSigningKeyPair,
  signTicket,
} from '@marquee/shared';
import { publishSeatMap } from '../sync-server/src/sync/change-log.ts';
import type { TestCore } from './support/core.ts';
import type { FaultProxy } from './support/fault-proxy.ts';
import { goOffline, heal, useOfflineSite } from './support/offline-site.ts';
import { holdSeats, releaseHold } from './support/terminal.ts';
import { createTestShowtime, type TestShowtime } from './support/test-showtime.ts';
import { waitFor } from './support/wait.ts';

const site = useOfflineSite();
const HOUR = 3_600_000;

describe('an offline door', () => {
  let proxy: FaultProxy;
  let door: TestCore;
  beforeAll(async () => {
    proxy = await site.proxied();
    door = await site.coreBehind(proxy, 'gate');
  });

  it('refuses forged, truncated and foreign-key tickets as invalid and records nothing', async () => {
    const { show } = site;
    const sale = await site.sellOnline(1);
    const genuine = sale.tickets[0]!.token;
    const payload = decodeTicketToken(genuine);
    if (!payload.ok) throw new Error('the server issued an undecodable token');
    await goOffline(proxy, door);

    const bytes = base45Decode(genuine);
    if (!bytes.ok) throw new Error('not base45');
    const otherSeat = bytes.value.slice();
    otherSeat[35] = (otherSeat[35]! + 1) % 256; // seat label code, under the signature
    const stranger = generateSigningKeyPair(randomBytes(32));
    const foreign = signTicket({ ...payload.value, keyId: stranger.keyId }, stranger.privateKey);
    // Signed by a stranger but claiming the server's key id.
    const impostor = base45Decode(foreign);
    if (!impostor.ok) throw new Error('not base45');
    const serverKeyId = base45Decode(genuine);
    if (!serverKeyId.ok) throw new Error('not base45');
    impostor.value.set(serverKeyId.value.subarray(38, 44), 38);

    const before = door.core.status().pendingOutbox;
    for (const token of [
      base45Encode(otherSeat),
      genuine.slice(0, -4),
      genuine.slice(0, 30),
      foreign,
      base45Encode(impostor.value),
      'NOT A TICKET',
    ]) {
      const verdict = await door.call('ticket.admit', { token, showtimeId: show.id });
      expect({ token, verdict: verdict.verdict, offline: verdict.offline }).toEqual({
        token,
        verdict: 'invalid',
        offline: true,
      });
    }
    expect(door.core.status().pendingOutbox).toBe(before);
    const real = await door.call('ticket.admit', { token: genuine, showtimeId: show.id });
    expect([real.verdict, real.offline]).toEqual(['admitted', true]);
    await heal(proxy, door);
  });

  it('refuses a ticket refunded while it was online, and a ticket for another showtime', async () => {
    const { server, show, otherShow } = site;
    const sale = await site.sellOnline(2);
    const [refundedTicket, kept] = sale.tickets as [
      (typeof sale.tickets)[number],
      (typeof sale.tickets)[number],
    ];
    const refund = await server.api('POST', `/orders/${sale.orderId}/refund`, {
      token: server.adminToken,
      body: { ticketIds: [refundedTicket.id] },
    });
    expect(refund.status).toBe(200);
    // The refund reaches the door's replica while it is still connected.
    await waitFor(
      async () => (await door.call('ticket.lookup', { token: refundedTicket.token })).verdict === 'refunded',
      5000,
      'the refund replicated',
    );
    await goOffline(proxy, door);

    const refunded = await door.call('ticket.admit', { token: refundedTicket.token, showtimeId: show.id });
    expect([refunded.verdict, refunded.offline]).toEqual(['refunded', true]);
    const elsewhere = await door.call('ticket.admit', { token: kept.token, showtimeId: otherShow.id });
    expect([elsewhere.verdict, elsewhere.offline]).toEqual(['wrong_showtime', true]);
    await heal(proxy, door);
  });
});

describe('two doors partitioned from each other and the server', () => {
  it('both admit the holder; after healing the server has one admission and one flagged duplicate, and a third scan is refused', async () => {
    const { server, show } = site;
    const proxyA = await site.proxied();
    const proxyB = await site.proxied();
    const doorA = await site.coreBehind(proxyA, 'gate');
    const doorB = await site.coreBehind(proxyB, 'gate');
    const sale = await site.sellOnline(1);
    const ticket = sale.tickets[0]!;
    await Promise.all([goOffline(proxyA, doorA), goOffline(proxyB, doorB)]);

    const atA = await doorA.call('ticket.admit', { token: ticket.token, showtimeId: show.id });
    const atB = await doorB.call('ticket.admit', { token: ticket.token, showtimeId: show.id });
    expect([atA.verdict, atA.offline, atB.verdict, atB.offline]).toEqual([
      'admitted',
      true,
      'admitted',
      true,
    ]);

    await Promise.all([heal(proxyA, doorA), heal(proxyB, doorB)]);
    const rows = await server.ctx.db.read((ex) =>
      ex.all<{ terminal_id: string; duplicate: number; verdict: string }>(
        'SELECT terminal_id, duplicate, verdict FROM admissions WHERE ticket_id = ? ORDER BY duplicate',
        [ticket.id],
      ),
    );
    expect(rows.map((r) => [r.verdict, r.duplicate])).toEqual([
      ['admitted', 0],
      ['admitted', 1],
    ]);
    expect(new Set(rows.map((r) => r.terminal_id))).toEqual(
      new Set([doorA.core.terminalId, doorB.core.terminalId]),
    );

    for (const door of [doorA, doorB]) {
      const third = await door.call('ticket.admit', { token: ticket.token, showtimeId: show.id });
      expect([third.verdict, third.offline]).toEqual(['already_admitted', false]);
    }
  });
});

/** The replica's local sequence now (RxDB checkpoint over all collections). */
async function replicaHead(core: TestCore): Promise<number> {
  let head = 0;
  for (const collection of SYNC_COLLECTIONS) {
    let lseq = 0;
    for (;;) {
      const page = await core.call('replica.pull', { collection, checkpoint: { lseq }, limit: 1000 });
      lseq = page.checkpoint.lseq;
      if (page.documents.length < 1000) break;
    }
    head = Math.max(head, lseq);
  }
  return head;
}

/** Documents applied after `lseq`, per the terminal API's RxDB pull handler. */
async function docsAfter(core: TestCore, lseq: number): Promise<number> {
  let n = 0;
  for (const collection of SYNC_COLLECTIONS) {
    const page = await core.call('replica.pull', { collection, checkpoint: { lseq }, limit: 1000 });
    n += page.documents.length;
  }
  return n;
}

/**
 * `changes` changes to the seat maps of `showtimeIds`, as busy tills elsewhere would make: holds
 * taken and released over HTTP (up to 200 changes), then the maps re-published in bulk.
 */
async function churn(changes: number, showtimeIds: string[]): Promise<void> {
  const pairs = Math.ceil(Math.min(changes, 200) / 2);
  let next = 0;
  const worker = async () => {
    while (next < pairs) {
      const i = next++;
      const showtimeId = showtimeIds[i % showtimeIds.length]!;
      const seatId = `A-${String((Math.floor(i / showtimeIds.length) % 8) + 1)}`;
      const hold = await holdSeats(site.server, site.server.adminToken, showtimeId, [seatId]);
      await releaseHold(site.server, site.server.adminToken, hold.id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const rest = changes - 2 * pairs;
  if (rest <= 0) return;
  await site.server.ctx.db.write(async (ex, tx) => {
    for (let i = 0; i < rest; i++)
      await publishSeatMap(site.server.ctx, ex, tx, showtimeIds[i % showtimeIds.length]!);
  });
}

describe('a door coming back after an outage', () => {
  for (const changes of [200, 2400]) {
    it(`catches up on ${String(changes)} changes by fetching only the documents that changed, and stays online`, async () => {
      const { server } = site;
      const extra: TestShowtime[] = [];
      for (let i = 0; i < 4; i++)
        extra.push(
          await createTestShowtime(server, {
            startsAt: server.clock.now() + (3 + i) * HOUR,
          }),
        );
      const proxy = await site.proxied();
      const door = await site.coreBehind(proxy, 'gate');
      await waitFor(
        async () =>
          (
            await door.call('showtimes.list', {
              from: new Date(0).toISOString(),
              to: new Date(Date.now() + 30 * 24 * HOUR).toISOString(),
            })
          ).some((s) => s.id === extra[3]!.id),
        5000,
        'the door has the programme',
      );
      const head = await replicaHead(door);
      await goOffline(proxy, door);
      const streamsBefore = proxy.count('/sync/stream');
      const pullsBefore = proxy.count('/sync/pull');

      const seqBefore = await server.ctx.db.read((ex) => ex.get<{ seq: number }>('SELECT seq FROM sites'));
      await churn(
        changes,
        extra.map((s) => s.id),
      );
      const changed = await server.ctx.db.read((ex) =>
        ex.all<{ collection: string; id: string }>('SELECT collection, id FROM sync_docs WHERE seq > ?', [
          seqBefore!.seq,
        ]),
      );
      // Every change touched one of four seat maps.
      expect(changed.length).toBe(extra.length);

      proxy.heal();
      await waitFor(async () => (await docsAfter(door, head)) >= changed.length, 10_000, 'caught up');
      await waitFor(() => door.core.status().connection === 'online', 10_000, 'online');
      // Settle, then look: a door stuck in a resync loop would keep reconnecting and re-pulling.
      await sleep(1500);
      expect(door.core.status().connection).toBe('online');
      expect(proxy.count('/sync/stream') - streamsBefore).toBe(1);
      // One pull per collection (a second, usually empty, for some): not a loop.
      expect(proxy.count('/sync/pull') - pullsBefore).toBeGreaterThanOrEqual(SYNC_COLLECTIONS.length);
      expect(proxy.count('/sync/pull') - pullsBefore).toBeLessThanOrEqual(2 * SYNC_COLLECTIONS.length);
      // Each changed document arrived once, in its latest version, and nothing else did.
      expect(await docsAfter(door, head)).toBe(changed.length);
      expect((await replicaHead(door)) - head).toBe(changed.length);
      const map = await door.call('seatmap.get', { showtimeId: extra[0]!.id });
      expect(map.seats.filter((s) => s.state !== 'free')).toEqual([]);
    }, 60_000);
  }
});

describe('a door whose scan answer is lost', () => {
  it('admits the holder once and records one admission, not a double entry', async () => {
    const { server, show } = site;
    const proxy = await site.proxied();
    const door = await site.coreBehind(proxy, 'gate');
    const ticket = (await site.sellOnline(1)).tickets[0]!;
    // The scan reaches the server, which admits; the answer is held up and then the link dies.
    proxy.delay(3000, 'toClient');
    const scanned = door.call('ticket.admit', { token: ticket.token, showtimeId: show.id });
    await waitFor(
      async () =>
        (await server.ctx.db.read((ex) =>
          ex.get('SELECT id FROM admissions WHERE ticket_id = ?', [ticket.id]),
        )) !== undefined,
      5000,
      'the server admitted',
    );
    proxy.cut();
    const verdict = await scanned;
    expect(verdict.verdict).toBe('admitted');
    await heal(proxy, door);
    const rows = await server.ctx.db.read((ex) =>
      ex.all<{ duplicate: number }>('SELECT duplicate FROM admissions WHERE ticket_id = ?', [ticket.id]),
    );
    expect(rows).toEqual([{ duplicate: 0 }]);
    const again = await door.call('ticket.admit', { token: ticket.token, showtimeId: show.id });
    expect([again.verdict, again.offline]).toEqual(['already_admitted', false]);
  });
});
