/**
 * A stock RxDB client (memory storage, replicateRxCollection) replicates showtimes and seat maps
 * straight from the server's /sync/pull and /sync/stream — the protocol is RxDB's own — and sees a
 * hold made by another client arrive without polling.
 */
import { randomUUID } from 'node:crypto';
import { Subject } from 'rxjs';
import { createRxDatabase, type RxDatabase, type RxJsonSchema } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCheckpoint, type Checkpoint, type PullResponse, type SyncCollection } from '@marquee/shared';
import { DEMO_STAFF_PASSWORD, startTestServer, type TestServer } from './support/server.ts';
import { WebSocket } from 'ws';
import { StreamServerMessage } from '@marquee/shared';
import { enrollDevice } from './support/enroll.ts';
import { waitFor } from './support/wait.ts';

interface Doc {
  id: string;
  [key: string]: unknown;
}

const schema = (title: string): RxJsonSchema<Doc> => ({
  title,
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 64 } },
  required: ['id'],
});

let server: TestServer;
let db: RxDatabase;
let socket: WebSocket;
const replications: RxReplicationState<Doc, Checkpoint>[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const device = await enrollDevice(server, 'kiosk');
  db = await createRxDatabase({ name: `marquee-${randomUUID()}`, storage: getRxStorageMemory() });
  await db.addCollections({
    showtimes: { schema: schema('showtimes') },
    seat_maps: { schema: schema('seat_maps') },
  });

  // One stream for both collections; each collection gets its part of every change frame.
  const streams = new Map<
    SyncCollection,
    Subject<{ documents: (Doc & { _deleted: boolean })[]; checkpoint: Checkpoint }>
  >([
    ['showtimes', new Subject()],
    ['seat_maps', new Subject()],
  ]);
  socket = new WebSocket(
    `${server.url.replace(/^http/, 'ws')}/api/v1/sync/stream?access_token=${device.token}`,
  );
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.on('message', (data: Buffer) => {
    const message = StreamServerMessage.parse(JSON.parse(data.toString('utf8')));
    if (message.type !== 'changes') return;
    for (const group of message.changes) {
      streams.get(group.collection)?.next({
        documents: group.documents.map(({ _seq: _omit, ...doc }) => doc as Doc & { _deleted: boolean }),
        checkpoint: message.checkpoint,
      });
    }
  });

  for (const [name, stream$] of streams) {
    const replication = replicateRxCollection<Doc, Checkpoint>({
      collection: db.collections[name]!,
      replicationIdentifier: `marquee-${name}`,
      live: true,
      pull: {
        batchSize: 500,
        stream$: stream$.asObservable(),
        handler: async (checkpoint, batchSize) => {
          const query = new URLSearchParams({ collection: name, limit: String(batchSize) });
          if (checkpoint !== undefined) query.set('checkpoint', formatCheckpoint(checkpoint));
          const res = await fetch(`${server.url}/api/v1/sync/pull?${query.toString()}`, {
            headers: { authorization: `Bearer ${device.token}` },
          });
          const page = (await res.json()) as PullResponse;
          return {
            documents: page.documents.map(({ _seq: _omit, ...doc }) => doc as Doc & { _deleted: boolean }),
            checkpoint: page.checkpoint,
          };
        },
      },
    });
    replications.push(replication);
  }
  await Promise.all(replications.map((r) => r.awaitInitialReplication()));
});

afterAll(async () => {
  for (const r of replications) await r.cancel();
  await db.remove();
  socket.close();
  await server.close();
});

describe('a stock RxDB client', () => {
  it('replicates every showtime and one seat map document per showtime', async () => {
    const total = await server.ctx.db.read((ex) =>
      ex.get<{ n: number }>('SELECT COUNT(*) AS n FROM showtimes'),
    );
    const showtimes = await db.collections['showtimes']!.find().exec();
    const seatMaps = await db.collections['seat_maps']!.find().exec();
    expect(showtimes.length).toBe(total?.n);
    expect(seatMaps.length).toBe(total?.n);
  });

  it("sees another client's hold arrive in its seat-map query without polling", async () => {
    const now = server.clock.now();
    const list = await server.api(
      'GET',
      `/showtimes?from=${new Date(now + 3_600_000).toISOString()}&to=${new Date(now + 86_400_000 * 3).toISOString()}`,
      {
        token: server.adminToken,
      },
    );
    const showtimeId = list.body.showtimes[0].id as string;
    const seats = await server.api('GET', `/showtimes/${showtimeId}/seats`, { token: server.adminToken });
    const seat = (seats.body.seats as { id: string; state: string; kind: string }[]).find(
      (s) => s.state === 'free' && (s.kind === 'standard' || s.kind === 'premium'),
    )!.id;

    const seen: string[] = [];
    const subscription = db.collections['seat_maps']!.findOne(showtimeId).$.subscribe((doc) => {
      const claims = (doc?.toJSON().claims ?? []) as { seatId: string; state: string }[];
      const claim = claims.find((c) => c.seatId === seat);
      if (claim !== undefined) seen.push(claim.state);
    });
    const cashier = await server.login('cashier2', DEMO_STAFF_PASSWORD);
    const hold = await server.api('POST', '/holds', {
      token: cashier,
      body: { showtimeId, seatIds: [seat] },
    });
    expect(hold.status).toBe(201);
    await waitFor(() => seen.includes('held'), 5000, 'the hold in the RxDB query');
    subscription.unsubscribe();
  });
});
