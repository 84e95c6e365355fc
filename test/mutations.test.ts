/**
 * A terminal's outbox draining into POST /sync/mutations (DESIGN §7): every intent applied exactly
 * once with its own result, retries answered from memory, a refused intent never blocking the ones
 * behind it, and offline door scans reconciled so a double admission is flagged (invariant 3).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MutationResult, MutationsResponse, OrderResponse } from '@marquee/shared';
import type { Device } from './support/enroll.ts';
import { useSyncSite } from './support/sync-site.ts';
import { freeSeats, pullAll, quoteSeats, sellSeats } from './support/terminal.ts';

const site = useSyncSite({
  till: { profile: 'box_office', name: 'Till 1' },
  otherTill: { profile: 'box_office', name: 'Till 2' },
  door: { profile: 'gate', name: 'Door 1' },
  onlineDoor: { profile: 'gate', name: 'Door 2' },
});

interface Mutation {
  id: string;
  name: string;
  args: unknown;
}

async function post(device: Device, mutations: Mutation[], terminalId = device.terminalId) {
  return site.server.api('POST', '/sync/mutations', { token: device.token, body: { terminalId, mutations } });
}

async function postOk(device: Device, mutations: Mutation[]): Promise<MutationResult[]> {
  const res = await post(device, mutations);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as MutationsResponse).results;
}

/** hold.create + sale.commit for `seatIds`, as a till's outbox would queue a sale. */
async function saleBatch(device: Device, showtimeId: string, seatIds: string[]) {
  const quote = await quoteSeats(site.server, device.token, showtimeId, seatIds);
  const holdId = randomUUID();
  const orderId = randomUUID();
  const mutations: Mutation[] = [
    { id: randomUUID(), name: 'hold.create', args: { id: holdId, showtimeId, seatIds } },
    {
      id: randomUUID(),
      name: 'sale.commit',
      args: {
        id: orderId,
        holdId,
        lines: quote.lines,
        payments: [{ method: 'cash', amount: quote.total }],
        expectedTotal: quote.total,
      },
    },
  ];
  return { mutations, holdId, orderId, total: quote.total };
}

async function ordersOfHold(holdId: string) {
  return site.server.ctx.db.read((ex) =>
    ex.all<{ id: string }>('SELECT id FROM orders WHERE hold_id = ?', [holdId]),
  );
}

async function validTickets(showtimeId: string, seatIds: string[]) {
  const rows = await site.server.ctx.db.read((ex) =>
    ex.all<{ seat_id: string }>(
      "SELECT seat_id FROM tickets WHERE showtime_id = ? AND status = 'valid' ORDER BY seat_id",
      [showtimeId],
    ),
  );
  return rows.map((r) => r.seat_id).filter((s) => seatIds.includes(s));
}

describe('a batch from a terminal', () => {
  it('applies hold.create then sale.commit and answers each with its result', async () => {
    const { till } = site.devices;
    const { showtimeId, seats } = await site.freshSeats(2);
    const batch = await saleBatch(till, showtimeId, seats);
    const results = await postOk(till, batch.mutations);

    expect(results.map((r) => [r.id, r.status, r.duplicate])).toEqual([
      [batch.mutations[0]!.id, 'ok', false],
      [batch.mutations[1]!.id, 'ok', false],
    ]);
    expect(results[0]).toMatchObject({ result: { id: batch.holdId, showtimeId, seatIds: seats } });
    const order = (results[1] as { result: OrderResponse }).result;
    expect(order).toMatchObject({ id: batch.orderId, showtimeId, status: 'paid', total: batch.total });
    expect(order.tickets.map((t) => t.seatId).sort()).toEqual([...seats].sort());
    expect(await validTickets(showtimeId, seats)).toEqual([...seats].sort());
  });

  it('answers the same batch posted again with the same results flagged duplicate, and sells nothing twice', async () => {
    const { till } = site.devices;
    const { showtimeId, seats } = await site.freshSeats(3);
    const batch = await saleBatch(till, showtimeId, seats);
    const first = await postOk(till, batch.mutations);
    const again = await postOk(till, batch.mutations);

    expect(again).toEqual(first.map((r) => ({ ...r, duplicate: true })));
    expect(await ordersOfHold(batch.holdId)).toEqual([{ id: batch.orderId }]);
    expect(await validTickets(showtimeId, seats)).toHaveLength(3);
  });

  it('rejects a hold on a seat another terminal took with seats_unavailable, and still applies the next mutation', async () => {
    const { server, cashier } = site;
    const { till, otherTill } = site.devices;
    const { showtimeId, seats } = await site.freshSeats();
    const [taken, free] = seats;
    const theirs = await server.api('POST', '/holds', {
      token: otherTill.token,
      body: { showtimeId, seatIds: [taken] },
    });
    expect(theirs.status).toBe(201);

    const mine = [
      { id: randomUUID(), name: 'hold.create', args: { showtimeId, seatIds: [taken] } },
      { id: randomUUID(), name: 'hold.create', args: { showtimeId, seatIds: [free] } },
    ];
    const results = await postOk(till, mine);
    expect(results[0]).toMatchObject({
      id: mine[0]!.id,
      status: 'rejected',
      duplicate: false,
      error: { code: 'seats_unavailable', details: { seatIds: [taken] } },
    });
    expect(results[1]).toMatchObject({ id: mine[1]!.id, status: 'ok', result: { seatIds: [free] } });

    const map = await server.api('GET', `/showtimes/${showtimeId}/seats`, { token: cashier });
    const states = new Map((map.body.seats as { id: string; state: string }[]).map((s) => [s.id, s.state]));
    expect([states.get(taken!), states.get(free!)]).toEqual(['held', 'held']);
    // The rejection is remembered: a retry is answered, not applied again.
    const retried = await postOk(till, [mine[0]!]);
    expect(retried[0]).toMatchObject({
      status: 'rejected',
      duplicate: true,
      error: { code: 'seats_unavailable' },
    });
  });

  it('rejects a sale whose total differs from the server price with price_mismatch and sells nothing', async () => {
    const { till } = site.devices;
    const { showtimeId, seats } = await site.freshSeats(2);
    const batch = await saleBatch(till, showtimeId, seats);
    const sale = batch.mutations[1]!.args as { expectedTotal: number; payments: { amount: number }[] };
    sale.expectedTotal -= 100;
    sale.payments[0]!.amount -= 100;
    const results = await postOk(till, batch.mutations);
    expect(results.map((r) => r.status)).toEqual(['ok', 'rejected']);
    expect(results[1]).toMatchObject({ error: { code: 'price_mismatch' } });
    expect(await ordersOfHold(batch.holdId)).toEqual([]);
  });

  it('rejects malformed args with validation_failed for that mutation only, not a 400 for the batch', async () => {
    const { till } = site.devices;
    const { showtimeId, seats } = await site.freshSeats();
    const [seat] = seats;
    const mutations = [
      { id: randomUUID(), name: 'hold.create', args: { showtimeId: 'not-a-uuid', seatIds: [] } },
      { id: randomUUID(), name: 'sale.commit', args: 'nonsense' },
      { id: randomUUID(), name: 'hold.create', args: { showtimeId, seatIds: [seat] } },
    ];
    const results = await postOk(till, mutations);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'ok']);
    for (const r of results.slice(0, 2)) expect(r).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('refuses a batch sent under another terminal id with 403 and applies none of it', async () => {
    const { server, cashier } = site;
    const { till, otherTill } = site.devices;
    const { showtimeId, seats } = await site.freshSeats();
    const [seat] = seats;
    const mutations = [{ id: randomUUID(), name: 'hold.create', args: { showtimeId, seatIds: [seat] } }];
    const res = await post(till, mutations, otherTill.terminalId);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(await freeSeats(server, cashier, showtimeId)).toContain(seat);
    // Staff accounts have no outbox.
    const staff = await server.api('POST', '/sync/mutations', {
      token: cashier,
      body: { terminalId: till.terminalId, mutations },
    });
    expect(staff.status).toBe(403);
  });

  it('makes exactly one order when the same batch is posted several times at once', async () => {
    const { till } = site.devices;
    const { showtimeId, seats } = await site.freshSeats(2);
    const batch = await saleBatch(till, showtimeId, seats);
    const answers = await Promise.all([1, 2, 3, 4].map(() => postOk(till, batch.mutations)));

    for (const results of answers) expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
    for (const [i, mutation] of batch.mutations.entries()) {
      const fresh = answers.filter((results) => results[i]?.duplicate === false);
      expect(fresh, `${mutation.name} applied more than once`).toHaveLength(1);
    }
    const orderIds = answers.map((results) => (results[1] as { result: OrderResponse }).result.id);
    expect(new Set(orderIds)).toEqual(new Set([batch.orderId]));
    expect(await ordersOfHold(batch.holdId)).toEqual([{ id: batch.orderId }]);
    expect(await validTickets(showtimeId, seats)).toHaveLength(2);
  });
});

// Last in this file: it moves the server clock to the showtime's doors-open time (device sessions
// do not expire, staff sessions might, so only devices act after the move).
describe('offline door scans', () => {
  it('answers already_admitted for a ticket admitted online and flags the duplicate in the admissions feed', async () => {
    const { server, cashier } = site;
    const { door, onlineDoor } = site.devices;
    const { showtimeId, seats } = await site.freshSeats();
    const [seat] = seats;
    const { order } = await sellSeats(server, cashier, showtimeId, [seat!]);
    const ticket = order.tickets[0]!;
    const details = await server.api('GET', `/showtimes/${showtimeId}`, { token: cashier });
    const startsAt = Date.parse(details.body.showtime.startsAt as string);
    server.clock.advance(Math.max(0, startsAt - 10 * 60_000 - server.clock.now()));

    // Door 2 is online and admits the holder.
    const online = await server.api('POST', '/admissions', {
      token: onlineDoor.token,
      body: { token: ticket.token, showtimeId },
    });
    expect(online.status).toBe(200);
    expect(online.body.verdict).toBe('admitted');
    const since = (await pullAll(server, door.token, 'admissions')).checkpoint;

    // Door 1 was partitioned, let someone in on the same ticket, and now syncs its outbox.
    const admissionId = randomUUID();
    const scan = {
      id: randomUUID(),
      name: 'admission.record',
      args: {
        admissionId,
        token: ticket.token,
        at: new Date(server.clock.now() - 60_000).toISOString(),
        localVerdict: 'admitted',
        showtimeId,
      },
    };
    const [result] = await postOk(door, [scan]);
    expect(result).toMatchObject({
      id: scan.id,
      status: 'ok',
      duplicate: false,
      result: { verdict: 'already_admitted', duplicate: true },
    });

    const feed = await pullAll(server, door.token, 'admissions', since);
    expect(feed.documents).toEqual([
      expect.objectContaining({ id: admissionId, ticketId: ticket.id, duplicate: true, _deleted: false }),
    ]);

    // The outbox retrying it (answer lost) neither records nor flags it twice.
    const [retried] = await postOk(door, [scan]);
    expect(retried).toMatchObject({ status: 'ok', duplicate: true, result: { verdict: 'already_admitted' } });
    const rows = await server.ctx.db.read((ex) =>
      ex.all<{ duplicate: number }>(
        'SELECT duplicate FROM admissions WHERE ticket_id = ? ORDER BY duplicate',
        [ticket.id],
      ),
    );
    expect(rows).toEqual([{ duplicate: 0 }, { duplicate: 1 }]);
  });
});
