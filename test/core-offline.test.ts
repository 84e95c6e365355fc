/**
 * A terminal cut off from its server (DESIGN §6): offline sales end with the lease on the monotonic
 * clock whatever the wall clock says; offline doors verify tickets from the replica alone; doors
 * that admitted the same ticket while partitioned are reconciled as one admission plus a flagged
 * duplicate; and a door coming back catches up with only the documents that changed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SYNC_COLLECTIONS,
  base45Decode,
  base45Encode,
  decodeTicketToken,
  generateSigningKeyPair,
  signTicket,
} from '@marquee/shared';
import { publishSeatMap } from '../sync-server/src/sync/change-log.ts';
import { ADMIN, startTestServer, type TestServer } from './support/server.ts';
import { startCore, type TestCore } from './support/core.ts';
import { waitFor } from './support/wait.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import { createTestShowtime, type TestShowtime } from './support/test-showtime.ts';

let server: TestServer;
let show: TestShowtime;
let otherShow: TestShowtime;
/** Sells online for the doors to scan; never cut off. */
let till: TestCore;
const opened: { close(): unknown }[] = [];

const HOUR = 3_600_000;

beforeAll(async () => {
  server = await startTestServer();
  const now = server.clock.now();
  // Doors are open (an hour before the start) and the show is within a one-hour lease policy.
  show = await createTestShowtime(server, { startsAt: now + 40 * 60_000 });
  otherShow = await createTestShowtime(server, { startsAt: now + 45 * 60_000 });
  till = await startCore(server, 'box_office', { leasePolicy: { seatsPerShowtime: 0, hoursAhead: 0 } });
});

afterAll(async () => {
  for (const item of opened.reverse()) await item.close();
  till.close();
  await server.close();
});

async function proxied(): Promise<FaultProxy> {
  const proxy = await startFaultProxy(Number(new URL(server.url).port), { seed: opened.length + 1 });
  opened.push(proxy);
  return proxy;
}

async function coreBehind(
  proxy: FaultProxy,
  profile: 'gate' | 'box_office',
  leasePolicy?: { seatsPerShowtime: number; hoursAhead: number },
): Promise<TestCore> {
  const core = await startCore(server, profile, {
    serverUrl: proxy.url,
    ...(leasePolicy === undefined ? {} : { leasePolicy }),
  });
  opened.push(core);
  return core;
}

async function goOffline(proxy: FaultProxy, ...cores: TestCore[]): Promise<void> {
  proxy.cut();
  await waitFor(() => cores.every((c) => c.core.status().connection !== 'online'), 10_000, 'offline');
}

async function heal(proxy: FaultProxy, ...cores: TestCore[]): Promise<void> {
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

async function sellOnline(seats: number, showtime = show) {
  const seatIds = await till.call('seats.bestAvailable', { showtimeId: showtime.id, count: seats });
  if (seatIds === null) throw new Error('sold out');
  const hold = await till.call('seats.hold', { showtimeId: showtime.id, seatIds });
  const lines = seatIds.map((seatId) => ({ seatId, ticketTypeId: showtime.adultTicketTypeId }));
  const quote = await till.call('order.quote', { showtimeId: showtime.id, lines });
  const sale = await till.call('order.sell', {
    holdId: hold.id,
    lines,
    payments: [{ method: 'card', amount: quote.total }],
  });
  expect(sale.offline).toBe(false);
  return sale;
}

/** The seats this core may sell offline for the show, once its lease has arrived. */
async function leasedSeats(core: TestCore): Promise<string[]> {
  let seats: string[] = [];
  await waitFor(
    async () => {
      const map = await core.call('seatmap.get', { showtimeId: show.id });
      seats = map.seats.filter((s) => s.mine && s.state === 'leased').map((s) => s.id);
      return seats.length > 0;
    },
    10_000,
    'a lease on the show',
  );
  return seats;
}

async function sellOffline(core: TestCore, seatId: string) {
  const hold = await core.call('seats.hold', { showtimeId: show.id, seatIds: [seatId] });
  expect(hold.offline).toBe(true);
  const lines = [{ seatId, ticketTypeId: show.adultTicketTypeId }];
  const quote = await core.call('order.quote', { showtimeId: show.id, lines });
  return core.core.handle('order.sell', {
    holdId: hold.id,
    lines,
    payments: [{ method: 'cash', amount: quote.total }],
  });
}

describe('offline sales and the clocks', () => {
  it('a wall clock set forward does not end the lease; set back, it cannot stretch the lease past its monotonic deadline', async () => {
    const proxy = await proxied();
    const seller = await coreBehind(proxy, 'box_office', { seatsPerShowtime: 3, hoursAhead: 1 });
    const [first, second, third] = (await leasedSeats(seller)) as [string, string, string];
    await goOffline(proxy, seller);

    // A month ahead on the wall, no time passed on the monotonic clock: the lease still sells.
    seller.clock.wallMs += 30 * 24 * HOUR;
    const sold = await sellOffline(seller, first);
    expect(sold.ok && sold.value.offline).toBe(true);

    // Hours back on the wall while the monotonic clock passes the deadline: refused.
    const hold = await seller.call('seats.hold', { showtimeId: show.id, seatIds: [second] });
    seller.clock.wallMs -= 30 * 24 * HOUR + 5 * HOUR;
    seller.clock.monoMs += 2 * HOUR;
    const lines = [{ seatId: second, ticketTypeId: show.adultTicketTypeId }];
    const late = await seller.core.handle('order.sell', {
      holdId: hold.id,
      lines,
      payments: [{ method: 'cash', amount: 5000 }],
    });
    expect(late.ok ? 'sold' : late.error.code).toBe('lease_expired');
    expect(seller.core.status().leaseSeatsLeft).toBe(0);
    const refused = await seller.core.handle('seats.hold', { showtimeId: show.id, seatIds: [third] });
    expect(refused.ok ? 'held' : refused.error.code).toBe('seats_unavailable');

    await heal(proxy, seller);
    if (!sold.ok) throw new Error('unreachable');
    const order = await server.api('GET', `/orders/${sold.value.orderId}`, { token: server.adminToken });
    expect(order.status).toBe(200);
    expect(order.body.tickets.map((t: { seatId: string }) => t.seatId)).toEqual([first]);
    const seats = await server.api('GET', `/showtimes/${show.id}/seats`, { token: server.adminToken });
    const state = (id: string) => seats.body.seats.find((s: { id: string }) => s.id === id)?.state;
    expect([state(first), state(second), state(third)]).toEqual(['sold', 'leased', 'leased']);
  });
});

describe('an offline door', () => {
  let proxy: FaultProxy;
  let door: TestCore;
  beforeAll(async () => {
    proxy = await proxied();
    door = await coreBehind(proxy, 'gate');
  });

  it('refuses forged, truncated and foreign-key tickets as invalid and records nothing', async () => {
    const sale = await sellOnline(1);
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
    const sale = await sellOnline(2);
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
    const proxyA = await proxied();
    const proxyB = await proxied();
    const doorA = await coreBehind(proxyA, 'gate');
    const doorB = await coreBehind(proxyB, 'gate');
    const sale = await sellOnline(1);
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
      const hold = await server.api('POST', '/holds', {
        token: server.adminToken,
        body: { showtimeId, seatIds: [`A-${String((Math.floor(i / showtimeIds.length) % 8) + 1)}`] },
      });
      if (hold.status !== 201) throw new Error(`hold: ${hold.status} ${JSON.stringify(hold.body)}`);
      const released = await server.api('DELETE', `/holds/${hold.body.id as string}`, {
        token: server.adminToken,
      });
      if (released.status >= 300) throw new Error(`release: ${released.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const rest = changes - 2 * pairs;
  if (rest <= 0) return;
  await server.ctx.db.write(async (ex, tx) => {
    for (let i = 0; i < rest; i++)
      await publishSeatMap(server.ctx, ex, tx, showtimeIds[i % showtimeIds.length]!);
  });
}

describe('a door coming back after an outage', () => {
  for (const changes of [200, 2400]) {
    it(`catches up on ${String(changes)} changes by fetching only the documents that changed, and stays online`, async () => {
      const extra: TestShowtime[] = [];
      for (let i = 0; i < 4; i++)
        extra.push(
          await createTestShowtime(server, {
            startsAt: server.clock.now() + (3 + i) * HOUR,
          }),
        );
      const proxy = await proxied();
      const door = await coreBehind(proxy, 'gate');
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
      await new Promise((resolve) => setTimeout(resolve, 1500));
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

describe('a lease whose grant answer was lost', () => {
  it('is measured from the request on the monotonic clock, not from the late answer', async () => {
    const proxy = await proxied();
    const seller = await coreBehind(proxy, 'box_office', { seatsPerShowtime: 2, hoursAhead: 1 });
    await leasedSeats(seller);
    const terminalId = seller.core.terminalId!;
    // Answers come back slowly; a new show appears and the till asks for a lease on it.
    proxy.delay(3000, 'toClient');
    const late = await createTestShowtime(server, {
      startsAt: server.clock.now() + 50 * 60_000,
    });
    await waitFor(
      async () =>
        (await server.ctx.db.read((ex) =>
          ex.get('SELECT id FROM leases WHERE terminal_id = ? AND showtime_id = ?', [terminalId, late.id]),
        )) !== undefined,
      10_000,
      'the server granted the lease',
    );
    // The grant is applied; its answer dies with the connection, and the till stays cut off.
    await goOffline(proxy, seller);
    seller.clock.advance(20 * 60_000);
    // Back online, the till sends the request again and gets the stored answer.
    await heal(proxy, seller);
    await waitFor(
      async () =>
        (await seller.call('seatmap.get', { showtimeId: late.id })).seats.some(
          (s) => s.mine && s.state === 'leased',
        ),
      10_000,
      'the lease recorded',
    );
    await goOffline(proxy, seller);
    // 20 + 50 minutes since the grant: past the lease, which ends 65 minutes after it.
    seller.clock.advance(50 * 60_000);
    const map = await seller.call('seatmap.get', { showtimeId: late.id });
    const seat = map.seats.find((s) => s.mine && s.state === 'leased')!.id;
    const hold = await seller.core.handle('seats.hold', { showtimeId: late.id, seatIds: [seat] });
    expect(hold.ok ? 'held offline' : hold.error.code).toBe('seats_unavailable');
  });
});

describe('a door whose scan answer is lost', () => {
  it('admits the holder once and records one admission, not a double entry', async () => {
    const proxy = await proxied();
    const door = await coreBehind(proxy, 'gate');
    const ticket = (await sellOnline(1)).tickets[0]!;
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

describe('a till that syncs long after its lease ended', () => {
  it('still delivers the sales it made before the deadline, after the server reclaimed the lease', async () => {
    const own = await startTestServer();
    const proxy = await startFaultProxy(Number(new URL(own.url).port), { seed: 99 });
    const seller = await startCore(own, 'box_office', {
      serverUrl: proxy.url,
      leasePolicy: { seatsPerShowtime: 2, hoursAhead: 1 },
    });
    try {
      const late = await createTestShowtime(own, {
        startsAt: own.clock.now() + 40 * 60_000,
      });
      let seatId: string | undefined;
      await waitFor(
        async () => {
          const map = await seller.call('seatmap.get', { showtimeId: late.id });
          seatId = map.seats.find((s) => s.mine && s.state === 'leased')?.id;
          return seatId !== undefined;
        },
        10_000,
        'a lease on the show',
      );
      await goOffline(proxy, seller);
      const hold = await seller.call('seats.hold', { showtimeId: late.id, seatIds: [seatId!] });
      const lines = [{ seatId: seatId!, ticketTypeId: late.adultTicketTypeId }];
      const quote = await seller.call('order.quote', { showtimeId: late.id, lines });
      const sale = await seller.call('order.sell', {
        holdId: hold.id,
        lines,
        payments: [{ method: 'cash', amount: quote.total }],
      });
      expect(sale.offline).toBe(true);

      // Two days pass before the till is back; the server reclaims the lease meanwhile.
      own.clock.advance(2 * 24 * HOUR);
      await waitFor(
        async () =>
          (
            await own.ctx.db.read((ex) =>
              ex.get<{ n: number }>(
                "SELECT COUNT(*) AS n FROM leases WHERE showtime_id = ? AND status = 'reclaimed'",
                [late.id],
              ),
            )
          )?.n === 1,
        5000,
        'the lease reclaimed',
      );
      seller.clock.advance(2 * 24 * HOUR);
      await heal(proxy, seller);
      const token = await own.login(ADMIN.username, ADMIN.password);
      const order = await own.api('GET', `/orders/${sale.orderId}`, { token });
      expect(order.status).toBe(200);
      expect(order.body.tickets.map((t: { id: string }) => t.id)).toEqual(sale.tickets.map((t) => t.id));
      const seats = await own.api('GET', `/showtimes/${late.id}/seats`, { token });
      expect(seats.body.seats.find((s: { id: string }) => s.id === seatId)?.state).toBe('sold');
      expect(seller.core.status().rejectedOutbox).toBe(0);
    } finally {
      seller.close();
      await proxy.close();
      await own.close();
    }
  });
});
