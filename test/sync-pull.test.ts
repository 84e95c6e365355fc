/**
 * Pulling (DESIGN §7) from a real server: RxDB-shaped pages with checkpoints, resync after a
 * restored database, and one seat-map document per showtime that follows every hold and sale.
 */
import { describe, expect, it } from 'vitest';
import type { Checkpoint, SyncDocument } from '@marquee/shared';
import { useSyncSite } from './support/sync-site.ts';
import { holdSeats, pullAll, seatMapIn, seatStateIn, sellSeats } from './support/terminal.ts';

const site = useSyncSite({
  /** Sells. */
  till: { profile: 'box_office', name: 'Till 1' },
  /** Only listens. */
  door: { profile: 'gate', name: 'Door 1' },
});

describe('pull', () => {
  it('answers in the shape RxDB replicates: documents with _deleted and _seq, and the checkpoint of the last one', async () => {
    const { server } = site;
    const { door } = site.devices;
    const res = await server.api('GET', '/sync/pull?collection=showtimes&limit=5', { token: door.token });
    expect(res.status).toBe(200);
    const body = res.body as { documents: SyncDocument[]; checkpoint: Checkpoint };
    expect(Object.keys(body).sort()).toEqual(['checkpoint', 'documents']);
    expect(body.documents).toHaveLength(5);
    const seqs = body.documents.map((d) => d._seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const doc of body.documents) {
      expect(typeof doc.id).toBe('string');
      expect(doc._deleted).toBe(false);
    }
    const health = await server.api('GET', '/health');
    expect(body.checkpoint).toEqual({ epoch: health.body.epoch, seq: seqs.at(-1) });
  });

  it('paging by a small limit visits every showtime exactly once', async () => {
    const { server } = site;
    const { door } = site.devices;
    const paged = await pullAll(server, door.token, 'showtimes', undefined, 37);
    const ids = paged.documents.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    const inDb = await server.ctx.db.read((ex) => ex.all<{ id: string }>('SELECT id FROM showtimes'));
    expect(inDb.length).toBeGreaterThan(37 * 3);
    expect(new Set(ids)).toEqual(new Set(inDb.map((r) => r.id)));
    expect(paged.pages).toBe(Math.ceil(inDb.length / 37));
    // Pulling again from the end finds nothing new.
    const again = await pullAll(server, door.token, 'showtimes', paged.checkpoint);
    expect(again.documents).toEqual([]);
    expect(again.checkpoint).toEqual(paged.checkpoint);
  });

  it('tells a replica from another epoch (a restored database) to resync from the beginning', async () => {
    const { server } = site;
    const { door } = site.devices;
    const fresh = await server.api('GET', '/sync/pull?collection=showtimes&limit=10', { token: door.token });
    const res = await server.api(
      'GET',
      '/sync/pull?collection=showtimes&limit=10&checkpoint=before-restore:999999',
      {
        token: door.token,
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.resync).toBe(true);
    expect(res.body.checkpoint.epoch).toBe(fresh.body.checkpoint.epoch);
    expect(res.body.documents).toEqual(fresh.body.documents);
    expect(fresh.body.resync).toBeUndefined();
  });

  it('refuses a malformed checkpoint or an unknown collection with validation_failed', async () => {
    const { server } = site;
    const { door } = site.devices;
    for (const query of [
      'collection=showtimes&checkpoint=12',
      'collection=everything',
      'collection=showtimes&limit=0',
    ]) {
      const res = await server.api('GET', `/sync/pull?${query}`, { token: door.token });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});

describe('seat map document', () => {
  it('is one document per showtime that changes as a seat is held, sold and released', async () => {
    const { server } = site;
    const { till, door } = site.devices;
    const { showtimeId, seats } = await site.freshSeats();
    const [a, b] = seats;
    const start = (await pullAll(server, door.token, 'seat_maps')).checkpoint;

    const held = await holdSeats(server, till.token, showtimeId, [a!]);
    const afterHold = await pullAll(server, door.token, 'seat_maps', start);
    expect(afterHold.documents.map((d) => d.id)).toEqual([showtimeId]);
    const heldDoc = afterHold.documents[0]!;
    expect(seatMapIn(heldDoc).claims).toContainEqual(
      expect.objectContaining({
        seatId: a,
        state: 'held',
        terminalId: till.terminalId,
        expiresAt: held.expiresAt,
      }),
    );

    await sellSeats(server, till.token, showtimeId, [a!], { holdId: held.id });
    const afterSale = await pullAll(server, door.token, 'seat_maps', afterHold.checkpoint);
    expect(afterSale.documents.map((d) => d.id)).toEqual([showtimeId]);
    expect(seatStateIn(afterSale.documents[0]!, a!)).toBe('sold');

    const second = await holdSeats(server, till.token, showtimeId, [b!]);
    const afterSecond = await pullAll(server, door.token, 'seat_maps', afterSale.checkpoint);
    expect(seatStateIn(afterSecond.documents[0]!, b!)).toBe('held');
    expect((await server.api('DELETE', `/holds/${second.id}`, { token: till.token })).status).toBeLessThan(
      300,
    );
    const afterRelease = await pullAll(server, door.token, 'seat_maps', afterSecond.checkpoint);
    expect(afterRelease.documents.map((d) => d.id)).toEqual([showtimeId]);
    expect(seatStateIn(afterRelease.documents[0]!, b!)).toBe('free');
    expect(seatStateIn(afterRelease.documents[0]!, a!)).toBe('sold');

    // A full pull still has one document per showtime: the latest version only.
    const all = await pullAll(server, door.token, 'seat_maps');
    const ids = all.documents.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    const latest = all.documents.find((d) => d.id === showtimeId)!;
    expect(latest._seq).toBe(afterRelease.documents[0]!._seq);
    expect(seatMapIn(latest).claims.map((c) => [c.seatId, c.state])).toEqual([[a, 'sold']]);
  });
});
